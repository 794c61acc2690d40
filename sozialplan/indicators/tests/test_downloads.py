from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from sozialplan.indicators.models import Dataset
from sozialplan.indicators.spreadsheet import Number, Sheet, to_csv
from sozialplan.regions.models import District, PlanningArea

pytestmark = pytest.mark.django_db


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def rows_by_key(content: bytes) -> dict[str, dict[str, str]]:
    """The CSV's rows by "Schlüssel" (AGS, Kreis or Land key)."""
    header, *rows = csv_rows(content)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def atlas_url(fmt: str, *, planner: bool = False, level: str = "gemeinde", code: str = "altenquotient") -> str:
    namespace = "indicators_planner_download" if planner else "indicators_download"
    return reverse(
        f"{namespace}:atlas", kwargs={"district": "hildburghausen", "code": code, "level": level, "fmt": fmt}
    )


def test_the_url_names_the_views_link_to() -> None:
    assert atlas_url("csv") == "/zahlen/hildburghausen/download/atlas/altenquotient/gemeinde.csv"
    assert atlas_url("xlsx", planner=True) == (
        "/planung/hildburghausen/zahlen/download/atlas/altenquotient/gemeinde.xlsx"
    )
    kwargs = {"district": "hildburghausen", "fmt": "csv"}
    assert reverse("indicators_download:overview", kwargs={**kwargs, "level": "gemeinde"}).endswith(
        "/download/uebersicht/gemeinde.csv"
    )
    assert reverse("indicators_planner_download:profile", kwargs={**kwargs, "key": "16069"}).endswith(
        "/zahlen/download/profil/16069.csv"
    )


