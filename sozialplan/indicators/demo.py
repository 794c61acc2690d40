"""Official statistics of the demo: the real tables in ``data/``, the age estimate and the projection.

Imports every table through the same importer as the upload form and the
``import-statistics`` command, then estimates the Gemeinden's age groups and
projects their population (``estimate-population``). Idempotent: when no
table changed and the estimate and projection exist, nothing is recomputed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sozialplan.indicators.estimation import estimate_gemeinde_ages
from sozialplan.indicators.importing import import_table, read_table
from sozialplan.indicators.models import Dataset
from sozialplan.indicators.projection_service import project_gemeinden

#: (path below data/, why the demo needs it)
STATISTICS_FILES = (
    ("regions/1000A-0000_1773175153999_de_flat.csv", "Zensus 2022: Einwohner je Gemeinde"),
    ("statistics/12411-02-03-5-B_laender_2018.csv", "Altersgruppen der Länder 2018"),
    ("statistics/12411-02-03-5-B_kreise_2018.csv", "Altersgruppen der Kreise 2018"),
    ("statistics/12411-01-01-4_1773175772751_de_flat.csv", "Einwohner der Kreise 2024"),
    ("statistics/1000A-2022_1773175355216_de_flat.csv", "Zensus 2022: Altersgruppen der Länder (80+)"),
    ("statistics/12421-0003_laender_2022-2070.csv", "Bevölkerungsvorausberechnung der Länder"),
    ("statistics/zensus2011_grid/ALTER_KURZcsv_1000m_3_3.csv", "Zensus 2011: 1-km-Gitter, 5 Altersklassen"),
)


@dataclass
class StatisticsResult:
    """German lines for the command output and whether anything changed."""

    lines: list[str] = field(default_factory=list)
    changed: bool = False

    def __str__(self) -> str:
        return "\n".join(self.lines)


def load_demo_statistics(data_dir: Path, kreis_key: str) -> StatisticsResult:
    """Import the demo's statistics files and (re)compute estimate and projection for ``kreis_key``."""
    result = StatisticsResult()
    for name, _purpose in STATISTICS_FILES:
        path = data_dir / name
        data = path.read_bytes()
        imported = import_table(
            read_table(path.name, data), user=None, file_name=path.name, sha256=hashlib.sha256(data).hexdigest()
        )
        result.lines.append(imported.summary())
        result.changed = result.changed or imported.changed
    derived = (f"schaetzung-alter-{kreis_key}", f"vorausberechnung-gemeinden-{kreis_key}-G2L2W1")
    if result.changed or Dataset.objects.filter(code__in=derived).count() < len(derived):
        estimate = estimate_gemeinde_ages(kreis_key)
        projection = project_gemeinden(kreis_key)
        result.lines.append(f"Schätzung der Altersgruppen je Gemeinde: {estimate.observation_count} Werte.")
        result.lines.append(f"Vorausberechnung je Gemeinde: {projection.observation_count} Werte.")
        result.changed = True
    else:
        result.lines.append("Schätzung und Vorausberechnung unverändert.")
    return result
