"""``reentrykit network create|add-site|add-role|list``."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reentrykit.accounts.models import User
from reentrykit.accounts.services import user_create
from reentrykit.core.audit import audit_actor
from reentrykit.core.management.helpers import (
    coalition_by_slug,
    network_by_slug,
    parse_date,
    password_setup_notice,
    validation_message,
    write_json,
)
from reentrykit.network.models import Network, NetworkRoleKind
from reentrykit.network.services import (
    coach_assign,
    network_add_site,
    network_create,
    network_role_grant,
)

DATE_FLAGS = {"start_date": "--start", "end_date": "--end"}


class Command(BaseCommand):
    help = "Create networks of coalitions, add their sites, admins and coaches, and list them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,add-site,add-role,list}"
        )
        create = actions.add_parser("create", help="Create a network; prints its slug.")
        create.add_argument(
            "--slug",
            required=True,
            help="Short name used in URLs: lowercase letters, digits and hyphens.",
        )
        create.add_argument("--name", required=True)
        create.add_argument("--description", default="")
        create.add_argument("--start", help="First day, YYYY-MM-DD.")
        create.add_argument("--end", help="Last day, YYYY-MM-DD.")
        add_site = actions.add_parser("add-site", help="Make a coalition a site of the network.")
        add_site.add_argument("--network", required=True, help="The network's slug.")
        add_site.add_argument("--coalition", required=True, help="The coalition's slug.")
        add_role = actions.add_parser(
            "add-role", help="Make a person a network admin or a coach (of some sites)."
        )
        add_role.add_argument("--network", required=True, help="The network's slug.")
        add_role.add_argument("--email", required=True)
        add_role.add_argument("--role", required=True, choices=NetworkRoleKind.values)
        add_role.add_argument(
            "--site",
            action="extend",
            nargs="+",
            default=[],
            metavar="COALITION_SLUG",
            help="A site the coach works with (coaches only; repeatable).",
        )
        add_role.add_argument("--name", default="", help="Full name, for a new account.")
        listing = actions.add_parser("list", help="List networks, their sites and people.")
        listing.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        handlers = {
            "create": self._create,
            "add-site": self._add_site,
            "add-role": self._add_role,
            "list": self._list,
        }
        handlers[action](options)

    def _create(self, options: dict[str, Any]) -> None:
        start = parse_date(options["start"], flag="--start")
        end = parse_date(options["end"], flag="--end")
        try:
            with audit_actor(None, "cli"):
                network = network_create(
                    slug=options["slug"],
                    name=options["name"],
                    description=options["description"],
                    start_date=start,
                    end_date=end,
                )
        except ValidationError as exc:
            message = validation_message(exc, flags=DATE_FLAGS)
            raise CommandError(f"Could not create the network: {message}") from None
        self.stdout.write(network.slug)

    def _add_site(self, options: dict[str, Any]) -> None:
        network = network_by_slug(options["network"])
        coalition = coalition_by_slug(options["coalition"])
        with audit_actor(None, "cli"):
            network_add_site(network=network, coalition=coalition)
        write_json(self.stdout, {"network": network.slug, "coalition": coalition.slug})

    def _add_role(self, options: dict[str, Any]) -> None:
        network = network_by_slug(options["network"])
        role = options["role"]
        if options["site"] and role != NetworkRoleKind.COACH:
            raise CommandError("--site: only coaches are assigned to sites.")
        sites = {site.coalition.slug: site for site in network.sites.select_related("coalition")}
        for slug in options["site"]:
            if slug not in sites:
                coalition_by_slug(slug)
                raise CommandError(
                    f"--site: {slug} is not a site of {network.slug}; "
                    f"add it with `reentrykit network add-site` first."
                )
        email = options["email"].strip().lower()
        try:
            with audit_actor(None, "cli"), transaction.atomic():
                user = User.objects.filter(email=email).first()
                created = user is None
                if user is None:
                    user = user_create(email=email, full_name=options["name"])
                network_role = network_role_grant(network=network, user=user, role=role)
                for slug in options["site"]:
                    coach_assign(coach=network_role, site=sites[slug])
        except ValidationError as exc:
            message = validation_message(exc, flags={"full_name": "--name"})
            raise CommandError(f"Could not add the role: {message}") from None
        if created:
            self.stderr.write(password_setup_notice(user))
        assigned = sorted(network_role.assignments.values_list("site__coalition__slug", flat=True))
        write_json(
            self.stdout,
            {"network": network.slug, "email": user.email, "role": role, "sites": assigned},
        )

    def _list(self, options: dict[str, Any]) -> None:
        rows = [_network_row(network) for network in _networks()]
        if options["format"] == "json":
            write_json(self.stdout, rows)
            return
        for row in rows:
            self.stdout.write(f"{row['slug']}  {row['name']}")
            for label in ("sites", "coaches", "admins"):
                self.stdout.write(f"  {label}: {', '.join(row[label]) or '—'}")


def _networks() -> list[Network]:
    return list(
        Network.objects.order_by("slug").prefetch_related("sites__coalition", "roles__user")
    )


def _network_row(network: Network) -> dict[str, Any]:
    roles = list(network.roles.all())
    return {
        "slug": network.slug,
        "name": network.name,
        "sites": sorted(site.coalition.slug for site in network.sites.all()),
        "coaches": sorted(r.user.email for r in roles if r.role == NetworkRoleKind.COACH),
        "admins": sorted(r.user.email for r in roles if r.role == NetworkRoleKind.NETWORK_ADMIN),
    }
