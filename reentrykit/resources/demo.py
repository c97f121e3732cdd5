"""Demo services, funding and reentry map: each demo coalition's directory lists a few
services, its funding scan a few sources and its map a few cells (all invented), so its
needs against capacity page shows gaps against the synthetic county's needs."""

from __future__ import annotations

from decimal import Decimal

from reentrykit.core.demo import DemoWorld, register_demo_seeder
from reentrykit.resources.models import FundingSource, MapCell, Service

# (name, need, setting, people a year, spending a year, record restrictions, evidence)
DEMO_SERVICES = (
    (
        "Bridge housing beds",
        "housing",
        "community",
        40,
        "310000",
        "No arson convictions",
        "promising",
    ),
    ("Transitional jobs crew", "employment", "community", 60, "420000", "", "effective"),
    ("Recovery coaching at release", "substance_use", "both", 90, "150000", "", "promising"),
    ("Reentry mental health clinic", "mental_health", "community", 35, "260000", "", "not_rated"),
    ("GED classes in the jail", "education", "pre_release", 50, "45000", "", "not_rated"),
)

# People each served last year, where it reported: the clinic left most places unused.
DEMO_SERVED = {
    "Bridge housing beds": 40,
    "Transitional jobs crew": 57,
    "Reentry mental health clinic": 12,
}


# (name, level, status, amount, what it can pay for)
DEMO_FUNDING = (
    ("Second Chance Act reentry grant", "federal", "current", "750000", "Navigators, housing"),
    ("State recidivism reduction fund", "state", "current", "180000", "Treatment, jobs"),
    ("County general fund", "local", "current", "95000", "The coordinator's time"),
    ("Community foundation", "private", "prospective", "60000", "Transitional jobs"),
)

# (decision point, service system, status, what happens now, what is missing)
DEMO_MAP = (
    ("booking", "mental_health", "partial", "A nurse screens at booking.", "No referral follows."),
    ("custody", "substance_use", "in_place", "Recovery coaches meet people before release.", ""),
    ("custody", "education", "in_place", "GED classes in the jail.", ""),
    (
        "release",
        "housing",
        "gap",
        "",
        "No one plans where people will sleep; many leave for the shelter.",
    ),
    ("release", "id_benefits", "gap", "", "People leave without an ID or benefits started."),
    ("supervision", "employment", "partial", "A transitional jobs crew.", "60 places a year."),
)


def seed_services(world: DemoWorld) -> None:
    for slug, coalition in world.coalitions.items():
        if Service.objects.filter(coalition=coalition).exists():
            continue  # seeded before, or the coalition keeps its own directory
        partners = world.organizations[slug]
        for index, (name, need, setting, capacity, spending, restrictions, evidence) in enumerate(
            DEMO_SERVICES
        ):
            Service.objects.create(
                coalition=coalition,
                name=name,
                provider=partners[index % len(partners)].name,
                need=need,
                setting=setting,
                capacity_per_year=capacity,
                served_last_year=DEMO_SERVED.get(name),
                annual_spending=Decimal(spending),
                record_restrictions=restrictions,
                evidence=evidence,
                # Fictional numbers (555-01xx is set aside for fiction).
                phone=f"(555) 555-01{10 + index:02d}",
            )
        for name, level, status, amount, uses in DEMO_FUNDING:
            FundingSource.objects.create(
                coalition=coalition,
                name=name,
                level=level,
                status=status,
                amount=Decimal(amount),
                eligible_uses=uses,
            )
        for point, system, status, practice, missing in DEMO_MAP:
            MapCell.objects.create(
                coalition=coalition,
                point=point,
                system=system,
                status=status,
                practice=practice,
                missing=missing,
            )


register_demo_seeder("services", 27, seed_services)
