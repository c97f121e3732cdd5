from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from reentrykit.core.access import coalitions_for_user, get_coalition_for, networks_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where a signed-in person lands: their coalitions and networks."""
    coalitions = list(coalitions_for_user(request.user))
    networks = list(networks_for_user(request.user))
    if len(coalitions) == 1 and not networks:
        return redirect("coalitions:home", coalition_slug=coalitions[0].slug)
    return render(request, "core/dashboard.html", {"coalitions": coalitions, "networks": networks})


@login_required
@require_GET
def switch_coalition(request: HttpRequest) -> HttpResponse:
    access = get_coalition_for(request, request.GET.get("coalition", ""))
    return redirect("coalitions:home", coalition_slug=access.coalition.slug)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