def test_the_atlas_csv_is_german_excel_ready(client: Client, district: District, real_statistics: object) -> None:
    # 31.12.2018: the Gemeinden have no age groups; the Kreis and the Land follow as comparator rows.
    response = client.get(atlas_url("csv"), {"stichtag": "2018-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="hildburghausen-altenquotient-gemeinde-2018-12-31.csv"' in response["Content-Disposition"]
    rows = rows_by_key(response.content)
    assert len(rows) == 32 + 2
    assert rows["16069024"]["Wert"] == "" and rows["16069024"]["Wert Kreis"] == "42,259"
    row = rows["16069"]
    assert row["Stichtag"] == "31.12.2018"
    assert row["Wert"] == "42,259"  # 100 × 15,824 / 37,445, one decimal more than shown (and one for rounding)
    assert row["Zähler"] == "15824" and row["Nenner"] == "37445"
    assert row["Quellen"] == "Statistische Ämter des Bundes und der Länder, 12411-02-03-5-B, dl-de/by-2-0"
    assert rows["16"]["Gebiet"] == "Thüringen"


def test_the_atlas_xlsx_has_numbers_and_a_sources_sheet(
    client: Client, district: District, real_statistics: object
) -> None:
    response = client.get(atlas_url("xlsx"), {"stichtag": "2018-12-31"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Altenquotient", "Quellen"]
    sheet = book["Altenquotient"]
    header = [c.value for c in sheet[1]]
    kreis = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "16069")
    values = dict(zip(header, [c.value for c in kreis], strict=True))
    assert values["Wert"] == pytest.approx(100 * 15824 / 37445)
    assert values["Zähler"] == 15824
    assert values["Stichtag"] == dt.datetime(2018, 12, 31)
    sources = {row[0].value: row[1].value for row in book["Quellen"].iter_rows()}
    assert sources["Quelle"] == "Statistische Ämter des Bundes und der Länder, 12411-02-03-5-B, dl-de/by-2-0"
    assert sources["Lizenz"] == "dl-de/by-2-0"
    assert sources["Stichtag"] == "31.12.2018"
    assert "unterdrückt" in str(sources["Kleine Fallzahlen"])


def test_public_downloads_suppress_and_planner_downloads_do_not(
    client_as: Callable[[str], Client], district: District, real_statistics: object, settings: Settings
) -> None:
    settings.SMALL_NUMBER_THRESHOLD = 122  # Ahlstädt: 121 inhabitants (Zensus 2022)

    def ahlstaedt(client: Client, planner: bool) -> dict[str, str]:
        response = client.get(atlas_url("csv", planner=planner, level="gemeinde", code="bevoelkerung"))
        assert response.status_code == 200
        header, *rows = csv_rows(response.content)
        return next(dict(zip(header, r, strict=True)) for r in rows if r[1] == "Ahlstädt")

    public = ahlstaedt(client_as("citizen"), planner=False)
    assert public["Wert"] == "" and public["unterdrückt (kleine Fallzahl)"] == "ja"
    planner = ahlstaedt(client_as("planner"), planner=True)
    assert planner["Wert"] == "121" and planner["unterdrückt (kleine Fallzahl)"] == "nein"


PLANNER_DOWNLOADS = [
    "/planung/hildburghausen/zahlen/download/atlas/bevoelkerung/gemeinde.csv",
    "/planung/hildburghausen/zahlen/download/uebersicht/gemeinde.xlsx",
    "/planung/hildburghausen/zahlen/download/profil/16069001.csv",
]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planner", 200),
        ("committee", 200),
        # As the planner pages (offerings.view_workspace): a Träger of the district must not get the
        # unsuppressed numbers.
        ("traeger_a", 403),
        ("traeger_b", 403),
        ("other_planner", 404),
        ("outsider", 404),
    ],
)
def test_planner_downloads_follow_the_access_rule_of_the_planner_pages(
    client_as: Callable[[str], Client], district: District, real_statistics: object, persona: str, status: int
) -> None:
    client = client_as(persona)
    for url in PLANNER_DOWNLOADS:
        assert client.get(url).status_code == status, url


def test_anonymous_users_are_sent_to_the_login(client: Client, district: District) -> None:
    for url in PLANNER_DOWNLOADS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/konto/anmelden/?next=")


def test_the_overview_download_has_a_row_per_area_and_indicator(
    client: Client, district: District, real_statistics: object
) -> None:
    url = reverse(
        "indicators_download:overview", kwargs={"district": "hildburghausen", "level": "gemeinde", "fmt": "csv"}
    )
    header, *rows = csv_rows(client.get(url).content)
    assert len(rows) == 32 * 2  # Bevölkerung and Dichte (Zensus 2022 totals only)
    assert {r[header.index("Stichtag")] for r in rows} == {"15.05.2022"}
    assert {r[header.index("Code")] for r in rows} == {"bevoelkerung", "bevoelkerungsdichte"}
    xlsx = client.get(url.replace(".csv", ".xlsx"))
    sources = {row[0].value: row[1].value for row in load_workbook(io.BytesIO(xlsx.content))["Quellen"].iter_rows()}
    assert "ohne Wert: Jugendquotient" in sources


def test_the_profile_download_has_key_numbers_and_more_sheets(
    client: Client, district: District, real_statistics: object
) -> None:
    room = PlanningArea.objects.create(district=district, name="Heldburger Unterland")
    room.gemeinden.set(district.gemeinden().filter(name__in=["Heldburg, Stadt", "Ummerstadt, Stadt"]))
    kwargs = {"district": "hildburghausen", "fmt": "csv"}
    header, *rows = csv_rows(
        client.get(reverse("indicators_download:profile", kwargs={**kwargs, "key": "16069"})).content
    )
    by_code = {r[header.index("Code")]: dict(zip(header, r, strict=True)) for r in rows}
    # Counts are not compared, so the newest value (the Zensus sum); ratios where the Land has a value.
    assert by_code["bevoelkerung"]["Wert"] == "61411"
    assert by_code["bevoelkerung"]["Stichtag"] == "15.05.2022"
    assert by_code["jugendquotient"]["Stichtag"] == "31.12.2018"
    assert by_code["bevoelkerung"]["Wert Land"] == ""
    # The latest data (Zensus 2022 totals of the Gemeinden) have no age groups.
    assert (
        "Für Landkreis Hildburghausen liegt zum 15.05.2022 kein Wert „Bevölkerung, 80 Jahre und mehr“ vor"
        in by_code["anteil_80_plus"]["fehlt, weil"]
    )
    response = client.get(reverse("indicators_download:profile", kwargs={**kwargs, "key": "16069", "fmt": "xlsx"}))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Kennzahlen", "Zeitreihen", "Altersstruktur", "Vorausberechnung", "Quellen"]
    assert book["Altersstruktur"].max_row == 18  # header and 17 age groups
    assert [c.value for c in book["Zeitreihen"][1]] == [
        "Kennzahl", "Stichtag", "Wert", "Einheit", "Schätzung", "Vorausberechnung"
    ]  # fmt: skip
    assert (
        client.get(reverse("indicators_download:profile", kwargs={**kwargs, "key": f"pr{room.pk}"})).status_code == 200
    )


@pytest.mark.parametrize(
    "url",
    [
        "/zahlen/hildburghausen/download/atlas/altenquotient/gemeinde.pdf",
        "/zahlen/hildburghausen/download/atlas/gibt_es_nicht/gemeinde.csv",
        "/zahlen/gibt-es-nicht/download/atlas/altenquotient/gemeinde.csv",
        "/zahlen/hildburghausen/download/profil/16070.csv",
        "/zahlen/hildburghausen/download/profil/pr999999.csv",
        "/zahlen/hildburghausen/download/profil/16.csv",  # the Land: no profile page either
        "/planung/hildburghausen/zahlen/download/profil/16.csv",
    ],
)
def test_unknown_things_are_404(client_as: Callable[[str], Client], district: District, url: str) -> None:
    assert client_as("planner").get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        # The atlas and overview pages offer Gemeinden and Planungsräume only (their forms answer 400).
        "/zahlen/hildburghausen/download/atlas/altenquotient/kreis.csv",
        "/zahlen/hildburghausen/download/atlas/altenquotient/land.csv",
        "/zahlen/hildburghausen/download/atlas/altenquotient/bund.csv",
        "/zahlen/hildburghausen/download/uebersicht/land.csv",
        "/zahlen/hildburghausen/download/uebersicht/kreis.xlsx",
        "/zahlen/hildburghausen/download/uebersicht/bund.xlsx",
        "/planung/hildburghausen/zahlen/download/uebersicht/land.csv",
    ],
)
def test_levels_the_pages_refuse_are_400(client_as: Callable[[str], Client], district: District, url: str) -> None:
    response = client_as("planner").get(url)
    assert response.status_code == 400
    assert "Unbekannte Ebene" in response.content.decode()


