"""Task queues: model fits run beside imports and linkage, never behind them."""

from __future__ import annotations

import signal
from typing import Any
from unittest import mock

from django.conf import settings

from reentrykit.core import cli, queues
from reentrykit.core.management.commands import run
from reentrykit.data import tasks as data_tasks
from reentrykit.metrics import tasks as metrics_tasks


def test_fits_have_their_own_queue_and_data_work_keeps_the_default() -> None:
    assert settings.TASKS["default"]["QUEUES"] == [queues.DEFAULT, queues.ANALYSIS]
    assert metrics_tasks.compute_adjusted_comparison.queue_name == queues.ANALYSIS
    assert metrics_tasks.refresh_measures.queue_name == queues.DEFAULT
    data_work = [value for value in vars(data_tasks).values() if hasattr(value, "queue_name")]
    assert data_work
    assert {work.queue_name for work in data_work} == {queues.DEFAULT}


def _worker_command(*args: str) -> list[str]:
    with mock.patch("django.core.management.execute_from_command_line") as execute:
        assert cli.main(["worker", *args]) == 0
    return execute.call_args.args[0]


def test_a_worker_serves_every_queue_unless_told_which() -> None:
    assert _worker_command() == ["reentrykit", "worker", "--queue-name", "*"]
    assert _worker_command("--queue-name", "analysis") == [
        "reentrykit",
        "worker",
        "--queue-name",
        "analysis",
    ]
    assert _worker_command("--queue-name=default", "--batch") == [
        "reentrykit",
        "worker",
        "--queue-name=default",
        "--batch",
    ]


class _Worker:
    def __init__(self, args: list[str], **kwargs: Any) -> None:
        self.args, self.signals, self.running = args, [], True

    def poll(self) -> int | None:
        return None if self.running else 0

    def send_signal(self, number: int) -> None:
        self.signals.append(number)

    def wait(self, timeout: float | None = None) -> int:
        self.running = False
        return 0


def test_run_starts_and_stops_a_worker_per_queue() -> None:
    with mock.patch.object(run.subprocess, "Popen", _Worker):
        workers = run.start_workers()
    assert list(workers) == list(queues.QUEUES)
    for queue, worker in workers.items():
        assert worker.args[-2:] == ["--queue-name", queue]
        assert "worker" in worker.args
    workers[queues.ANALYSIS].running = False  # it stopped on its own: not signalled
    run.Command()._stop_workers(workers)
    assert workers[queues.DEFAULT].signals == [signal.SIGINT]
    assert workers[queues.ANALYSIS].signals == []
    assert not workers[queues.DEFAULT].running
