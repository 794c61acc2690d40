"""HSDS import keeps our rules: dates in range, positions and regions inside the district, valid values only.

Every refusal is a German ``SourceError`` naming the JSON path, and writes
nothing; values we deliberately do not link stay in ``hsds_extra`` so that the
export still gives back the original.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sozialplan.offerings.models import Offering, PositionPrecision, Provider, Site
from sozialplan.opendata import taxonomy as tx
from sozialplan.opendata.hsds_import import import_hsds
from sozialplan.opendata.tests.test_import import counts, example, normalized, service
from sozialplan.regions.models import District, Region
from sozialplan.sources.errors import SourceError


def _location(data: dict[str, Any]) -> dict[str, Any]:
    location: dict[str, Any] = data["service_at_locations"][0]["location"]
    return location


def _change_location(data: dict[str, Any], **values: Any) -> None:
    """Set (or with ``None`` remove) properties of the example's location, in both places it appears.

    ``service_full.json`` nests the same location under the organization and
    under the service_at_location; the organization's copy is imported first.
    """
    same_id = _location(data)["id"]
    copies = [_location(data), *(loc for loc in data["organization"]["locations"] if loc["id"] == same_id)]
    for location in copies:
        for key, value in values.items():
            if value is None:
                location.pop(key, None)
            else:
                location[key] = value


def _refused(district: District, data: Any, expected: str) -> str:
    """Import ``data``, expect a SourceError containing ``expected`` and no record written; the message."""
    before = counts()
    with pytest.raises(SourceError) as error:
        import_hsds(district=district, data=data, actor=None, filename="angebote.json")
    message = str(error.value)
    assert message.startswith("angebote.json: "), message
    assert expected in message, message
    assert counts() == before
    return message


# --- dates ------------------------------------------------------------------------------------------


def _with_date(where: str, value: str) -> dict[str, Any]:
    data: dict[str, Any] = example("service_full.json")
    if where == "last_modified":
        data["last_modified"] = value
    elif where == "assured_date":
        data["assured_date"] = value
    elif where == "valid_from":
        data["schedules"][0]["valid_from"] = value
    elif where == "until":
        data["schedules"][0]["until"] = value
    elif where == "last_action_date":
        data["metadata"][0]["last_action_date"] = value
    return data


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("last_modified", "9999-12-31T23:59:59-12:00", "$.last_modified"),
        ("last_modified", "0001-01-01T00:00:00+01:00", "$.last_modified"),
        ("last_modified", "1899-12-31T12:00:00Z", "$.last_modified"),
        ("assured_date", "0001-01-01", "$.assured_date"),
        ("assured_date", "9999-12-31T23:59:59-12:00", "$.assured_date"),
        ("valid_from", "1000-01-01", "$.schedules[0].valid_from"),
        ("until", "0001-01-01", "$.schedules[0].until"),
        ("last_action_date", "0001-01-01", "$.metadata[0].last_action_date"),
    ],
)
def test_dates_out_of_range_are_refused(district: District, where: str, value: str, path: str) -> None:
    _refused(district, _with_date(where, value), f"{path}: Das Datum „{value}“ liegt außerhalb des zulässigen Bereichs")


def test_dates_at_the_edges_of_the_range_are_kept(district: District) -> None:
    data = example("service_full.json")
    data["assured_date"] = "1900-01-02"
    data["last_modified"] = "9999-12-30T12:00:00Z"
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    assert normalized(service(data["id"])) == normalized(data)


# --- positions and Gemeinden ------------------------------------------------------------------------


def test_coordinates_out_of_range_are_kept_but_give_no_position(district: District) -> None:
    data = example("service_full.json")
    _change_location(data, latitude=91, longitude=500)
    summary = import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    site = Site.objects.get(uuid=_location(data)["id"])
    assert (site.latitude, site.longitude, site.gemeinde) == (None, None, None)
    assert site.position_precision == PositionPrecision.NONE
    assert any("Breite 91, Länge 500" in note and "ohne Lage" in note for note in summary.notes)
    assert normalized(service(data["id"])) == normalized(data)


def test_a_single_coordinate_gives_no_position(district: District) -> None:
    data = example("service_full.json")
    _change_location(data, latitude=50.42, longitude=None)
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    site = Site.objects.get(uuid=_location(data)["id"])
    assert (site.latitude, site.longitude) == (None, None)
    assert normalized(service(data["id"])) == normalized(data)


def test_a_point_in_the_district_gets_its_gemeinde(district: District) -> None:
    hildburghausen = Region.objects.get(key="16069024")
    data = example("service_full.json")
    _change_location(data, latitude=hildburghausen.latitude, longitude=hildburghausen.longitude)
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    site = Site.objects.get(uuid=_location(data)["id"])
    assert site.gemeinde == hildburghausen
    assert site.position_precision == PositionPrecision.EXACT


def test_a_point_outside_the_district_is_refused(district: District) -> None:
    data = example("service_full.json")
    _change_location(data, latitude=52.5170365, longitude=13.3888599)  # Berlin, Brandenburger Tor
    _refused(
        district,
        data,
        "$.organization.locations[0]: Der Standort (Breite 52.5170365, Länge 13.3888599) "
        "liegt nicht im Landkreis Hildburghausen.",
    )


def test_an_ags_of_another_district_links_no_gemeinde(district: District, other_district: District) -> None:
    foreign = other_district.gemeinden().first()
    assert foreign is not None
    data = example("service_full.json")
    _change_location(data, external_identifier=foreign.key, external_identifier_type="AGS")
    summary = import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    assert Site.objects.get(uuid=_location(data)["id"]).gemeinde is None
    assert any(foreign.key in note and "keiner Gemeinde im Landkreis Hildburghausen" in note for note in summary.notes)
    assert normalized(service(data["id"])) == normalized(data)


# --- service areas ----------------------------------------------------------------------------------


def _area(key: str) -> dict[str, Any]:
    area_id = tx.stable_uuid("test-area", key)
    return {
        "id": area_id,
        "name": f"Gebiet {key}",
        "attributes": [tx.attribute(area_id, "service_area", tx.merkmal_term("ags"), key)],
    }


def test_only_the_districts_kreis_and_gemeinden_become_served_regions(
    district: District, other_district: District
) -> None:
    foreign = other_district.gemeinden().first()
    assert foreign is not None
    data = example("service_full.json")
    keys = ["16069", "16069024", other_district.region.key, foreign.key, "11000000", "16"]
    data["service_areas"] += [_area(key) for key in keys]
    summary = import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    offering = Offering.objects.get(uuid=data["id"])
    assert sorted(r.key for r in offering.served_regions.all()) == ["16069", "16069024"]
    assert sum("nicht als Einzugsgebiet verknüpft" in note for note in summary.notes) == 4
    assert normalized(service(data["id"])) == normalized(data)


# --- web addresses and model validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("service", "javascript:alert(1)", "$.url"),
        ("service", "JavaScript:alert(1)", "$.url"),
        ("service", "data:text/html,<script>alert(1)</script>", "$.url"),
        ("organization", "javascript:alert(1)", "$.organization.website"),
        ("accessibility", "javascript:alert(1)", "$.service_at_locations[0].location.accessibility[0].url"),
        ("location", "vbscript:msgbox(1)", "$.service_at_locations[0].location.url"),
        ("service", "ftp://example.com/angebot", "$.url"),
    ],
)
def test_web_addresses_must_be_http_or_https(district: District, where: str, value: str, path: str) -> None:
    data = example("service_full.json")
    if where == "service":
        data["url"] = value
    elif where == "organization":
        data["organization"]["website"] = value
    elif where == "accessibility":
        _location(data)["accessibility"][0]["url"] = value
    else:
        _location(data)["url"] = value
    _refused(district, data, f"{path}: Als Internetadresse sind nur http:// und https:// erlaubt")


def test_a_non_http_source_is_not_stored_as_our_source_url(district: District) -> None:
    data = example("service_full.json")
    quelle = tx.attribute(data["id"], "service", tx.merkmal_term("quelle"), "javascript:alert(1)")
    data["attributes"].append(quelle)
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    assert Offering.objects.get(uuid=data["id"]).source_url == ""
    assert normalized(service(data["id"])) == normalized(data)


def test_an_http_url_our_field_cannot_hold_is_kept_out_of_the_model(district: District) -> None:
    data = example("service_full.json")
    data["url"] = "http://intranet/angebot"  # a URI, but no public web address
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    assert Offering.objects.get(uuid=data["id"]).website == ""
    assert normalized(service(data["id"])) == normalized(data)


@pytest.mark.parametrize(
    ("where", "path"),
    [("service", "$.email"), ("organization", "$.organization.email")],
)
def test_invalid_email_addresses_are_refused(district: District, where: str, path: str) -> None:
    data = example("service_full.json")
    (data if where == "service" else data["organization"])["email"] = "beratung@localhost@x"
    _refused(district, data, f"{path}: ")
    assert not Provider.objects.exists()


def test_nothing_unsafe_reaches_a_model_url_field(district: District) -> None:
    data = example("service_full.json")
    import_hsds(district=district, data=copy.deepcopy(data), actor=None)
    urls = [
        *Offering.objects.values_list("website", flat=True),
        *Offering.objects.values_list("source_url", flat=True),
        *Provider.objects.values_list("website", flat=True),
        *Site.objects.values_list("accessibility_url", flat=True),
    ]
    assert all(url == "" or url.startswith(("http://", "https://")) for url in urls)
