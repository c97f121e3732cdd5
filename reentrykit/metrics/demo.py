"""Demo indicators: each demo coalition tracks its one-year rearrest rate against a
baseline and a target. Seeded before the data, so the refresh after the demo's
linkage computes their values."""

from __future__ import annotations

from reentrykit.core.demo import DemoWorld, register_demo_seeder
from reentrykit.metrics.models import Indicator, IndicatorTarget

DEMO_INDICATOR = "One-year rearrest"
# The synthetic counties' data runs through 2025: 2022 is a complete baseline year.
DEMO_BASELINE_YEAR = 2022


def seed_indicators(world: DemoWorld) -> None:
    for coalition in world.coalitions.values():
        indicator, made = Indicator.objects.get_or_create(
            coalition=coalition,
            name=DEMO_INDICATOR,
            defaults={
                "measure": "rearrest",
                "window_days": 365,
                "baseline_first_year": DEMO_BASELINE_YEAR,
                "baseline_last_year": DEMO_BASELINE_YEAR,
            },
        )
        if made:
            IndicatorTarget.objects.create(
                indicator=indicator, label="Short term", cohort_year=2026, target_rate=0.40
            )
            IndicatorTarget.objects.create(
                indicator=indicator, label="Long term", cohort_year=2028, target_rate=0.35
            )


register_demo_seeder("indicators", 28, seed_indicators)
