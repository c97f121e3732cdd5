from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from reentrykit.accounts.two_factor import second_factor_pending
from reentrykit.core.access import coalitions_for_user, networks_for_user
from reentrykit.core.navigation import nav_for


def reentrykit(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"demo_mode": settings.DEMO}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    if second_factor_pending(request):
        # Only the password is known so far: the header names none of the account's
        # coalitions and networks before the second factor is passed.
        return context
    context["user_coalitions"] = list(coalitions_for_user(user))
    context["user_networks"] = list(networks_for_user(user))
    access = getattr(request, "coalition_access", None)
    if access is not None:
        match = request.resolver_match
        url_name = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
        context["current_access"] = access
        context["coalition_nav"] = nav_for(access, url_name)
    return context
