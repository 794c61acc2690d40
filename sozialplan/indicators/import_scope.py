"""What an import through the upload form may change: the numbers of the district in the URL.

Datasets are shared by all districts of an installation (one official table
covers many Kreise), but the upload form runs under one district, whose
planners answer for their Landkreis only. So through the form (the views
pass ``district``) an import, a confirmed mapping, a grid tile and a deletion
touch only the regions of that district: its Kreis and the Gemeindeverbände
and Gemeinden whose key starts with the Kreis key (dissolved Gemeinden of
the Kreis included; old keys count when they map to a Gemeinde of the
Kreis). Values of other Kreise, of the Land and of Deutschland are skipped
and counted in the preview (:func:`foreign_message`). The command
``sozialplan import-statistics`` has no district and is not restricted: the
operators import Land and Bund tables with it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import ngettext

from sozialplan.indicators.models import Dataset, GridCell, Observation
from sozialplan.regions.models import District, Region, RegionKind


def region_in_district(region: Region, district: District) -> bool:
    """Whether ``region`` is the district's Kreis or lies in it (never a Land)."""
    return region.kind != RegionKind.LAND and region.key.startswith(district.region.key)


def key_in_district(key: str, district: District) -> bool:
    """Whether a region key as printed in a table (5, 8, 9 or 12 digits) lies in the district's Kreis."""
    return key.isascii() and key.isdigit() and len(key) >= 5 and key.startswith(district.region.key)


def in_district(district: District, prefix: str = "region__") -> Q:
    """Filter on the district's regions, for a model whose region is reached through ``prefix``."""
    return Q(**{f"{prefix}key__startswith": district.region.key}) & ~Q(**{f"{prefix}kind": RegionKind.LAND})


def local_observations(dataset: Dataset, district: District) -> QuerySet[Observation]:
    """The dataset's values of the district's regions."""
    return Observation.objects.filter(in_district(district), dataset=dataset)


def local_grid_cells(dataset: Dataset, district: District) -> QuerySet[GridCell]:
    """The dataset's grid cells in Gemeinden of the district."""
    return GridCell.objects.filter(
        dataset=dataset, gemeinde__kind=RegionKind.GEMEINDE, gemeinde__key__startswith=district.region.key
    )


def local_count(dataset: Dataset, district: District) -> int:
    """How many values (or grid cells) of the dataset belong to the district: what it may delete."""
    return local_observations(dataset, district).count() + local_grid_cells(dataset, district).count()


def foreign_message(count: int) -> str:
    """The German note on ``count`` values of other areas that an upload does not take over ('' for none)."""
    if not count:
        return ""
    return ngettext(
        "%(count)s Wert anderer Gebiete (andere Kreise, Land, Bund) wird nicht übernommen: Über das "
        "Hochladeformular ändert die Sozialplanung nur die Zahlen ihres Landkreises. Landes- und Bundeswerte "
        "importiert der Betrieb mit dem Befehl „sozialplan import-statistics“.",
        "%(count)s Werte anderer Gebiete (andere Kreise, Land, Bund) werden nicht übernommen: Über das "
        "Hochladeformular ändert die Sozialplanung nur die Zahlen ihres Landkreises. Landes- und Bundeswerte "
        "importiert der Betrieb mit dem Befehl „sozialplan import-statistics“.",
        count,
    ) % {"count": f"{count:,}".replace(",", ".")}
