"""The plan's daily reminders, run by the task worker (``core.periodic``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from reentrykit.coalitions.models import Coalition
from reentrykit.core import periodic

logger = logging.getLogger(__name__)


@periodic.daily
@task()
def daily_reminders() -> int:
    """Today's reminders to every coalition's coordinators, once a day however many
    workers run it; then tomorrow's run. The number of e-mails sent."""
    from reentrykit.planning import reminders

    today = timezone.localdate()
    try:
        if not settings.PLAN_REMINDERS or not periodic.first_today("plan reminders", today):
            return 0
        found = reminders.reminders(today=today, coalitions=list(Coalition.objects.all()))
        sent = 0
        for reminder in found:
            # The day is marked done already, so nothing retries: one coalition's
            # refused e-mail must not cost the others theirs.
            try:
                sent += reminders.send(reminder, base_url=settings.SITE_URL)
            except Exception:
                logger.exception("The plan reminder to %s failed", reminder.coalition.slug)
        return sent
    finally:
        periodic.schedule(daily_reminders)
