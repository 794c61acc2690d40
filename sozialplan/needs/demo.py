"""The demo's Bedarfsanalyse: Landkreis Hildburghausen computed with straight-line distances.

Called by :func:`sozialplan.regions.demo.load_demo` after the statistics.
Hildburghausen has no road extract in ``data/``, so the run uses the
straight line × detour factor and says so in its method note. A second
``load-demo`` computes again only when something changed or no finished run
exists; gaps are upserted by their identity, so they are never duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from sozialplan.needs import signals
from sozialplan.needs.compute import compute_run
from sozialplan.needs.models import AnalysisRun, RunStatus
from sozialplan.regions.models import District

REASON = "Demo geladen"


@dataclass
class NeedsDemoResult:
    """German lines for the command output and whether a run was computed."""

    lines: list[str] = field(default_factory=list)
    computed: bool = False

    def __str__(self) -> str:
        return "\n".join(self.lines)


def compute_demo_analysis(district: District, *, data_changed: bool) -> NeedsDemoResult:
    """Compute the district's analysis unless nothing changed and a finished run exists."""
    current = AnalysisRun.objects.current(district)
    if current is not None and not data_changed:
        # Rewriting unchanged statistics fires the change signals; the current run
        # already covers this data, so no recomputation is queued for it.
        signals.covered(district.pk, timezone.now())
        return NeedsDemoResult(lines=[f"Bedarfsanalyse unverändert (Lauf {current.pk})."])
    run = compute_run(AnalysisRun.objects.create(district=district, reason=REASON))
    if run.status != RunStatus.DONE:
        return NeedsDemoResult(lines=[f"Bedarfsanalyse fehlgeschlagen: {run.error}"])
    counts = run.parameters.get("gap_counts", {})
    return NeedsDemoResult(
        lines=[
            f"Bedarfsanalyse berechnet (Lauf {run.pk}): {len(run.points)} Nachfragepunkte, {len(run.supply)} "
            f"Angebotsorte, {len(run.parameters.get('categories', []))} Kategorien, "
            f"{counts.get('current', 0)} Lücken ({counts.get('new', 0)} neu).",
            f"Methode: {run.method_note}",
        ],
        computed=True,
    )
