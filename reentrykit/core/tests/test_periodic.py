"""Daily work the worker schedules by itself: the plan's reminders, once a day."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from reentrykit.core import periodic, queues
from reentrykit.planning.models import QualityCheck
from reentrykit.planning.tasks import daily_reminders
from reentrykit.testing import World

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": list(queues.QUEUES)}
}
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


def test_the_next_run_is_the_next_time_the_hour_comes_round(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "America/Chicago"
    with timezone.override(CHICAGO):
        assert periodic.next_run(_at(29, 6, 30), 7) == _at(29, 7)
        assert periodic.next_run(_at(29, 7), 7) == _at(30, 7)
        assert periodic.next_run(_at(29, 23, 59), 7) == _at(30, 7)
        # The same instant given in UTC: 13:00 UTC is 07:00 in Chicago, already past.
        assert periodic.next_run(_at(29, 7).astimezone(dt.UTC), 7) == _at(30, 7)


@pytest.mark.django_db
def test_a_worker_schedules_the_daily_work_of_its_queues_once(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE_TASKS
    settings.DAILY_HOUR = 7
    with timezone.override(CHICAGO):
        assert periodic.schedule_all([queues.ANALYSIS], now=_at(29, 6)) == []
        # A worker of every queue but the default one (--exclude-queues) does not serve it.
        assert periodic.schedule_all(["*"], excluded=[queues.DEFAULT], now=_at(29, 6)) == []
        assert periodic.schedule_all(["*"], now=_at(29, 6)) == ["daily_reminders"]
        # A second worker finds the run waiting and adds none.
        assert periodic.schedule_all([queues.DEFAULT], now=_at(29, 6)) == []
    [waiting] = DBTaskResult.objects.all()
    assert waiting.task_path == "reentrykit.planning.tasks.daily_reminders"
    assert waiting.status == "READY" and waiting.run_after == _at(29, 7)


@pytest.mark.django_db
def test_the_worker_command_schedules_before_it_works(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE_TASKS
    waiting_when_it_works = []

    def work(self, *args: object, **options: object) -> None:
        # The worker's loop itself is django-tasks-db's (it closes the test's database
        # connection): what matters is that the run is waiting when it starts.
        waiting_when_it_works.append(DBTaskResult.objects.filter(status="READY").count())

    with mock.patch.object(DatabaseWorker, "handle", work):
        call_command("worker", "--queue-name", "default,analysis", "--batch")
    assert waiting_when_it_works == [1]
    [waiting] = DBTaskResult.objects.all()
    assert waiting.run_after > timezone.now()


@pytest.mark.django_db
def test_a_worker_that_excludes_a_queue_leaves_its_daily_work_alone(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE_TASKS
    with mock.patch.object(DatabaseWorker, "handle", lambda self, *args, **options: None):
        call_command("worker", "--queue-name", "*", "--exclude-queues", "default", "--batch")
    assert not DBTaskResult.objects.exists()


def test_the_reminders_go_out_once_a_day(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    QualityCheck.objects.create(coalition=world.coalition, what="Case plans", every_months=1)
    assert daily_reminders.call() == 1
    [email] = mail.outbox
    assert email.to == ["coordinator@riverton.test"] and "Case plans (never done)" in email.body
    # Another worker's run the same day sends nothing more.
    assert daily_reminders.call() == 0 and len(mail.outbox) == 1


def test_the_reminders_can_be_turned_off(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLAN_REMINDERS = False
    QualityCheck.objects.create(coalition=world.coalition, what="Case plans", every_months=1)
    assert daily_reminders.call() == 0 and not mail.outbox


def test_a_run_schedules_the_next(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = DATABASE_TASKS
    daily_reminders.call()
    [waiting] = DBTaskResult.objects.all()
    assert timezone.localtime(waiting.run_after).hour == settings.DAILY_HOUR
    assert waiting.run_after > timezone.now()
