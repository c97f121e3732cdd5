"""One form page for a coalition's records: a new one, or an existing one to change or
remove, then back to the page that lists it, at the record (``#<part>-<pk>``).

:func:`form_page` is the mechanism; apps whose records hang off others (a plan's goals
under its priorities) call it with their own form and save. Simple records that
belong to the coalition directly are described as a :class:`Part` and routed
``<part>/new/`` and ``<part>/<entry_id>/`` to a view that calls :func:`entry_page`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.text import Truncator

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


@transaction.atomic
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
    remove: Callable[[Any], None] | None = None,
    template: str = "includes/entry_form.html",
    **context: Any,
) -> HttpResponse:
    """The form of one record (``name`` in words): saved with ``save`` (or, when
    ``deletable``, removed, by ``remove`` if given) and back to ``listing``; the form
    again with its errors when the input is wrong, or when someone else saved the record
    since the form was opened (the fields they changed say so). A ``remove`` that
    refuses (a ValidationError: the record is still in use) says why on ``listing``."""
    slug = access.coalition.slug
    if request.method == "POST":
        _hold(form.instance)
    # Read before the form takes the input, which it writes onto its record.
    stored = _stored(form)
    if request.method == "POST":
        if deletable is not None and request.POST.get("delete") == "yes":
            try:
                if remove is not None:
                    remove(deletable)
                else:
                    deletable.delete()
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return back_to(listing, slug, f"{part}-{deletable.pk}")
            messages.success(request, f"The {name} is removed.")
            return back_to(listing, slug, "main-content")
        changed = _changed_since(stored, request.POST.get(SEEN))
        if form.is_valid() and not changed:
            saved = save(form)
            messages.success(request, "Saved.")
            return back_to(listing, slug, f"{part}-{saved.pk}")
        for field in changed:
            _refuse_stale(form, field, stored[field][1])
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
            # What the form shows as stored, to tell on saving whether it still is.
            "seen": _token(stored),
            **context,
        },
    )


def _hold(instance: Model) -> None:
    """Locks a stored record until the save is done, and reads it again: of two saves
    at once, the second then reads what the first saved, so that the check for changes
    made meanwhile (:func:`_changed_since`) and the save are one step."""
    if instance.pk is None:
        return
    held = type(instance).objects.select_for_update(no_key=True).filter(pk=instance.pk)
    if not held.exists():  # removed by someone else meanwhile
        raise Http404("This record was removed meanwhile.")
    instance.refresh_from_db()


# The form field that carries what the form showed as stored (:func:`_token`).
SEEN = "seen"


def _stored(form: forms.ModelForm) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
    """Each of the form's fields as its record stores it: a fingerprint of the value,
    and the value in words. A new record counts as blank, so that a record someone
    else made meanwhile in the same place (a cell of the map) is not overwritten."""
    instance = form.instance
    stored = {}
    for name in form.fields:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_many:
            related = list(getattr(instance, name).order_by("pk")) if instance.pk else []
            value: Any = [entry.pk for entry in related]
            shown = ", ".join(str(entry) for entry in related) or "none"
        else:
            value = field.value_from_object(instance)
            shown = _in_words(instance, field, value)
        stored[name] = (_fingerprint(name, value), shown)
    return stored


def _fingerprint(name: str, value: Any) -> str:
    return hashlib.sha256(f"{name}\n{value!r}".encode()).hexdigest()[:12]


def figures_token(form: forms.Form, stored: dict[str, Any]) -> str:
    """What a plain form (not of one record: the needs figures, the sustainability lead)
    shows as stored, ``stored`` being its fields' stored values, for :func:`stale_figures`."""
    return _token(_stored_values(form, stored))


def stale_figures(form: forms.Form, stored: dict[str, Any], token: str | None) -> bool:
    """True, with an error on each field, when the values ``stored`` now differ from
    those the form showed (``token``, from :func:`figures_token`): someone else saved
    meanwhile. Call it holding what the save writes (``coalition_hold``)."""
    values = _stored_values(form, stored)
    changed = _changed_since(values, token)
    for name in changed:
        _refuse_stale(form, name, values[name][1])
    return bool(changed)


def _stored_values(form: forms.Form, stored: dict[str, Any]) -> dict[str, tuple[str, str]]:
    values = {}
    for name in form.fields:
        value = stored.get(name)
        shown = "empty" if value is None or value == "" else str(formats.localize(value))
        values[name] = (_fingerprint(name, value), Truncator(shown).chars(80))
    return values


def _in_words(instance: Model, field: Any, value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if field.is_relation:
        return str(getattr(instance, field.name))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return Truncator(str(formats.localize(value))).chars(80)


def _token(stored: dict[str, tuple[str, str]]) -> str:
    return ",".join(f"{name}:{fingerprint}" for name, (fingerprint, _) in stored.items())


def _changed_since(stored: dict[str, tuple[str, str]], token: str | None) -> list[str]:
    """The fields stored differently now than when the form showed ``token``; none when
    the form sent no token (a script, or a page from before tokens)."""
    if not token:
        return []
    seen = dict(entry.partition(":")[::2] for entry in token.split(","))
    return [name for name, (fingerprint, _) in stored.items() if seen.get(name) != fingerprint]


def _refuse_stale(form: forms.ModelForm, field: str, shown: str) -> None:  # type: ignore[type-arg]
    form.add_error(
        field,
        f"Someone else changed this while you had the form open: it is now {shown}. "
        "Save again to replace it with what you entered here.",
    )
    # As the form's own errors are marked (core.forms), for screen readers.
    form.fields[field].widget.attrs["aria-invalid"] = "true"


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
