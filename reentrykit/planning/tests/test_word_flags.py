"""The Word plan flags what the page and the PDF flag: overdue action steps, and goals
whose status report is due. A plan sent to decision makers must not read as on time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.planning.models import ActionStep, Goal, Priority, StatusUpdate
from reentrykit.planning.tests.test_plan import _pdf_text, _word_text
from reentrykit.testing import World

PLAN = "/c/riverton/plan/"


def _late_plan(world: World) -> None:
    today = timezone.localdate()
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    ActionStep.objects.create(
        goal=goal, description="Sign the MOU", owner_person="Casey", due_on=dt.date(2020, 1, 31)
    )
    ActionStep.objects.create(
        goal=goal, description="Due today", owner_person="Casey", due_on=today
    )
    StatusUpdate.objects.create(
        goal=goal, reported_on=today - dt.timedelta(days=40), rating="on_track", commentary="."
    )


def test_the_word_plan_flags_overdue_steps_and_due_reports(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _late_plan(world)
    client = signed_in(world.viewer)
    page = client.get(PLAN).content.decode()
    assert "1 overdue" in page and "Overdue" in page and "Report due" in page
    pdf = _pdf_text(client.get(f"{PLAN}download/?format=pdf").content)
    assert "Overdue" in pdf and "Report due" in pdf
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert "0 of 2 steps done, 0% complete overall, 1 overdue." in word
    assert "by 2020-01-31 (overdue)" in word
    assert f"by {timezone.localdate():%Y-%m-%d}\n" in word + "\n"  # due today: not overdue
    assert word.count("(overdue)") == 1
    assert "A status report is due: the last is over 31 days old." in word
