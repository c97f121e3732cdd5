from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from reentrykit.core.access import (
    Capability,
    CoalitionAccess,
    get_coalition_for,
    get_object_in,
    post_only,
)
from reentrykit.core.charts import accessible_svg
from reentrykit.core.suppression import disclose
from reentrykit.data import charts, sealed, selectors, services
from reentrykit.data.forms import KIND_LABELS, DataSettingsForm, MappingForm, UploadForm
from reentrykit.data.imports import saved_mapping
from reentrykit.data.linkage import probability_to_weight
from reentrykit.data.linking import linkage_threshold
from reentrykit.data.models import DataJob, DataSettings, JobKind, JobStatus, PersonLevelAccess
from reentrykit.data.reader import FileProblem
from reentrykit.data.schema import RECORD_TYPES, Kind
from reentrykit.data.store import StoreError
from reentrykit.data.suggest import suggest_columns

UPLOAD_SESSION_KEY = "data_uploads"
# The pairs the review page shows at once, undecided and closest to the threshold first.
REVIEW_PAGE = 50


@login_required
def home(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    steward = access.can(Capability.PERSON_LEVEL)
    sources = selectors.source_summaries(coalition=access.coalition)
    latest_run = selectors.latest_linkage(coalition=access.coalition)
    # The rows imported and the people linked are counts of person-level data: hidden
    # when small, like every figure outside the data steward role.
    k = access.coalition.suppression_k
    source_rows = disclose(
        [{"rows": summary.rows} for summary in sources], unsuppressed=steward, k=k, counts=["rows"]
    )
    linked = disclose(
        [{"records": latest_run.records, "people": latest_run.people}] if latest_run else [],
        unsuppressed=steward,
        k=k,
        counts=["records", "people"],
        parts=[("people", "records")],
    )
    return render(
        request,
        "data/home.html",
        {
            "access": access,
            "sources": sources,
            "source_rows": source_rows,
            "latest_run": latest_run,
            "linked": linked,
            "not_linked": selectors.imports_not_linked(
                coalition=access.coalition, since=latest_run
            ),
            "jobs": selectors.recent_jobs(coalition=access.coalition)[:5] if steward else [],
            "is_steward": steward,
            **({} if steward else selectors.who_brings_data(access)),
        },
    )


def _start_import(request: HttpRequest, access: CoalitionAccess, params: dict) -> HttpResponse:
    job = services.data_job_start(
        coalition=access.coalition, kind=JobKind.IMPORT, user=request.user, params=params
    )
    return _job_page(access, job.pk)


def _job_page(access: CoalitionAccess, job_id: int) -> HttpResponse:
    return redirect("data:job", coalition_slug=access.coalition.slug, job_id=job_id)


@login_required
def upload(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            path = services.upload_save(coalition=access.coalition, uploaded=uploaded)
        except FileProblem as problem:
            form.add_error("file", str(problem))
        else:
            params = services.import_params(
                path=path,
                file_name=uploaded.name,
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                replace=form.cleaned_data["replace"],
                data_through=form.cleaned_data["data_through"],
            )
            return _route_upload(
                request, access, form, params, check=form.cleaned_data["check_columns"]
            )
    return render(
        request,
        "data/upload.html",
        {
            "access": access,
            "form": form,
            "sources": selectors.source_names(coalition=access.coalition),
        },
    )


def _route_upload(
    request: HttpRequest, access: CoalitionAccess, form: UploadForm, params: dict, check: bool
) -> HttpResponse:
    """Straight to import when the columns are recognised and the dates read as the
    mapping says (unless the steward asks to ``check`` the mapping); else to the mapping
    step."""
    try:
        columns = services.upload_columns(
            coalition=access.coalition,
            path=Path(params["path"]),
            kind=params["kind"],
            source=params["source"],
        )
    except FileProblem as problem:
        form.add_error("file", str(problem))
        return render(request, "data/upload.html", {"access": access, "form": form})
    if columns.ok and columns.dates_fit and not check:
        return _start_import(request, access, params)
    if columns.looks_like is not None:
        messages.warning(
            request,
            f"These columns are those of {KIND_LABELS[columns.looks_like].lower()}, not of "
            f"{KIND_LABELS[Kind(params['kind'])].lower()}. If that is what the file holds, "
            "upload it again with that choice.",
        )
    if columns.ok and not columns.dates_fit:
        messages.info(
            request,
            "The file's dates are not written the way the import would read them. "
            "Check the date format at the end of the form.",
        )
    token = uuid.uuid4().hex
    pending = request.session.get(UPLOAD_SESSION_KEY, {})
    # Sealed: the session is plain text in the database, and a file's first row may be
    # a person's details rather than column names.
    headers = sealed.seal_json(
        list(columns.headers), coalition_id=access.coalition.pk, context=_headers_context(token)
    )
    pending[token] = {
        **params,
        "headers": headers,
        "coalition": access.coalition.pk,
        # How the first rows write dates (a format, not the dates), for the form's default.
        "dates": columns.date_format,
    }
    request.session[UPLOAD_SESSION_KEY] = pending
    return redirect("data:mapping", coalition_slug=access.coalition.slug, upload_token=token)


def _headers_context(token: str) -> str:
    return f"reentrykit/upload-headers/{token}"


@login_required
def mapping(request: HttpRequest, coalition_slug: str, upload_token: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    pending = request.session.get(UPLOAD_SESSION_KEY, {}).get(upload_token)
    if pending and pending.get("coalition") == access.coalition.pk and pending.get("job"):
        # Sent again (a second click) or come back to: the import it started.
        return _job_page(access, pending["job"])
    if pending and pending.get("coalition") == access.coalition.pk:
        # Sent twice at once, this request read the session before the other saved the
        # import it started (whose worker may have deleted the upload already).
        started = selectors.upload_import_job(coalition=access.coalition, path=pending.get("path"))
        if started is not None:
            return _job_page(access, started.pk)
    if (
        not pending
        or pending.get("coalition") != access.coalition.pk
        or not Path(pending["path"]).is_file()  # deleted as stale
    ):
        raise Http404("This upload has expired; upload the file again.")
    record_type = RECORD_TYPES[Kind(pending["kind"])]
    try:
        headers = tuple(
            sealed.open_json(
                pending["headers"],
                coalition_id=access.coalition.pk,
                context=_headers_context(upload_token),
            )
        )
    except ValueError:
        raise Http404("This upload has expired; upload the file again.") from None
    form = MappingForm(
        request.POST or None,
        record_type=record_type,
        headers=headers,
        suggestions=suggest_columns(record_type, headers),
        saved=saved_mapping(access.coalition, pending["source"], pending["kind"]),
        dates=pending.get("dates"),
    )
    if request.method == "POST" and form.is_valid():
        params = {
            key: value
            for key, value in pending.items()
            if key not in ("headers", "coalition", "dates")
        }
        params["mapping"] = form.mapping_json()
        data_job = services.data_job_start(
            coalition=access.coalition, kind=JobKind.IMPORT, user=request.user, params=params
        )
        # The token is kept, pointing at the job, for the same form sent again.
        sessions = request.session[UPLOAD_SESSION_KEY]
        sessions[upload_token] = {"coalition": access.coalition.pk, "job": data_job.pk}
        request.session[UPLOAD_SESSION_KEY] = sessions
        return _job_page(access, data_job.pk)
    return render(
        request,
        "data/mapping.html",
        {"access": access, "form": form, "pending": pending, "headers": headers},
    )


@login_required
def job(request: HttpRequest, coalition_slug: str, job_id: int) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    data_job = get_object_in(access, DataJob.objects, pk=job_id)
    template = "data/job.html#progress" if request.htmx else "data/job.html"  # type: ignore[attr-defined]
    result = selectors.job_result(data_job)
    services.job_problems_viewed(job=data_job, user=request.user, result=result, via="web")
    context = {"access": access, "job": data_job, "result": result}
    if data_job.kind == JobKind.IMPORT and data_job.status == JobStatus.DONE:
        # The next step after an import is linking it, for whoever may link.
        latest_run = selectors.latest_linkage(coalition=access.coalition)
        context["offer_link"] = access.can(Capability.PERSON_LEVEL) and (
            latest_run is None
            or selectors.imports_not_linked(coalition=access.coalition, since=latest_run) > 0
        )
    return render(request, template, context)


@login_required
@post_only
def link(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    data_job = services.data_job_start(
        coalition=access.coalition, kind=JobKind.LINK, user=request.user
    )
    return redirect("data:job", coalition_slug=coalition_slug, job_id=data_job.pk)


def _weight_chart(histogram: list[dict[str, Any]], weight: float) -> str:
    return accessible_svg(
        charts.weight_bars(histogram, threshold=weight),
        title="Compared pairs by match weight",
        description="Bar chart of how many compared pairs of records fall in each range of "
        f"match weight, with a line at the threshold, a weight of {weight:.1f}; the table "
        "below has the same numbers.",
    )


@login_required
def linkage_report(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    run = selectors.latest_linkage(coalition=access.coalition)
    histogram = selectors.histogram_rows(run) if run else []
    weight = probability_to_weight(run.threshold) if run else None
    return render(
        request,
        "data/linkage.html",
        {
            "access": access,
            "run": run,
            "histogram": histogram,
            "threshold_weight": weight,
            "chart": _weight_chart(histogram, weight) if histogram else "",
        },
    )


@login_required
def review(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    run = selectors.latest_linkage(coalition=access.coalition)
    # Closest to the threshold of the run that chose them, as that run saw them.
    threshold = run.threshold if run else linkage_threshold(access.coalition)
    try:
        pairs = selectors.review_pairs(
            coalition=access.coalition, limit=REVIEW_PAGE, threshold=threshold
        )
    except StoreError as problem:  # a job is writing the store
        return render(
            request,
            "data/review.html",
            {"access": access, "pairs": [], "total": 0, "problem": str(problem)},
        )
    if pairs:  # a page without pairs shows no one's details
        PersonLevelAccess.objects.create(
            coalition=access.coalition,
            user=request.user,
            action="view",
            what="linkage review pairs (names and birth dates)",
            rows=selectors.review_records_shown(pairs),
            reason="clerical review",
        )
    return render(
        request,
        "data/review.html",
        {
            "access": access,
            "pairs": pairs,
            "total": run.pairs_for_review if run else len(pairs),
            "threshold": threshold,
        },
    )


@login_required
@post_only
def review_decide(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    from reentrykit.data.review import review_decide as decide

    decision = request.POST.get("decision", "")
    keys = [request.POST.get(name, "") for name in ("source_l", "id_l", "source_r", "id_r")]
    if decision not in ("accept", "reject") or not all(keys):
        messages.error(request, "Choose “same person” or “different people” for a pair.")
        return redirect("data:review", coalition_slug=coalition_slug)
    try:
        decide(
            coalition=access.coalition,
            pair=tuple(keys),  # type: ignore[arg-type]
            decision=decision,
            user=request.user,
            shown=request.POST.get("shown"),
        )
    except (ValueError, StoreError) as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Decision saved. It applies from the next linkage run.")
    return redirect("data:review", coalition_slug=coalition_slug)


@login_required
def access_log(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug)
    if not (access.can(Capability.PERSON_LEVEL) or access.can(Capability.AUDIT)):
        raise PermissionDenied("Only data stewards and coordinators read the access log.")
    entries = PersonLevelAccess.objects.filter(coalition=access.coalition).select_related("user")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # How many rows were seen is a count of person-level data: a coordinator reads it
    # as every figure outside the data steward role, hidden when small.
    rows = disclose(
        [{"rows": entry.rows} for entry in page],
        unsuppressed=access.can(Capability.PERSON_LEVEL),
        k=access.coalition.suppression_k,
        counts=["rows"],
    )
    return render(request, "data/access_log.html", {"access": access, "page": page, "rows": rows})


@login_required
def data_settings(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    current, _ = DataSettings.objects.get_or_create(coalition=access.coalition)
    form = DataSettingsForm(
        request.POST or None, initial={"linkage_threshold": current.linkage_threshold}
    )
    if request.method == "POST" and form.is_valid():
        current.linkage_threshold = form.cleaned_data["linkage_threshold"]
        current.full_clean()
        current.save()
        messages.success(request, "Saved. The new threshold applies from the next linkage run.")
        return redirect("data:settings", coalition_slug=coalition_slug)
    return render(request, "data/settings.html", {"access": access, "form": form})


@login_required
def export_clusters(request: HttpRequest, coalition_slug: str) -> HttpResponse:
    """The linkage result (source, source_person_id, person_key) as CSV, with a reason."""
    from reentrykit.core.exports import csv_text
    from reentrykit.data.forms import ReasonForm

    access = get_coalition_for(request, coalition_slug, need=Capability.PERSON_LEVEL)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = selectors.person_map_rows(coalition=access.coalition)
        except StoreError as problem:
            form.add_error(None, str(problem))
            return render(request, "data/export.html", {"access": access, "form": form})
        PersonLevelAccess.objects.create(
            coalition=access.coalition,
            user=request.user,
            action="export",
            what="linkage clusters (source, source_person_id, person_key)",
            rows=len(rows),
            reason=form.cleaned_data["reason"],
        )
        response = HttpResponse(
            csv_text(["source", "source_person_id", "person_key"], rows),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{coalition_slug}-clusters.csv"'
        return response
    return render(request, "data/export.html", {"access": access, "form": form})
