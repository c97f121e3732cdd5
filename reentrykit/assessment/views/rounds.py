"""Rounds: the list, opening one, its page, respondents, local items, closing."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from reentrykit.assessment import imports, selectors, services
from reentrykit.assessment.forms import (
    InviteForm,
    LocalItemForm,
    ResponsesImportForm,
    RoundOpenForm,
)
from reentrykit.assessment.models import Respondent, Round
from reentrykit.assessment.views.common import error_text, get_round_for
from reentrykit.coalitions.selectors import coordinator_names
from reentrykit.core.access import Capability, CoalitionAccess, get_coalition_for, post_only
from reentrykit.core.exports import csv_attachment, csv_text
from reentrykit.core.forms import add_errors


@login_required
def rounds(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    need = Capability.MANAGE if request.method == "POST" else Capability.VIEW
    access = get_coalition_for(request, coalition_slug, need=need)
    can_manage = access.can(Capability.MANAGE)
    form = RoundOpenForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            round_ = services.round_open(
                coalition=access.coalition,
                name=form.cleaned_data["name"],
                version=form.cleaned_data["version"],
                deadline=form.cleaned_data["deadline"],
                opened_by=request.user,
                opened_on=form.cleaned_data["opened_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Opened “{round_.name}”. Now invite the respondents.")
            return redirect(
                "assessment:respondents", coalition_slug=coalition_slug, round_id=round_.pk
            )
    round_list = selectors.round_list(coalition=access.coalition)
    invited = set(
        Respondent.objects.filter(round__coalition=access.coalition, user=request.user).values_list(
            "round_id", flat=True
        )
    )
    return render(
        request,
        "assessment/rounds.html",
        {
            "access": access,
            "rounds": round_list,
            "invited": invited,
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def round_detail(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id)
    can_manage = access.can(Capability.MANAGE)
    respondent = selectors.respondent_for(round_=round_, user=request.user)
    respondents = selectors.respondent_list(round_=round_) if can_manage else []
    item_count = round_.item_count
    can_respond = respondent is not None and access.can(Capability.CONTRIBUTE)
    # Whom a reader who does not rate this open round can ask (the page says why not).
    ask = round_.is_open and not can_respond and not can_manage
    return render(
        request,
        "assessment/round.html",
        {
            "access": access,
            "round": round_,
            "can_manage": can_manage,
            "respondent": respondent,
            "can_respond": can_respond,
            "may_rate": access.can(Capability.CONTRIBUTE),
            "coordinators": coordinator_names(coalition=access.coalition) if ask else [],
            "respondents": respondents,
            "item_count": item_count,
            "answered": selectors.answered_count(respondent) if respondent else 0,
            "results_visible": selectors.results_visible(access=access, round_=round_),
            "can_export": can_manage or access.can(Capability.COACH),
        },
    )


@login_required
def respondents(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    people = selectors.invitable_members(round_=round_) if round_.is_open else []
    form = InviteForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        try:
            for user, sector in chosen:
                services.respondent_add(round_=round_, user=user, sector=sector)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            services.round_invitations_send(
                round_=round_, users=[user for user, _ in chosen], invited_by=request.user
            )
            if chosen:
                messages.success(
                    request, f"Invited {len(chosen)} respondent{'s' if len(chosen) != 1 else ''}."
                )
            else:
                messages.warning(request, "No one was selected.")
            return redirect(
                "assessment:respondents", coalition_slug=coalition_slug, round_id=round_id
            )
    return _respondents_page(request, access, round_, form=form)


def _respondents_page(
    request: HttpRequest,
    access: CoalitionAccess,
    round_: Round,
    *,
    form: InviteForm,
    import_form: ResponsesImportForm | None = None,
    problems: Sequence[str] = (),
) -> HttpResponse:
    return render(
        request,
        "assessment/respondents.html",
        {
            "access": access,
            "round": round_,
            "form": form,
            "import_form": import_form or ResponsesImportForm(),
            "import_problems": problems,
            "respondents": selectors.respondent_list(round_=round_),
            "item_count": round_.item_count,
        },
        status=400 if problems or (import_form is not None and import_form.errors) else 200,
    )


@login_required
@post_only
def responses_import(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    """Answers typed up from paper (or a survey tool's export): all rows or none."""
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    import_form = ResponsesImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_FILE_BYTES:
                raise imports.ImportRejected(
                    [
                        f"the file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                        f"{imports.MAX_FILE_BYTES // 1024 // 1024} MB"
                    ]
                )
            summary = imports.answers_import(round_=round_, raw=upload.read())
        except imports.ImportRejected as rejected:
            problems = rejected.for_the_page()
        except ValidationError as error:
            problems = [error_text(error)]
        else:
            messages.success(
                request,
                f"Imported {summary.answers} answer{'s' if summary.answers != 1 else ''} from "
                f"{summary.respondents} respondent{'s' if summary.respondents != 1 else ''}.",
            )
            return redirect(
                "assessment:respondents", coalition_slug=coalition_slug, round_id=round_id
            )
    people = selectors.invitable_members(round_=round_) if round_.is_open else []
    return _respondents_page(
        request,
        access,
        round_,
        form=InviteForm(people=people),
        import_form=import_form,
        problems=problems,
    )


@login_required
def answer_sheet_csv(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    """A blank answer sheet for the import above: every item's key and wording."""
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    text = csv_text(imports.SHEET_COLUMNS, imports.answer_sheet(round_))
    # Filled in a spreadsheet, most often.
    name = slugify(round_.name) or f"round-{round_.pk}"
    return csv_attachment(text, f"{name}-answer-sheet.csv")


@login_required
@post_only
def respondent_remove(
    request: HttpRequest, coalition_slug: str, round_id: int, respondent_id: int
) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    respondent = (
        Respondent.objects.filter(round=round_, pk=respondent_id).select_related("user").first()
    )
    if respondent is None:
        raise Http404("No such respondent")
    try:
        services.respondent_remove(respondent=respondent)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Removed {respondent.user.display_name} from this round.")
    return redirect("assessment:respondents", coalition_slug=coalition_slug, round_id=round_id)


@login_required
def local_items(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    form = LocalItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.local_item_add(
                round_=round_, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Added local item {item.key}.")
            return redirect(
                "assessment:local_items", coalition_slug=coalition_slug, round_id=round_id
            )
    return render(
        request,
        "assessment/local_items.html",
        {"access": access, "round": round_, "form": form, "items": round_.local_items.all()},
    )


@login_required
@post_only
def round_close(request: HttpRequest, coalition_slug: str, round_id: int) -> HttpResponse:
    access, round_ = get_round_for(request, coalition_slug, round_id, need=Capability.MANAGE)
    try:
        services.round_close(round_=round_, closed_by=request.user)
    except ValidationError as error:
        messages.error(request, f"The round is still open: {error_text(error)}")
        return redirect("assessment:round", coalition_slug=coalition_slug, round_id=round_id)
    messages.success(
        request, f"Closed “{round_.name}”. The results are now final and visible to every member."
    )
    return redirect("assessment:results", coalition_slug=coalition_slug, round_id=round_id)
