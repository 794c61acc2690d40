"""Upload → preview → import of statistics tables, the dataset pages, every persona and hostile input.

Files are the repository's real downloads (data/statistics, data/regions).
Uploads wait under a temporary ``VAR_DIR`` per test. Uploads through the form
change only the values of the district in the URL: see test_import_scope.py.
"""

from __future__ import annotations

import io
import pickle
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from conftest import PERSONA_NAMES, Personas
from sozialplan.accounts.models import Membership, Role
from sozialplan.audit.models import AuditEntry
from sozialplan.indicators import import_uploads, import_views
from sozialplan.indicators.forms import safe_file_name
from sozialplan.indicators.models import Dataset, Observation, RegionKeyMapping
from sozialplan.regions.models import District, Region, RegionKind
from tests.statistics import load_kreis_regions

pytestmark = pytest.mark.django_db

BASE = "/planung/hildburghausen/statistik/"
UPLOAD = BASE + "import/"
STATISTICS = Path(settings.DATA_DIR) / "statistics"
CLASSIC = STATISTICS / "12411-02-03-5-B_kreise_2018.csv"
LAENDER = STATISTICS / "12411-02-03-5-B_laender_2018.csv"
KREISE_2024 = STATISTICS / "12411-01-01-4_1773175772751_de_flat.csv"
ZENSUS_GEMEINDEN = Path(settings.DATA_DIR) / "regions" / "1000A-0000_1773175153999_de_flat.csv"
GRID = STATISTICS / "zensus2011_grid" / "ALTER_KURZcsv_1000m_3_3.csv"

#: persona → status for pages only planners use (upload, preview, import, delete).
PLANNER_ONLY = {
    "citizen": 302,
    "planner": 200,
    "other_planner": 404,
    "traeger_a": 403,
    "traeger_b": 403,
    "committee": 403,
    "outsider": 404,
}
#: persona → status for the read-only dataset pages.
READ_ONLY = PLANNER_ONLY | {"committee": 200}


