from __future__ import annotations

from reentrykit.core.suppression import RateSpec, disclose, disclose_flow, suppress_table

RATE = RateSpec("rate", "recidivists", "cohort", also_hide=("ci_low", "ci_high"))


def _row(group: str, cohort: int, recidivists: int) -> dict:
    rate = recidivists / cohort if cohort else None
    return {
        "group": group,
        "cohort": cohort,
        "recidivists": recidivists,
        "rate": rate,
        "ci_low": 0.1,
        "ci_high": 0.9,
    }


def _breakdown(rows: list[dict]):  # type: ignore[no-untyped-def]
    """``rows`` suppressed as a breakdown whose total is the group "all"."""
    return suppress_table(
        rows,
        k=11,
        counts=["cohort", "recidivists"],
        rates=[RATE],
        total_column="group",
        total_value="all",
    )


def test_it_hides_counts_from_one_to_k_minus_one_but_shows_zero() -> None:
    table = suppress_table(
        [_row("a", 50, 0), _row("b", 50, 10), _row("c", 50, 11)],
        k=11,
        counts=["cohort", "recidivists"],
    )
    assert [r["recidivists"] for r in table.rows] == [0, None, 11]
    assert table.display(1, "recidivists") == "<11"


def test_it_hides_rates_on_small_denominators_and_small_numerators_or_complements() -> None:
    rows = [_row("a", 8, 4), _row("b", 100, 5), _row("c", 100, 95), _row("d", 100, 50)]
    table = suppress_table(rows, k=11, counts=["cohort", "recidivists"], rates=[RATE])
    rates = [r["rate"] for r in table.rows]
    # a: denominator 8 < 11; b: numerator 5 hidden; c: 100 - 95 = 5 would reveal a small count.
    assert rates == [None, None, None, 0.5]
    assert table.rows[0]["ci_low"] is None and table.rows[3]["ci_low"] == 0.1


def test_a_numerator_is_hidden_when_the_denominator_less_it_is_small() -> None:
    """95 of 100 shown side by side give away the 5 who were not rearrested."""
    rows = [_row("c", 100, 95), _row("d", 100, 89), _row("e", 100, 100)]
    table = suppress_table(rows, k=11, counts=["cohort", "recidivists"], rates=[RATE])
    assert [r["recidivists"] for r in table.rows] == [None, 89, 100]  # 11 and 0 are shown
    assert [r["cohort"] for r in table.rows] == [100, 100, 100]
    assert table.display(0, "recidivists") == "suppressed"
    assert [r["rate"] for r in table.rows] == [None, 0.89, 1.0]
    shown = [(r["cohort"], r["recidivists"]) for r in table.rows]
    assert all(None in pair or not 0 < pair[0] - pair[1] < 11 for pair in shown)


def test_a_numerator_hidden_for_its_complement_starts_complementary_suppression() -> None:
    rows = [
        _row("all", 200, 120),
        _row("female", 40, 35),  # 5 not rearrested: the 35 is hidden
        _row("male", 100, 50),
        _row("other", 60, 35),
    ]
    table = _breakdown(rows)
    by_group = {r["group"]: r for r in table.rows}
    assert by_group["female"]["recidivists"] is None
    # Else 120 - 50 - 35 would give female's 35 back, and with it the 5.
    assert by_group["other"]["recidivists"] is None
    assert by_group["male"]["recidivists"] == 50


def test_a_curve_whose_people_less_events_is_small_is_withheld() -> None:
    from reentrykit.core.suppression import disclose_curves

    def curve(group: str, n: int, events: int) -> list[dict]:
        return [
            {"group": group, "day": 0, "at_risk": n, "events": 0},
            {"group": group, "day": 30, "at_risk": n, "events": events},
        ]

    points = curve("a", 40, 35) + curve("b", 40, 20)
    shown = disclose_curves(points, unsuppressed=False, k=11)
    assert [(c["group"], c["events"], bool(c["points"])) for c in shown] == [
        ("a", None, False),
        ("b", 20, True),
    ]


