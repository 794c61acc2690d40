"""Road data as read from OpenStreetMap files, before it becomes a routable network.

The readers in :mod:`sozialplan.sources.osm` (OSM XML, ``.osm.pbf``, GeoJSON)
all return a :class:`RoadData`; :func:`sozialplan.analysis.network.build_network`
turns it into a graph per mode. Coordinates are WGS84 degrees (longitude,
latitude); node ids are OSM node ids where the format has them, otherwise
ids the reader assigns to coordinates shared by several lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoadWay:
    """One OSM way with a ``highway`` tag: its node ids in order and its tags (all strings)."""

    way_id: int
    node_ids: tuple[int, ...]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class RoadData:
    """All road ways of a file and the positions of their nodes.

    ``nodes`` maps node id → (longitude, latitude) in degrees and holds every
    node a way refers to, unless the file lacked it: ``missing_nodes`` counts
    references to nodes the file did not contain (such ways are cut at the
    missing node, never joined across it). ``skipped`` counts features that
    were not usable road lines (no ``highway`` tag, not a line, fewer than two
    nodes), by German reason. ``source_format`` is ``"osm-xml"``,
    ``"osm-pbf"`` or ``"geojson"``; ``data_date`` the data's timestamp when
    the file states one (``osm_base``, ``timestamp``), else ``""``.
    """

    nodes: Mapping[int, tuple[float, float]]
    ways: tuple[RoadWay, ...]
    source_format: str
    data_date: str = ""
    missing_nodes: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of all nodes in degrees; (0, 0, 0, 0) when empty."""
        if not self.nodes:
            return (0.0, 0.0, 0.0, 0.0)
        lons = [p[0] for p in self.nodes.values()]
        lats = [p[1] for p in self.nodes.values()]
        return (min(lons), min(lats), max(lons), max(lats))
