"""``reentrykit seed-demo``: the fictional demo network, coalitions and people."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reentrykit.core.demo import DEMO_PASSWORD, DemoConflict, seed_demo


class Command(BaseCommand):
    help = "Create the demo network, coalitions and accounts (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every demo coalition, network and account first, then recreate them.",
        )

    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        try:
            world = seed_demo(reset=reset)
        except DemoConflict as exc:
            raise CommandError(f"{exc} Rename it, then seed again.") from None
        self.stdout.write(
            f"Demo ready: network {world.network.slug!r}, {len(world.coalitions)} coalitions, "
            f"{len(world.users)} accounts (password {DEMO_PASSWORD})."
        )
        if not settings.DEMO:
            self.stderr.write(
                "Demo accounts can sign in only when REENTRYKIT_DEMO=1 is set for the server."
            )
