"""Overview ("tartan rug" as in PHE Fingertips): areas × indicators, each cell compared with Kreis or Land.

``?ebene=gemeinde|planungsraum&vergleich=kreis|land``. A cell's colour says
better / similar / worse (indicators with a polarity) or higher / similar /
lower (without, in blues) than the comparator, by the 95 % confidence
interval; the same words are in every cell as text and a marker. Where an
estimate or projection is involved the comparison is by point value only:
hatched cells with hollow markers (△ ▽ ≈) and the note "Schätzung: Vergleich
ohne Signifikanzaussage", never better/worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sozialplan.indicators.catalogue import IndicatorDefinition
from sozialplan.indicators.compute import IndicatorValue, overview
from sozialplan.indicators.display import (
    COMPARISON_MARKERS,
    comparison_key,
    comparison_text,
    modelled_note,
    notes,
    value_text,
)
from sozialplan.indicators.views._atlas import LEVEL_PLURALS
from sozialplan.indicators.views._common import Scope, download_links, get_scope, method_notes, page_context
from sozialplan.indicators.views.atlas import given


class OverviewForm(forms.Form):
    ebene = forms.ChoiceField(
        label=gettext_lazy("Gebiete"),
        choices=[("gemeinde", gettext_lazy("Gemeinden")), ("planungsraum", gettext_lazy("Planungsräume"))],
    )
    vergleich = forms.ChoiceField(
        label=gettext_lazy("Vergleich mit"),
        choices=[("kreis", gettext_lazy("Kreis")), ("land", gettext_lazy("Land"))],
        widget=forms.RadioSelect,
    )


@dataclass(frozen=True)
class Column:
    definition: IndicatorDefinition
    period: str
    url: str


@dataclass(frozen=True)
class Cell:
    text: str
    comparison: str  # CSS modifier and key of the legend ("estimate_higher" … for a comparison by point value)
    marker: str
    label: str  # e.g. "höher als Kreis"
    notes: str
    suppressed: bool = False  # the text is "unterdrückt" or "< 3" (explained in an <abbr> and a footnote)


@dataclass(frozen=True)
class Row:
    name: str
    level: str
    url: str
    cells: list[Cell]
    reference: bool = False


def rug_cell(
    definition: IndicatorDefinition,
    value: IndicatorValue | None,
    comparison: str,
    comparator: str,
    *,
    modelled: bool = False,
) -> Cell:
    key = comparison_key(comparison, modelled=modelled)
    return Cell(
        text=value_text(value, definition),
        comparison=key,
        marker=COMPARISON_MARKERS.get(key, ""),
        label=comparison_text(comparison, comparator, modelled=modelled) if comparison else "",
        notes="; ".join(notes(value)) if value is None or value.value is None or value.estimate else "",
        suppressed=value is not None and value.suppressed,
    )


def _reference(definition: IndicatorDefinition, value: IndicatorValue | None) -> Cell:
    remarks = "; ".join(notes(value)) if value else ""
    return Cell(value_text(value, definition), "reference", "", "", remarks, value is not None and value.suppressed)


def build_rows(scope: Scope, level: str, against: str) -> dict[str, Any]:
    """Columns, rows (Land, Kreis, then the areas) and the missing indicators of the overview."""
    data = overview(scope.district, "planungsraum" if level == "planungsraum" else "gemeinde", public=scope.public)
    definitions = [d for d in data.indicators if isinstance(d, IndicatorDefinition)]
    comparator = _("Kreis") if against == "kreis" else _("Land")
    columns = []
    for definition in definitions:
        period = data.periods.get(definition.code)
        query = {"indikator": definition.code, "ebene": level}
        columns.append(Column(definition, period.strftime("%d.%m.%Y") if period else "", scope.url("atlas", query)))
    first = {d.code: data.cells.get((data.areas[0].key, d.code)) if data.areas else None for d in definitions}
    rows = []
    if data.land is not None:
        cells = [_reference(d, (c.land if (c := first[d.code]) else None)) for d in definitions]
        rows.append(Row(data.land.name, _("Land"), "", cells, reference=True))
    if data.kreis is not None:
        cells = [_reference(d, (c.kreis if (c := first[d.code]) else None)) for d in definitions]
        rows.append(Row(data.kreis.name, _("Kreis"), scope.profile_url(data.kreis.key), cells, reference=True))
    sources: set[str] = set()
    estimate = False
    for area in data.areas:
        cells = []
        for definition in definitions:
            cell = data.cells.get((area.key, definition.code))
            if cell is None:
                cells.append(rug_cell(definition, None, "not_compared", comparator))
                continue
            sources.update(cell.value.sources)
            estimate = estimate or cell.value.estimate
            cmp = cell.vs_kreis if against == "kreis" else cell.vs_land
            modelled = cell.vs_kreis_modelled if against == "kreis" else cell.vs_land_modelled
            cells.append(rug_cell(definition, cell.value, cmp, comparator, modelled=modelled))
        rows.append(Row(area.name, str(LEVEL_PLURALS.get(level, "")), scope.profile_url(area.key), cells))
    missing = [(d, reason) for d, reason in data.missing if isinstance(d, IndicatorDefinition)]
    return {
        "columns": columns,
        "rows": rows,
        "suppressed": any(cell.suppressed for row in rows for cell in row.cells),
        "modelled": any(cell.comparison.startswith("estimate_") for row in rows for cell in row.cells),
        "missing": missing,
        "comparator": comparator,
        "sources": sorted(sources),
        "methods": method_notes(sources),
        "estimate": estimate,
        "has_areas": bool(data.areas),
    }


LEGEND = (
    ("better", gettext_lazy("besser (signifikant)")),
    ("similar", gettext_lazy("ähnlich (kein signifikanter Unterschied)")),
    ("worse", gettext_lazy("schlechter (signifikant)")),
    ("higher", gettext_lazy("höher (signifikant, ohne Wertung)")),
    ("lower", gettext_lazy("niedriger (signifikant, ohne Wertung)")),
    ("not_compared", gettext_lazy("nicht verglichen (kein Konfidenzintervall oder kein Wert)")),
)

#: Comparisons by point value (an estimate or projection is involved): no significance, no better/worse.
MODELLED_LEGEND = (
    ("estimate_higher", gettext_lazy("höher")),
    ("estimate_similar", gettext_lazy("gleich (auf die gezeigten Stellen gerundet)")),
    ("estimate_lower", gettext_lazy("niedriger")),
)


@require_safe
def overview_page(request: HttpRequest, district: str, *, public: bool) -> HttpResponse:
    scope = get_scope(request, district, public=public)
    form = OverviewForm({"ebene": "gemeinde", "vergleich": "kreis"} | given(request, OverviewForm.base_fields))
    context: dict[str, Any] = {"form": form, "levels": LEVEL_PLURALS}
    if not form.is_valid():
        return render(request, "indicators/overview.html", page_context(request, scope, **context), status=400)
    level, against = form.cleaned_data["ebene"], form.cleaned_data["vergleich"]
    context.update(build_rows(scope, level, against))
    context.update(
        level=level,
        against=against,
        legend=[(key, COMPARISON_MARKERS[key], label) for key, label in LEGEND],
        modelled_legend=[
            (key, COMPARISON_MARKERS[key], f"{label} ({modelled_note()})") for key, label in MODELLED_LEGEND
        ],
        downloads=download_links(scope, "overview", level=level),
    )
    return render(request, "indicators/overview.html", page_context(request, scope, **context))
