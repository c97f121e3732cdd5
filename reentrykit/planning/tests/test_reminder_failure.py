"""One coalition's reminder that cannot be sent (its coordinator's address refused by
the mail server) must not cost every other coalition its reminder: the day's run is
marked done before sending, so nothing retries it."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any
from unittest import mock

from django.core import mail
from django.utils import timezone

from reentrykit.planning import reminders
from reentrykit.planning.models import ActionStep, Goal, Priority
from reentrykit.planning.tasks import daily_reminders
from reentrykit.testing import World


def _overdue(coalition: Any) -> None:
    priority = Priority.objects.create(coalition=coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    ActionStep.objects.create(
        goal=goal,
        description="Sign the MOU",
        owner_person="Casey",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )


def test_a_refused_reminder_does_not_stop_the_others(world: World) -> None:
    _overdue(world.other)  # "Elsewhere…" comes first by name
    _overdue(world.coalition)
    real = reminders.send_mail

    def send_mail(subject: str, body: str, sender: str, to: list[str]) -> int:
        if to == ["coordinator@elsewhere.test"]:
            raise smtplib.SMTPRecipientsRefused({to[0]: (550, b"No such user")})
        return real(subject, body, sender, to)

    with mock.patch.object(reminders, "send_mail", send_mail):
        assert daily_reminders.call() == 1
    [email] = mail.outbox
    assert email.to == ["coordinator@riverton.test"]
