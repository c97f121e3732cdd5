"""Library pages: the practice library, from a coalition (its networks' practices;
members write for their site) and from a network (admins and coaches read; admins
feature), and a coalition's documents (templates filled from its record)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    NetworkAccess,
    get_coalition_for,
    get_network_for,
    post_only,
)
from reentrykit.core.exports import WordDocument, download_formats
from reentrykit.library import selectors, services
from reentrykit.library.forms import DocumentForm, PracticeForm, PracticeSearchForm
from reentrykit.library.merge import FIELDS, NOT_YET, NOT_YET_NOTICE, Block, blocks, merged
from reentrykit.library.models import Practice
from reentrykit.library.selectors import Document
from reentrykit.network.models import Network, NetworkSite

# -- from a coalition -----------------------------------------------------------------


def _networks(request: HttpRequest, access: CoalitionAccess) -> list[Network]:
    return selectors.networks_read_by(
        access.coalition, request.user, in_coalition=bool(access.roles)
    )


def _practice_in(request: HttpRequest, access: CoalitionAccess, practice_id: int) -> Practice:
    """A practice of one of the networks :func:`_networks` gives, or 404."""
    practice = (
        Practice.objects.filter(pk=practice_id, site__network__in=_networks(request, access))
        .select_related("site__coalition", "site__network", "written_by")
        .first()
    )
    if practice is None:
        raise Http404("No such practice")
    return practice


def _author(request: HttpRequest, practice: Practice) -> str:
    """Who wrote a practice, as the reader may see it. An account with no full name has
    only its e-mail address to show, and that stays inside the author's coalition: every
    other reader sees the coalition instead."""
    author = practice.written_by
    if author is None:
        return "a former member"
    if author.full_name:
        return author.full_name
    coalition = practice.site.coalition
    if coalition.memberships.filter(user=request.user).exists():
        return author.email
    return f"a member of {coalition.name}"


def _may_edit(access: CoalitionAccess, practice: Practice) -> bool:
    return practice.site.coalition_id == access.coalition.pk and access.can(Capability.CONTRIBUTE)


def _listing(
    request: HttpRequest, networks: list[Network], url: Any, **context: Any
) -> HttpResponse:
    search = PracticeSearchForm(request.GET or None)
    found = selectors.practices_in(networks, **_filters(search))
    return render(
        request,
        "library/practices.html",
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
    networks = _networks(request, access)
    return _listing(
        request,
        networks,
        lambda practice: reverse(
            "library:practice",
            kwargs={"coalition_slug": coalition_slug, "practice_id": practice.pk},
        ),
        access=access,
        new_url=reverse("library:practice_new", kwargs={"coalition_slug": coalition_slug})
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
        practice = services.practice_write(
            site=form.chosen_site(), written_by=request.user, **_practice_fields(form)
        )
        messages.success(request, f"“{practice.title}” is in the library for the network.")
        return redirect("library:practice", coalition_slug=coalition_slug, practice_id=practice.pk)
    return render(
        request, "library/practice_form.html", {"access": access, "form": form, "practice": None}
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
    entry = _practice_in(request, access, practice_id)
    edit_url = (
        reverse(
            "library:practice_edit",
            kwargs={"coalition_slug": coalition_slug, "practice_id": entry.pk},
        )
        if _may_edit(access, entry)
        else None
    )
    back = reverse("library:practices", kwargs={"coalition_slug": coalition_slug})
    return render(
        request,
        "library/practice.html",
        {
            "access": access,
            "practice": entry,
            "author": _author(request, entry),
            "edit_url": edit_url,
            "back_url": back,
        },
    )


@login_required
def practice_edit(request: HttpRequest, coalition_slug: str, practice_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    entry = _practice_in(request, access, practice_id)
    if not _may_edit(access, entry):
        raise PermissionDenied("Only the coalition that wrote a practice changes it.")
    if request.method == "POST" and request.POST.get("delete") == "yes":
        services.practice_delete(practice=entry)
        messages.success(request, f"“{entry.title}” is no longer in the library.")
        return redirect("library:practices", coalition_slug=coalition_slug)
    components, needs = selectors.tags_of(entry)
    form = PracticeForm(
        request.POST or None,
        instance=entry,
        sites=[entry.site],
        initial={"components": components, "needs": needs},
    )
    if request.method == "POST" and form.is_valid():
        services.practice_update(practice=entry, **_practice_fields(form))
        messages.success(request, "Saved.")
        return redirect("library:practice", coalition_slug=coalition_slug, practice_id=entry.pk)
    return render(
        request, "library/practice_form.html", {"access": access, "form": form, "practice": entry}
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
            "network_library:practice",
            kwargs={"network_slug": network_slug, "practice_id": practice.pk},
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
        "library/practice.html",
        {
            "network_access": access,
            "network": access.network,
            "practice": entry,
            "author": _author(request, entry),
            "edit_url": None,
            "feature_url": reverse(
                "network_library:practice_feature",
                kwargs={"network_slug": network_slug, "practice_id": entry.pk},
            )
            if access.is_admin
            else None,
            "back_url": reverse("network_library:practices", kwargs={"network_slug": network_slug}),
        },
    )


@login_required
@post_only
def practice_feature(request: HttpRequest, network_slug: str, practice_id: int) -> HttpResponse:
    access = get_network_for(request, network_slug, manage=True)
    entry = _network_practice(access, practice_id)
    featured = request.POST.get("featured") == "yes"
    services.practice_feature(practice=entry, featured=featured)
    messages.success(
        request, f"“{entry.title}” is {'featured' if featured else 'no longer featured'}."
    )
    return redirect("network_library:practice", network_slug=network_slug, practice_id=entry.pk)


# -- a coalition's documents ------------------------------------------------------------


@login_required
def document_list(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    return render(
        request,
        "library/documents.html",
        {
            "access": access,
            "documents": [
                (document, merged(document.title, access.coalition))
                for document in selectors.documents_of(access.coalition)
            ],
        },
    )


def _document(access: CoalitionAccess, kind: str) -> Document:
    document = selectors.document_of(access.coalition, kind)
    if document is None:
        raise Http404("No such document")
    return document


@login_required
def document(request: HttpRequest, coalition_slug: str, kind: str) -> HttpResponse:
    """A document filled in from the coalition's record; contributors change its text."""
    access = get_coalition_for(request, coalition_slug)
    entry = _document(access, kind)
    can_edit = access.can(Capability.CONTRIBUTE)
    form = DocumentForm(request.POST or None, initial={"title": entry.title, "body": entry.body})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role does not allow changing documents.")
        if request.POST.get("reset") == "yes":
            services.document_reset(coalition=access.coalition, kind=kind)
            messages.success(request, "Back to the starting text.")
            return redirect("library:document", coalition_slug=coalition_slug, kind=kind)
        if form.is_valid():
            try:
                services.document_save(
                    coalition=access.coalition,
                    kind=kind,
                    user=request.user,
                    seen=request.POST.get("seen", ""),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error("body", error)
                entry = _document(access, kind)  # theirs, to show in the preview
            else:
                messages.success(request, "Saved. The preview shows it filled in.")
                return redirect("library:document", coalition_slug=coalition_slug, kind=kind)
    body = merged(entry.body, access.coalition)
    return render(
        request,
        "library/document.html",
        {
            "access": access,
            "document": entry,
            "title": merged(entry.title, access.coalition),
            "blocks": blocks(body),
            "not_yet": NOT_YET_NOTICE if NOT_YET in body else "",
            "form": form,
            "can_edit": can_edit,
            "fields": FIELDS,
        },
    )


@login_required
@download_formats("docx", "pdf")
def download(
    request: HttpRequest, coalition_slug: str, kind: str, file_format: str
) -> HttpResponse:
    """The filled-in document as DOCX (to edit further) or PDF (to send)."""
    access = get_coalition_for(request, coalition_slug)
    entry = _document(access, kind)
    title = merged(entry.title, access.coalition)
    content = blocks(merged(entry.body, access.coalition))
    name = f"{coalition_slug}-{kind}"
    if file_format == "pdf":
        from weasyprint import HTML

        html = render_to_string("library/document_pdf.html", {"title": title, "blocks": content})
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        _docx(title, content),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


def _docx(title: str, content: list[Block]) -> bytes:
    docx = WordDocument(title)
    for block in content:
        if block.kind == "heading":
            # The first heading titles the document; the others are its sections.
            docx.heading(block.lines[0], level=1 if block is content[0] else 2)
        elif block.kind == "list":
            for line in block.lines:
                docx.bullet(line)
        else:
            docx.paragraph("\n".join(block.lines))
    return docx.content()
