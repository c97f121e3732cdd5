"""``reentrykit serve``: the web application, served by waitress."""

from __future__ import annotations

import contextlib
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from reentrykit.core.management.helpers import (
    port_number,
    positive_int,
    stop_signals_as_interrupt,
    wsgi_server,
)


class Command(BaseCommand):
    help = "Serve the web application with waitress (static files through WhiteNoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=port_number, default=8000)
        parser.add_argument("--threads", type=positive_int, default=8)

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        server = wsgi_server(host=host, port=port, threads=threads)
        self.stdout.write(f"ReentryKit is serving http://{host}:{port}/ — Ctrl-C stops it.")
        with stop_signals_as_interrupt(), contextlib.suppress(KeyboardInterrupt):
            server.run()
        self.stdout.write("Stopped.")