def test_the_pages_and_the_downloads_refuse_the_same_levels(client: Client, district: District) -> None:
    assert client.get("/zahlen/hildburghausen/uebersicht/", {"ebene": "land"}).status_code == 400
    assert client.get("/zahlen/hildburghausen/atlas/", {"ebene": "kreis"}).status_code == 400
    assert client.get("/zahlen/hildburghausen/gebiet/16/").status_code == 404


def test_a_bad_stichtag_is_400(client: Client, district: District) -> None:
    response = client.get(atlas_url("csv"), {"stichtag": "gestern"})
    assert response.status_code == 400
    assert "JJJJ-MM-TT" in response.content.decode()


def test_a_stichtag_without_values_is_400_as_on_the_atlas_page(
    client: Client, district: District, real_statistics: object
) -> None:
    response = client.get(atlas_url("csv", code="bevoelkerung"), {"stichtag": "2017-12-31"})
    assert response.status_code == 400
    assert "Verfügbare Stichtage: 15.05.2022, 31.12.2018." in response.content.decode()
    assert client.get("/zahlen/hildburghausen/atlas/", {"stichtag": "2017-12-31"}).status_code == 400


def test_formulas_in_imported_text_are_escaped(client: Client, district: District, real_statistics: object) -> None:
    # A source line from an uploaded file could try to run a formula in the planner's spreadsheet.
    Dataset.objects.filter(code="12411-02-03-5-B").update(source='=HYPERLINK("http://example.org")')
    content = client.get(atlas_url("csv"), {"stichtag": "2018-12-31"}).content
    assert rows_by_key(content)["16069"]["Quellen"].startswith("'=HYPERLINK")
    header = csv_rows(content)[0]
    book = load_workbook(io.BytesIO(client.get(atlas_url("xlsx"), {"stichtag": "2018-12-31"}).content))
    kreis = next(row for row in book["Altenquotient"].iter_rows(min_row=2) if row[0].value == "16069")
    cell = kreis[header.index("Quellen")]
    assert cell.data_type == "s" and str(cell.value).startswith("=HYPERLINK")


def test_csv_numbers_use_the_decimal_comma_and_keep_negative_numbers_plain() -> None:
    sheet = Sheet(title="t", columns=["a", "b", "c"], rows=[[Number(-1.25, 1), Number(None, 1), "-5"]])
    assert to_csv(sheet).decode("utf-8-sig").splitlines() == ["a;b;c", "-1,2;;-5"]
