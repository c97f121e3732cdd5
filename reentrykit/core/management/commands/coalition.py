"""``reentrykit coalition create|list``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from reentrykit.coalitions.models import Coalition, JurisdictionType
from reentrykit.coalitions.services import coalition_create
from reentrykit.core.audit import audit_actor
from reentrykit.core.management.helpers import validation_message, write_json
from reentrykit.network.models import NetworkSite


class Command(BaseCommand):
    help = "Create and list coalitions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list}")
        create = actions.add_parser("create", help="Create a coalition; prints its slug.")
        create.add_argument(
            "--slug",
            required=True,
            help="Short name used in URLs: lowercase letters, digits and hyphens.",
        )
        create.add_argument("--name", required=True)
        create.add_argument(
            "--jurisdiction-type", choices=JurisdictionType.values, default=JurisdictionType.COUNTY
        )
        create.add_argument("--state", default="", help="Two-letter state code, e.g. TX.")
        create.add_argument("--population", type=int, default=None)
        listing = actions.add_parser("list", help="List coalitions and their networks.")
        listing.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self._create(options)
        else:
            self._list(options["format"])

    def _create(self, options: dict[str, Any]) -> None:
        try:
            with audit_actor(None, "cli"):
                coalition = coalition_create(
                    slug=options["slug"],
                    name=options["name"],
                    jurisdiction_type=options["jurisdiction_type"],
                    state=options["state"],
                    population=options["population"],
                )
        except ValidationError as exc:
            raise CommandError(
                f"Could not create the coalition: {validation_message(exc)}"
            ) from None
        self.stdout.write(coalition.slug)

    def _list(self, output_format: str) -> None:
        sites = NetworkSite.objects.select_related("network").order_by("network__slug")
        coalitions = Coalition.objects.order_by("slug").prefetch_related(
            Prefetch("network_sites", queryset=sites)
        )
        rows = [
            {
                "slug": coalition.slug,
                "name": coalition.name,
                "networks": [site.network.slug for site in coalition.network_sites.all()],
            }
            for coalition in coalitions
        ]
        if output_format == "json":
            write_json(self.stdout, rows)
            return
        table = [("SLUG", "NAME", "NETWORKS")] + [
            (row["slug"], row["name"], ", ".join(row["networks"])) for row in rows
        ]
        slug_width = max(len(line[0]) for line in table)
        name_width = max(len(line[1]) for line in table)
        for slug, name, networks in table:
            self.stdout.write(f"{slug:<{slug_width}}  {name:<{name_width}}  {networks}".rstrip())
