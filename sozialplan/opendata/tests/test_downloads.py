"""The "Offene Daten" page and its CSV, GeoJSON and HSDS files."""

from __future__ import annotations

import csv
import io
import json

from django.test import Client

from sozialplan.offerings.models import Offering
from sozialplan.opendata import hsds_schema
from sozialplan.opendata.downloads import CSV_COLUMNS, safe_cell
from sozialplan.opendata.tests.conftest import Hidden


def test_page_explains_licence_and_links_the_files(client: Client, farbkleckse: Offering) -> None:
    response = client.get("/offene-daten/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="de"' in text
    assert "Angaben aus öffentlich zugänglichen Quellen, jeweils mit Quellenangabe" in text
    assert "© GeoBasis-DE / BKG 2021" in text
    assert "dl-de/by-2-0" in text
    assert "Destatis" in text
    for name in ("angebote.csv", "angebote.geojson", "hsds.json", "angebote-hildburghausen.csv"):
        assert name in text
    assert "/api/hsds/" in text
    assert "style=" not in text
    assert "<script>" not in text


def test_csv_is_excel_friendly_with_german_headers(client: Client, farbkleckse: Offering, hidden: Hidden) -> None:
    response = client.get("/offene-daten/angebote.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="angebote.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "Integrative Kindertagesstätte „Farbkleckse“"
    assert row["Handlungsfelder"] == "HF 2: Vereinbarkeit von Familie und Beruf sowie Mobilität"
    assert row["Zielgruppen"].split(" | ") == ["Kinder unter 6 Jahren", "Menschen mit Behinderung"]
    assert row["AGS"] == "16069024"
    assert row["LSZ-gefördert"] == "ja"
    assert row["Quelle"] == farbkleckse.source_url


def test_csv_cells_cannot_become_formulas() -> None:
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("+cmd") == "'+cmd"
    assert safe_cell("-1+cmd|' /C calc'!A0") == "'-1+cmd|' /C calc'!A0"
    assert safe_cell("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0"
    assert safe_cell("+1+1") == "'+1+1"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("+49 3685|cmd") == "'+49 3685|cmd"
    assert safe_cell("- Beratung") == "'- Beratung"
    assert safe_cell("-") == "'-"
    assert safe_cell("\t=1+1") == "'\t=1+1"
    assert safe_cell("\r=1+1") == "'\r=1+1"


def test_csv_keeps_plain_numbers_and_phone_numbers() -> None:
    for plain in ("-5", "-1,5", "-0.25", "+49 3685 700675", "+49 (0)3685/700-675", "03685 700675", "12", "Beratung"):
        assert safe_cell(plain) == plain


def test_csv_download_escapes_formula_cells(client: Client, farbkleckse: Offering) -> None:
    farbkleckse.name = "-1+cmd|' /C calc'!A0"
    farbkleckse.phone = "+49 3685 700675"
    farbkleckse.save()
    response = client.get("/offene-daten/angebote.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "'-1+cmd|' /C calc'!A0"
    assert row["Telefon"] == "+49 3685 700675"


def test_geojson_has_points_and_district_wide_offers_without_geometry(
    client: Client, farbkleckse: Offering, seniorenbuero: Offering
) -> None:
    response = client.get("/offene-daten/angebote.geojson?district=hildburghausen")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"] == 'attachment; filename="angebote-hildburghausen.geojson"'
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    by_id = {f["properties"]["id"]: f for f in data["features"]}
    point = by_id[str(farbkleckse.uuid)]
    assert point["geometry"]["type"] == "Point"
    assert point["geometry"]["coordinates"][1] > 50
    assert point["properties"]["position_approximate"] is True
    assert point["properties"]["ags"] == "16069024"
    area = by_id[str(seniorenbuero.uuid)]
    assert area["geometry"] is None
    assert area["properties"]["einzugsgebiet"] == ["Hildburghausen", "kreisweit"]


def test_hsds_download_validates_strictly(client: Client, farbkleckse: Offering, seniorenbuero: Offering) -> None:
    response = client.get("/offene-daten/hsds.json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="hsds.json"'
    services = json.loads(response.content)
    assert len(services) == 2
    for service in services:
        assert hsds_schema.errors(service, "service", strict=True) == []


def test_district_filter(client: Client, farbkleckse: Offering) -> None:
    assert json.loads(client.get("/offene-daten/hsds.json?district=ilm-kreis").content) == []
    response = client.get("/offene-daten/angebote.csv?district=%3Cscript%3E")
    assert response.status_code == 400
    assert "district" in response.content.decode()
    # Echoed as plain text (never rendered as HTML; nosniff is on).
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
