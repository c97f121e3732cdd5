"""The plan's daily reminders, run by the task worker (``core.periodic``)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from reentrykit.coalitions.models import Coalition
from reentrykit.core import periodic


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
        return sum(reminders.send(reminder, base_url=settings.SITE_URL) for reminder in found)
    finally:
        periodic.schedule(daily_reminders)
