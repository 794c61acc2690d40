"""Demand and supply points of a district's Bedarfsanalyse, read from the database.

**Demand** (:func:`demand_points`): the cells of the newest Zensus grid
dataset (``indicators.GridCell``, 1 km, five age classes of 2011) in the
district's Gemeinden. Each Gemeinde's persons of every age band of
:data:`~sozialplan.needs.categories.DEMAND_GROUPS` *today* are spread over
its cells with :func:`sozialplan.analysis.demand.distribute` (the grid says
where people live, the Gemeinde number how many). The Gemeinde numbers come

1. from the preferred observations (official before estimate, as
   :class:`~sozialplan.indicators.store.ObservationStore` picks them) at the
   latest date on which every Gemeinde has age bands (e.g. the small-area
   estimate ``schaetzung-alter-16069`` on 15.05.2022), else
2. from the grid's own age shares per Gemeinde scaled to the Gemeinde totals
   of :func:`sozialplan.indicators.population_inputs.gemeinde_totals`.

A band whose limit is not a limit of the data (14, 27, 80 in the 17 groups
of 12411-02-03-5-B) is estimated: the straddling group is split by a finer
table of the Kreis or the Land if one has exactly that limit (e.g. the share
of the over-80s among the over-75s of Thüringen from Zensus 2022, 1000A-2022),
otherwise evenly by years of age (a closed group) or, for an open group, by a
table whose groups are split evenly. Which splits were made is said in the
``demand_note``. A Gemeinde without a populated cell becomes one demand point
at its centre.

**Supply** (:func:`supply_inputs`): every published offer of the district at
each of its active sites with a position; offers without one (district-wide
offers, sites without address) are counted in the notes but have no distance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch
from django.utils.translation import ngettext

from sozialplan.analysis.ages import compose_band
from sozialplan.analysis.demand import distribute
from sozialplan.analysis.geo import representative_point
from sozialplan.indicators.models import Dataset, DatasetKind, GridCell
from sozialplan.indicators.numbers import format_number
from sozialplan.indicators.population_inputs import MissingDataError, finest_tiling, gemeinde_totals
from sozialplan.indicators.store import ObservationStore
from sozialplan.needs.categories import DEMAND_GROUPS, Band, all_bands, band_key, matching_categories
from sozialplan.needs.results import SupplyPoint
from sozialplan.offerings.models import Offering, PositionPrecision, Site
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.sources.statistics import AGE_OPEN, Measure, Sex

#: Oldest age assumed when an open group ("75 und mehr") has to be split evenly without any finer table.
LAST_AGE = 100
#: Offer names listed in a note before "…".
NAMES_SHOWN = 8

#: Grid age classes as half-open bands (GridCell.CLASS_FIELDS).
GRID_BANDS: tuple[Band, ...] = tuple((lower, upper) for _f, lower, upper in GridCell.CLASS_FIELDS)
#: Inclusive bands of the demand groups → half-open bands of the statistics.
DEMAND_GROUPS_HALF_OPEN: dict[Band, Band] = {group.band: group.half_open for group in DEMAND_GROUPS.values()}


@dataclass(frozen=True)
class DemandPoint:
    """One demand point: a grid cell (``kind="cell"``) or a Gemeinde centre (``kind="centre"``).

    ``population`` maps :func:`~sozialplan.needs.categories.band_key` of every
    band of the demand groups to persons today (floats; not rounded).
    """

    point_id: str
    lat: float
    lon: float
    gemeinde_key: str
    gemeinde_name: str
    kind: str
    population: dict[str, float]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.point_id,
            "lat": self.lat,
            "lon": self.lon,
            "gemeinde": self.gemeinde_key,
            "gemeinde_name": self.gemeinde_name,
            "kind": self.kind,
            "population": self.population,
        }


@dataclass
class DemandInputs:
    """The demand points, the German note on where their numbers come from, and the sources' dataset ids."""

    points: list[DemandPoint]
    note: str
    datasets: set[int] = field(default_factory=set)


@dataclass
class SupplyInputs:
    """Positioned supply points, the categories of all published offers, and German notes."""

    points: list[SupplyPoint]
    categories: list[tuple[int, str]]
    notes: list[str]
    offers: int = 0


