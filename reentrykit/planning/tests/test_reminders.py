"""``reentrykit plan reminders``: coordinators hear about overdue steps and due reports."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from reentrykit.planning.models import ActionStep, Goal, Priority, StatusUpdate
from reentrykit.testing import World


def _plan(world: World) -> Goal:
    today = timezone.localdate()
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    ActionStep.objects.create(
        goal=goal,
        description="Sign the MOU",
        owner_person="Casey",
        due_on=today - dt.timedelta(days=3),
    )
    # Done late, and due tomorrow: neither is overdue.
    ActionStep.objects.create(
        goal=goal, description="Done late", due_on=today - dt.timedelta(days=9), status="done"
    )
    ActionStep.objects.create(
        goal=goal, description="Due tomorrow", due_on=today + dt.timedelta(days=1)
    )
    StatusUpdate.objects.create(
        goal=goal, reported_on=today - dt.timedelta(days=40), rating="on_track", commentary="."
    )
    return goal


def test_the_coordinators_get_one_email_with_what_needs_attention(world: World) -> None:
    _plan(world)
    # Another coalition with nothing due gets nothing.
    Priority.objects.create(coalition=world.other, title="Housing")
    out = StringIO()
    call_command("plan", "reminders", stdout=out)
    assert "1 reminder sent." in out.getvalue()
    [email] = mail.outbox
    assert email.to == ["coordinator@riverton.test"]
    assert email.subject == "Riverton County Reentry Coalition: the plan needs attention"
    assert "- Sign the MOU (due" in email.body and ", Casey)" in email.body
    assert "Done late" not in email.body and "Due tomorrow" not in email.body
    assert "Goals without a status report in 31 days:\n- Jobs within 90 days" in email.body
    assert "/c/riverton/plan/" in email.body


def test_a_dry_run_prints_and_sends_nothing(world: World) -> None:
    _plan(world)
    out = StringIO()
    call_command("plan", "reminders", "--coalition", "riverton", "--dry-run", stdout=out)
    assert "To: coordinator@riverton.test" in out.getvalue()
    assert "Sign the MOU" in out.getvalue()
    assert not mail.outbox


def test_nothing_due_sends_nothing_and_an_unknown_coalition_is_refused(world: World) -> None:
    out = StringIO()
    call_command("plan", "reminders", stdout=out)
    assert "0 reminders sent." in out.getvalue() and not mail.outbox
    with pytest.raises(CommandError, match="No coalition has the slug 'nowhere'"):
        call_command("plan", "reminders", "--coalition", "nowhere", stdout=StringIO())