@pytest.fixture(autouse=True)
def _var_dir(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def uploads() -> list[Path]:
    """The waiting uploads (named by checksum), without the caches of their parsed tables."""
    directory = Path(settings.VAR_DIR) / "uploads" / "statistics"
    files = sorted(directory.iterdir()) if directory.exists() else []
    return [path for path in files if not path.name.endswith(".table.pickle")]


def caches() -> list[Path]:
    directory = Path(settings.VAR_DIR) / "uploads" / "statistics"
    return sorted(directory.glob("*.table.pickle")) if directory.exists() else []


def zensus_excerpt() -> bytes:
    """The header, the Deutschland row and the Gemeinden of Kreis 16068 of the real 1000A-0000 file, unchanged."""
    lines = ZENSUS_GEMEINDEN.read_bytes().split(b"\n")
    keep = [line for line in lines[1:] if b";DG;" in line or b";16068" in line]
    return b"\n".join([lines[0], *keep]) + b"\n"


def upload_file(path: Path, name: str | None = None, data: bytes | None = None) -> dict[str, SimpleUploadedFile]:
    content = path.read_bytes() if data is None else data
    return {"file": SimpleUploadedFile(name or path.name, content, content_type="text/csv")}


def start(
    client: Client, path: Path, name: str | None = None, data: bytes | None = None, *, slug: str = "hildburghausen"
) -> str:
    """Upload ``path`` (or ``data`` under its name) under the district ``slug`` and return the preview URL."""
    response = client.post(f"/planung/{slug}/statistik/import/", upload_file(path, name, data))
    assert response.status_code == 302, response.content.decode()[:2000]
    location = str(response["Location"])
    assert re.fullmatch(rf"/planung/{slug}/statistik/import/[A-Za-z0-9_-]{{20,64}}/", location)
    return location


def test_every_persona_is_covered() -> None:
    assert set(PLANNER_ONLY) == set(READ_ONLY) == set(PERSONA_NAMES)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_dataset_list_is_for_planners_and_the_committee(
    client_as: Callable[[str], Client], persona: str, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client_as(persona).get(BASE)
    assert response.status_code == READ_ONLY[persona]
    if persona == "citizen":
        assert response["Location"].startswith("/konto/anmelden/")
    if response.status_code == 200:
        text = response.content.decode()
        assert "12411-02-03-5-B" in text
        assert "Bevölkerung kompakt (Zensus 2022)" in text
        assert ("Tabelle importieren" in text) is (persona == "planner")


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_dataset_page_is_for_planners_and_the_committee(
    client_as: Callable[[str], Client], persona: str, real_statistics: tuple[Dataset, Dataset]
) -> None:
    response = client_as(persona).get(BASE + "12411-02-03-5-B/")
    assert response.status_code == READ_ONLY[persona]
    if response.status_code == 200:
        text = response.content.decode()
        assert "Werte in Landkreis Hildburghausen je Ebene und Stichtag" in text
        assert "Statistische Ämter des Bundes und der Länder, 12411-02-03-5-B, dl-de/by-2-0" in text
        assert ("Werte von Landkreis Hildburghausen löschen" in text) is (persona == "planner")


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_upload_is_for_planners_of_the_district_only(client_as: Callable[[str], Client], persona: str) -> None:
    client = client_as(persona)
    assert client.get(UPLOAD).status_code == PLANNER_ONLY[persona]
    response = client.post(UPLOAD, upload_file(LAENDER))
    assert response.status_code == (302 if persona in ("planner", "citizen") else PLANNER_ONLY[persona])
    assert bool(uploads()) is (persona == "planner")
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("persona", [p for p in PERSONA_NAMES if p != "planner"])
def test_preview_import_and_delete_are_for_planners_only(
    client_as: Callable[[str], Client], persona: str, real_statistics: tuple[Dataset, Dataset]
) -> None:
    url = start(client_as("planner"), LAENDER)
    client = client_as(persona)
    assert client.get(url).status_code == PLANNER_ONLY[persona]
    assert client.post(url, {"action": "import"}).status_code == PLANNER_ONLY[persona]
    assert client.get(BASE + "12411-02-03-5-B/loeschen/").status_code == PLANNER_ONLY[persona]
    assert client.post(BASE + "12411-02-03-5-B/loeschen/").status_code == PLANNER_ONLY[persona]
    assert Dataset.objects.count() == 2
    assert Observation.objects.filter(dataset__code="12411-02-03-5-B").count() == 3 * 54


def test_a_planner_uploads_sees_the_preview_and_imports(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    url = start(client, CLASSIC)
    (stored,) = uploads()
    assert re.fullmatch(r"[0-9a-f]{64}", stored.name)
    text = client.get(url).content.decode()
    assert "Vorschau: 12411-02-03-5-B" in text
    assert "GENESIS/Regionalstatistik CSV" in text
    assert "26.406 in der Datei, davon 54 zu speichern" in text
    assert "Altersgruppen: 17 (von „unter 3 Jahre“ bis „75 Jahre und mehr“)" in text
    assert "Zugeordnete Gebiete in Landkreis Hildburghausen" in text
    assert "Hildburghausen, Kreis" in text
    assert (
        "26.352 Werte anderer Gebiete (andere Kreise, Land, Bund) werden nicht übernommen: Über das "
        "Hochladeformular ändert die Sozialplanung nur die Zahlen ihres Landkreises." in text
    )
    assert "Kreis nicht im geladenen Gebietsverzeichnis" not in text  # Erfurt is another district's business
    assert "Zahlenwert unbekannt oder geheim zu halten" in text  # the symbols of the file, with their meaning
    assert not Dataset.objects.exists()
    response = client.post(url, {"action": "import"})
    assert response.status_code == 302
    assert response["Location"] == BASE + "12411-02-03-5-B/"
    page = client.get(response["Location"]).content.decode()
    assert (
        "12411-02-03-5-B: 54 Werte neu, 0 geändert, 0 unverändert, 0 entfernt. "
        "26.352 Werte anderer Gebiete nicht übernommen." in page
    )
    assert "31.12.2018" in page
    dataset = Dataset.objects.get()
    assert (dataset.observation_count, dataset.file_name, dataset.imported_by) == (
        54,
        CLASSIC.name,
        User.objects.get(username="planerin"),
    )
    assert AuditEntry.objects.get(object_type="dataset").district.slug == "hildburghausen"  # type: ignore[union-attr]
    assert not uploads()
    assert not caches()
    expired = client.get(url)
    assert expired["Location"] == UPLOAD
    assert "Diese Vorschau ist abgelaufen" in client.get(UPLOAD).content.decode()


def test_a_second_import_of_the_same_file_changes_nothing(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    client.post(start(client, KREISE_2024), {"action": "import"})
    url = start(client, KREISE_2024)
    assert "Die Tabelle ist schon so gespeichert: ein Import ändert nichts." in client.get(url).content.decode()
    page = client.post(url, {"action": "import"}, follow=True).content.decode()
    assert "12411-01-01-4: nichts geändert (3 Werte unverändert)." in page


def soemmerda_planner(client_as: Callable[[str], Client]) -> Client:
    """A planner of Kreis Sömmerda (16068, GV100AD 30.11.2023): there Riethgen (Zensus 2022) merged into Kindelbrück."""
    load_kreis_regions("16068")
    kreis = Region.objects.get(kind=RegionKind.KREIS, key="16068")
    soemmerda = District.objects.create(region=kreis, slug="soemmerda", name="Landkreis Sömmerda")
    planner = User.objects.create_user("planer-soemmerda")
    Membership.objects.create(user=planner, district=soemmerda, role=Role.PLANNER)
    client = Client()
    client.force_login(planner)
    return client


def test_a_planner_confirms_the_successor_of_a_merged_gemeinde(client_as: Callable[[str], Client]) -> None:
    client = soemmerda_planner(client_as)
    kindelbrueck = Region.objects.get(kind=RegionKind.GEMEINDE, key="16068064")
    hildburghausen = Region.objects.get(kind=RegionKind.GEMEINDE, key="16069024")
    base = "/planung/soemmerda/statistik/"
    url = start(client, ZENSUS_GEMEINDEN, data=zensus_excerpt(), slug="soemmerda")
    text = client.get(url).content.decode()
    assert "Riethgen" in text
    assert f'<option value="{kindelbrueck.pk}">Kindelbrück (16068064) – gleicher Gemeindeverband' in text
    assert "1 Wert anderer Gebiete (andere Kreise, Land, Bund) wird nicht übernommen" in text  # Deutschland
    tampered = client.post(url, {"action": "import", "map_160685005043": str(hildburghausen.pk)})
    assert tampered.status_code == 400
    assert "Bitte prüfen Sie die Zuordnungen." in tampered.content.decode()
    checked = client.post(url, {"action": "preview", "map_160685005043": str(kindelbrueck.pk)})
    assert "wird „Kindelbrück“ zugerechnet" in checked.content.decode()
    assert not Dataset.objects.exists()
    done = client.post(url, {"action": "import", "map_160685005043": str(kindelbrueck.pk)}, follow=True)
    assert "Die Werte von 1 alten Schlüssel wurden dem Nachfolger zugerechnet." in done.content.decode()
    assert Observation.objects.get(region=kindelbrueck).value == pytest.approx(3673 + 239)
    assert RegionKeyMapping.objects.get().confirmed_by == User.objects.get(username="planer-soemmerda")
    assert "Bestätigte Zuordnungen alter Gebietsschlüssel" in client.get(base).content.decode()


def test_a_planner_cannot_map_an_old_key_of_another_kreis(client_as: Callable[[str], Client]) -> None:
    soemmerda_planner(client_as)  # loads Kreis Sömmerda, where Riethgen lay
    client = client_as("planner")
    url = start(client, ZENSUS_GEMEINDEN, data=zensus_excerpt())
    assert "Riethgen" not in client.get(url).content.decode()
    hildburghausen = Region.objects.get(kind=RegionKind.GEMEINDE, key="16069024")
    response = client.post(url, {"action": "import", "map_160685005043": str(hildburghausen.pk)})
    # The excerpt has no Gemeinde of Hildburghausen: nothing to import, and the forged field is ignored.
    assert "keine Werte für Gebiete von Landkreis Hildburghausen" in response.content.decode()
    assert not RegionKeyMapping.objects.exists()
    assert not Dataset.objects.exists()


def test_a_grid_tile_is_previewed_with_the_cells_in_the_district(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    url = start(client, GRID)
    text = client.get(url).content.decode()
    assert "Zensus 2011: Personen nach Alter (5 Altersklassen) im 1 km-Gitter" in text
    assert "davon in Landkreis Hildburghausen" in text
    response = client.post(url, {"action": "import"})
    assert response["Location"] == BASE + "zensus2011-grid-ALTER_KURZ-1km/"
    assert "Gitterzellen" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("leer.csv", b"", "Die Datei ist leer."),
        ("bild.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "Das Dateiformat ist nicht erkannt."),
        ("kaputt.csv", KREISE_2024.read_bytes()[:400], "Zeile 2: Die Zeile hat 8 statt 17 Felder."),
        ("utf16.csv", "statistics_code;x".encode("utf-16"), "UTF-16"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_form(
    client_as: Callable[[str], Client], name: str, data: bytes, message: str
) -> None:
    response = client_as("planner").post(UPLOAD, upload_file(CLASSIC, name=name, data=data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not uploads()


def test_a_missing_file_is_refused(client_as: Callable[[str], Client]) -> None:
    response = client_as("planner").post(UPLOAD, {})
    assert response.status_code == 400
    assert "Bitte eine Datei auswählen." in response.content.decode()


def test_a_huge_file_is_refused_before_reading(client_as: Callable[[str], Client], settings: Settings) -> None:
    settings.MAX_UPLOAD_BYTES = 10_000
    response = client_as("planner").post(UPLOAD, upload_file(CLASSIC))
    assert response.status_code == 400
    assert "Die Datei ist zu groß (140,6\xa0KB); erlaubt sind höchstens 9,8\xa0KB." in response.content.decode()
    assert not uploads()


def test_a_hostile_file_name_is_shown_escaped_and_never_used_as_path(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    url = start(client, KREISE_2024, name="<img src=x onerror=alert(1)>.csv")
    text = client.get(url).content.decode()
    assert "<img src=x" not in text
    assert "Datei „&lt;img src=x onerror=alert(1)&gt;.csv“" in text
    url = start(client, KREISE_2024, name="../../etc/passwd.csv")
    (stored,) = uploads()  # the same content: one file, named by its checksum
    assert len(caches()) == 2  # one parsed table per file name (the name can give the table code)
    assert stored.parent == Path(settings.VAR_DIR) / "uploads" / "statistics"
    assert re.fullmatch(r"[0-9a-f]{64}", stored.name)
    client.post(url, {"action": "import"})
    assert Dataset.objects.get().file_name == "passwd.csv"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..\\..\\windows\\tabelle.csv", "tabelle.csv"),
        ("tab\x00el\r\nle.csv", "tabelle.csv"),
        ("../", "Datei"),
        ("x" * 300 + ".csv", "x" * 120),
    ],
)
def test_file_names_are_cut_to_their_last_part_without_control_characters(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_a_token_of_another_user_or_district_is_expired(
    client_as: Callable[[str], Client], personas: Personas, district: District
) -> None:
    url = start(client_as("planner"), LAENDER)
    colleague = User.objects.create_user("kollegin")
    Membership.objects.create(user=colleague, district=district, role=Role.PLANNER)
    other = Client()
    other.force_login(colleague)
    assert other.get(url)["Location"] == UPLOAD
    assert other.post(url, {"action": "import"})["Location"] == UPLOAD
    foreign = client_as("other_planner").get(url.replace("hildburghausen", "ilm-kreis"))
    assert foreign["Location"] == "/planung/ilm-kreis/statistik/import/"
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("token", ["<script>", "x" * 20, "a" * 65])
def test_a_made_up_token_is_expired(client_as: Callable[[str], Client], token: str) -> None:
    response = client_as("planner").get(UPLOAD + token + "/")
    assert response.status_code == 302
    assert response["Location"] == UPLOAD


def test_an_old_upload_expires(client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_as("planner")
    url = start(client, LAENDER)
    monkeypatch.setattr(import_uploads, "UPLOAD_TTL", -1)
    assert client.post(url, {"action": "import"})["Location"] == UPLOAD
    assert not Dataset.objects.exists()


def test_a_changed_file_on_disk_is_not_imported(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    url = start(client, LAENDER)
    (stored,) = uploads()
    stored.write_bytes(KREISE_2024.read_bytes())
    assert client.post(url, {"action": "import"})["Location"] == UPLOAD
    assert not Dataset.objects.exists()


def test_any_error_during_the_import_gets_a_german_message(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_as("planner")
    url = start(client, LAENDER)

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interner Zustand 42")

    monkeypatch.setattr(import_views, "import_table", failing)
    response = client.post(url, {"action": "import"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nichts importiert. Die Datei konnte nicht verarbeitet werden; es wurde nichts gespeichert." in text
    assert "interner Zustand" not in text
    assert not Dataset.objects.exists()


def test_posts_need_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.planner)
    assert client.post(UPLOAD, upload_file(LAENDER)).status_code == 403
    assert not uploads()


def test_a_planner_deletes_the_values_of_the_district_after_confirming(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset], district: District
) -> None:
    client = client_as("planner")
    confirm = client.get(BASE + "12411-02-03-5-B/loeschen/").content.decode()
    assert "Werte von Landkreis Hildburghausen aus dem Datensatz 12411-02-03-5-B löschen?" in confirm
    assert "54 Werte von Landkreis Hildburghausen werden gelöscht." in confirm
    assert "108 Werte anderer Landkreise, des Landes und des Bundes bleiben erhalten, ebenso der Datensatz." in confirm
    response = client.post(BASE + "12411-02-03-5-B/loeschen/", follow=True)
    assert (
        "54 Werte von Landkreis Hildburghausen wurden aus dem Datensatz 12411-02-03-5-B gelöscht; "
        "die 108 Werte anderer Gebiete bleiben." in response.content.decode()
    )
    dataset = Dataset.objects.get(code="12411-02-03-5-B")
    assert dataset.observation_count == 108
    assert set(dataset.observations.values_list("region__key", flat=True)) == {"16070", "16"}
    assert AuditEntry.objects.get(action="deleted").district == district
    assert client.get(BASE + "12411-02-03-5-B/").status_code == 404  # nothing of Hildburghausen left


def test_the_dataset_goes_when_the_last_values_are_deleted(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset]
) -> None:
    census = real_statistics[1]
    census.observations.exclude(region__key__startswith="16069").delete()
    client = client_as("planner")
    confirm = client.get(BASE + "1000A-0000/loeschen/").content.decode()
    assert "Andere Gebiete haben keine Werte in diesem Datensatz: er wird danach ganz gelöscht." in confirm
    response = client.post(BASE + "1000A-0000/loeschen/", follow=True)
    assert "Der Datensatz 1000A-0000 wurde gelöscht." in response.content.decode()
    assert not Dataset.objects.filter(code="1000A-0000").exists()


def test_an_unknown_dataset_is_not_found(client_as: Callable[[str], Client]) -> None:
    assert client_as("planner").get(BASE + "gibt-es-nicht/").status_code == 404
    assert client_as("planner").post(BASE + "gibt-es-nicht/loeschen/").status_code == 404


def test_the_dataset_page_counts_values_per_level_and_period(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset]
) -> None:
    text = client_as("committee").get(BASE + "12411-02-03-5-B/").content.decode()
    # 31.12.2018: the Kreis Hildburghausen with 54 values; the Ilm-Kreis and the Land are other districts' part.
    assert re.search(r"31\.12\.2018</th>\s*<td[^>]*>Kreis</td>\s*<td[^>]*>1</td>\s*<td[^>]*>54</td>", text)
    assert ">Land</td>" not in text
    assert "162 in allen Gebieten dieser Installation, davon 54 in Landkreis Hildburghausen" in text


def test_the_list_shows_the_share_of_the_district_and_links_only_datasets_with_values_there(
    client_as: Callable[[str], Client], real_statistics: tuple[Dataset, Dataset]
) -> None:
    Dataset.objects.create(code="12421-0003", title="Vorausberechnung", kind="projection", format="projection-csv")
    text = client_as("planner").get(BASE).content.decode()
    assert "davon Landkreis Hildburghausen" in text
    assert f'href="{BASE}12411-02-03-5-B/"' in text
    assert f'href="{BASE}12421-0003/"' not in text


def test_the_list_page_needs_a_constant_number_of_queries(
    client_as: Callable[[str], Client],
    real_statistics: tuple[Dataset, Dataset],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as("planner")
    with django_assert_max_num_queries(12):
        assert client.get(BASE).status_code == 200


_SPRUNG: list[int] = []


def _spring() -> None:
    """Called only if a pickle the server did not sign were loaded."""
    _SPRUNG.append(1)


class _Trap:
    def __reduce__(self) -> tuple[Callable[[], None], tuple[()]]:
        return (_spring, ())


def test_the_preview_and_the_import_use_the_table_read_at_the_upload(
    client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_as("planner")
    url = start(client, KREISE_2024)
    assert len(caches()) == 1

    def no_second_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the upload was read again")

    monkeypatch.setattr(import_uploads, "read_table", no_second_read)
    assert "Vorschau: 12411-01-01-4" in client.get(url).content.decode()
    assert client.post(url, {"action": "import"})["Location"] == BASE + "12411-01-01-4/"


def test_a_cache_file_the_server_did_not_sign_is_never_unpickled(client_as: Callable[[str], Client]) -> None:
    client = client_as("planner")
    url = start(client, KREISE_2024)
    (cache,) = caches()
    cache.write_bytes(b"\x00" * 32 + pickle.dumps(_Trap()))
    assert "Vorschau: 12411-01-01-4" in client.get(url).content.decode()  # read again from the upload
    assert not _SPRUNG
    cache.write_bytes(b"kaputt")
    assert "Vorschau: 12411-01-01-4" in client.get(url).content.decode()
    assert not _SPRUNG


def test_a_zip_that_unpacks_beyond_the_upload_limit_is_refused(
    client_as: Callable[[str], Client], settings: Settings
) -> None:
    settings.MAX_UPLOAD_BYTES = 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(KREISE_2024.name, KREISE_2024.read_bytes())  # 24 KB packed, 294 KB unpacked
    response = client_as("planner").post(UPLOAD, upload_file(KREISE_2024, name="tabelle.zip", data=buffer.getvalue()))
    assert response.status_code == 400
    assert (
        "Das ZIP-Archiv ist entpackt zu groß (294,3\xa0KB); erlaubt sind höchstens 97,7\xa0KB"
        in response.content.decode()
    )
    assert not uploads()
