"""``reentrykit user create``: an account (if new) and its role in a coalition;
``reentrykit user reset-two-factor``: an account's authenticator and recovery codes
removed, for someone who lost them (or whose account someone else set them up on)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reentrykit.accounts.models import User
from reentrykit.accounts.services import user_create
from reentrykit.coalitions.models import Coalition, PartnerOrganization, Role
from reentrykit.coalitions.services import membership_create
from reentrykit.core.audit import audit_actor
from reentrykit.core.management.helpers import (
    coalition_by_slug,
    password_setup_notice,
    read_password_file,
    validation_message,
    write_json,
)


class Command(BaseCommand):
    help = "Create user accounts and give them roles in coalitions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,reset-two-factor}"
        )
        create = actions.add_parser(
            "create",
            help="Create the account if it is new and add the role; prints a JSON line.",
        )
        create.add_argument("--email", required=True)
        create.add_argument("--coalition", required=True, help="The coalition's slug.")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument(
            "--password-file",
            help="File holding the new account's password. Without it the account gets no "
            "password and a link to choose one is printed.",
        )
        create.add_argument("--name", default="", help="The person's full name.")
        create.add_argument(
            "--organization", help="Name of one of the coalition's partner organizations."
        )

        reset = actions.add_parser(
            "reset-two-factor",
            help="Remove the account's authenticator app and recovery codes, and revoke its "
            "API tokens; the next sign-in sets up a new app. Prints a JSON line.",
        )
        reset.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reset-two-factor":
            self._reset_two_factor(options["email"])
            return
        password = None
        if options["password_file"]:
            password = read_password_file(options["password_file"])
        coalition = coalition_by_slug(options["coalition"])
        organization = _organization(coalition, options["organization"])
        email = options["email"].strip().lower()
        try:
            with audit_actor(None, "cli"), transaction.atomic():
                user = User.objects.filter(email=email).first()
                created = user is None
                if user is None:
                    user = user_create(email=email, password=password, full_name=options["name"])
                else:
                    _refuse_a_second_role_of_no_use(user, coalition, options["role"])
                membership_create(
                    coalition=coalition, user=user, role=options["role"], organization=organization
                )
        except ValidationError as exc:
            # Only the password validators raise errors that name no field.
            prefix = "" if hasattr(exc, "error_dict") else "--password-file: "
            message = validation_message(exc, flags={"full_name": "--name"})
            raise CommandError(f"Could not add the user: {prefix}{message}") from None
        if not created and password is not None:
            self.stderr.write(f"{email} already had an account; its password was not changed.")
        if created and password is None:
            self.stderr.write(password_setup_notice(user))
        write_json(
            self.stdout, {"email": user.email, "coalition": coalition.slug, "role": options["role"]}
        )

    def _reset_two_factor(self, email: str) -> None:
        from reentrykit.accounts.two_factor import second_factor_reset

        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"--email: no account has the address {email!r}.")
        with audit_actor(None, "cli"):
            removed = second_factor_reset(user=user)
        write_json(self.stdout, {"email": user.email, "devices_removed": removed})


def _organization(coalition: Coalition, name: str | None) -> PartnerOrganization | None:
    if not name:
        return None
    organization = coalition.organizations.filter(name__iexact=name.strip()).first()
    if organization is None:
        known = ", ".join(coalition.organizations.values_list("name", flat=True)) or "none yet"
        raise CommandError(
            f"--organization: {coalition.slug} has no partner organization named {name!r} "
            f"(it has: {known})."
        )
    return organization


def _refuse_a_second_role_of_no_use(user: User, coalition: Any, role: str) -> None:
    """A second role in a coalition is for a data steward beside another role: the
    coordinator, member and viewer roles each include the next, so a second of them
    would only list the person twice. A role is changed on the Members page."""
    held = set(user.memberships.filter(coalition=coalition).values_list("role", flat=True))
    if not held or role in held or Role.DATA_STEWARD in (held | {role}):
        return
    labels = ", ".join(str(Role(name).label).lower() for name in sorted(held))
    raise CommandError(
        f"--role: {user.email} is already a {labels} of {coalition.slug}; a second role "
        "there is only a data steward's. To change the role, use the Members page."
    )
