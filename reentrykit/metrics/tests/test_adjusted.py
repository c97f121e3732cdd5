"""The adjusted (Cox) program comparison on the measures page: fitted in a task when a
program breakdown is first opened, kept with the snapshot, disclosed by role."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from reentrykit.data.models import Source
from reentrykit.metrics import cox, services
from reentrykit.metrics.cohorts import Period
from reentrykit.metrics.engine import coalition_tables
from reentrykit.metrics.models import AdjustedComparison, MetricSnapshot
from reentrykit.metrics.tests.builders import event, program, release, write_store
from reentrykit.testing import World

THROUGH = dt.date(2025, 12, 31)
URL = "/c/riverton/measures/?measure=rearrest&window=365&by=program:housing"


def _store(world: World, *, participants: int, participant_events: int, others: int) -> None:
    """People released on 2024-02-01; ``participants`` of them (p0..) start a housing
    program ten days later. The first ``participant_events`` participants and half the
    others (o0..) plus five are arrested, on dates spread over March to November 2024."""
    people = [f"p{i}" for i in range(participants)] + [f"o{i}" for i in range(others)]
    # Every fourth person is a woman, so sex varies and stays in the model.
    releases = [
        release(p, "2024-02-01", sex="female" if i % 4 == 0 else "male")
        for i, p in enumerate(people)
    ]
    arrested = people[:participant_events] + [f"o{i}" for i in range(others // 2 + 5)]
    events = [
        event(p, f"2024-{3 + i % 9:02d}-{10 + i % 15}", "arrest") for i, p in enumerate(arrested)
    ]
    programs = [
        program(p, "housing", "enrolled", start_date="2024-02-11") for p in people[:participants]
    ]
    write_store(world.coalition.pk, releases=releases, events=events, programs=programs)
    for name in ("County Jail", "City Police", "Second Chance Works"):
        Source.objects.create(coalition=world.coalition, name=name, declared_data_through=THROUGH)


def _snapshot(world: World) -> MetricSnapshot:
    return MetricSnapshot.objects.create(
        coalition=world.coalition,
        data_through=THROUGH,
        payload={
            "data_through": THROUGH.isoformat(),
            "latest_complete_year": 2024,
            "survival_year": 2024,
            "rates": [],
            "survival": {},
            "intermediate": [],
            "flow": [],
        },
    )


def _fitted(world: World) -> dict:
    with coalition_tables(coalition_id=world.coalition.pk) as tables:
        effect = cox.program_effect(
            tables=tables,
            measure="rearrest",
            program_type="housing",
            data_through=THROUGH,
            period=Period.calendar_year(2024),
        )
    return {**effect.as_dict(), "data_through": THROUGH.isoformat()}


def _section(html: str) -> str:
    found = re.search(r'<section id="adjusted-comparison".*?</section>', html, re.S)
    assert found, "the page has no adjusted comparison"
    return re.sub(r"\s+", " ", found.group(0))


def test_the_first_view_starts_one_fit_and_later_views_show_it(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _store(world, participants=40, participant_events=15, others=40)
    _snapshot(world)
    client = signed_in(world.member)
    with django_capture_on_commit_callbacks(execute=False) as started:
        first = client.get(URL).content.decode()
    assert "Being computed" in _section(first)
    # The pending section asks for itself again until the fit is done.
    assert 'hx-trigger="every 3s"' in _section(first)
    assert len(started) == 1
    started[0]()  # the task runs (the test task backend runs it at once)
    client.get(URL)
    assert AdjustedComparison.objects.count() == 1
    comparison = AdjustedComparison.objects.get()
    assert comparison.status == AdjustedComparison.Status.DONE
    expected = _fitted(world)
    assert comparison.result == expected
    # 40 participants with 15 events, 40 others with 25: no small count, so members see it.
    shown = _section(client.get(URL).content.decode())
    assert f"Hazard ratio <strong>{expected['hazard_ratio']:.2f}</strong>" in shown
    assert f"95% interval {expected['ci_low']:.2f}–{expected['ci_high']:.2f}" in shown
    assert "from 80 people with 40 events, followed up to Dec 31, 2025" in shown
    assert "released in 2024</h4>" in shown
    assert "Adjusted for sex." in shown
    assert "Observational comparison" in shown
    assert "hx-trigger" not in shown


def test_members_do_not_see_a_comparison_that_rests_on_a_small_group(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # Participants: 12 people, 4 of them arrested (fewer than k = 11).
    _store(world, participants=12, participant_events=4, others=40)
    _snapshot(world)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.steward).get(URL)
    expected = _fitted(world)
    hazard = f"{expected['hazard_ratio']:.2f}"
    member = _section(signed_in(world.member).get(URL).content.decode())
    assert "Withheld" in member
    assert hazard not in member and "Hazard ratio" not in member
    steward = _section(signed_in(world.steward).get(URL).content.decode())
    assert f"Hazard ratio <strong>{hazard}</strong>" in steward


def test_a_fit_that_cannot_read_the_data_says_why(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _snapshot(world)  # measures, but no linked data behind them
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.member).get(URL)
    section = _section(signed_in(world.member).get(URL).content.decode())
    assert "Could not be computed: No data has been imported for this coalition yet." in section


def test_an_unexpected_failure_is_shown_as_failed_not_as_computing(
    world: World, signed_in, django_capture_on_commit_callbacks, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _store(world, participants=40, participant_events=15, others=40)
    _snapshot(world)

    def broken(**kwargs: object) -> None:
        raise ValueError("singular matrix")

    monkeypatch.setattr(cox, "program_effect", broken)
    # The task backend records the task as failed (and logs the error).
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.member).get(URL)
    section = _section(signed_in(world.member).get(URL).content.decode())
    assert "Could not be computed: an unexpected error stopped the fit" in section
    assert "singular matrix" not in section


@pytest.mark.parametrize("by", ["sex", "program_completed:any"])
def test_only_program_breakdowns_fit_a_model(world: World, signed_in, by: str) -> None:  # type: ignore[no-untyped-def]
    _snapshot(world)
    signed_in(world.member).get(f"/c/riverton/measures/?by={by}")
    fitted = list(
        AdjustedComparison.objects.values_list("program_type", "completed_only", "cohort_year")
    )
    # For the year the breakdown table shows: the latest with a full year of follow-up.
    assert fitted == ([("any", True, 2024)] if by.startswith("program") else [])


def _lost_task(world: World, *, minutes: int) -> AdjustedComparison:
    """A pending comparison first asked for (and queued) ``minutes`` ago, never fitted."""
    asked = timezone.now() - dt.timedelta(minutes=minutes)
    comparison = AdjustedComparison.objects.create(
        snapshot=_snapshot(world),
        measure="rearrest",
        program_type="housing",
        completed_only=False,
        cohort_year=2024,
    )
    AdjustedComparison.objects.filter(pk=comparison.pk).update(created_at=asked, enqueued_at=asked)
    return comparison


def test_a_fit_whose_task_was_lost_is_queued_again_once(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _lost_task(world, minutes=16)
    client = signed_in(world.member)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        section = _section(client.get(URL).content.decode())
        client.get(URL)  # a second look right after does not queue it a third time
    assert len(queued) == 1
    assert "Being computed" in section
    assert "taking longer than usual" in section
    assert "asked for again every 15 minutes" in section


def test_a_recent_pending_fit_is_not_queued_again(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _lost_task(world, minutes=2)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        section = _section(signed_in(world.member).get(URL).content.decode())
    assert queued == []
    assert "Being computed" in section
    assert "taking longer than usual" not in section


def test_a_second_task_for_a_finished_fit_changes_nothing(world: World) -> None:
    comparison = _lost_task(world, minutes=30)
    AdjustedComparison.objects.filter(pk=comparison.pk).update(
        status=AdjustedComparison.Status.DONE, result={"hazard_ratio": 0.5}
    )
    services.adjusted_comparison_compute(comparison.pk)  # no store: a refit would fail
    comparison.refresh_from_db()
    assert (comparison.status, comparison.result) == ("done", {"hazard_ratio": 0.5})


def test_a_task_for_a_comparison_deleted_with_its_snapshot_does_nothing(world: World) -> None:
    comparison = _lost_task(world, minutes=1)
    comparison.snapshot.delete()  # a later refresh keeps only the latest snapshots
    services.adjusted_comparison_compute(comparison.pk)  # no error
    assert not AdjustedComparison.objects.exists()
