from __future__ import annotations

import codecs
import json
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from pytest_django.fixtures import Settings

from conftest import PERSONA_NAMES
from sozialplan.offerings.models import Offering
from sozialplan.regions.models import District
from sozialplan.sources.offers_csv import COLUMNS

pytestmark = pytest.mark.django_db

URL = "/planung/hildburghausen/import/"
REAL = (settings.DATA_DIR / "offers" / "hildburghausen" / "offers.csv").read_bytes()
HEADER = ",".join(COLUMNS)

#: persona → expected status for GET and POST (the citizen is sent to the login page).
EXPECTED = {
    "citizen": 302,
    "planner": 200,
    "other_planner": 404,
    "traeger_a": 403,
    "traeger_b": 403,
    "committee": 403,
    "outsider": 404,
}


def upload(data: bytes, name: str = "offers.csv") -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def one_row(**values: str) -> bytes:
    row = ",".join(values.get(c, "") for c in COLUMNS)
    return f"{HEADER}\n{row}\n".encode()


def test_every_persona_is_covered() -> None:
    assert set(EXPECTED) == set(PERSONA_NAMES)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_get_is_for_planners_of_the_district_only(client_as: Callable[[str], Client], persona: str) -> None:
    response = client_as(persona).get(URL)
    assert response.status_code == EXPECTED[persona]
    if persona == "citizen":
        assert response["Location"].startswith("/konto/anmelden/")
    if persona == "planner":
        assert "Angebote importieren" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_post_is_for_planners_of_the_district_only(client_as: Callable[[str], Client], persona: str) -> None:
    response = client_as(persona).post(URL, upload(REAL))
    assert response.status_code == EXPECTED[persona]
    assert Offering.objects.count() == (72 if persona == "planner" else 0)


def test_the_planner_sees_the_summary_in_german(client_as: Callable[[str], Client]) -> None:
    response = client_as("planner").post(URL, upload(REAL))
    text = response.content.decode()
    assert "Ergebnis des Imports von offers.csv" in text
    assert "neu angelegt" in text
    assert '<dd class="kern-description-list-item__value">72</dd>' in text
    again = client_as("planner").post(URL, upload(REAL)).content.decode()
    assert '<dd class="kern-description-list-item__value">0</dd>' in again  # nothing new the second time


def test_an_unknown_district_is_not_found(client_as: Callable[[str], Client]) -> None:
    assert client_as("planner").get("/planung/nirgendwo/import/").status_code == 404


def test_the_planner_of_another_district_imports_there_only(
    client_as: Callable[[str], Client], other_district: District
) -> None:
    response = client_as("other_planner").post("/planung/ilm-kreis/import/", upload(REAL))
    assert response.status_code == 200
    assert Offering.objects.filter(district=other_district).count() == 72
    assert not Offering.objects.exclude(district=other_district).exists()


def test_the_form_offers_to_skip_invalid_rows(client_as: Callable[[str], Client]) -> None:
    text = client_as("planner").get(URL).content.decode()
    assert (
        '<label class="kern-label" for="id_skip_invalid">Fehlerhafte Zeilen überspringen und den Rest importieren'
        in text
    )
    assert 'type="checkbox" name="skip_invalid" id="id_skip_invalid" value="on" aria-describedby' in text


def mixed() -> bytes:
    """Two valid rows of offers.csv, then a row with a bad postcode (line 4) and one without name (line 5)."""
    lines = REAL.decode().splitlines()
    bad = [",".join("Tafel" if c == "name" else "123" if c == "postcode" else "" for c in COLUMNS)]
    bad.append(",".join("Eisfeld" if c == "town" else "" for c in COLUMNS))
    return "\n".join([*lines[:3], *bad]).encode()


