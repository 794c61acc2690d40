"""Real regions for tests, read from the repository's copies of the official files.

Until the region importer exists, this creates the Land, two Kreise and a few
Gemeinden with their real keys, names, areas and populations from GV100AD
(Gebietsstand 30.11.2023) and centres from GV-ISys. Nothing here is invented.
"""

from __future__ import annotations

from sozialplan.regions.models import District, Region, RegionKind


def real_districts() -> tuple[District, District]:
    """(Landkreis Hildburghausen, Ilm-Kreis), created once per test database."""
    land, _ = Region.objects.get_or_create(kind=RegionKind.LAND, key="16", defaults={"name": "Thüringen"})
    hbn, _ = Region.objects.get_or_create(
        kind=RegionKind.KREIS,
        key="16069",
        defaults={"name": "Hildburghausen", "parent": land, "designation": "Landkreis"},
    )
    ilm, _ = Region.objects.get_or_create(
        kind=RegionKind.KREIS, key="16070", defaults={"name": "Ilm-Kreis", "parent": land, "designation": "Kreis"}
    )
    gemeinden = [
        ("16069024", "160690024024", "Hildburghausen, Stadt", 72.89, 11689, 50.425612, 10.729007, hbn),
        ("16069043", "160690043043", "Schleusingen, Stadt", 125.59, 10620, 50.509068, 10.749262, hbn),
        ("16069012", "160690012012", "Eisfeld, Stadt", 86.52, 7561, 50.427398, 10.907349, hbn),
        ("16070004", "160700004004", "Arnstadt, Stadt", 104.99, 28124, 50.8333, 10.946529, ilm),
    ]
    for ags, ars, name, area, pop, lat, lon, kreis in gemeinden:
        Region.objects.get_or_create(
            kind=RegionKind.GEMEINDE,
            key=ags,
            defaults={
                "ars": ars,
                "name": name,
                "parent": kreis,
                "area_km2": area,
                "population": pop,
                "latitude": lat,
                "longitude": lon,
                "designation": "Stadt",
            },
        )
    d1, _ = District.objects.get_or_create(
        region=hbn, defaults={"slug": "hildburghausen", "name": "Landkreis Hildburghausen"}
    )
    d2, _ = District.objects.get_or_create(region=ilm, defaults={"slug": "ilm-kreis", "name": "Ilm-Kreis"})
    return d1, d2