# --- age bands -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A finer age table of the Kreis or the Land used to split a group; ``label`` names it in German."""

    label: str
    bands: dict[Band, float]


def _interpolated(bands: Mapping[Band, float], lower: int, upper: int) -> float | None:
    """Persons aged [lower, upper) from a tiling, splitting closed groups evenly by years; ``None`` if an open
    group would have to be split."""
    exact = compose_band(dict(bands), lower, upper)
    if exact is not None:
        return exact
    total = 0.0
    for (a, b), value in bands.items():
        lo, hi = max(a, lower), min(b, upper)
        if lo >= hi:
            continue
        if (lo, hi) == (a, b):
            total += value
        elif b >= AGE_OPEN:
            return None
        else:
            total += value * (hi - lo) / (b - a)
    return total


def band_value(
    bands: Mapping[Band, float], wanted: Band, references: Sequence[Reference], splits: dict[str, str]
) -> float:
    """Persons aged ``wanted`` (half-open) from a tiling ``bands`` of [0, AGE_OPEN).

    Groups inside ``wanted`` count fully; a straddling group is split (see the
    module docstring) and a German description of the split is put in
    ``splits`` under the cut age.
    """
    lower, upper = wanted
    total = 0.0
    for (a, b), value in sorted(bands.items()):
        lo, hi = max(a, lower), min(b, upper)
        if lo >= hi:
            continue
        if (lo, hi) == (a, b):
            total += value
            continue
        cut = lo if lo > a else hi
        share, how = _split_share((a, b), (lo, hi), references)
        splits.setdefault(str(cut), how)
        total += value * share
    return total


def _group_text(band: Band) -> str:
    a, b = band
    return f"{a} und älter" if b >= AGE_OPEN else f"{a}–{b - 1}"


def _split_share(group: Band, part: Band, references: Sequence[Reference]) -> tuple[float, str]:
    """Share of ``part`` in ``group`` and how it was found (German)."""
    for ref in references:
        num, den = compose_band(ref.bands, *part), compose_band(ref.bands, *group)
        if num is not None and den:
            return num / den, f"Gruppe {_group_text(group)} im Verhältnis von {ref.label} geteilt"
    a, b = group
    if b < AGE_OPEN:
        return (part[1] - part[0]) / (b - a), f"Gruppe {_group_text(group)} gleichmäßig nach Lebensjahren geteilt"
    for ref in references:
        num, den = _interpolated(ref.bands, *part), _interpolated(ref.bands, *group)
        if num is not None and den:
            return num / den, (
                f"Gruppe {_group_text(group)} im Verhältnis von {ref.label} geteilt (dort Altersgruppen gleichmäßig "
                "nach Lebensjahren aufgeteilt)"
            )
    share = max(0, min(part[1], LAST_AGE) - part[0]) / max(1, LAST_AGE - a)
    return share, f"Gruppe {_group_text(group)} gleichmäßig bis {LAST_AGE} Jahre geteilt (keine feinere Tabelle)"


def _tiling(bucket: Mapping[Band, tuple[float | None, str, int]] | None) -> tuple[dict[Band, float], set[int]] | None:
    """The finest tiling with known numbers from a store bucket (≥ 2 groups), and its dataset ids."""
    if not bucket:
        return None
    known = {band: cell for band, cell in bucket.items() if cell[0] is not None or cell[1] == "-"}
    bands = finest_tiling(list(known))
    if bands is None or len(bands) < 2:
        return None
    return {b: float(known[b][0] or 0.0) for b in bands}, {known[b][2] for b in bands}


def _references(store: ObservationStore, regions: Sequence[Region]) -> list[Reference]:
    """Age tables of the Kreis, then the Land, newest first (for splitting groups)."""
    refs: list[Reference] = []
    for region in regions:
        periods = sorted(store.periods([region.pk], [Measure.POPULATION]), reverse=True)
        for period in periods:
            found = _tiling(store.cells.get((region.pk, Measure.POPULATION, Sex.TOTAL, period, "")))
            if found is None:
                continue
            bands, ids = found
            source = ", ".join(store.datasets[i].code for i in sorted(ids) if i in store.datasets)
            refs.append(Reference(f"{region.name} am {period:%d.%m.%Y} ({source})", bands))
    return refs


# --- demand ----------------------------------------------------------------------------------------


