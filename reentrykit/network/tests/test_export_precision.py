"""Figures in the cross-site export are as precise as the page, so no cohort comes back."""

from __future__ import annotations

import csv
import io

import numpy as np

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.rates import wilson_interval
from reentrykit.metrics.tests.builders import dashboard_payload
from reentrykit.testing import World

PAGE = "/n/pilot/compare/"


def _row(measure: str, cohort: int, recidivists: int) -> dict:
    low, high = wilson_interval(recidivists, cohort)
    return {
        "measure": measure,
        "window_days": 365,
        "cohort_year": 2023,
        "breakdown": "all",
        "group": "all",
        "cohort": cohort,
        "recidivists": recidivists,
        "rate": recidivists / cohort,
        "ci_low": float(low),
        "ci_high": float(high),
    }


def _fitting_cohorts(rate: float, low: float, high: float, digits: int) -> set[int]:
    """Every cohort n up to 400 for which some count of events gives these figures,
    each rounded to ``digits`` decimals."""
    fits = set()
    for n in range(1, 401):
        events = np.arange(n + 1)
        lows, highs = wilson_interval(events, np.full(n + 1, n))
        same = (
            (np.round(events / n, digits) == rate)
            & (np.round(lows, digits) == low)
            & (np.round(highs, digits) == high)
        )
        if same.any():
            fits.add(n)
    return fits


def test_the_cross_site_export_gives_no_cohort_back(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Hand-worked: 200 people released in 2023 followed a year for rearrest (90
    rearrested); 3 of them died within the year without a conviction or an
    incarceration first, so reconviction's and reincarceration's cohorts are 197 (40 and
    30 events). The page and the export show rates and intervals only ("the three
    measures' counts differ by the few people who died, and side by side they would
    give those away"). But a rate and its Wilson bounds at full precision, or even to
    one decimal of a percent, fit only a cohort or two: 200 and 197, so 3 deaths, a
    count from 1 to 10. To a whole percent they fit many."""
    payload = dashboard_payload()
    payload["rates"] = [
        _row("rearrest", 200, 90),
        _row("reconviction", 197, 40),
        _row("reincarceration", 197, 30),
    ]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    client = signed_in(world.network_admin)
    response = client.get(f"{PAGE}export/?table=measures")
    text = response.content.decode("utf-8-sig")
    rows = {row["site"]: row for row in csv.DictReader(io.StringIO(text))}
    site = rows["Riverton County Reentry Coalition"]
    fits = {}
    for measure in ("rearrest", "reconviction"):
        rate, low, high = (float(site[f"{measure}_{c}"]) for c in ("rate", "ci_low", "ci_high"))
        assert (rate, low, high) == (round(rate, 2), round(low, 2), round(high, 2))
        fits[measure] = _fitting_cohorts(rate, low, high, digits=2)
    # To a whole percent many cohorts fit each measure's figures, and the same cohort
    # fits both: nothing says anyone died.
    assert len(fits["rearrest"]) >= 5 and len(fits["reconviction"]) >= 5
    assert fits["rearrest"] & fits["reconviction"]
    precise = {
        measure: _fitting_cohorts(*(round(float(x), 3) for x in _wilson(n, r)), digits=3)
        for measure, n, r in (("rearrest", 200, 90), ("reconviction", 197, 40))
    }
    # To one decimal, every cohort that fits rearrest's figures is from 1 to 10 above
    # every one that fits reconviction's: the deaths would show.
    deaths = {a - b for a in precise["rearrest"] for b in precise["reconviction"]}
    assert deaths and all(0 < d < 11 for d in deaths)


def _wilson(n: int, events: int) -> tuple[float, float, float]:
    low, high = wilson_interval(events, n)
    return events / n, float(low), float(high)
