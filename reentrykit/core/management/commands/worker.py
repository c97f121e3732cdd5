"""``reentrykit worker``: django-tasks-db's worker, which first schedules the daily
tasks of the queues it serves (``core.periodic``)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from reentrykit.core import periodic


class Command(DatabaseWorker):
    help = "Run the task worker; it also schedules the daily work of the queues it serves."

    def handle(self, *args: Any, **options: Any) -> None:
        periodic.schedule_all(
            options["queue_name"].split(","),
            excluded=[name for name in options.get("exclude_queues", "").split(",") if name],
        )
        super().handle(*args, **options)
