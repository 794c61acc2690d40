"""The run's parameters and method as German rows for the pages (table "Parameter der Berechnung")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sozialplan.indicators.numbers import format_number
from sozialplan.needs.models import AnalysisRun, Mode

StrOrPromise = str | Promise

#: Known parameters: key → (label, unit). Nested objects (the gap rule, the gap counts) as "key.sub".
#: Unknown keys get a readable label (:func:`fallback_label`); the run's areas and categories are not parameters.
PARAMETERS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "thresholds_min": (gettext_lazy("Schwellen der Erreichbarkeit"), gettext_lazy("Minuten")),
    "modes": (gettext_lazy("Verkehrsmittel"), ""),
    "walk_kmh": (gettext_lazy("Gehgeschwindigkeit"), gettext_lazy("km/h")),
    "car_kmh": (gettext_lazy("Geschwindigkeit mit dem Auto (Luftlinie)"), gettext_lazy("km/h")),
    "car_access_kmh": (gettext_lazy("Geschwindigkeit mit dem Auto auf dem Weg zum Straßennetz"), gettext_lazy("km/h")),
    "detour_factor": (gettext_lazy("Umwegfaktor auf die Luftlinie"), ""),
    "max_snap_m": (gettext_lazy("Größter Abstand eines Punkts zum Straßennetz"), gettext_lazy("m")),
    "catchment_min": (gettext_lazy("Einzugsbereich der 2SFCA-Versorgungsquote"), gettext_lazy("Minuten")),
    "decay": (gettext_lazy("Abnahme mit der Fahrzeit (2SFCA)"), ""),
    "gap.mode": (gettext_lazy("Lückenregel: Verkehrsmittel"), ""),
    "gap.minutes": (gettext_lazy("Lückenregel: Schwelle"), gettext_lazy("Minuten")),
    "gap.min_share": (gettext_lazy("Lückenregel: Lücke, wenn weniger als dieser Anteil die Schwelle schafft"), "%"),
    "gap.coverage_min_ratio": (
        gettext_lazy("Lückenregel: Lücke, wenn die Versorgung unter diesem Anteil des Kreiswerts liegt"),
        "%",
    ),
    "gap.pressure_year": (gettext_lazy("Demografischer Druck: Vorausberechnung bis"), ""),
    "gap.min_severity": (gettext_lazy("Lückenregel: kleinster Schweregrad einer Lücke"), ""),
    "gap_counts.current": (gettext_lazy("Lücken dieser Berechnung"), ""),
    "gap_counts.new": (gettext_lazy("davon neu"), ""),
    "gap_counts.no_longer": (gettext_lazy("nicht mehr berechnete Lücken"), ""),
}
NOT_SHOWN = {"categories", "areas"}
#: Labels of nested objects, for entries without a label of their own.
GROUP_LABELS: dict[str, StrOrPromise] = {
    "gap": gettext_lazy("Lückenregel"),
    "gap_counts": gettext_lazy("Lücken"),
}
#: Units read from the end of an unknown key (``…_s``, ``…_min``): suffix → unit.
UNIT_SUFFIXES: dict[str, StrOrPromise] = {
    "s": gettext_lazy("Sekunden"),
    "min": gettext_lazy("Minuten"),
    "m": gettext_lazy("m"),
    "km": gettext_lazy("km"),
    "kmh": gettext_lazy("km/h"),
}
DECAY_LABELS: dict[str, StrOrPromise] = {
    "step": gettext_lazy("Stufe: volles Gewicht im Einzugsbereich, außerhalb keines"),
    "linear": gettext_lazy("linear: Gewicht 1 − t/d₀"),
    "gaussian": gettext_lazy("Gauß (Dai 2010): (exp(−½(t/d₀)²) − exp(−½)) / (1 − exp(−½))"),
}
SHARE_KEYS = {"gap.min_share", "gap.coverage_min_ratio"}


@dataclass(frozen=True)
class ParameterRow:
    key: str
    label: str
    value: str


def _trimmed(value: float) -> str:
    """German number with up to two places, without trailing zeros: ``4,5``, ``1,3``, ``50``."""
    text = format_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


def _value_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, (int, float)):
        if key in SHARE_KEYS and value <= 1:
            return format_number(value * 100, 0)
        if key.endswith("_year"):
            return str(value)
        return _trimmed(float(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(key, v) for v in value)
    if key == "decay":
        return str(DECAY_LABELS.get(str(value), value))
    if key in ("gap.mode", "modes"):
        return str(dict(Mode.choices).get(str(value), value))
    return str(value)


def _flat(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Nested objects as ``"key.sub"`` entries; the run's areas and categories left out."""
    flat: dict[str, Any] = {}
    for key, value in parameters.items():
        if key in NOT_SHOWN:
            continue
        if isinstance(value, Mapping):
            flat.update({f"{key}.{sub}": inner for sub, inner in value.items()})
        else:
            flat[key] = value
    return flat


def fallback_label(key: str) -> tuple[str, str]:
    """Label and unit of a parameter without a German label: readable words, never the raw key.

    ``"run_timeout_s"`` → ``("weitere Einstellung: run timeout", "Sekunden")``;
    ``"gap.new_rule"`` → ``("Lückenregel: weitere Einstellung: new rule", "")``.
    A new parameter of the computation is thus shown at once, readable,
    until it gets a label in :data:`PARAMETERS`.
    """
    group, _dot, name = key.rpartition(".")
    words = name.split("_")
    unit: StrOrPromise = ""
    if len(words) > 1 and words[-1] in UNIT_SUFFIXES:
        unit = UNIT_SUFFIXES[words.pop()]
    label = _("weitere Einstellung: %(name)s") % {"name": " ".join(w for w in words if w) or "–"}
    if group:
        prefix = GROUP_LABELS.get(group, " ".join(group.replace(".", " ").split("_")))
        label = f"{prefix}: {label}"
    return label, str(unit)


def parameter_rows(parameters: Mapping[str, Any]) -> list[ParameterRow]:
    """One row per parameter: German label, value with unit (known keys first, in the order above)."""
    flat = _flat(parameters)
    keys = [k for k in PARAMETERS if k in flat] + sorted(k for k in flat if k not in PARAMETERS)
    rows = []
    for key in keys:
        label, unit = PARAMETERS.get(key) or fallback_label(key)
        text = _value_text(key, flat[key])
        rows.append(ParameterRow(key, str(label), f"{text} {unit}".strip() if text else "–"))
    return rows


def requested_by(run: AnalysisRun) -> str:
    """Who asked for the run ("automatisch" when a change of offers or data did)."""
    user = run.requested_by
    if user is None:
        return _("automatisch")
    return user.get_full_name() or user.get_username()