def test_it_applies_complementary_suppression_within_a_breakdown() -> None:
    rows = [
        _row("all", 160, 70),
        _row("female", 7, 3),
        _row("male", 120, 50),
        _row("other", 33, 17),
    ]
    table = _breakdown(rows)
    by_group = {r["group"]: r for r in table.rows}
    # female's cohort (7) is small; the next smallest cohort (other, 33) is hidden too,
    # so 160 - 120 cannot give female's count back.
    assert by_group["female"]["cohort"] is None
    assert by_group["other"]["cohort"] is None
    assert by_group["male"]["cohort"] == 120
    assert table.display(3, "cohort") == "suppressed"
    # recidivists: female's 3 is small, the next smallest (other, 17) is hidden too.
    assert by_group["other"]["recidivists"] is None
    assert by_group["all"]["cohort"] == 160
    assert by_group["other"]["suppressed"] and not by_group["male"]["suppressed"]


def test_a_zero_cell_is_hidden_when_no_other_cell_could_be() -> None:
    """female's 15 is hidden beside its complement of 5; with male's 0 shown, 15 - 0
    would give it back."""
    table = _breakdown([_row("all", 50, 15), _row("female", 20, 15), _row("male", 30, 0)])
    by_group = {r["group"]: r for r in table.rows}
    assert by_group["female"]["recidivists"] is None
    assert by_group["male"]["recidivists"] is None
    assert table.display(2, "recidivists") == "suppressed"
    assert by_group["all"]["recidivists"] == 15


def test_a_non_zero_cell_is_hidden_before_a_zero_one() -> None:
    rows = [_row("all", 80, 45), _row("a", 20, 15), _row("b", 30, 0), _row("c", 30, 30)]
    by_group = {r["group"]: r for r in _breakdown(rows).rows}
    assert [by_group[g]["recidivists"] for g in "abc"] == [None, 0, None]


def test_the_unstable_flag_is_unknown_when_the_events_are_hidden() -> None:
    """25 people of whom 20 were rearrested: the 20 is hidden (5 were not), and "stable"
    would tell a reader it is at least 20."""
    table = suppress_table(
        [_row("a", 25, 20), _row("b", 100, 19)],
        k=11,
        counts=["cohort", "recidivists"],
        rates=[RATE],
        unstable_events="recidivists",
    )
    assert [r["unstable"] for r in table.rows] == [None, True]


def test_no_complementary_suppression_when_two_cells_are_hidden() -> None:
    rows = [_row("all", 100, 40), _row("a", 5, 2), _row("b", 6, 3), _row("c", 89, 35)]
    table = suppress_table(rows, k=11, counts=["cohort"], total_column="group", total_value="all")
    assert table.rows[3]["cohort"] == 89


def test_it_flags_rates_on_fewer_than_twenty_events() -> None:
    table = suppress_table(
        [_row("a", 100, 19), _row("b", 100, 20)],
        k=11,
        counts=["recidivists"],
        unstable_events="recidivists",
    )
    assert [r["unstable"] for r in table.rows] == [True, False]


def test_stewards_see_raw_numbers_marked_confidential() -> None:
    table = disclose(
        [_row("a", 8, 4)], unsuppressed=True, k=11, counts=["cohort"], unstable_events="recidivists"
    )
    assert table.confidential
    assert table.rows[0]["cohort"] == 8 and table.rows[0]["suppressed"] is False
    assert table.rows[0]["unstable"] is True


def test_the_threshold_follows_the_coalitions_k() -> None:
    table = suppress_table([_row("a", 100, 6)], k=5, counts=["recidivists"])
    assert table.rows[0]["recidivists"] == 6
    assert table.display(0, "recidivists") is None


def _flow(**counts: int) -> list[dict]:
    """Flow rows: releases split by type, the cohort among them, and subsets of it."""
    parents = {"cohort": "releases", "followed": "cohort", "rearrested": "followed"}
    rows = []
    for key, count in counts.items():
        key = key.replace("__", ":")
        parent = "releases" if key.startswith("releases:") else parents.get(key, "")
        rows.append({"key": key, "parent": parent, "count": count})
    return rows


