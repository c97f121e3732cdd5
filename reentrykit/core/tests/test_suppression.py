from __future__ import annotations

import pytest

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


def test_a_hidden_total_beside_shown_parts_takes_a_part_with_it() -> None:
    """100 released, 95 rearrested: the total's 95 is hidden for the 5 it leaves. The
    parts' 95 and 0 (the 5 in group b are hidden) would add up to it again."""
    rows = [_row("all", 100, 95), _row("a", 95, 95), _row("b", 5, 0)]
    table = _breakdown(rows)
    assert [r["recidivists"] for r in table.rows] == [None, None, 0]
    assert table.display(1, "recidivists") == "suppressed"


def test_a_total_withheld_for_another_table_takes_a_part_with_it() -> None:
    """The total's recidivists withheld (another window's differ by a few), its groups'
    shown: their sum would give it back, so the smallest is hidden too."""
    rows = [_row("all", 300, 120), _row("a", 100, 30), _row("b", 200, 90)]
    table = suppress_table(
        rows,
        k=11,
        counts=["cohort", "recidivists"],
        rates=[RATE],
        total_column="group",
        total_value="all",
        withheld=[("recidivists",), (), ()],
    )
    assert [r["recidivists"] for r in table.rows] == [None, None, 90]
    assert [r["cohort"] for r in table.rows] == [300, 100, 200]


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
    # Days 5 and 8 are not on every curve. At day 12 "a" and "b" have 11 events each,
    # but on its own page everyone's curve steps at days 8 and 30 (13, then 21 events):
    # everyone's 22 to day 12 would give day 12's 9 away beside its 13 to day 8. So the
    # step is at day 30, with 17, 17 and 34.
    assert _days(common_steps(curves, k=11, total="all")) == {
        "all": [(0, 0), (30, 34)],
        "a": [(0, 0), (30, 17)],
        "b": [(0, 0), (30, 17)],
    }


def test_a_step_s_people_at_risk_do_not_split_its_pooled_events() -> None:
    """91 released, nobody censored: one event a day on days 1 to 10, then one on day 34.
    The step on day 34 pools all 11. Were it shown with day 34's 81 at risk, 91 - 81
    would tell that 10 came before day 34 and 1 on it; at risk at the start of each
    stretch, a step's number less the next one's is only that step's events."""
    from reentrykit.core.suppression import common_steps

    days = [(day, 92 - day, 1) for day in range(1, 11)] + [(34, 81, 1), (40, 80, 11)]
    shown = common_steps({"all": _steps("all", days, 91)}, k=11)["all"]
    assert [(p["day"], p["at_risk"], p["events"]) for p in shown] == [
        (0, 91, 0),
        (34, 91, 11),
        (40, 80, 11),
    ]
    for step, following in zip(shown[1:], shown[2:], strict=False):
        assert step["at_risk"] - step["events"] == following["at_risk"]


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


def _shown_by_day(curves: list[dict]) -> dict[str, dict[int, dict]]:
    return {c["group"]: {p["day"]: p for p in c["points"]} for c in curves}


def test_the_total_on_a_breakdown_steps_only_where_it_steps_on_its_own() -> None:
    """k = 5. On its own everyone's curve steps at day 1 (8 events); were it to step at
    day 2 beside the groups (10 to date), the 2 of day 2 would come out."""
    from reentrykit.core.suppression import disclose_curves

    a = _steps("a", [(1, 50, 4), (2, 46, 1)], 50)
    b = _steps("b", [(1, 50, 4), (2, 46, 1)], 50)
    everyone = _steps("all", [(1, 100, 8), (2, 92, 2)], 100)
    breakdown = _shown_by_day(
        disclose_curves(a + b + everyone, unsuppressed=False, k=5, total_group="all")
    )
    alone = _shown_by_day(disclose_curves(everyone, unsuppressed=False, k=5))
    assert set(alone["all"]) == {0, 1}
    assert set(breakdown["all"]) <= set(alone["all"])


