from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sozialplan.indicators.models import Dataset, GridCell
from sozialplan.indicators.tests.test_estimation import GRID
from sozialplan.indicators.tests.test_projection_service import load_land_inputs
from sozialplan.regions.models import Region


@pytest.fixture
def land_inputs(real_statistics: tuple[Dataset, Dataset]) -> Region:
    return load_land_inputs()


def test_it_estimates_ages_and_projects_the_kreis(land_inputs: Region) -> None:
    out = StringIO()
    call_command("estimate_population", "--kreis", "16069", "--years", "2030,2040", "--grid", str(GRID), stdout=out)
    text = out.getvalue()
    # all Gemeinden with a boundary in the database: Hildburghausen's 363 cells and the Ilm-Kreis's
    assert f"{GridCell.objects.count()} Zellen in Gemeinden gespeichert" in text
    assert GridCell.objects.filter(gemeinde__key__startswith="16069").count() == 363
    assert "schaetzung-alter-16069" in text
    assert "Kreis 31.12.2030:" in text and "Kreis 31.12.2040:" in text
    assert Dataset.objects.filter(code="vorausberechnung-gemeinden-16069-G2L2W1").exists()


def test_it_names_the_missing_table_and_writes_nothing(real_statistics: tuple[Dataset, Dataset]) -> None:
    with pytest.raises(CommandError, match=r"Nichts gespeichert\..*12421-0003 importieren"):
        call_command("estimate_population", "--kreis", "16069", "--grid", str(GRID), stdout=StringIO())
    assert not GridCell.objects.exists()
    assert not Dataset.objects.filter(code="schaetzung-alter-16069").exists()


def test_it_refuses_a_bad_kreis_key_and_bad_years(db: None) -> None:
    with pytest.raises(CommandError, match="fünfstelliger"):
        call_command("estimate_population", "--kreis", "160", stdout=StringIO())
    with pytest.raises(CommandError, match="keine Liste von Jahren"):
        call_command("estimate_population", "--kreis", "16069", "--years", "2030,zwei", stdout=StringIO())
