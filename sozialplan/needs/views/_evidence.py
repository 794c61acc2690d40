"""A gap's evidence (``Gap.evidence``, JSON, see :mod:`sozialplan.needs.gap_register`) as table rows.

Known keys get a German label and a number format with the unit; values per
threshold (``{"15": …, "30": …}``) become one row per threshold; the
demographic pressure and the gap rule are spelled out entry by entry.
Unknown keys are shown with a readable label made from their name
("weitere Angabe: …"), so nothing the computation recorded is hidden and no
raw JSON key reaches the page. Values shown elsewhere on the page (method note, kind) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sozialplan.indicators.numbers import format_number
from sozialplan.needs.models import Mode
from sozialplan.needs.views._common import minutes, percent, persons

StrOrPromise = str | Promise
Formatter = Callable[[Any], str]


def _number(places: int, unit: StrOrPromise = "") -> Formatter:
    def text(value: Any) -> str:
        number = format_number(float(value), places)
        return f"{number} {unit}".strip()

    return text


def _plain(value: Any) -> str:
    return str(value) if value not in (None, "") else "–"


def _mode(value: Any) -> str:
    return str(dict(Mode.choices).get(str(value), value))


def _year(value: Any) -> str:
    return str(int(value))


#: key → (label, formatter). Labels with ``%(key)s`` take the threshold of a per-threshold entry.
EVIDENCE: dict[str, tuple[StrOrPromise, Formatter]] = {
    "population": (gettext_lazy("Personen der Zielgruppe in der Gemeinde"), persons),
    "people_affected": (gettext_lazy("betroffene Personen"), persons),
    "threshold_min": (gettext_lazy("Schwelle der Lückenregel"), minutes),
    "share_within_threshold": (gettext_lazy("Anteil der Zielgruppe innerhalb der Schwelle"), percent),
    "reached_within_threshold": (gettext_lazy("Personen der Zielgruppe innerhalb der Schwelle"), persons),
    "shares": (gettext_lazy("Anteil der Zielgruppe mit einem Angebot in %(key)s Minuten"), percent),
    "reached": (gettext_lazy("Personen mit einem Angebot in %(key)s Minuten"), persons),
    "nearest_km": (gettext_lazy("Entfernung zum nächsten Angebot (Mittel)"), _number(1, "km")),
    "nearest_min": (gettext_lazy("Zeit zum nächsten Angebot (Mittel)"), minutes),
    "offers_within": (gettext_lazy("Angebote in %(key)s Minuten erreichbar (Mittel je Person)"), _number(2)),
    "offers_within_threshold": (gettext_lazy("Angebote innerhalb der Schwelle (Mittel je Person)"), _number(2)),
    "offers_in_area": (gettext_lazy("Angebote mit Standort in der Gemeinde"), _number(0)),
    "coverage": (gettext_lazy("2SFCA-Versorgungsquote der Gemeinde je 1.000"), _number(3)),
    "kreis_coverage": (gettext_lazy("2SFCA-Versorgungsquote des Kreises je 1.000"), _number(3)),
    "supply_unit": (gettext_lazy("Einheit der Versorgung"), _plain),
    "shortfall": (gettext_lazy("Unterversorgung (0 bis 1)"), _number(3)),
    "mode": (gettext_lazy("Verkehrsmittel"), _mode),
    "proxy_note": (gettext_lazy("Hinweis zur Zielgruppe"), _plain),
}
#: Nested objects whose entries have labels of their own.
NESTED: dict[str, dict[str, tuple[StrOrPromise, Formatter]]] = {
    "pressure": {
        "value": (gettext_lazy("demografischer Druck (1 oder mehr)"), _number(3)),
        "now": (gettext_lazy("Bevölkerung heute (Vorausberechnung, Personen)"), persons),
        "now_year": (gettext_lazy("Jahr „heute“ der Vorausberechnung"), _year),
        "future": (gettext_lazy("Bevölkerung im Zieljahr (Vorausberechnung, Personen)"), persons),
        "future_year": (gettext_lazy("Zieljahr der Vorausberechnung"), _year),
        "total_ratio": (gettext_lazy("Veränderung der Gesamtbevölkerung der Gemeinde (Faktor)"), _number(3)),
        "age_ratio": (gettext_lazy("Veränderung des Anteils der Altersgruppe im Land (Faktor)"), _number(3)),
        "total_now": (gettext_lazy("Einwohner der Gemeinde heute (Vorausberechnung)"), persons),
        "total_future": (gettext_lazy("Einwohner der Gemeinde im Zieljahr (Vorausberechnung)"), persons),
        "group_ratio": (gettext_lazy("Veränderung der Zielgruppe bis zum Zieljahr (Faktor)"), _number(3)),
        "variant": (gettext_lazy("Variante der Vorausberechnung"), _plain),
        "note": (gettext_lazy("Grundlage des demografischen Drucks"), _plain),
    },
    "rules": {
        "mode": (gettext_lazy("Lückenregel: Verkehrsmittel"), _mode),
        "minutes": (gettext_lazy("Lückenregel: Schwelle"), minutes),
        "min_share": (gettext_lazy("Lückenregel: verlangter Anteil innerhalb der Schwelle"), percent),
        "coverage_min_ratio": (
            gettext_lazy("Lückenregel: Versorgung mindestens dieser Anteil des Kreiswerts"),
            percent,
        ),
        "pressure_year": (gettext_lazy("Lückenregel: Zieljahr des demografischen Drucks"), _year),
        "min_severity": (gettext_lazy("Lückenregel: kleinster Schweregrad einer Lücke"), _number(0)),
    },
}
#: Keys shown elsewhere on the page (method box, kind) or meaningless to readers (the run's id).
SKIPPED = {"method_note", "kind", "method", "demand_note", "run"}


#: Labels of the nested objects, for entries without a label of their own.
NESTED_LABELS: dict[str, StrOrPromise] = {
    "pressure": gettext_lazy("demografischer Druck"),
    "rules": gettext_lazy("Lückenregel"),
}


def fallback_label(key: str, group: str = "") -> str:
    """A readable label for an entry without one: ``"weitere Angabe: new value"`` (never the raw key)."""
    words = " ".join(w for w in key.split("_") if w) or "–"
    label = _("weitere Angabe: %(name)s") % {"name": words}
    if group:
        prefix = NESTED_LABELS.get(group, " ".join(w for w in group.split("_") if w))
        label = f"{prefix}: {label}"
    return label


@dataclass(frozen=True)
class EvidenceRow:
    key: str
    label: str
    value: str


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, float):
        return format_number(value, 0 if value.is_integer() else 2)
    if isinstance(value, int):
        return format_number(value, 0)
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _format(formatter: Formatter | None, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if formatter is None:
        return _text(value)
    try:
        return formatter(value)
    except (TypeError, ValueError):
        return _text(value)


def _nested(key: str, value: Mapping[str, Any]) -> list[EvidenceRow]:
    labels = NESTED[key]
    rows = []
    for sub, inner in value.items():
        if inner is None or inner == "":
            continue
        label, formatter = labels.get(sub) or (fallback_label(sub, key), _text)
        rows.append(EvidenceRow(f"{key}.{sub}", str(label), _format(formatter, inner)))
    return rows


def evidence_rows(evidence: Mapping[str, Any]) -> list[EvidenceRow]:
    """The evidence as (key, German label, value with unit) rows, in the order it was recorded."""
    rows: list[EvidenceRow] = []
    for key, value in evidence.items():
        if key in SKIPPED or value == "":
            continue
        if key in NESTED and isinstance(value, Mapping):
            rows += _nested(key, value)
            continue
        label, formatter = EVIDENCE.get(key) or (fallback_label(key), _text)
        if isinstance(value, Mapping):
            for sub, inner in value.items():
                text = str(label) % {"key": sub} if "%(key)s" in str(label) else f"{label}: {sub}"
                rows.append(EvidenceRow(f"{key}.{sub}", text, _format(formatter, inner)))
            continue
        rows.append(EvidenceRow(key, str(label), _format(formatter, value)))
    return rows
