from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from sozialplan.indicators.catalogue import load_catalogue
from sozialplan.regions.models import District

pytestmark = pytest.mark.django_db

URL = "/api/indikatoren/altenquotient/"


def get_json(client: Client, url: str, status: int = 200, **params: str) -> Any:
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_catalogue_lists_every_indicator(client: Client) -> None:
    data = get_json(client, "/api/indikatoren/")
    assert [i["code"] for i in data["indicators"]] == [d.code for d in load_catalogue()]
    first = data["indicators"][0]
    assert {"code", "name", "unit", "polarity", "kind", "definition", "description"} <= first.keys()
    assert first["handlungsfelder"] == [1]
    assert first["zielgruppen"] == ["alle-generationen"]


def test_it_gives_the_kreis_value_with_interval_and_land_comparison(
    client: Client, district: District, real_statistics: object
) -> None:
    data = get_json(client, URL, kreis="16069", ebene="kreis", stichtag="2018-12-31")
    assert data["period"] == "2018-12-31"
    assert data["level"] == "kreis"
    (value,) = data["values"]
    assert value["area_key"] == "16069"
    assert value["name"] == "Landkreis Hildburghausen"
    assert value["value"] == pytest.approx(100 * 15824 / 37445)
    assert value["lower"] < value["value"] < value["upper"]
    assert value["vs_land"] == "lower" and value["vs_land_label"] == "niedriger"
    assert value["vs_land_modelled"] is False  # official numbers: compared by the 95 % interval
    assert value["sources"] == ["Statistische Ämter des Bundes und der Länder, 12411-02-03-5-B, dl-de/by-2-0"]
    assert data["comparators"]["land"]["value"] == pytest.approx(100 * 551290 / 1232361)


def test_gemeinden_without_age_groups_say_why(client: Client, district: District, real_statistics: object) -> None:
    data = get_json(client, URL, kreis="16069")
    assert data["level"] == "gemeinde"
    assert len(data["values"]) == 32
    first = data["values"][0]
    assert first["value"] is None
    assert "keine passenden Altersgruppen" in first["missing"]


def test_public_values_are_suppressed(
    client: Client, district: District, real_statistics: object, settings: Settings
) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 122  # Ahlstädt: 121 inhabitants (Zensus 2022)
    data = get_json(client, "/api/indikatoren/bevoelkerung/", kreis="16069")
    ahlstaedt = next(v for v in data["values"] if v["name"] == "Ahlstädt")
    assert ahlstaedt["suppressed"] is True
    assert ahlstaedt["value"] is None and ahlstaedt["numerator"] is None
    assert data["suppression_threshold"] == 122


def test_a_symbol_comes_with_its_meaning(client: Client, district: District, real_statistics: object) -> None:
    from sozialplan.indicators.models import Observation

    Observation.objects.filter(region=district.region, sex="", age_from=75).update(value=None, flag=".")
    data = get_json(client, URL, kreis="16069", ebene="kreis", stichtag="2018-12-31")
    (value,) = data["values"]
    assert value["flag"] == "." and value["flag_meaning"] == "Zahlenwert unbekannt oder geheim zu halten"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "kreis"),
        ({"kreis": "1606"}, "kreis"),
        ({"kreis": "16069' OR 1=1 --"}, "kreis"),
        ({"kreis": "16069", "ebene": "bundesland"}, "ebene"),
        ({"kreis": "16069", "ebene": "x" * 5000}, "ebene"),
        ({"kreis": "16069", "stichtag": "31.12.2018"}, "stichtag"),
        ({"kreis": "16069", "stichtag": "2018-02-30"}, "stichtag"),
        ({"kreis": "16069", "stichtag": "0001-01-01"}, "stichtag"),
        ({"kreis": "16069", "stichtag": "2018-12-31\x00"}, "stichtag"),
        ({"kreis": "١٦٠٦٩"}, "kreis"),
    ],
)
def test_bad_parameters_give_400_in_german(
    client: Client, district: District, params: dict[str, str], parameter: str
) -> None:
    data = get_json(client, URL, 400, **params)
    assert data["parameter"] == parameter
    assert data["detail"]


def test_unknown_indicator_or_kreis_gives_404(client: Client, district: District) -> None:
    assert get_json(client, "/api/indikatoren/gibt_es_nicht/", 404, kreis="16069")["detail"]
    # 16071 exists as a Kreis of Thüringen but is not hosted here.
    assert "16071" in get_json(client, URL, 404, kreis="16071")["detail"]


def test_it_is_read_only(client: Client, district: District) -> None:
    response = client.post(URL, {"kreis": "16069"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["detail"]


def test_planning_areas_are_a_level_and_periods_are_listed(
    client: Client, district: District, real_statistics: object
) -> None:
    from sozialplan.regions.models import PlanningArea

    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    room.gemeinden.set(district.gemeinden().filter(name__in=["Heldburg, Stadt", "Ummerstadt, Stadt"]))
    data = get_json(client, "/api/indikatoren/bevoelkerung/", kreis="16069", ebene="planungsraum")
    (value,) = data["values"]
    assert (value["area_key"], value["name"], value["period"]) == (f"pr{room.pk}", "Heldburger Unterland", "2022-05-15")
    assert value["value"] == sum(g.census_population or 0 for g in room.gemeinden.all())
    assert data["comparators"]["kreis"]["value"] == 61411
    kreis = get_json(client, "/api/indikatoren/bevoelkerung/", kreis="16069", ebene="kreis")
    assert kreis["periods"] == ["2018-12-31", "2022-05-15"]
    assert kreis["period"] == "2022-05-15"
