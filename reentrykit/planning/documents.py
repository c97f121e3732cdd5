"""The plan as a document: PDF to send, Word (DOCX) to edit further. A plan is written
to be shared with decision makers, so both read it as a viewer would
(``as_viewer``): every figure is suppressed, even in a data steward's download."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import as_viewer, get_coalition_for
from reentrykit.core.exports import WordDocument, download_formats
from reentrykit.planning import selectors
from reentrykit.planning.models import ActionStep, Improvement, Priority


@login_required
@download_formats("docx", "pdf")
def download(request: HttpRequest, coalition_slug: str, file_format: str) -> HttpResponse:
    """The plan as a document: PDF to send, Word (DOCX) to edit further."""
    access = get_coalition_for(request, coalition_slug)
    today = timezone.localdate()
    progress = selectors.progress_of(access.coalition, today=today)
    context = {
        "coalition": access.coalition,
        "plan": selectors.plan_of(as_viewer(access.coalition), today=today),
        "progress": progress,
        "as_of": _as_of_line(access.coalition, progress, today),
        "agencies": selectors.agency_work(access.coalition, today=today),
        "today": today,
    }
    name = f"{coalition_slug}-reentry-plan"
    if file_format == "pdf":
        from weasyprint import HTML

        html = render_to_string("planning/plan_pdf.html", context)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(
        _docx(context),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


def _as_of_line(coalition: Coalition, progress: selectors.Progress, today: dt.date) -> str:
    """The line under the title of both documents: the day, and how far the plan has
    come, with its overdue steps counted as the page counts them."""
    demo = " (demo, fictional data)" if coalition.is_demo else ""
    overdue = f", {progress.overdue} overdue" if progress.overdue else ""
    return f"As of {today:%B %-d, %Y}{demo}. {progress.label}{overdue}."


def _measure_line(row: dict[str, Any]) -> str:
    """An indicator's baseline, latest value and targets as one line of text."""
    text = render_to_string("planning/_measure.txt", {"row": row})
    return " ".join(text.split())


def _improvement_line(entry: Improvement, projection: Any) -> str:
    """A proposed improvement, its mechanism, people and projection as one line."""
    text = render_to_string("planning/_improvement.txt", {"entry": entry, "projection": projection})
    return " ".join(text.split())


def _priority_lines(priority: Priority) -> list[str]:
    lines = [priority.why] if priority.why else []
    if priority.affected_took_part:
        lines.append("People directly affected took part in choosing it.")
    if priority.external_factors:
        lines.append(f"External factors: {priority.external_factors}")
    return lines


def _docx(context: dict[str, Any]) -> bytes:
    title = f"{context['coalition'].name}: strategic reentry plan"
    docx = WordDocument(title)
    docx.heading(title, level=1)
    docx.paragraph(context["as_of"])
    if not context["plan"]:
        docx.paragraph("No priorities yet.")
    for entry in context["plan"]:
        docx.heading(f"Priority: {entry.priority.title}", level=2)
        for text in _priority_lines(entry.priority):
            docx.paragraph(text)
        if not entry.goals:
            docx.paragraph("No goals yet.")
        for view in entry.goals:
            goal = view.goal
            by = f" (by {goal.milestone_on:%B %-d, %Y})" if goal.milestone_on else ""
            docx.heading(f"Goal: {goal.statement}{by}", level=3)
            if view.updates:
                latest = view.updates[0]
                docx.paragraph(
                    f"Status as of {latest.reported_on:%B %-d, %Y}: "
                    f"{latest.get_rating_display()}. {latest.commentary}"
                )
            if view.update_due:
                docx.paragraph(
                    f"A status report is due: the last is over {selectors.UPDATE_EVERY_DAYS} "
                    "days old."
                )
            objectives = [f"{o.objective} ({o.plan_name})" for o in goal.objectives.all()]
            if objectives:
                docx.paragraph(f"Serves public safety objectives: {'; '.join(objectives)}.")
            for row in view.measures:
                docx.bullet(_measure_line(row))
            for entry, projection in view.improvements:
                docx.bullet(_improvement_line(entry, projection))
            if view.steps:
                docx.table(
                    STEP_COLUMNS,
                    [_step_cells(step, step.pk in view.overdue) for step in view.steps],
                )
            else:
                docx.paragraph("No action steps yet.")
    _docx_roles(docx, context["agencies"])
    return docx.content()


def _docx_roles(docx: WordDocument, agencies: list[selectors.AgencyWork]) -> None:
    if not agencies:
        return
    docx.heading("Roles of partner organizations", level=2)
    for work in agencies:
        # A role written as a sentence keeps its own full stop, not two.
        roles = "; ".join(role.role.rstrip(". ") for role in work.roles) or "No role written yet"
        docx.bullet(
            f"{work.organization.name}: {roles}. Action steps: {work.steps}, "
            f"{work.done} done, {work.overdue} overdue."
        )


STEP_COLUMNS = ("Action step", "Owner", "Dates", "Status", "Done")


def _step_cells(step: ActionStep, overdue: bool = False) -> tuple[str, ...]:
    owner = ", ".join(
        part for part in (str(step.owner_organization or ""), step.owner_person) if part
    )
    dates = f"{step.starts_on:%Y-%m-%d} to " if step.starts_on else "by "
    return (
        step.description,
        owner,
        f"{dates}{step.due_on:%Y-%m-%d}{' (overdue)' if overdue else ''}",
        step.get_status_display(),
        f"{step.percent_complete}%",
    )
