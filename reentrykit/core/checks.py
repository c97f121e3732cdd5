"""A deployment check (``reentrykit check --deploy``): the public address e-mailed links
point at must be one this server answers to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.http.request import validate_host


@register(deploy=True)
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    host = urlsplit(settings.SITE_URL).hostname or ""
    if validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        Error(
            f"REENTRYKIT_SITE_URL is {settings.SITE_URL!r}, whose host is not in "
            "REENTRYKIT_ALLOWED_HOSTS: the links in invitations, password resets and "
            "reminders would not reach this server.",
            hint="Set REENTRYKIT_SITE_URL to the public address, e.g. https://reentry.example.org.",
            id="core.E001",
        )
    ]
