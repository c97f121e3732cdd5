"""Snapshots the refresh keeps: the latest few of each coalition, nothing of another's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from reentrykit.data.models import Source
from reentrykit.metrics.models import AdjustedComparison, MetricSnapshot
from reentrykit.metrics.refresh import KEPT_SNAPSHOTS, refresh_coalition
from reentrykit.metrics.tests.builders import event, rearrest_indicator, release, write_store
from reentrykit.testing import World, sign_in


def test_the_refresh_keeps_the_latest_snapshots_of_its_coalition_only(world: World) -> None:
    write_store(
        world.coalition.pk,
        releases=[release("p1", "2024-02-01")],
        events=[event("p1", "2024-05-01", "arrest")],
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(
            coalition=world.coalition, name=name, declared_data_through=dt.date(2025, 12, 31)
        )
    elsewhere = MetricSnapshot.objects.create(coalition=world.other, payload={"empty": True})
    oldest = MetricSnapshot.objects.create(coalition=world.coalition, payload={"empty": True})
    AdjustedComparison.objects.create(
        snapshot=oldest, measure="rearrest", program_type="any", cohort_year=2024
    )
    made = [refresh_coalition(world.coalition)["snapshot"] for _ in range(KEPT_SNAPSHOTS + 1)]
    ours = MetricSnapshot.objects.filter(coalition=world.coalition)
    kept = list(ours.values_list("pk", flat=True))
    assert kept == made[::-1][:KEPT_SNAPSHOTS]  # the latest first
    assert ours.get(pk=made[-1]).payload["rates"]
    assert not AdjustedComparison.objects.exists()  # went with its snapshot
    assert MetricSnapshot.objects.filter(pk=elsewhere.pk).exists()


def test_the_refresh_computes_each_indicators_baseline_and_latest_cohort(world: World) -> None:
    from reentrykit.coalitions.models import Role
    from reentrykit.core.access import ROLE_CAPABILITIES, CoalitionAccess, as_viewer
    from reentrykit.metrics.selectors import indicator_rows

    write_store(
        world.coalition.pk,
        releases=[
            # The 2022 baseline: p1 rearrested within the year, p2 after it (1 of 2).
            release("p1", "2022-03-01"),
            release("p2", "2022-04-01"),
            # The latest cohort with a full year of follow-up by 2025-12-31 is 2024's:
            # p3 and p5 rearrested within the year, p4 not (2 of 3).
            release("p3", "2024-02-01"),
            release("p4", "2024-03-01"),
            release("p5", "2024-07-01"),
            # 2025's releases have no full year yet and count in neither.
            release("p6", "2025-02-01"),
        ],
        events=[
            event("p1", "2022-06-01", "arrest"),
            event("p2", "2023-06-01", "arrest"),
            event("p3", "2024-05-01", "arrest"),
            event("p5", "2025-01-15", "booking"),
            event("p6", "2025-03-01", "arrest"),
        ],
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(
            coalition=world.coalition, name=name, declared_data_through=dt.date(2025, 12, 31)
        )
    indicator = rearrest_indicator(world.coalition)
    refresh_coalition(world.coalition)
    world.coalition.suppression_k = 5
    world.coalition.save()
    [row] = indicator_rows(as_viewer(world.coalition))
    assert row["indicator"] == indicator
    # Counts this small are hidden from anyone but a data steward.
    assert row["display"] == row["latest_display"] == "suppressed"
    steward = CoalitionAccess(
        world.coalition,
        frozenset({Role.DATA_STEWARD}),
        False,
        ROLE_CAPABILITIES[Role.DATA_STEWARD],
    )
    [raw] = indicator_rows(steward)
    assert (raw["baseline"]["recidivists"], raw["baseline"]["cohort"]) == (1, 2)
    assert (raw["latest"]["recidivists"], raw["latest"]["cohort"]) == (2, 3)
    assert raw["latest_year"] == 2024
    assert raw["display"] is None and raw["latest_display"] is None


def shown(access: Any) -> dict[str, object]:
    """Each indicator's baseline as the reader sees it: (recidivists, cohort), or the
    text that stands for it."""
    from reentrykit.metrics.selectors import indicator_rows

    return {
        row["indicator"].name: row["display"]
        or (row["baseline"]["recidivists"], row["baseline"]["cohort"])
        for row in indicator_rows(access)
    }


def _steward(world: World) -> Any:
    from reentrykit.coalitions.models import Role
    from reentrykit.core.access import ROLE_CAPABILITIES, CoalitionAccess

    return CoalitionAccess(
        world.coalition, frozenset({Role.DATA_STEWARD}), False, ROLE_CAPABILITIES[Role.DATA_STEWARD]
    )


def test_a_baseline_of_several_years_shows_only_when_each_year_could(world: World) -> None:
    """k = 5. 2021: 12 released, 6 rearrested within a year; 2022: 6 released, 3
    rearrested. The 2021-2022 baseline (9 of 18) passes the rules by itself, but beside
    the 2021 one (6 of 12) it would give away 2022's 3 of 6: members see neither figure
    of it. With 2023 (10 released, 5 rearrested) every year could be shown."""
    from reentrykit.core.access import as_viewer
    from reentrykit.metrics.models import Indicator

    releases, events = [], []
    for year, people, rearrested in ((2021, 12, 6), (2022, 6, 3), (2023, 10, 5)):
        for n in range(people):
            key = f"p{year}-{n}"
            releases.append(release(key, f"{year}-03-01"))
            if n < rearrested:
                events.append(event(key, f"{year}-06-01", "arrest"))
    write_store(world.coalition.pk, releases=releases, events=events)
    Source.objects.create(
        coalition=world.coalition, name="County Jail", declared_data_through=dt.date(2025, 12, 31)
    )
    world.coalition.suppression_k = 5
    world.coalition.save()
    for name, first, last in (("2021", 2021, 2021), ("2021-22", 2021, 2022), ("2023", 2023, 2023)):
        Indicator.objects.create(
            coalition=world.coalition, name=name, measure="rearrest",
            baseline_first_year=first, baseline_last_year=last,
        )  # fmt: skip
    Indicator.objects.create(
        coalition=world.coalition, name="2021-23 but 2022", measure="rearrest",
        baseline_first_year=2021, baseline_last_year=2023,
    )  # fmt: skip
    refresh_coalition(world.coalition)

    steward = _steward(world)
    assert shown(steward) == {
        "2021": (6, 12), "2021-22": (9, 18), "2023": (5, 10), "2021-23 but 2022": (14, 28),
    }  # fmt: skip
    assert shown(as_viewer(world.coalition)) == {
        "2021": (6, 12), "2021-22": "suppressed", "2023": (5, 10), "2021-23 but 2022": "suppressed",
    }  # fmt: skip
    # A baseline of years that could each be shown is shown (2024 had no releases).
    Indicator.objects.filter(name="2021-23 but 2022").update(
        baseline_first_year=2023, baseline_last_year=2024
    )
    refresh_coalition(world.coalition)
    assert shown(as_viewer(world.coalition))["2021-23 but 2022"] == (5, 10)


def test_an_indicator_of_one_facility_hides_what_would_give_the_other_away(world: World) -> None:
    """k = 5. 2023: 20 released from jail (10 rearrested within a year) and 3 from prison
    (1 rearrested). Beside an everyone indicator (11 of 23) a jail one (10 of 20) would
    give the prison's 1 of 3 away, as the dashboard's facility breakdown hides it: members
    see the jail figures hidden. With 10 released from prison (5 rearrested) both show."""
    from reentrykit.core.access import as_viewer
    from reentrykit.metrics.models import Indicator

    def load(prison: int, prison_rearrested: int) -> None:
        releases, events = [], []
        for facility, people, rearrested in (
            ("jail", 20, 10),
            ("prison", prison, prison_rearrested),
        ):
            for n in range(people):
                key = f"{facility}-{n}"
                releases.append(release(key, "2023-03-01", facility_type=facility))
                if n < rearrested:
                    events.append(event(key, "2023-06-01", "arrest"))
        write_store(world.coalition.pk, releases=releases, events=events)
        refresh_coalition(world.coalition)

    Source.objects.create(
        coalition=world.coalition, name="County Jail", declared_data_through=dt.date(2025, 12, 31)
    )
    world.coalition.suppression_k = 5
    world.coalition.save()
    for name, facility in (("everyone", ""), ("jail", "jail")):
        Indicator.objects.create(
            coalition=world.coalition, name=name, measure="rearrest", facility_type=facility,
            baseline_first_year=2023, baseline_last_year=2023,
        )  # fmt: skip

    steward = _steward(world)
    load(prison=3, prison_rearrested=1)
    assert shown(steward) == {"everyone": (11, 23), "jail": (10, 20)}
    assert shown(as_viewer(world.coalition)) == {"everyone": (11, 23), "jail": "suppressed"}
    load(prison=10, prison_rearrested=5)
    assert shown(as_viewer(world.coalition)) == {"everyone": (15, 30), "jail": (10, 20)}


def test_a_facility_indicator_counts_the_page_s_facility_group(world: World) -> None:
    """k = 5. In 2024 (the latest year followed for a full year) 12 left jail (6 were
    rearrested within a year) and 10 left prison (5 rearrested); 3 of the prison's
    people left jail later that year. The jail indicator is the page's jail group, 12
    people: counted at their later jail release too, those 3 would be 15 - 12 beside
    the page's jail row."""
    from reentrykit.core.access import as_viewer
    from reentrykit.metrics.models import Indicator
    from reentrykit.metrics.selectors import latest_snapshot

    releases = [release(f"j{n}", "2024-03-01", facility_type="jail") for n in range(12)]
    releases += [release(f"p{n}", "2024-02-01", facility_type="prison") for n in range(10)]
    releases += [release(f"p{n}", "2024-09-01", facility_type="jail") for n in range(3)]
    events = [event(f"j{n}", "2024-06-01", "arrest") for n in range(6)]
    events += [event(f"p{n}", "2024-12-01", "arrest") for n in range(5)]
    write_store(world.coalition.pk, releases=releases, events=events)
    Source.objects.create(
        coalition=world.coalition, name="County Jail", declared_data_through=dt.date(2025, 12, 31)
    )
    world.coalition.suppression_k = 5
    world.coalition.save()
    for facility in ("jail", "prison"):
        Indicator.objects.create(
            coalition=world.coalition, name=facility, measure="rearrest", facility_type=facility,
            baseline_first_year=2024, baseline_last_year=2024,
        )  # fmt: skip
    refresh_coalition(world.coalition)
    page = {
        row["group"]: (row["recidivists"], row["cohort"])
        for row in latest_snapshot(world.coalition).payload["rates"]
        if (row["measure"], row["window_days"], row["breakdown"], row["cohort_year"])
        == ("rearrest", 365, "facility_type", 2024)
    }
    assert page == {"jail": (6, 12), "prison": (5, 10)}
    assert shown(_steward(world)) == page
    assert shown(as_viewer(world.coalition)) == page


