"""Document pages: the template library, one document with its editor, and downloads."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from reentrykit.core.access import Capability, CoalitionAccess, get_coalition_for
from reentrykit.documents import services
from reentrykit.documents.forms import DocumentForm
from reentrykit.documents.merge import FIELDS, Block, blocks, merged
from reentrykit.documents.services import Document


@login_required
def document_list(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    return render(
        request,
        "documents/list.html",
        {"access": access, "documents": services.documents_of(access.coalition)},
    )


def _document(access: CoalitionAccess, kind: str) -> Document:
    document = services.document_of(access.coalition, kind)
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
            return redirect("documents:document", coalition_slug=coalition_slug, kind=kind)
        if form.is_valid():
            services.document_save(
                coalition=access.coalition, kind=kind, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Saved. The preview shows it filled in.")
            return redirect("documents:document", coalition_slug=coalition_slug, kind=kind)
    return render(
        request,
        "documents/document.html",
        {
            "access": access,
            "document": entry,
            "blocks": blocks(merged(entry.body, access.coalition)),
            "form": form,
            "can_edit": can_edit,
            "fields": FIELDS,
        },
    )


@login_required
def download(request: HttpRequest, coalition_slug: str, kind: str) -> HttpResponse:
    """The filled-in document as DOCX (to edit further) or PDF (to send)."""
    access = get_coalition_for(request, coalition_slug)
    entry = _document(access, kind)
    content = blocks(merged(entry.body, access.coalition))
    name = f"{coalition_slug}-{kind}"
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "documents/document_pdf.html", {"document": entry, "blocks": content}
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        _docx(entry.title, content),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


def _docx(title: str, content: list[Block]) -> bytes:
    from docx import Document as Docx

    docx = Docx()
    docx.core_properties.title = title
    for block in content:
        if block.kind == "heading":
            # The first heading titles the document; the others are its sections.
            level = 1 if block is content[0] else 2
            docx.add_heading(block.lines[0], level=level)
        elif block.kind == "list":
            for line in block.lines:
                docx.add_paragraph(line, style="List Bullet")
        else:
            docx.add_paragraph(block.lines[0])
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
