"""``reentrykit run`` (``make run``): everything needed to try ReentryKit on one machine.

Migrates the database, seeds the demo on an empty database in demo mode, then runs
a task worker per queue (``reentrykit.core.queues``) as child processes and the web
server in the foreground until Ctrl-C (or SIGTERM) stops them all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, OutputWrapper
from django.db import connections

from reentrykit.accounts.models import User
from reentrykit.coalitions.models import Coalition
from reentrykit.core import queues
from reentrykit.core.demo import DEMO_PASSWORD, demo_logins, seed_demo
from reentrykit.core.management.helpers import port_number, stop_signals_as_interrupt, wsgi_server

# How long a running task may take to finish after Ctrl-C before its worker is killed.
WORKER_GRACE_SECONDS = 20
WORKER_COMMAND = (sys.executable, "-m", "reentrykit.core.cli", "worker", "--no-reload")

NO_COALITION_HELP = """\
There are no coalitions yet. Create one and its first coordinator:
  reentrykit coalition create --slug my-county --name "My County Reentry Coalition" --state TX
  reentrykit user create --email you@example.org --coalition my-county --role coordinator
(Or set REENTRYKIT_DEMO=1 to explore the fictional demo coalitions.)"""


class Command(BaseCommand):
    help = "Migrate, seed the demo if empty (demo mode), then run the web server and workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=port_number, default=8000)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        with stop_signals_as_interrupt():
            try:
                self._prepare()
            except KeyboardInterrupt:
                return
            server = wsgi_server(host=host, port=port, threads=8)
            use_local_site_url(host, port)
            # The workers open their own connections; don't share this process's.
            connections.close_all()
            workers = start_workers()
            stopping = threading.Event()
            for queue, worker in workers.items():
                threading.Thread(
                    target=_watch_worker, args=(queue, worker, stopping, self.stderr), daemon=True
                ).start()
            self.stdout.write(
                f"\nReentryKit is running at http://{host}:{port}/ "
                "— Ctrl-C stops the web server and the task workers."
            )
            try:
                server.run()
            except KeyboardInterrupt:
                pass
            finally:
                stopping.set()
                self._stop_workers(workers)
        self.stdout.write("Stopped the web server and the task workers.")

    def _prepare(self) -> None:
        self.stdout.write("Bringing the database up to date…")
        call_command("migrate", interactive=False, verbosity=0)
        if not Coalition.objects.exists():
            if settings.DEMO:
                self.stdout.write(
                    "Empty database in demo mode: seeding the demo coalitions, each with a "
                    "synthetic county to import and link (about a minute)…"
                )
                seed_demo()
            else:
                self.stdout.write(NO_COALITION_HELP)
        if not settings.DEMO:
            return
        if User.objects.filter(is_demo=True).exists():
            self._print_logins()
        else:
            self.stdout.write("Demo mode is on; `reentrykit seed-demo` adds the demo coalitions.")

    def _print_logins(self) -> None:
        logins = demo_logins()
        width = max(len(email) for email, _ in logins)
        self.stdout.write(f"\nDemo sign-ins (every password is {DEMO_PASSWORD}):")
        for email, description in logins:
            self.stdout.write(f"  {email:<{width}}  {description}")

    def _stop_workers(self, workers: dict[str, subprocess.Popen[bytes]]) -> None:
        # Every worker is asked first, so their tasks in hand finish side by side.
        running = {queue: worker for queue, worker in workers.items() if worker.poll() is None}
        for worker in running.values():
            worker.send_signal(signal.SIGINT)
        for queue, worker in running.items():
            try:
                worker.wait(timeout=WORKER_GRACE_SECONDS)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                self.stderr.write(f"The {queue} task worker did not stop in time; ending it.")
                worker.kill()
                worker.wait()


def use_local_site_url(host: str, port: int) -> None:
    """Unless REENTRYKIT_SITE_URL says otherwise, the links e-mailed from here (an
    invitation, a password reset, a reminder from a worker) lead to this server."""
    if "REENTRYKIT_SITE_URL" in os.environ:
        return
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a name, not a bind
    settings.SITE_URL = os.environ["REENTRYKIT_SITE_URL"] = f"http://{shown}:{port}"


def start_workers() -> dict[str, subprocess.Popen[bytes]]:
    """One task worker per queue, by queue name."""
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    # Each in its own session, so Ctrl-C reaches only this process, which then stops
    # each worker exactly once and lets it finish the task in hand.
    return {
        queue: subprocess.Popen(  # noqa: S603 (our own command and queue names)
            [*WORKER_COMMAND, "--queue-name", queue],
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        for queue in queues.QUEUES
    }


def _watch_worker(
    queue: str, worker: subprocess.Popen[bytes], stopping: threading.Event, stderr: OutputWrapper
) -> None:
    code = worker.wait()
    if not stopping.is_set():
        stderr.write(
            f"The {queue} task worker stopped (exit code {code}). Its background tasks will "
            "wait until you restart `reentrykit run` or start `reentrykit worker`."
        )