def test_everyone_s_curve_beside_groups_held_back_is_the_one_on_its_own_page() -> None:
    """k = 5. "c" (3 people) and "d" (4) are hidden and have an event each on day 1:
    with those 2 left over, "a" and "b" cannot step before the hidden groups' events
    are none or at least 5 (never here). Everyone's curve still steps as it does on its
    own page, rather than staying flat."""
    from reentrykit.core.suppression import disclose_curves

    a = _steps("a", [(1, 60, 5), (2, 55, 5), (3, 50, 5)], 60)
    b = _steps("b", [(1, 60, 5), (2, 55, 5), (3, 50, 5)], 60)
    c = _steps("c", [(1, 3, 1)], 3)
    d = _steps("d", [(1, 4, 1)], 4)
    everyone = _steps("all", [(1, 127, 12), (2, 115, 10), (3, 105, 10)], 127)
    breakdown = disclose_curves(
        a + b + c + d + everyone, unsuppressed=False, k=5, total_group="all"
    )
    (alone,) = disclose_curves(everyone, unsuppressed=False, k=5)
    shown = {curve["group"]: curve["points"] for curve in breakdown}
    assert len(shown["a"]) <= 1 and len(shown["b"]) <= 1  # day 0 at most
    assert shown["all"] == alone["points"]
    assert [(p["day"], p["at_risk"], p["events"]) for p in shown["all"]] == [
        (0, 127, 0),
        (1, 127, 12),
        (2, 115, 10),
        (3, 105, 10),
    ]


def test_the_total_less_the_shown_groups_gives_no_hidden_group_s_step() -> None:
    """k = 5. "c" (3 people, no events) is hidden and "d" with it; everyone's step less
    "a"'s would be "d"'s events in it (2): no step until that is none or at least 5."""
    from reentrykit.core.suppression import disclose_curves

    a = _steps("a", [(1, 60, 5), (3, 55, 5)], 60)
    c = _steps("c", [], 3)
    d = _steps("d", [(1, 20, 2), (2, 18, 6)], 20)
    everyone = _steps("all", [(1, 83, 7), (2, 76, 6), (3, 70, 5)], 83)
    curves = disclose_curves(a + c + d + everyone, unsuppressed=False, k=5, total_group="all")
    shown = _shown_by_day(curves)
    assert not shown["c"] and not shown["d"]
    cumulative = {
        group: {day: sum(p["events"] for d, p in points.items() if d <= day) for day in points}
        for group, points in shown.items()
    }
    both = set(shown["a"]) & set(shown["all"]) - {0}
    assert both == {3}  # 18 events to day 3: 10 of "a", 8 of "d"
    for day in both:
        assert not 0 < cumulative["all"][day] - cumulative["a"][day] < 5


def test_groups_stopping_together_take_another_with_them() -> None:
    """k = 5. "a" and "b" both come to 2 at risk on day 2: beside everyone's, "c" going on
    alone would give their 4 at risk and 2 events away."""
    from reentrykit.core.suppression import disclose_curves

    a = _steps("a", [(1, 30, 5), (2, 2, 1)], 30)
    b = _steps("b", [(1, 30, 5), (2, 2, 1)], 30)
    c = _steps("c", [(1, 60, 5), (2, 50, 5)], 60)
    everyone = _steps("all", [(1, 120, 15), (2, 54, 7)], 120)
    shown = _shown_by_day(
        disclose_curves(a + b + c + everyone, unsuppressed=False, k=5, total_group="all")
    )
    assert 2 not in shown["c"]
    assert set(shown["all"]) == {0, 1, 2}


def test_no_curve_s_events_show_when_its_last_step_leaves_a_few_after_it() -> None:
    """k = 5. Everyone's 7 events less its one step of 5 would be the 2 after it."""
    from reentrykit.core.suppression import disclose_curves

    (curve,) = disclose_curves(
        _steps("all", [(1, 100, 5), (2, 95, 2)], 100), unsuppressed=False, k=5
    )
    assert curve["events"] is None
    assert [(p["day"], p["events"]) for p in curve["points"]] == [(0, 0), (1, 5)]
    (steward,) = disclose_curves(
        _steps("all", [(1, 100, 5), (2, 95, 2)], 100), unsuppressed=True, k=5
    )
    assert steward["events"] == 7


@pytest.mark.parametrize("unsuppressed", [False, True])
def test_a_row_with_nobody_in_its_cohort_has_no_unstable_flag(unsuppressed: bool) -> None:
    """No one followed: there is no rate, so neither 'unstable' nor 'stable' is true."""
    empty = _row("a", 0, 0) | {"rate": float("nan")}
    table = disclose(
        [empty, _row("b", 100, 15)],
        unsuppressed=unsuppressed,
        k=11,
        counts=["cohort", "recidivists"],
        rates=[RATE],
        unstable_events="recidivists",
    )
    assert [r["unstable"] for r in table.rows] == [None, True]