def _deaths_store(world: World, *, deaths: bool = True) -> None:
    """40 people released 2024-01-01, followed to 2025-12-31: p0..p11 arrested on day 10,
    p12..p14 die on day 20, p15..p26 arrested on day 30, p27..p39 neither."""
    people = [f"p{i}" for i in range(40)]
    events = [event(p, "2024-01-11", "arrest") for p in people[:12]]
    events += [event(p, "2024-01-31", "arrest") for p in people[15:27]]
    if deaths:
        events += [event(p, "2024-01-21", "death") for p in people[12:15]]
    write_store(
        world.coalition.pk, releases=[release(p, "2024-01-01") for p in people], events=events
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(
            coalition=world.coalition, name=name, declared_data_through=dt.date(2025, 12, 31)
        )


def test_the_refresh_gives_the_cumulative_incidence_with_death_competing(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Aalen–Johansen, by hand: day 10, 12 of 40 arrested: F = 12/40 = 0.3, and 28/40
    are left with neither. Day 20: 3 of 28 die: F stays 0.3, 25/40 left. Day 30: 12 of
    25 arrested: F = 0.3 + 25/40 * 12/25 = 0.6 (one minus Kaplan–Meier, which treats
    the three as if still at risk, would say 1 - 28/40 * 13/25 = 0.636)."""
    from reentrykit.core.access import coalition_access
    from reentrykit.metrics.selectors import incidence, latest_snapshot

    _deaths_store(world)
    refresh_coalition(world.coalition)
    payload = latest_snapshot(world.coalition).payload

    def curve(user: Any) -> list[tuple[int, float]]:
        points = incidence(coalition_access(user, world.coalition), payload, measure="rearrest")
        return [(p["day"], round(p["cumulative_incidence"], 12)) for p in points]

    assert curve(world.steward) == [(0, 0.0), (10, 0.3), (20, 0.3), (30, 0.6)]
    # Members read it on the days everyone's curve steps (12 arrests each; k = 11).
    assert curve(world.member) == [(0, 0.0), (10, 0.3), (30, 0.6)]
    page = signed_in(world.member).get("/c/riverton/measures/").content.decode()
    body = page[page.index('id="incidence-table"') :]
    assert "Share with a rearrest, deaths counted apart" in page
    assert '<th scope="row" class="text-right">30</th><td class="text-right">60.0%' in body


def test_without_deaths_there_is_no_cumulative_incidence(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.core.access import coalition_access
    from reentrykit.metrics.selectors import incidence, latest_snapshot

    _deaths_store(world, deaths=False)
    refresh_coalition(world.coalition)
    payload = latest_snapshot(world.coalition).payload
    steward = coalition_access(world.steward, world.coalition)
    assert incidence(steward, payload, measure="rearrest") == []
    page = signed_in(world.steward).get("/c/riverton/measures/").content.decode()
    assert "deaths counted apart" not in page


def test_sources_followed_to_before_the_first_release_give_an_empty_snapshot(
    world: World,
) -> None:
    # Releases begin in 2024, but the police say their data is complete only to mid-2023:
    # no release has a day of follow-up, so there is nothing to compute (not a crash).
    write_store(
        world.coalition.pk,
        releases=[release("p1", "2024-02-01")],
        events=[event("p1", "2024-05-01", "arrest")],
    )
    Source.objects.create(
        coalition=world.coalition, name="County Jail", declared_data_through=dt.date(2025, 12, 31)
    )
    Source.objects.create(
        coalition=world.coalition, name="City Police", declared_data_through=dt.date(2023, 6, 30)
    )
    made = refresh_coalition(world.coalition)
    assert made["empty"] is True
    payload = MetricSnapshot.objects.get(pk=made["snapshot"]).payload
    assert payload == {"empty": True, "data_through": "2023-06-30", "first_year": 2024}
    page = sign_in(Client(), world.member).get(f"/c/{world.coalition.slug}/measures/")
    assert "complete only through Jun 30, 2023, before the first releases (in 2024)" in (
        page.content.decode()
    )


def test_a_baseline_whose_last_year_is_not_followed_for_its_window_waits(
    world: World,
) -> None:
    """Data complete through 2025-12-31. A one-year baseline of 2025 would count no one
    (no 2025 release has a year of follow-up); a 180-day baseline of 2025 only those
    released by 2025-07-04 (p7, not p8), labelled as all of 2025. Neither is computed:
    each waits until its window has passed for a release on 2025-12-31 (2026-12-31 and
    2026-06-29). A 180-day baseline of 2024 is complete: 1 of 2."""
    from reentrykit.metrics.models import Indicator
    from reentrykit.metrics.selectors import indicator_rows

    write_store(
        world.coalition.pk,
        releases=[
            release("p5", "2024-03-01"),
            release("p6", "2024-06-01"),
            release("p7", "2025-02-01"),
            release("p8", "2025-09-01"),
        ],
        events=[event("p5", "2024-05-01", "arrest"), event("p7", "2025-04-01", "arrest")],
    )
    for name in ("County Jail", "City Police"):
        Source.objects.create(
            coalition=world.coalition, name=name, declared_data_through=dt.date(2025, 12, 31)
        )

    def indicator(name: str, year: int, window: int) -> Indicator:
        return Indicator.objects.create(
            coalition=world.coalition,
            name=name,
            measure="rearrest",
            window_days=window,
            baseline_first_year=year,
            baseline_last_year=year,
        )

    indicator("One year, 2025", 2025, 365)
    indicator("Six months, 2025", 2025, 180)
    indicator("Six months, 2024", 2024, 180)
    refresh_coalition(world.coalition)
    rows = {row["indicator"].name: row for row in indicator_rows(_steward(world))}
    assert rows["One year, 2025"]["pending_until"] == dt.date(2026, 12, 31)
    assert rows["Six months, 2025"]["pending_until"] == dt.date(2026, 6, 29)
    for name in ("One year, 2025", "Six months, 2025"):
        assert rows[name]["baseline"] is None
    complete = rows["Six months, 2024"]
    assert complete["pending_until"] is None
    assert (complete["baseline"]["recidivists"], complete["baseline"]["cohort"]) == (1, 2)

    page = sign_in(Client(), world.member).get(f"/c/{world.coalition.slug}/measures/indicators/")
    assert "not complete until Jun 29, 2026" in page.content.decode()