def _centre(gemeinde: Region) -> tuple[float, float] | None:
    if gemeinde.latitude is not None and gemeinde.longitude is not None:
        return gemeinde.latitude, gemeinde.longitude
    boundary = Region.objects.filter(pk=gemeinde.pk).values_list("boundary", flat=True).first()
    return representative_point(boundary) if boundary else None


def _observed_bands(
    store: ObservationStore, gemeinden: Sequence[Region]
) -> tuple[dt.date, dict[int, dict[Band, float]], set[int]] | None:
    """The latest date on which every Gemeinde has age groups, with each Gemeinde's tiling and the datasets."""
    periods = sorted(store.periods([g.pk for g in gemeinden], [Measure.POPULATION]), reverse=True)
    for period in periods:
        found: dict[int, dict[Band, float]] = {}
        ids: set[int] = set()
        for g in gemeinden:
            tiling = _tiling(store.cells.get((g.pk, Measure.POPULATION, Sex.TOTAL, period, "")))
            if tiling is None:
                break
            found[g.pk], more = tiling
            ids |= more
        else:
            return period, found, ids
    return None


def _gemeinde_tilings(
    store: ObservationStore,
    gemeinden: Sequence[Region],
    class_sums: Mapping[int, np.ndarray],
    references: Sequence[Reference],
) -> tuple[dict[int, dict[Band, float]], str, set[int]]:
    """Each Gemeinde's persons by age group (a tiling), a German description of the source, the datasets used."""
    observed = _observed_bands(store, gemeinden)
    if observed is not None:
        period, tilings, datasets = observed
        kinds = {store.datasets[i].kind for i in datasets if i in store.datasets}
        labels = ((DatasetKind.OFFICIAL, "amtlich"), (DatasetKind.ESTIMATE, "geschätzt"))
        kind_text = " und ".join(label for kind, label in labels if kind in kinds) or "amtlich"
        citations = "; ".join(store.citations(frozenset(datasets)))
        return (
            tilings,
            f"Einwohner je Gemeinde nach Altersgruppen am {period:%d.%m.%Y} ({kind_text}; {citations})",
            datasets,
        )
    totals = gemeinde_totals(gemeinden)
    tilings = {}
    for g in gemeinden:
        grid = class_sums.get(g.pk)
        base: dict[Band, float]
        if grid is not None and grid.sum() > 0:
            base = dict(zip(GRID_BANDS, grid.tolist(), strict=True))
        elif references:
            base = references[0].bands
        else:
            base = {(0, AGE_OPEN): 1.0}
        scale = totals.values[g.pk] / sum(base.values()) if sum(base.values()) > 0 else 0.0
        tilings[g.pk] = {b: v * scale for b, v in base.items()}
    text = (
        f"Einwohner je Gemeinde am {totals.period:%d.%m.%Y} ({totals.source}), nach den Altersanteilen des "
        "Zensus-Gitters 2011 je Gemeinde aufgeteilt (keine Altersgruppen je Gemeinde vorhanden)"
    )
    return tilings, text, set()


