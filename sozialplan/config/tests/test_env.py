from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sozialplan.config.env import env_bool, env_int, env_list, env_str


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
