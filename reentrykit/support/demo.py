"""Demo community support: an influencer, a message quoting the live rate, and a few
tactics around the day of seeding, for each demo coalition (all invented)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.core.demo import DemoWorld, register_demo_seeder
from reentrykit.support.models import Influencer, Message, Tactic

# (kind, purpose, days from seeding, audience, messenger, status, outcome)
DEMO_TACTICS = (
    (
        "meetings",
        "Brief commissioners on the plan",
        -30,
        "County commission",
        "Coordinator",
        "done",
        "Two commissioners asked for the cost estimate.",
    ),
    ("media", "Op-ed on jobs at release", 14, "Voters", "A returning citizen", "under_way", ""),
    (
        "social",
        "Share the plan's first results",
        45,
        "Residents",
        "Coalition members",
        "planned",
        "",
    ),
)


def seed_support(world: DemoWorld) -> None:
    today = timezone.localdate()
    for coalition in world.coalitions.values():
        if Tactic.objects.filter(coalition=coalition).exists():
            continue  # seeded before
        Influencer.objects.create(
            coalition=coalition,
            name="The interfaith reentry council",
            network="Faith leaders",
            reaches=coalition.stakeholders.filter(name="The county commission").first(),
            how="Speaks at commission meetings; hosts welcome-home dinners.",
        )
        Message.objects.create(
            coalition=coalition,
            audience="county commissioners",
            problem="Of the people released from custody, [[one_year_rearrest]] are "
            "rearrested within a year; each return costs the county a jail bed.",
            talking_points="Transitional jobs cut rearrests and pay for themselves in jail "
            "bed-days.\nThe sheriff and the workforce board already support the plan.",
        )
        for kind, purpose, days, audience, messenger, status, outcome in DEMO_TACTICS:
            Tactic.objects.create(
                coalition=coalition,
                kind=kind,
                purpose=purpose,
                timing=today + dt.timedelta(days=days),
                audience=audience,
                messenger=messenger,
                status=status,
                outcome=outcome,
            )


# After the plans: the influencer reaches one of the plan's stakeholders.
register_demo_seeder("support", 45, seed_support)