def demand_points(district: District) -> DemandInputs:
    """The district's demand points with persons per age band today (see the module docstring).

    Raises :class:`~sozialplan.indicators.population_inputs.MissingDataError`
    (German) when the district has no Gemeinden or no population numbers.
    """
    gemeinden = list(
        district.gemeinden().order_by("key").only("pk", "key", "name", "latitude", "longitude", "census_population")
    )
    if not gemeinden:
        raise MissingDataError(f"{district.name} hat keine Gemeinden in der Datenbank.")
    kreis = district.region
    land = Region.objects.filter(kind=RegionKind.LAND, key=kreis.key[:2]).only("pk", "key", "name").first()
    context = [kreis] + ([land] if land is not None else [])
    store = ObservationStore.for_regions([g.pk for g in gemeinden] + [r.pk for r in context])
    references = _references(store, context)

    cells = list(_grid_cells(gemeinden))
    grid_dataset = Dataset.objects.filter(pk=cells[0].dataset_id).first() if cells else None
    class_sums: dict[int, np.ndarray] = {}
    for cell in cells:
        assert cell.gemeinde_id is not None
        class_sums.setdefault(cell.gemeinde_id, np.zeros(len(GRID_BANDS)))
        class_sums[cell.gemeinde_id] += np.array(cell.counts, dtype=np.float64)

    bands = all_bands()
    splits: dict[str, str] = {}
    tilings, source_text, datasets = _gemeinde_tilings(store, gemeinden, class_sums, references)
    targets: dict[str, dict[Band, float]] = {}
    for g in gemeinden:
        targets[g.key] = {
            band: band_value(tilings[g.pk], DEMAND_GROUPS_HALF_OPEN[band], references, splits) for band in bands
        }

    by_pk = {g.pk: g for g in gemeinden}
    cell_area = [by_pk[c.gemeinde_id].key for c in cells if c.gemeinde_id is not None]
    counts = np.array([c.counts for c in cells], dtype=np.float64).reshape(len(cells), len(GRID_BANDS))
    placed = {key for key in cell_area}
    distribution = distribute(counts, cell_area, {k: v for k, v in targets.items() if k in placed}, bands)
    points: list[DemandPoint] = []
    for i, cell in enumerate(cells):
        gemeinde = by_pk[cell.gemeinde_id or 0]
        points.append(
            DemandPoint(
                point_id=cell.cell_id,
                lat=cell.latitude,
                lon=cell.longitude,
                gemeinde_key=gemeinde.key,
                gemeinde_name=gemeinde.name,
                kind="cell",
                population={band_key(b): float(distribution.values[b][i]) for b in bands},
            )
        )
    without_cells: list[str] = []
    unpositioned: list[str] = []
    for g in gemeinden:
        if g.key in placed:
            continue
        centre = _centre(g)
        if centre is None:
            unpositioned.append(g.name)
            continue
        without_cells.append(g.name)
        points.append(
            DemandPoint(
                point_id=f"gemeinde-{g.key}",
                lat=centre[0],
                lon=centre[1],
                gemeinde_key=g.key,
                gemeinde_name=g.name,
                kind="centre",
                population={band_key(b): float(targets[g.key][b]) for b in bands},
            )
        )
    if grid_dataset is not None:
        datasets.add(grid_dataset.pk)
    note = _demand_note(len(cells), grid_dataset, len(gemeinden), source_text, splits, without_cells, unpositioned)
    return DemandInputs(points=points, note=note, datasets=datasets)


def _grid_cells(gemeinden: Sequence[Region]) -> list[GridCell]:
    """The cells of the newest grid dataset that has cells in these Gemeinden."""
    cells = GridCell.objects.filter(gemeinde__in=gemeinden)
    latest = cells.order_by("-dataset__imported_at", "-dataset_id").values_list("dataset_id", flat=True).first()
    if latest is None:
        return []
    return list(cells.filter(dataset_id=latest).order_by("cell_id"))


def _demand_note(
    n_cells: int,
    grid: Dataset | None,
    n_gemeinden: int,
    source_text: str,
    splits: Mapping[str, str],
    without_cells: Sequence[str],
    unpositioned: Sequence[str],
) -> str:
    places = ngettext("%(n)s Gemeinde", "%(n)s Gemeinden", n_gemeinden) % {"n": format_number(n_gemeinden)}
    if grid is not None:
        cells = ngettext("%(n)s bewohnte Zelle", "%(n)s bewohnte Zellen", n_cells) % {"n": format_number(n_cells)}
        where = f"{cells} des 1-km-Gitters ({grid.code}; {grid.citation}; {grid.vintage or 'Zensus 2011'}) in {places}"
    else:
        centres = ngettext("der Mittelpunkt der", "die Mittelpunkte der", n_gemeinden)
        where = f"{centres} {places} (kein Zensus-Gitter importiert)"
    parts = [
        f"Nachfragepunkte: {where}. Personen je Gemeinde und Altersgruppe: {source_text}; auf die Zellen "
        "der Gemeinde im Verhältnis ihrer Einwohner in den passenden Altersklassen von 2011 verteilt."
    ]
    if splits:
        parts.append(
            "Altersgrenzen, die in den Daten nicht vorkommen, sind geschätzt: "
            + "; ".join(f"{age} Jahre: {how}" for age, how in sorted(splits.items(), key=lambda s: int(s[0])))
            + "."
        )
    if without_cells and grid is not None:
        parts.append(
            ngettext(
                "%(n)s Gemeinde ohne bewohnte Gitterzelle zählt mit ihrem Mittelpunkt: %(names)s.",
                "%(n)s Gemeinden ohne bewohnte Gitterzelle zählen mit ihren Mittelpunkten: %(names)s.",
                len(without_cells),
            )
            % {"n": format_number(len(without_cells)), "names": ", ".join(without_cells)}
        )
    if unpositioned:
        parts.append(f"Ohne Lage und deshalb nicht enthalten: {', '.join(unpositioned)}.")
    return " ".join(parts)


