from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from pytest_django.fixtures import Settings

from sozialplan.accounts.models import Membership, Role
from sozialplan.indicators.models import Dataset
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.offerings.models import Offering
from sozialplan.regions import demo
from sozialplan.regions.models import District, PlanningArea
from sozialplan.regions.tests.conftest import kreis_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_regions")]


@pytest.fixture
def demo_data(tmp_path: Path, settings: Settings) -> Path:
    """data/ with the region files cut to Kreis 16069 (fast) and the real offers file."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    regions = tmp_path / "regions"
    regions.mkdir()
    for cut, name in zip(kreis_files(tmp_path, "16069"), demo.REGION_FILES, strict=True):
        cut.rename(regions / name)
    offers = tmp_path / demo.OFFERS_FILE
    offers.parent.mkdir(parents=True)
    shutil.copy(Path(settings.DATA_DIR) / demo.OFFERS_FILE, offers)
    (tmp_path / "statistics").symlink_to(Path(settings.DATA_DIR) / "statistics")
    return tmp_path


@pytest.mark.slow
def test_it_loads_the_demo_and_changes_nothing_the_second_time(
    demo_data: Path, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NEEDS_AUTO_RECOMPUTE = True
    with django_capture_on_commit_callbacks(execute=True):
        result = demo.load_demo(data_dir=demo_data)
    assert result.changed
    district = District.objects.get(slug="hildburghausen")
    assert district.name == "Landkreis Hildburghausen"
    assert district.gemeinden().count() == 32
    assert Offering.objects.filter(district=district).count() == 72
    assert set(PlanningArea.objects.values_list("name", flat=True)) == {"VG Feldstein", "VG Heldburger Unterland"}
    assert result.accounts.created == 4
    assert result.statistics is not None
    assert Dataset.objects.filter(code="schaetzung-alter-16069").exists()
    assert Dataset.objects.filter(code="vorausberechnung-gemeinden-16069-G2L2W1").exists()
    assert AnalysisRun.objects.filter(district=district, status=RunStatus.DONE).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = demo.load_demo(data_dir=demo_data)
    assert not again.changed
    # The unchanged statistics are rewritten, but the finished run covers them: nothing is queued.
    assert list(AnalysisRun.objects.filter(district=district).values_list("status", flat=True)) == [RunStatus.DONE]


def test_the_demo_accounts_have_their_documented_roles(demo_data: Path) -> None:
    demo.load_demo(data_dir=demo_data, statistics=False)
    for account in demo.DEMO_ACCOUNTS:
        user = authenticate(username=account.username, password=account.password)
        assert user is not None, account.username
        membership = Membership.objects.get(user=user)
        assert membership.role == account.role
        if account.role == Role.PROVIDER:
            assert membership.provider is not None and membership.provider.name == account.provider
    documented = (Path(settings.BASE_DIR) / "docs" / "demo.md").read_text(encoding="utf-8")
    for account in demo.DEMO_ACCOUNTS:
        assert f"`{account.username}`" in documented and f"`{account.password}`" in documented


def use_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Make the load_demo command read ``data_dir`` instead of data/."""
    from sozialplan.regions.management.commands import load_demo as command

    monkeypatch.setattr(command, "load_demo", lambda **kw: demo.load_demo(data_dir=data_dir, statistics=False, **kw))


def test_the_command_prints_the_accounts(
    demo_data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_data_dir(monkeypatch, demo_data)
    call_command("load_demo", "--no-progress", "--demo-accounts")  # tests run with DEBUG=False
    out = capsys.readouterr().out
    assert "planung            Passwort: planung-demo" in out
    assert "Angebote (offers.csv) ==\nneu: 72" in out
    assert out.rstrip().endswith("Fertig.")
    call_command("load_demo", "--no-progress", "--demo-accounts")
    assert "Fertig – nichts geändert" in capsys.readouterr().out


def test_it_creates_no_demo_accounts_when_not_in_debug_mode(
    demo_data: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEBUG = False
    use_data_dir(monkeypatch, demo_data)
    call_command("load_demo", "--no-progress")
    assert not Membership.objects.exists()
    assert "Keine Demo-Konten angelegt" in capsys.readouterr().out
