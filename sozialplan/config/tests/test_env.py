from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sozialplan.config import settings as project_settings
from sozialplan.config.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_positive_int_list,
    env_str,
)

# The root conftest gives every test a database; marked, so pytest-django creates the
# test database even when only this folder runs.
pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(project_settings.__file__)


def test_it_reads_booleans_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_FLAG", "False")
    assert env_bool("SP_FLAG", default=True) is False
    monkeypatch.setenv("SP_FLAG", "yes please")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SP_FLAG", default=True)


def test_it_rejects_a_non_integer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_NUMBER", "12x")
    with pytest.raises(ImproperlyConfigured):
        env_int("SP_NUMBER", 1)


def test_it_reads_secrets_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n", encoding="utf-8")
    monkeypatch.setenv("SP_SECRET_FILE", str(secret))
    assert env_str("SP_SECRET") == "s3cret"


def test_it_splits_lists_at_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_HOSTS", "a.example, b.example,,")
    assert env_list("SP_HOSTS", []) == ["a.example", "b.example"]


def test_it_checks_the_range_of_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_SPEED", "0")
    with pytest.raises(ImproperlyConfigured, match=r"SP_SPEED must be greater than 0, not '0'"):
        env_float("SP_SPEED", 4.5, above=0)
    monkeypatch.setenv("SP_SPEED", "nan")
    with pytest.raises(ImproperlyConfigured, match="SP_SPEED must be a finite number"):
        env_float("SP_SPEED", 4.5, above=0)
    monkeypatch.setenv("SP_SHARE", "1.5")
    with pytest.raises(ImproperlyConfigured, match=r"SP_SHARE must be at most 1, not '1.5'"):
        env_float("SP_SHARE", 0.8, above=0, maximum=1)
    monkeypatch.setenv("SP_SHARE", "1")
    assert env_float("SP_SHARE", 0.8, above=0, maximum=1) == 1.0
    monkeypatch.setenv("SP_MINUTES", "0")
    with pytest.raises(ImproperlyConfigured, match=r"SP_MINUTES must be at least 1, not '0'"):
        env_int("SP_MINUTES", 60, minimum=1)


def test_it_reads_a_list_of_positive_whole_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_THRESHOLDS", "30, 15,15,")
    assert env_positive_int_list("SP_THRESHOLDS", [1]) == [15, 30]
    for bad in ("15,halb", "15,-5", ",", "7.5"):
        monkeypatch.setenv("SP_THRESHOLDS", bad)
        with pytest.raises(ImproperlyConfigured, match="SP_THRESHOLDS must"):
            env_positive_int_list("SP_THRESHOLDS", [1])


def test_it_accepts_only_the_named_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SP_MODE", "walk")
    assert env_choice("SP_MODE", "car", ("walk", "car")) == "walk"
    monkeypatch.setenv("SP_MODE", "bike")
    with pytest.raises(ImproperlyConfigured, match=r"SP_MODE must be one of walk, car, not 'bike'"):
        env_choice("SP_MODE", "car", ("walk", "car"))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NEEDS_GAP_MODE", "bike", "NEEDS_GAP_MODE must be one of walk, car, not 'bike'"),
        ("NEEDS_DECAY", "cubic", "NEEDS_DECAY must be one of step, linear, gaussian, not 'cubic'"),
        ("NEEDS_THRESHOLDS_MIN", "15,dreißig", "NEEDS_THRESHOLDS_MIN must be whole numbers greater than 0"),
        ("NEEDS_WALK_KMH", "-4.5", "NEEDS_WALK_KMH must be greater than 0"),
        ("NEEDS_DETOUR_FACTOR", "0", "NEEDS_DETOUR_FACTOR must be greater than 0"),
        ("NEEDS_CATCHMENT_MIN", "inf", "NEEDS_CATCHMENT_MIN must be a finite number"),
        ("NEEDS_GAP_MIN_SHARE", "80", "NEEDS_GAP_MIN_SHARE must be at most 1"),
        ("NEEDS_GAP_MIN_SHARE", "0", "NEEDS_GAP_MIN_SHARE must be greater than 0"),
        ("NEEDS_COVERAGE_MIN_RATIO", "0", "NEEDS_COVERAGE_MIN_RATIO must be greater than 0"),
        ("NEEDS_RUN_TIMEOUT", "0", "NEEDS_RUN_TIMEOUT must be at least 1"),
    ],
)
def test_the_settings_refuse_a_bad_needs_value_at_start_up(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        # A fresh namespace: the settings Django already uses stay as they are.
        runpy.run_path(str(SETTINGS_FILE))


def test_the_default_needs_settings_load(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEEDS_GAP_MODE", "NEEDS_DECAY", "NEEDS_THRESHOLDS_MIN", "NEEDS_RUN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    loaded = runpy.run_path(str(SETTINGS_FILE))
    assert (loaded["NEEDS_GAP_MODE"], loaded["NEEDS_DECAY"]) == ("car", "gaussian")
    assert (loaded["NEEDS_THRESHOLDS_MIN"], loaded["NEEDS_RUN_TIMEOUT"]) == ([15, 30], 60)
