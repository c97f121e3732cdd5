"""The intermediate measures' high-risk denominators are the cohort's high plus very high
risk releases: beside the rates by risk level (same release year), a member who sees
that total and the high-risk cell would subtract the very high one (DATA.md,
"Disclosure control": no hidden cell recovered by subtraction).

Hand-worked cohort released in 2023 (one-year rearrest, k = 11), 300 people:

  risk level   cohort  rearrested
  low            120       50
  moderate        90       40
  high            50       25
  very_high        4        2      <- small: hidden
  unknown         36       15      <- the next smallest: hidden (complementary)
  all            300      132

Intermediate measures of the same cohort: 54 high-risk releases (50 + 4), 20 of them
completed a pre-release program, 25 referred within 30 days, 30 on supervision.
54 - 50 gives the 4 very high risk releases away.
"""

from __future__ import annotations

import csv
import io

import pytest

from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import rate_row
from reentrykit.testing import World

URL = "/c/riverton/measures/export/"
RISK = [("low", 120, 50), ("moderate", 90, 40), ("high", 50, 25), ("very_high", 4, 2)]
RISK += [("unknown", 36, 15)]


def _payload(*, high: int = 50, very_high: int = 4) -> dict:
    sizes = {"high": high, "very_high": very_high}
    groups = [(g, sizes.get(g, n), min(r, sizes.get(g, n) // 2)) for g, n, r in RISK]
    rates = [rate_row("all", "all", sum(n for _, n, _ in groups), sum(r for *_, r in groups))]
    rates += [rate_row(group, "risk_level", n, r) for group, n, r in groups]
    total = high + very_high

    def share(key: str, numerator: int) -> dict:
        return {
            "key": key,
            "label": key,
            "numerator": numerator,
            "denominator": total,
            "rate": numerator / total,
        }

    return {
        "data_through": "2025-06-30",
        "latest_complete_year": 2023,
        "survival_year": 2024,
        "rates": rates,
        "survival": {},
        "intermediate": [
            share("high_risk_completed_pre_release", 20),
            share("high_risk_referred_30_days", 25),
            share("high_risk_on_supervision", 30),
        ],
        "flow": [],
    }


def _csv(client, **query: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    answer = client.get(URL, query)
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return {row[0]: row[1:] for row in rows[1:]}


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@pytest.mark.parametrize("role", ["member", "viewer", "coach", "coordinator"])
def test_the_high_risk_denominators_and_the_risk_levels_give_no_small_count_away(
    role: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload())
    client = signed_in(getattr(world, role))
    by_risk = _csv(client, table="breakdown", measure="rearrest", window="365", by="risk_level")
    intermediate = _csv(client, table="intermediate")
    assert by_risk["very_high"][0] == "<11"
    shown_high = _int(by_risk["high"][0])
    totals = {_int(row[2]) for row in intermediate.values()} - {None}
    # Neither the total of high and very high risk beside the high cell, nor the high
    # cell beside that total: either way, the very high risk cell stays hidden.
    assert shown_high is None or not totals, (shown_high, totals)
    recovered = {total - shown_high for total in totals if shown_high is not None}
    assert not any(0 < value < 11 for value in recovered)


def test_the_api_keeps_the_very_high_risk_cell_hidden(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.testing import api_headers

    MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload())
    base = f"/api/v1/coalitions/{world.coalition.slug}/measures/"
    headers = api_headers(world.member)
    rates = client.get(
        base + "recidivism", {"measure": "rearrest", "by": "risk_level"}, headers=headers
    ).json()
    intermediate = client.get(base + "intermediate", headers=headers).json()
    high = next(row for row in rates["rows"] if row["group"] == "high")["cohort"]
    totals = {row["denominator"] for row in intermediate["rows"]} - {None}
    assert high is None or not totals, (high, totals)


def test_a_steward_still_sees_every_figure(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload())
    client = signed_in(world.steward)
    by_risk = _csv(client, table="breakdown", measure="rearrest", window="365", by="risk_level")
    assert by_risk["very_high"][0] == "4"
    assert by_risk["high"][0] == "50"


def test_risk_levels_without_a_small_high_risk_cell_stay_shown(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_payload(very_high=30))
    client = signed_in(world.member)
    by_risk = _csv(client, table="breakdown", measure="rearrest", window="365", by="risk_level")
    assert (by_risk["high"][0], by_risk["very_high"][0]) == ("50", "30")


@pytest.mark.parametrize("which", ["baseline", "latest"])
def test_an_indicator_of_a_risk_level_keeps_the_very_high_risk_cell_hidden(
    which: str, world: World
) -> None:
    """A member saves an indicator of the high risk releases of 2023 (the intermediate
    measures' year): its cohort beside the high-risk denominators gives the very high
    risk releases away, as the measures page's cell would."""
    from reentrykit.core.access import coalition_access
    from reentrykit.metrics import selectors
    from reentrykit.metrics.models import Indicator

    indicator = Indicator.objects.create(
        coalition=world.coalition,
        name="High risk rearrest",
        measure="rearrest",
        baseline_first_year=2023 if which == "baseline" else 2021,
        baseline_last_year=2023 if which == "baseline" else 2021,
        breakdown="risk_level",
        breakdown_group="high",
    )
    payload = _payload()
    rows = [{**row, "breakdown": "risk_level"} for row in payload["rates"]]
    older = [{**row, "cohort_year": 2021} for row in rows]
    period = {"rows": rows}
    payload["indicators"] = {
        str(indicator.pk): {
            **(period if which == "baseline" else {"rows": older}),
            "years": [],
            "group": "high",
            "breakdown": "risk_level",
            "latest": {"year": 2023, **period},
        }
    }
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    member = coalition_access(world.member, world.coalition)
    assert member is not None
    (row,) = selectors.indicator_rows(member)
    shown = row["baseline"] if which == "baseline" else row["latest"]
    totals = {r["denominator"] for r in selectors.intermediate(member, payload).rows} - {None}
    assert shown["cohort"] is None or not totals, (shown["cohort"], totals)
    steward = coalition_access(world.steward, world.coalition)
    assert steward is not None
    (raw,) = selectors.indicator_rows(steward)
    assert (raw["baseline"] if which == "baseline" else raw["latest"])["cohort"] == 50


def _curves(sizes: dict[str, int]) -> list[dict]:
    """Each group's curve from day 0 (at risk: its n) with 20 events on day 100."""
    points = []
    for group, n in {**sizes, "all": sum(sizes.values())}.items():
        events = min(20, n)
        points += [
            {"group": group, "day": 0, "at_risk": n, "events": 0, "survival": 1.0,
             "ci_low": 1.0, "ci_high": 1.0},
            {"group": group, "day": 100, "at_risk": n, "events": events,
             "survival": 1 - events / n, "ci_low": 0.0, "ci_high": 1.0},
        ]  # fmt: skip
    return points


@pytest.mark.parametrize(("year", "withheld"), [(2023, True), (2024, False)])
def test_the_risk_level_curves_beside_the_high_risk_denominators(
    world: World, year: int, withheld: bool
) -> None:
    """Curves of the intermediate measures' year (2023) start at each group's n: the
    high-risk curve's 50 beside the denominators' 54 would give the 4 very high risk
    people away, so both curves are withheld. Of another year, the high risk curve shows."""
    from reentrykit.core.access import coalition_access
    from reentrykit.metrics.selectors import survival

    payload = _payload()
    payload["survival_year"] = year
    sizes = {"low": 120, "moderate": 90, "high": 50, "very_high": 4, "unknown": 36}
    payload["survival"] = {"rearrest": {"risk_level": {"points": _curves(sizes)}}}
    member = coalition_access(world.member, world.coalition)
    shown, hidden, _ = survival(member, payload, measure="rearrest", breakdown="risk_level")
    assert "very_high" in hidden
    assert ("high" in hidden) is withheld
    assert any(p["group"] == "moderate" and p["at_risk"] == 90 for p in shown)
    steward = coalition_access(world.steward, world.coalition)
    _, hidden_raw, _ = survival(steward, payload, measure="rearrest", breakdown="risk_level")
    assert hidden_raw == []
