"""Practice library pages, from a coalition (its networks' libraries; members write for
their site) and from a network (admins and coaches read; admins feature)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    NetworkAccess,
    get_coalition_for,
    get_network_for,
    post_only,
)
from reentrykit.network import library
from reentrykit.network.forms import PracticeForm, PracticeSearchForm
from reentrykit.network.models import Network, NetworkSite, Practice

# -- from a coalition -----------------------------------------------------------------


def _networks(access: CoalitionAccess) -> list[Network]:
    return list(Network.objects.filter(sites__coalition=access.coalition))


def _practice_in(access: CoalitionAccess, practice_id: int) -> Practice:
    """A practice of one of the coalition's networks, or 404."""
    practice = (
        Practice.objects.filter(pk=practice_id, site__network__in=_networks(access))
        .select_related("site__coalition", "site__network", "written_by")
        .first()
    )
    if practice is None:
        raise Http404("No such practice")
    return practice


def _may_edit(access: CoalitionAccess, practice: Practice) -> bool:
    return practice.site.coalition_id == access.coalition.pk and access.can(Capability.CONTRIBUTE)


def _listing(
    request: HttpRequest, networks: list[Network], url: Any, **context: Any
) -> HttpResponse:
    search = PracticeSearchForm(request.GET or None)
    found = library.practices_in(networks, **_filters(search))
    return render(
        request,
        "network/practices.html",
        {
            "search_form": search,
            "results": [(practice, url(practice)) for practice in found],
            "searched": any(search.filters().values()),
            "networks": networks,
            "several_networks": len(networks) > 1,
            **context,
        },
    )


def _filters(search: PracticeSearchForm) -> dict[str, str]:
    values = search.filters()
    return {"query": values.pop("q"), **values}


@login_required
def practices(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    networks = _networks(access)
    return _listing(
        request,
        networks,
        lambda practice: reverse(
            "coalition_network:practice",
            kwargs={"coalition_slug": coalition_slug, "practice_id": practice.pk},
        ),
        access=access,
        new_url=reverse("coalition_network:practice_new", kwargs={"coalition_slug": coalition_slug})
        if networks and access.can(Capability.CONTRIBUTE)
        else None,
    )


@login_required
def practice_new(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    sites = list(NetworkSite.objects.filter(coalition=access.coalition).select_related("network"))
    if not sites:
        raise Http404("The coalition is not part of a network.")
    form = PracticeForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        practice = library.practice_write(
            site=form.chosen_site(), written_by=request.user, **_practice_fields(form)
        )
        messages.success(request, f"“{practice.title}” is in the library for the network.")
        return redirect(
            "coalition_network:practice", coalition_slug=coalition_slug, practice_id=practice.pk
        )
    return render(
        request, "network/practice_form.html", {"access": access, "form": form, "practice": None}
    )


def _practice_fields(form: PracticeForm) -> dict[str, Any]:
    fields = {name: form.cleaned_data[name] for name in PracticeForm.Meta.fields}
    return {
        **fields,
        "components": form.cleaned_data["components"],
        "needs": form.cleaned_data["needs"],
    }


@login_required
def practice(request: HttpRequest, coalition_slug: str, practice_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    entry = _practice_in(access, practice_id)
    edit_url = (
        reverse(
            "coalition_network:practice_edit",
            kwargs={"coalition_slug": coalition_slug, "practice_id": entry.pk},
        )
        if _may_edit(access, entry)
        else None
    )
    back = reverse("coalition_network:practices", kwargs={"coalition_slug": coalition_slug})
    return render(
        request,
        "network/practice.html",
        {"access": access, "practice": entry, "edit_url": edit_url, "back_url": back},
    )


@login_required
def practice_edit(request: HttpRequest, coalition_slug: str, practice_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    entry = _practice_in(access, practice_id)
    if not _may_edit(access, entry):
        raise PermissionDenied("Only the coalition that wrote a practice changes it.")
    if request.method == "POST" and request.POST.get("delete") == "yes":
        library.practice_delete(practice=entry)
        messages.success(request, f"“{entry.title}” is no longer in the library.")
        return redirect("coalition_network:practices", coalition_slug=coalition_slug)
    components, needs = library.tags_of(entry)
    form = PracticeForm(
        request.POST or None,
        instance=entry,
        sites=[entry.site],
        initial={"components": components, "needs": needs},
    )
    if request.method == "POST" and form.is_valid():
        library.practice_update(practice=entry, **_practice_fields(form))
        messages.success(request, "Saved.")
        return redirect(
            "coalition_network:practice", coalition_slug=coalition_slug, practice_id=entry.pk
        )
    return render(
        request, "network/practice_form.html", {"access": access, "form": form, "practice": entry}
    )


# -- from a network -------------------------------------------------------------------


def _network_practice(access: NetworkAccess, practice_id: int) -> Practice:
    practice = (
        Practice.objects.filter(pk=practice_id, site__network=access.network)
        .select_related("site__coalition", "site__network", "written_by")
        .first()
    )
    if practice is None:
        raise Http404("No such practice")
    return practice


@login_required
def network_practices(request: HttpRequest, network_slug: str) -> HttpResponse:
    access = get_network_for(request, network_slug)
    return _listing(
        request,
        [access.network],
        lambda practice: reverse(
            "network:practice", kwargs={"network_slug": network_slug, "practice_id": practice.pk}
        ),
        network_access=access,
        network=access.network,
        new_url=None,
    )


@login_required
def network_practice(request: HttpRequest, network_slug: str, practice_id: int) -> HttpResponse:
    access = get_network_for(request, network_slug)
    entry = _network_practice(access, practice_id)
    return render(
        request,
        "network/practice.html",
        {
            "network_access": access,
            "network": access.network,
            "practice": entry,
            "edit_url": None,
            "feature_url": reverse(
                "network:practice_feature",
                kwargs={"network_slug": network_slug, "practice_id": entry.pk},
            )
            if access.is_admin
            else None,
            "back_url": reverse("network:practices", kwargs={"network_slug": network_slug}),
        },
    )


@login_required
@post_only
def practice_feature(request: HttpRequest, network_slug: str, practice_id: int) -> HttpResponse:
    access = get_network_for(request, network_slug, manage=True)
    entry = _network_practice(access, practice_id)
    featured = request.POST.get("featured") == "yes"
    library.practice_feature(practice=entry, featured=featured)
    messages.success(
        request, f"“{entry.title}” is {'featured' if featured else 'no longer featured'}."
    )
    return redirect("network:practice", network_slug=network_slug, practice_id=entry.pk)
