"""Real regions for tests, loaded through the region importer from the repository's official files.

``real_districts()`` writes Land Thüringen, Kreis 16069 (Landkreis
Hildburghausen, 32 Gemeinden) and Kreis 16070 (Ilm-Kreis) with their
Gemeindeverbände, GV100AD figures (Gebietsstand 30.11.2023), GV-ISys centres,
VG5000 boundaries and Zensus 2022 population, and hosts both as districts.
Nothing here is invented.

The files are parsed once per test process (module-level cache). The rows
are written only when the districts are missing: once per test database
(``django_db_setup`` in the root conftest), and again in a test that starts
from a flushed database (``transactional_db``) or deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from sozialplan.accounts.models import Membership, Role
from sozialplan.offerings.models import Provider
from sozialplan.regions.formats import RegionData, read_region_files
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.regions.services import apply_region_data
from sozialplan.sources.gv100ad import in_scope

REGION_FILES = (
    "GV100AD_301123.txt",
    "AuszugGV4QAktuell_2020Q4.csv",
    "vg5000_gem_thueringen_20210101.geojson",
    "vg5000_krs_deutschland_20210101.geojson",
    "1000A-0000_1773175153999_de_flat.csv",
)
#: (Kreis key, district slug, district name)
DISTRICTS = (
    ("16069", "hildburghausen", "Landkreis Hildburghausen"),
    ("16070", "ilm-kreis", "Ilm-Kreis"),
)

_PARSED: dict[str, RegionData] = {}


def region_files() -> list[Path]:
    """The repository's copies of the official region files (data/regions/)."""
    return [Path(settings.DATA_DIR) / "regions" / name for name in REGION_FILES]


def region_data(kreis_key: str) -> RegionData:
    """The parsed records of one Kreis of Thüringen (and its Land), cached for the process."""
    if not _PARSED:
        everything = read_region_files(region_files(), only="16")
        for key, _, _ in DISTRICTS:
            _PARSED[key] = RegionData(
                files=everything.files,
                records=[r for r in everything.records if in_scope(r.key, key)],
                centres=[(f, c) for f, c in everything.centres if c.ags.startswith(key)],
                boundaries=[(f, b) for f, b in everything.boundaries if in_scope(b.key, key)],
                census=[(f, c) for f, c in everything.census if c.ars.startswith(key)],
                gv100ad_file=everything.gv100ad_file,
            )
    return _PARSED[kreis_key]


def real_districts() -> tuple[District, District]:
    """(Landkreis Hildburghausen, Ilm-Kreis); regions and districts are written if missing."""
    districts: list[District] = []
    for kreis_key, slug, name in DISTRICTS:
        district = District.objects.filter(slug=slug).select_related("region").defer("region__boundary").first()
        if district is None:
            apply_region_data(region_data(kreis_key), only=kreis_key)
            kreis = Region.objects.get(kind=RegionKind.KREIS, key=kreis_key)
            district = District.objects.create(region=kreis, slug=slug, name=name)
        districts.append(district)
    return districts[0], districts[1]


@dataclass
class Personas:
    """The accounts of the persona tests (the citizen is anonymous and has none)."""

    planner: User
    other_planner: User
    traeger_a: User
    traeger_b: User
    committee: User
    outsider: User


def make_personas(
    district: District,
    other_district: District,
    provider_a: Provider,
    provider_b: Provider,
    *,
    password: str | None,
) -> Personas:
    """Create the persona accounts and their memberships.

    Planner and committee member of ``district``, a planner of
    ``other_district``, Träger A and B acting for ``provider_a``/``provider_b``,
    and an outsider without any membership. ``password=None`` skips hashing
    for tests that log in with ``force_login``.
    """

    def make(name: str) -> User:
        return User.objects.create_user(name, f"{name}@example.org", password)

    p = Personas(
        planner=make("planerin"),
        other_planner=make("planer-ilm"),
        traeger_a=make("traeger-a"),
        traeger_b=make("traeger-b"),
        committee=make("gremium"),
        outsider=make("aussen"),
    )
    Membership.objects.create(user=p.planner, district=district, role=Role.PLANNER)
    Membership.objects.create(user=p.other_planner, district=other_district, role=Role.PLANNER)
    Membership.objects.create(user=p.traeger_a, district=district, role=Role.PROVIDER, provider=provider_a)
    Membership.objects.create(user=p.traeger_b, district=district, role=Role.PROVIDER, provider=provider_b)
    Membership.objects.create(user=p.committee, district=district, role=Role.COMMITTEE)
    return p