# --- supply ----------------------------------------------------------------------------------------


def supply_inputs(district: District) -> SupplyInputs:
    """The published offers of the district at their positioned, active sites (see the module docstring)."""
    sites = (
        Site.objects.active()
        .select_related("gemeinde")
        .only("pk", "name", "latitude", "longitude", "position_precision", "gemeinde__key", "gemeinde__name")
    )
    offers = (
        Offering.objects.published()
        .for_district(district)
        .select_related("offer_type")
        .prefetch_related("action_fields", "target_groups", Prefetch("sites", queryset=sites))
        .order_by("pk")
    )
    points: list[SupplyPoint] = []
    left_out: list[str] = []
    summaries: list[tuple[list[int], list[str], int | None, int | None]] = []
    approximate_sites: set[int] = set()
    all_sites: set[int] = set()
    count = 0
    for offer in offers:
        count += 1
        fields = sorted(a.code for a in offer.action_fields.all())
        groups = sorted(t.code for t in offer.target_groups.all())
        summaries.append((fields, groups, offer.min_age, offer.max_age))
        positioned = [s for s in offer.sites.all() if s.latitude is not None and s.longitude is not None]
        if not positioned:
            left_out.append(offer.name)
            continue
        for site in positioned:
            all_sites.add(site.pk)
            approximate = site.position_precision != PositionPrecision.EXACT
            if approximate:
                approximate_sites.add(site.pk)
            points.append(
                SupplyPoint(
                    offering_id=offer.pk,
                    offering_name=offer.name,
                    offering_uuid=str(offer.uuid),
                    site_id=site.pk,
                    site_name=site.name,
                    lat=float(site.latitude or 0.0),
                    lon=float(site.longitude or 0.0),
                    approximate=approximate,
                    capacity=offer.capacity,
                    offer_type=offer.offer_type.code if offer.offer_type else "",
                    action_fields=tuple(fields),
                    target_groups=tuple(groups),
                    offer_type_name=offer.offer_type.name if offer.offer_type else "",
                    min_age=offer.min_age,
                    max_age=offer.max_age,
                    gemeinde_key=site.gemeinde.key if site.gemeinde else "",
                    sites_of_offer=len(positioned),
                )
            )
    notes: list[str] = []
    if left_out:
        shown = ", ".join(f"„{n}“" for n in sorted(left_out)[:NAMES_SHOWN])
        more = " …" if len(left_out) > NAMES_SHOWN else ""
        notes.append(
            ngettext(
                "%(n)s von %(total)s veröffentlichten Angeboten hat keinen Standort mit Lage (kreisweites Angebot "
                "oder Standort ohne Adresse) und fehlt deshalb in Entfernungen und Versorgungsquoten: %(names)s.",
                "%(n)s von %(total)s veröffentlichten Angeboten haben keinen Standort mit Lage (kreisweite "
                "Angebote oder Standort ohne Adresse) und fehlen deshalb in Entfernungen und Versorgungsquoten: "
                "%(names)s.",
                len(left_out),
            )
            % {"n": format_number(len(left_out)), "total": format_number(count), "names": f"{shown}{more}"}
        )
    if approximate_sites:
        notes.append(
            ngettext(
                "%(n)s von %(total)s Standorten liegt nur ungefähr (Mitte der Gemeinde); Entfernungen innerhalb "
                "einer Gemeinde sind deshalb ungenau.",
                "%(n)s von %(total)s Standorten liegen nur ungefähr (Mitte der Gemeinde); Entfernungen innerhalb "
                "einer Gemeinde sind deshalb ungenau.",
                len(approximate_sites),
            )
            % {"n": format_number(len(approximate_sites)), "total": format_number(len(all_sites))}
        )
    return SupplyInputs(points=points, categories=matching_categories(summaries), notes=notes, offers=count)