def test_a_bad_row_imports_nothing_and_every_bad_row_is_listed(client_as: Callable[[str], Client]) -> None:
    response = client_as("planner").post(URL, upload(mixed(), name="angebote.csv"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nichts importiert: 2 Zeilen der Datei angebote.csv sind fehlerhaft." in text
    assert "Fehlerhafte Zeilen in angebote.csv" in text
    assert "keine fünfstellige deutsche Postleitzahl" in text
    assert "Der Name fehlt." in text
    assert '<td class="kern-table__cell kern-table__cell--numeric">4</td>' in text
    assert '<td class="kern-table__cell kern-table__cell--numeric">5</td>' in text
    assert Offering.objects.count() == 0


def test_with_the_checkbox_the_valid_rows_are_imported_and_the_rest_listed(
    client_as: Callable[[str], Client],
) -> None:
    response = client_as("planner").post(URL, {**upload(mixed()), "skip_invalid": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Abgelehnte Zeilen" in text
    assert "keine fünfstellige deutsche Postleitzahl" in text
    assert '<dd class="kern-description-list-item__value">2</dd>' in text
    assert Offering.objects.count() == 2
    assert 'id="id_skip_invalid" value="on" checked' in text


def test_the_summary_lists_offers_without_place_and_local_changes(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    client.post(URL, upload(REAL))
    Offering.objects.filter(name="Evangelische Werrataljugend").update(description="Vom Planungsteam ergänzt.")
    text = client.post(URL, upload(REAL)).content.decode()
    assert "3 Angebote ohne Ort (Adresse in der Quelle nicht genannt)" in text
    assert "„Evangelische Werrataljugend“: lokal geändert, nicht überschrieben (Beschreibung)." in text
    assert Offering.objects.get(name="Evangelische Werrataljugend").description == "Vom Planungsteam ergänzt."


@pytest.mark.parametrize(
    "error",
    [
        OverflowError("date value out of range"),
        ValueError("kaputt"),
        DatabaseError("disk I/O error"),
        UnicodeError("kaputt"),
        RecursionError("maximum recursion depth exceeded"),
        json.JSONDecodeError("Expecting value", "{", 1),
        RuntimeError("interner Zustand 42"),
    ],
)
def test_any_error_of_the_hsds_importer_gets_a_german_message_not_a_server_error(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    hsds_import = pytest.importorskip("sozialplan.opendata.hsds_import")

    def failing(**kwargs: object) -> None:
        raise error

    monkeypatch.setattr(hsds_import, "import_hsds", failing)
    response = client_as("planner").post(URL, upload(b'{"id": "x", "name": "Tafel"}', name="daten.json"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Import fehlgeschlagen" in text
    assert "Nichts importiert:" in text
    assert str(error) not in text  # details go to the log, not to the page
    assert Offering.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'name,traeger\n"kaputt,x\n', "In der Kopfzeile fehlen die Spalten"),
        (f'{HEADER}\n"Tafel,,,,\n'.encode(), "ein Anführungszeichen wird nicht geschlossen"),
        (HEADER.encode() + b"\nTafel,,,\n", "statt 14 Felder"),
        (one_row(name="Ta\x00fel"), "NUL-Bytes"),
        (one_row(name="Bürgerbus Schleusingen").decode().encode("iso-8859-1"), "nicht UTF-8-kodiert"),
        (codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"), "UTF-16"),
        (b"   \n", "Die Datei ist leer."),
    ],
)
def test_a_bad_file_gets_a_german_message_and_writes_nothing(
    client_as: Callable[[str], Client], data: bytes, message: str
) -> None:
    response = client_as("planner").post(URL, upload(data))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nichts importiert." in text
    assert message in text
    assert Offering.objects.count() == 0


def test_an_empty_upload_is_refused(client_as: Callable[[str], Client]) -> None:
    response = client_as("planner").post(URL, upload(b""))
    assert response.status_code == 400
    assert "Die Datei ist leer." in response.content.decode()


def test_a_missing_file_is_refused(client_as: Callable[[str], Client]) -> None:
    response = client_as("planner").post(URL, {})
    assert response.status_code == 400
    assert "Bitte eine Datei auswählen." in response.content.decode()


def test_a_huge_upload_is_refused_before_reading(client_as: Callable[[str], Client], settings: Settings) -> None:
    settings.MAX_UPLOAD_BYTES = 10_000
    response = client_as("planner").post(URL, upload(REAL))
    assert response.status_code == 400
    assert "Die Datei ist zu groß" in response.content.decode()
    assert Offering.objects.count() == 0


def test_hostile_strings_are_stored_verbatim_and_shown_escaped(client_as: Callable[[str], Client]) -> None:
    name = "<script>alert(1)</script> '; DROP TABLE offerings_offering; --"
    client = client_as("planner")
    response = client.post(URL, upload(one_row(name=name, postcode="<i>1</i>")))
    text = response.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;i&gt;1&lt;/i&gt;" in text  # the rejected postcode, escaped
    assert Offering.objects.count() == 0
    client.post(URL, upload(one_row(name=name)))
    assert Offering.objects.get().name == name


def test_a_ten_megabyte_field_is_refused(client_as: Callable[[str], Client]) -> None:
    huge = "x" * 10_000_000
    response = client_as("planner").post(URL, upload(one_row(name=huge)))
    assert response.status_code == 400
    assert "länger als" in response.content.decode()
    assert Offering.objects.count() == 0


def test_json_goes_to_the_hsds_import(client_as: Callable[[str], Client]) -> None:
    response = client_as("planner").post(URL, upload(b"{kein json", name="daten.json"))
    assert response.status_code == 400
    assert "Kein gültiges JSON" in response.content.decode()
