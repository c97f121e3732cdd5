"""One form page for a coalition's records: a new one, or an existing one to change or
remove, then back to the page that lists it, at the record (``#<part>-<pk>``).

:func:`form_page` is the mechanism; apps whose records hang off others (a plan's goals
under its priorities) call it with their own form and save. Simple records that
belong to the coalition directly are described as a :class:`Part` and routed
``<part>/new/`` and ``<part>/<entry_id>/`` to a view that calls :func:`entry_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import Capability, CoalitionAccess, get_coalition_for, get_object_in


@dataclass(frozen=True)
class Part:
    model: type[Model]
    # A ModelForm whose constructor takes ``coalition=`` (for choices of its own records).
    form: type[forms.ModelForm]  # type: ignore[type-arg]
    name: str
    intro: str


def back_to(listing: str, coalition_slug: str, anchor: str) -> HttpResponse:
    """A redirect to the page ``listing`` (a URL name) at ``#anchor``."""
    response = redirect(listing, coalition_slug=coalition_slug)
    response["Location"] += f"#{anchor}"
    return response


def form_page(
    request: HttpRequest,
    access: CoalitionAccess,
    form: forms.ModelForm,  # type: ignore[type-arg]
    *,
    part: str,
    name: str,
    heading: str,
    intro: str,
    save: Callable[[Any], Model],
    listing: str,
    deletable: Model | None = None,
    template: str = "includes/entry_form.html",
    **context: Any,
) -> HttpResponse:
    """The form of one record (``name`` in words): saved with ``save`` (or, when
    ``deletable``, removed) and back to ``listing``; the form again with its errors when
    the input is wrong."""
    slug = access.coalition.slug
    if request.method == "POST":
        if deletable is not None and request.POST.get("delete") == "yes":
            deletable.delete()
            messages.success(request, f"The {name} is removed.")
            return back_to(listing, slug, "main-content")
        if form.is_valid():
            saved = save(form)
            messages.success(request, "Saved.")
            return back_to(listing, slug, f"{part}-{saved.pk}")
    return render(
        request,
        template,
        {
            "access": access,
            "form": form,
            "heading": heading,
            "intro": intro,
            "name": name,
            "deletable": deletable,
            "listing": listing,
            **context,
        },
    )


def save_under(form: forms.ModelForm, **parent: Any) -> Any:  # type: ignore[type-arg]
    """Saves the form's object with ``parent`` set on it (e.g. ``goal=...``)."""
    saved = form.save(commit=False)
    for field, value in parent.items():
        setattr(saved, field, value)
    saved.save()
    form.save_m2m()
    return saved


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
    """The form page of ``part`` (404 for an unknown one), a record of the coalition."""
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
    return form_page(
        request,
        access,
        form,
        part=part,
        name=kind.name,
        heading=f"Change the {kind.name}" if instance else f"New {kind.name}",
        intro=kind.intro,
        save=lambda f: save_under(f, coalition=access.coalition),
        listing=listing,
        deletable=instance,
        **context,
    )
