"""Daily work the task worker runs by itself, so that no cron job is needed.

A daily task is a task registered with :func:`daily`. The worker that serves its queue
schedules it when it starts (:func:`schedule_all`), and the task schedules its next
run when it finishes (:func:`schedule`): one waiting run at a time, at
``settings.DAILY_HOUR`` in the coalition's time zone. A task that must not repeat work
when two workers start at once guards it with :func:`first_today`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

DAILY: list[Any] = []


def daily(task: Any) -> Any:
    """Registers ``task`` (a django-tasks task) to run every day."""
    DAILY.append(task)
    return task


def next_run(now: dt.datetime, hour: int) -> dt.datetime:
    """The next time it is ``hour`` o'clock in the current time zone, after ``now``."""
    local = timezone.localtime(now)
    run = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if run <= local:
        run = timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(hour))
        )
    return run


def _path(task: Any) -> str:
    return f"{task.func.__module__}.{task.func.__qualname__}"


def schedule(task: Any, *, now: dt.datetime | None = None) -> bool:
    """Enqueues ``task``'s next daily run unless one is waiting already; False when the
    task backend cannot run work later (the immediate backend of tests)."""
    if not task.get_backend().supports_defer:
        return False
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=_path(task))
    if waiting.exists():
        return False
    task.using(run_after=next_run(now or timezone.now(), settings.DAILY_HOUR)).enqueue()
    return True


def schedule_all(
    queue_names: list[str], *, excluded: Sequence[str] = (), now: dt.datetime | None = None
) -> list[str]:
    """Schedules the daily tasks of the queues a worker serves ("*" for all, less
    ``excluded``, as the worker's ``--exclude-queues``); the names of the tasks
    scheduled."""
    scheduled = []
    for task in DAILY:
        serves = "*" in queue_names or task.queue_name in queue_names
        serves = serves and task.queue_name not in excluded
        if serves and schedule(task, now=now):
            scheduled.append(task.name)
    return scheduled


def first_today(name: str, today: dt.date) -> bool:
    """True the first time it is asked for ``name`` on ``today``, False after."""
    from reentrykit.core.models import DailyRun

    try:
        with transaction.atomic():
            DailyRun.objects.create(name=name, day=today)
    except IntegrityError:
        return False
    return True
