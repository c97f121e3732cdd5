"""Shared pieces of the ``reentrykit`` management commands.

Commands print machine-readable results (JSON, a slug) on stdout and everything
meant for a person on stderr, so scripts can read stdout as is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, OutputWrapper
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reentrykit.accounts.models import User
from reentrykit.coalitions.models import Coalition
from reentrykit.network.models import Network

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def write_json(stdout: OutputWrapper, value: Any) -> None:
    stdout.write(json.dumps(value))


def validation_message(exc: ValidationError, *, flags: dict[str, str] | None = None) -> str:
    """The errors of ``exc``, each named by the command-line option it came from."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    flags = flags or {}
    parts = []
    for name, messages in exc.message_dict.items():
        text = " ".join(messages)
        if name == "__all__":
            parts.append(text)
        else:
            parts.append(f"{flags.get(name, '--' + name.replace('_', '-'))}: {text}")
    return " ".join(parts)


def parse_date(value: str | None, *, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag}: {value!r} is not a date in the form YYYY-MM-DD.") from None


def coalition_by_slug(slug: str) -> Coalition:
    coalition = Coalition.objects.filter(slug=slug).first()
    if coalition is None:
        raise CommandError(f"No coalition has the slug {slug!r}. See `reentrykit coalition list`.")
    return coalition


def network_by_slug(slug: str) -> Network:
    network = Network.objects.filter(slug=slug).first()
    if network is None:
        raise CommandError(f"No network has the slug {slug!r}. See `reentrykit network list`.")
    return network


def password_setup_notice(user: User) -> str:
    """Tell the operator how a new account without a password gets one."""
    link = settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return (
        f"{user.email} has no password yet. Send them this link to choose one "
        f"(it works for {hours} hours):\n{link}\n"
        f"Later, they can use “Forgot your password?” on the sign-in page."
    )


def read_password_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            password = handle.read()
    except OSError as exc:
        raise CommandError(f"--password-file: cannot read {path}: {exc.strerror}.") from None
    password = password.removesuffix("\n").removesuffix("\r")
    if not password:
        raise CommandError(f"--password-file: {path} is empty.")
    return password


@contextmanager
def stop_signals_as_interrupt() -> Iterator[None]:
    """Make SIGINT and SIGTERM stop a foreground server the way Ctrl-C does.

    SIGINT is set explicitly because a shell starts background jobs with it ignored,
    and ``kill -INT`` should still stop the server there.
    """

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, interrupt) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def wsgi_server(*, host: str, port: int, threads: int) -> Any:
    """A waitress server bound to host:port, not yet serving."""
    from django.core.servers.basehttp import get_internal_wsgi_application
    from waitress import create_server

    try:
        return create_server(get_internal_wsgi_application(), host=host, port=port, threads=threads)
    except OSError as exc:
        raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None
    except ValueError:  # waitress: the host name does not resolve
        raise CommandError(f"Cannot listen on {host}:{port}: no such host.") from None


def port_number(value: str) -> int:
    """An argparse type: a TCP port, 1 to 65535 (a larger one would wrap around)."""
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1 to 65535): {value}")
    return port


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {value}")
    return number
