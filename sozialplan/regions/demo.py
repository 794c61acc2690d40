"""The demo installation: real Thüringen regions, Landkreis Hildburghausen, its 72 real offers, demo accounts.

Everything comes from the files in ``data/`` (see their README files); the
only invented things are the four demo accounts and their passwords, which
are documented in docs/demo.md. Running ``load_demo`` twice changes nothing
the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from sozialplan.accounts.models import Membership, Role
from sozialplan.catalog.services import load_reference
from sozialplan.indicators.demo import StatisticsResult, load_demo_statistics
from sozialplan.needs.demo import NeedsDemoResult, compute_demo_analysis
from sozialplan.offerings.importing import import_offers_file
from sozialplan.offerings.models import Provider
from sozialplan.regions.models import District, Region, RegionKind
from sozialplan.regions.services import (
    RegionImportResult,
    import_region_files,
    planning_areas_from_verwaltungsgemeinschaften,
)
from sozialplan.sources.errors import ImportSummary

LAND_KEY = "16"
KREIS_KEY = "16069"
DISTRICT_SLUG = "hildburghausen"
DISTRICT_NAME = "Landkreis Hildburghausen"

REGION_FILES = (
    "GV100AD_301123.txt",
    "AuszugGV4QAktuell_2020Q4.csv",
    "vg5000_gem_thueringen_20210101.geojson",
    "vg5000_krs_deutschland_20210101.geojson",
    "1000A-0000_1773175153999_de_flat.csv",
)
OFFERS_FILE = Path("offers") / "hildburghausen" / "offers.csv"


@dataclass(frozen=True)
class DemoAccount:
    """A documented demo login (docs/demo.md). ``provider`` is the Träger name for the Träger role."""

    username: str
    password: str
    role: str
    description: str
    provider: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("planung", "planung-demo", Role.PLANNER, "Sozialplanung des Landkreises Hildburghausen"),
    DemoAccount(
        "traeger-diakonie",
        "diakonie-demo",
        Role.PROVIDER,
        "Träger Diakoniewerk (bearbeitet nur dessen Angebote)",
        provider="Diakoniewerk der Superintendenturen Sonneberg und Hildburghausen/Eisfeld e.V.",
    ),
    DemoAccount(
        "traeger-awo", "awo-demo", Role.PROVIDER, "Träger AWO (bearbeitet nur dessen Angebote)", provider="AWO"
    ),
    DemoAccount("gremium", "gremium-demo", Role.COMMITTEE, "Mitglied eines Gremiums (liest mit)"),
)


@dataclass
class DemoResult:
    regions: RegionImportResult
    offers: ImportSummary
    planning_areas: ImportSummary
    accounts: ImportSummary = field(default_factory=ImportSummary)
    district_created: bool = False
    statistics: StatisticsResult | None = None
    needs: NeedsDemoResult | None = None

    @property
    def changed(self) -> bool:
        return (
            (
                self.regions.created
                + self.regions.updated
                + self.offers.created
                + self.offers.updated
                + self.planning_areas.created
                + self.planning_areas.updated
                + self.accounts.created
                + self.accounts.updated
            )
            > 0
            or self.district_created
            or bool(self.statistics and self.statistics.changed)
        )


def ensure_district() -> tuple[District, bool]:
    """Landkreis Hildburghausen as a hosted district (its Kreis region must exist)."""
    kreis = Region.objects.get(kind=RegionKind.KREIS, key=KREIS_KEY)
    return District.objects.get_or_create(slug=DISTRICT_SLUG, defaults={"region": kreis, "name": DISTRICT_NAME})


def ensure_accounts(district: District) -> ImportSummary:
    """Create the demo accounts and memberships; existing ones keep (or get back) the documented password."""
    summary = ImportSummary()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        changed = created
        if created or not user.check_password(account.password):
            user.set_password(account.password)
            user.save(update_fields=["password"])
            changed = True
        provider = None
        if account.provider:
            provider = Provider.objects.filter(district=district, name=account.provider).first()
            if provider is None:
                summary.reject(f"Träger „{account.provider}“ fehlt; Konto ohne Mitgliedschaft.", key=account.username)
                continue
        _, membership_created = Membership.objects.get_or_create(
            user=user, district=district, role=account.role, provider=provider
        )
        changed = changed or membership_created
        if created:
            summary.created += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    return summary


def load_demo(
    *, data_dir: Path | None = None, accounts: bool = True, show_progress: bool = False, statistics: bool = True
) -> DemoResult:
    """Load reference data, Thüringen's regions, the district, its offers, Planungsräume, demo accounts
    and (unless ``statistics=False``) the official statistics with the Gemeinden's age estimate and projection,
    and then the district's Bedarfsanalyse (straight-line distances)."""
    data_dir = data_dir or Path(settings.DATA_DIR)
    load_reference()
    regions = import_region_files(
        [data_dir / "regions" / name for name in REGION_FILES], only=LAND_KEY, show_progress=show_progress
    )
    with transaction.atomic():
        district, district_created = ensure_district()
        offers_path = data_dir / OFFERS_FILE
        offers = import_offers_file(
            district=district, data=offers_path.read_bytes(), filename=offers_path.name, actor=None
        )
        areas = planning_areas_from_verwaltungsgemeinschaften(district)
        result = DemoResult(regions=regions, offers=offers, planning_areas=areas, district_created=district_created)
        if accounts:
            result.accounts = ensure_accounts(district)
        if statistics:
            result.statistics = load_demo_statistics(data_dir, KREIS_KEY)
            result.needs = compute_demo_analysis(district, data_changed=result.changed)
    return result