def _shown(table) -> dict:  # type: ignore[no-untyped-def]
    rows = enumerate(table.rows)
    return {row["key"]: table.display(index, "count") or row["count"] for index, row in rows}


def test_flow_parts_of_a_count_are_a_breakdown_with_complementary_suppression() -> None:
    rows = _flow(releases=100, releases__parole=60, releases__probation=35, releases__death=5)
    shown = _shown(disclose_flow(rows, unsuppressed=False, k=11))
    # 100 - 60 - 35 would give the deaths back: the next smallest part is hidden too.
    assert shown == {
        "releases": 100,
        "releases:parole": 60,
        "releases:probation": "suppressed",
        "releases:death": "<11",
    }


def test_a_flow_count_is_hidden_when_its_parent_less_it_is_small() -> None:
    rows = _flow(releases=400, cohort=396, followed=300, rearrested=295)
    shown = _shown(disclose_flow(rows, unsuppressed=False, k=11))
    # 400 - 396 and 300 - 295 would be small counts of their own.
    assert shown == {
        "releases": 400,
        "cohort": "suppressed",
        "followed": 300,
        "rearrested": "suppressed",
    }
    steward = disclose_flow(rows, unsuppressed=True, k=11)
    assert [row["count"] for row in steward.rows] == [400, 396, 300, 295]
    assert steward.confidential


def _steps(group: str, steps: list[tuple[int, int, int]], people: int) -> list[dict]:
    """A curve's points from (day, at risk, events) steps."""
    return [{"group": group, "day": 0, "at_risk": people, "events": 0}] + [
        {"group": group, "day": day, "at_risk": at_risk, "events": events}
        for day, at_risk, events in steps
    ]


def _days(shown: dict[str, list[dict]]) -> dict[str, list[tuple[int, int]]]:
    return {group: [(p["day"], p["events"]) for p in points] for group, points in shown.items()}


def test_curves_of_a_breakdown_step_together_on_days_each_shows() -> None:
    """Each step pools at least k events in every curve, on a day with events in all:
    steps on different days would let one curve's be worked out from the others'."""
    from reentrykit.core.suppression import common_steps

    curves = {
        "all": _steps("all", [(5, 100, 6), (8, 94, 7), (12, 87, 9), (30, 78, 12)], 100),
        "a": _steps("a", [(5, 50, 6), (12, 44, 5), (30, 39, 6)], 50),
        "b": _steps("b", [(8, 50, 7), (12, 43, 4), (30, 39, 6)], 50),
    }
    # Day 5 and 8 are not on every curve; at day 12 "a" has 11 events and "b" 11,
    # everyone 22; at day 30 none has 11 more yet.
    assert _days(common_steps(curves, k=11, total="all")) == {
        "all": [(0, 0), (12, 22)],
        "a": [(0, 0), (12, 11)],
        "b": [(0, 0), (12, 11)],
    }


def test_a_curve_that_stops_takes_the_next_smallest_with_it() -> None:
    """With fewer than k at risk, "a" stops; beside the total, "b" alone would give
    it away (total less "b" less "c"), so the smallest of the others stops too."""
    from reentrykit.core.suppression import common_steps

    curves = {
        "all": _steps("all", [(10, 200, 36), (40, 120, 36)], 200),
        "a": _steps("a", [(10, 30, 12), (40, 9, 12)], 30),
        "b": _steps("b", [(10, 70, 12), (40, 40, 12)], 70),
        "c": _steps("c", [(10, 100, 12), (40, 71, 12)], 100),
    }
    assert _days(common_steps(curves, k=11, total="all")) == {
        "all": [(0, 0), (10, 36), (40, 36)],
        "a": [(0, 0), (10, 12)],
        "b": [(0, 0), (10, 12)],
        "c": [(0, 0), (10, 12), (40, 12)],
    }
    # Everyone's at risk below k stops every curve.
    curves["all"][2]["at_risk"] = 10
    assert [len(points) for points in common_steps(curves, k=11, total="all").values()] == [
        2,
        2,
        2,
        2,
    ]
