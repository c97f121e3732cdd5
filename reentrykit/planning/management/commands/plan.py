"""``reentrykit plan reminders``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.core.management.helpers import coalition_by_slug
from reentrykit.planning import reminders


class Command(BaseCommand):
    help = "Work with coalitions' plans."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{reminders}")
        remind = actions.add_parser(
            "reminders",
            help="E-mail each coalition's coordinators its overdue action steps, the goals "
            "whose status report is due and the quality checks that are due, now (the "
            "task worker does it every day by itself).",
        )
        remind.add_argument("--coalition", help="One coalition's slug; every coalition by default.")
        remind.add_argument(
            "--dry-run", action="store_true", help="Print the e-mails instead of sending them."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if options["coalition"]:
            coalitions = [coalition_by_slug(options["coalition"])]
        else:
            coalitions = list(Coalition.objects.order_by("slug"))
        base_url = settings.SITE_URL
        found = reminders.reminders(today=timezone.localdate(), coalitions=coalitions)
        sent = 0
        for reminder in found:
            if options["dry_run"]:
                self.stdout.write(f"To: {', '.join(reminder.recipients) or '(no coordinator)'}")
                self.stdout.write(f"Subject: {reminder.subject}\n")
                self.stdout.write(reminder.body(base_url=base_url) + "\n")
            else:
                sent += reminders.send(reminder, base_url=base_url)
        if not options["dry_run"]:
            self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent.")
