"""The open-data files: ``angebote.csv``, ``angebote.geojson`` and ``hsds.json``.

Each holds every published offer (optionally of one district, ``?district=``)
and is built in a constant number of queries.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from sozialplan.offerings.models import Offering, Site
from sozialplan.opendata import hsds, queries
from sozialplan.regions.models import District

LIST_SEPARATOR = " | "

#: Column headers of angebote.csv, in order.
CSV_COLUMNS = [
    "ID",
    "Name",
    "Kurzname",
    "Träger",
    "Angebotsart",
    "Handlungsfelder",
    "Zielgruppen",
    "Querschnittsthemen",
    "Zielgruppe (Text)",
    "Mindestalter",
    "Höchstalter",
    "Beschreibung",
    "Zeiten",
    "Kosten",
    "kostenfrei",
    "Telefon",
    "E-Mail",
    "Website",
    "Status",
    "LSZ-gefördert",
    "zuletzt geprüft am",
    "Standorte",
    "Adressen",
    "Gemeinden",
    "AGS",
    "Einzugsgebiet",
    "Kreis",
    "Kategorie (Quelle)",
    "Quelle",
    "Stand der Quelle",
    "zuletzt geändert",
    "Seite im Verzeichnis",
]

# Cells starting like this could run as a formula in a spreadsheet (CSV injection, OWASP):
# "=", "+", "-", "@", and TAB or CR (which some programs strip before reading the rest).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Starts like a formula but is plain data a spreadsheet shows as it is: a number ("-5", "-1,5") …
_PLAIN_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]+)?")
# … or a phone number ("+49 3685 700675", "+49 (0)3685/700-675"): digits, spaces, ( ) / - only.
_PHONE_NUMBER = re.compile(r"\+?[0-9 ()/-]+")


def safe_cell(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet could read it as a formula.

    Every cell starting with ``=``, ``+``, ``-``, ``@``, TAB or CR is escaped,
    except a plain number (``-5``, ``-1,5``) and a phone number (``+49 3685
    700675``: digits, spaces, brackets, slashes and hyphens only), which no
    spreadsheet evaluates as a command.
    """
    if not value.startswith(_FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value) or (_PHONE_NUMBER.fullmatch(value) and any(c.isdigit() for c in value)):
        return value
    return "'" + value


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("ja") if value else _("nein")


def _join(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(v for v in values if v)


def offering_row(offering: Offering, detail_url: str) -> list[str]:
    """One CSV row (strings) for a published offering with prefetched relations."""
    sites = list(offering.sites.all())
    gemeinden = [s.gemeinde for s in sites if s.gemeinde is not None]
    cells: list[Any] = [
        str(offering.uuid),
        offering.name,
        offering.alternate_name,
        offering.provider.name if offering.provider else "",
        offering.offer_type.name if offering.offer_type else "",
        _join(f"HF {f.code}: {f.name}" for f in offering.action_fields.all()),
        _join(g.name for g in offering.target_groups.all()),
        _join(t.name for t in offering.themes.all()),
        offering.target_description,
        "" if offering.min_age is None else offering.min_age,
        "" if offering.max_age is None else offering.max_age,
        offering.description,
        offering.schedule_description or _join(s.description for s in offering.schedules.all()),
        offering.cost_description,
        _yes_no(offering.is_free),
        offering.phone,
        offering.email,
        offering.website,
        offering.get_status_display(),
        _yes_no(offering.lsz_funded),
        offering.assured_date.isoformat() if offering.assured_date else "",
        _join(s.name for s in sites),
        _join(s.address_line for s in sites),
        _join(g.name for g in gemeinden),
        _join(g.key for g in gemeinden),
        _join([*(r.name for r in offering.served_regions.all()), offering.service_area_description]),
        offering.district.name,
        offering.category,
        offering.source_url,
        offering.source_date,
        offering.updated_at.isoformat(),
        detail_url,
    ]
    return [safe_cell(str(c)) for c in cells]


def offerings_csv(offerings: Iterable[Offering], detail_url: Any) -> str:
    """The CSV text: ``;``-separated, German headers, lists joined by " | " (BOM added by the view)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for offering in offerings:
        writer.writerow(offering_row(offering, detail_url(offering)))
    return out.getvalue()


def _feature(offering: Offering, site: Site | None, detail_url: str) -> dict[str, Any]:
    geometry = None
    if site is not None and site.latitude is not None and site.longitude is not None:
        geometry = {"type": "Point", "coordinates": [site.longitude, site.latitude]}
    properties: dict[str, Any] = {
        "id": str(offering.uuid),
        "name": offering.name,
        "traeger": offering.provider.name if offering.provider else None,
        "angebotsart": offering.offer_type.name if offering.offer_type else None,
        "handlungsfelder": [f.code for f in offering.action_fields.all()],
        "handlungsfelder_namen": [f.name for f in offering.action_fields.all()],
        "zielgruppen": [g.name for g in offering.target_groups.all()],
        "status": offering.status,
        "lsz_gefoerdert": offering.lsz_funded,
        "zuletzt_geprueft": offering.assured_date.isoformat() if offering.assured_date else None,
        "telefon": offering.phone or None,
        "website": offering.website or None,
        "quelle": offering.source_url or None,
        "url": detail_url,
        "kreis": offering.district.name,
        "einzugsgebiet": [r.name for r in offering.served_regions.all()]
        + ([offering.service_area_description] if offering.service_area_description else []),
    }
    if site is not None:
        properties |= {
            "standort_id": str(site.uuid),
            "standort": site.name,
            "adresse": site.address_line or None,
            "gemeinde": site.gemeinde.name if site.gemeinde else None,
            "ags": site.gemeinde.key if site.gemeinde else None,
            "position_approximate": geometry is not None and site.is_approximate,
            "position_precision": site.position_precision,
        }
    else:
        properties |= {"standort_id": None, "position_approximate": None, "position_precision": None}
    return {
        "type": "Feature",
        "id": f"{offering.uuid}/{site.uuid}" if site else str(offering.uuid),
        "geometry": geometry,
        "properties": properties,
    }


def offerings_geojson(offerings: Iterable[Offering], detail_url: Any) -> dict[str, Any]:
    """A FeatureCollection: one Point per offer × site; offers without a site with ``geometry: null``."""
    features = []
    for offering in offerings:
        sites = list(offering.sites.all())
        url = detail_url(offering)
        if sites:
            features += [_feature(offering, site, url) for site in sites]
        else:
            features.append(_feature(offering, None, url))
    return {
        "type": "FeatureCollection",
        "name": "angebote",
        "attribution": _(
            "Angaben aus öffentlich zugänglichen Quellen, jeweils mit Quellenangabe (Eigenschaft „quelle“)."
        ),
        "features": features,
    }


def offerings_for_download(district: District | None) -> list[Offering]:
    qs = queries.with_relations(queries.published_offerings(district)).select_related("district")
    return list(qs.order_by("name", "pk"))


def hsds_services(offerings: Iterable[Offering]) -> list[dict[str, Any]]:
    return [hsds.service_full(o) for o in offerings]


def detail_url_builder(build_absolute_uri: Any) -> Any:
    def url(offering: Offering) -> str:
        return str(build_absolute_uri(reverse("portal:offer_detail", args=[offering.uuid])))

    return url
