"""The indicator catalogue: definitions as data (``data/indicators/catalogue.json``).

Each indicator is ``numerator / denominator × multiplier`` over imported
variables (see the file's ``format`` line and :mod:`sozialplan.analysis.formula`).
Ratios are always recomputed from summed numerators and denominators when
areas are aggregated, never averaged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from django.conf import settings

Polarity = Literal["higher_better", "lower_better", "neither"]
Kind = Literal["count", "proportion", "ratio", "rate", "change", "density"]
CiMethod = Literal["wilson", "byar", "none"]

POLARITY_LABELS: dict[str, str] = {
    "higher_better": "höher ist besser",
    "lower_better": "niedriger ist besser",
    "neither": "keine Wertung",
}


@dataclass(frozen=True)
class IndicatorDefinition:
    """One indicator of the catalogue.

    ``unit`` is the unit of the value as shown ("%", "je 100 Pers. 20–64 J.").
    ``polarity`` says whether a higher value is better, worse, or neither
    (then benchmarks say "höher"/"niedriger" instead of better/worse).
    ``ci_method``: ``wilson`` (proportion, numerator ⊂ denominator), ``byar``
    (Poisson count numerator over a denominator), ``none`` (not compared
    by significance). ``data_hint`` names the table that would provide missing data.
    """

    code: str
    name: str
    short_name: str
    description: str
    numerator: str
    denominator: str
    multiplier: float
    unit: str
    decimals: int
    kind: Kind
    polarity: Polarity
    ci_method: CiMethod
    topic: str
    handlungsfelder: tuple[int, ...]
    zielgruppen: tuple[str, ...]
    definition: str
    data_hint: str

    @property
    def is_count(self) -> bool:
        return not self.denominator

    @property
    def polarity_label(self) -> str:
        return POLARITY_LABELS[self.polarity]


def catalogue_path() -> Path:
    return Path(settings.DATA_DIR) / "indicators" / "catalogue.json"


@cache
def load_catalogue(path: str = "") -> tuple[IndicatorDefinition, ...]:
    """All indicator definitions in catalogue order (cached per path)."""
    raw = json.loads(Path(path or catalogue_path()).read_text(encoding="utf-8"))
    return tuple(
        IndicatorDefinition(
            code=item["code"],
            name=item["name"],
            short_name=item["short_name"],
            description=item["description"],
            numerator=item["numerator"],
            denominator=item.get("denominator", ""),
            multiplier=float(item.get("multiplier", 1)),
            unit=item["unit"],
            decimals=int(item.get("decimals", 1)),
            kind=item["kind"],
            polarity=item["polarity"],
            ci_method=item.get("ci_method", "none"),
            topic=item.get("topic", ""),
            handlungsfelder=tuple(int(h) for h in item.get("handlungsfelder", [])),
            zielgruppen=tuple(item.get("zielgruppen", [])),
            definition=item.get("definition", ""),
            data_hint=item.get("data_hint", ""),
        )
        for item in raw["indicators"]
    )


def get_indicator(code: str) -> IndicatorDefinition | None:
    """The definition with this code, or ``None``."""
    return next((d for d in load_catalogue() if d.code == code), None)
