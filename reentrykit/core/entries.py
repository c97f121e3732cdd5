"""One form page for a coalition's simple records (a tactic, a funding source...): a
new one, or an existing one to change or remove, then back to the page that lists it.

An app describes each kind of record as a :class:`Part` and routes
``<part>/new/`` and ``<part>/<entry_id>/`` to a view that calls :func:`entry_page`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import Capability, get_coalition_for, get_object_in


@dataclass(frozen=True)
class Part:
    model: type[Model]
    # A ModelForm whose constructor takes ``coalition=`` (for choices of its own records).
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    name: str
    intro: str


def entry_page(
    request: HttpRequest,
    coalition_slug: str,
    parts: dict[str, Part],
    part: str,
    entry_id: int | None,
    *,
    listing: str,
    **context: Any,
) -> HttpResponse:
    """The form page of ``part`` (404 for an unknown one); ``listing`` is the URL name of
    the page that lists the records, where a saved one is anchored as ``<part>-<pk>``."""
    access = get_coalition_for(request, coalition_slug, need=Capability.CONTRIBUTE)
    if part not in parts:
        raise Http404("No such kind of entry")
    kind = parts[part]
    instance = (
        get_object_in(access, kind.model._default_manager.all(), pk=entry_id)
        if entry_id is not None
        else None
    )
    form = kind.form(request.POST or None, instance=instance, coalition=access.coalition)
    back = redirect(listing, coalition_slug=coalition_slug)
    if request.method == "POST":
        if instance is not None and request.POST.get("delete") == "yes":
            instance.delete()
            messages.success(request, f"The {kind.name} is removed.")
            return back
        if form.is_valid():
            saved = form.save(commit=False)
            saved.coalition = access.coalition
            saved.save()
            form.save_m2m()
            messages.success(request, "Saved.")
            back["Location"] += f"#{part}-{saved.pk}"
            return back
    return render(
        request,
        "includes/entry_form.html",
        {
            "access": access,
            "form": form,
            "kind": kind,
            "instance": instance,
            "listing": listing,
            **context,
        },
    )
