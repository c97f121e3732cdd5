"""Reads for the data pages. Only review pairs touch the person-level store."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import astuple, dataclass
from typing import Any

from django.db.models import Max, QuerySet, Sum

from reentrykit.coalitions.models import Coalition, Role
from reentrykit.coalitions.selectors import role_names
from reentrykit.core.access import Capability, CoalitionAccess
from reentrykit.data import store
from reentrykit.data.models import (
    BatchStatus,
    DataJob,
    ImportBatch,
    JobKind,
    LinkageRun,
    Source,
)


@dataclass(frozen=True)
class SourceSummary:
    source: Source
    kinds: list[str]
    rows: int
    last_import: Any


def source_summaries(*, coalition: Coalition) -> list[SourceSummary]:
    summaries = []
    sources = Source.objects.filter(coalition=coalition).order_by("name")
    for source in sources:
        batches = ImportBatch.objects.filter(source=source, status=BatchStatus.IMPORTED)
        totals = batches.aggregate(rows=Sum("rows"), last=Max("created_at"))
        summaries.append(
            SourceSummary(
                source=source,
                kinds=sorted(set(batches.values_list("kind", flat=True))),
                rows=totals["rows"] or 0,
                last_import=totals["last"],
            )
        )
    return summaries


def source_names(*, coalition: Coalition) -> list[str]:
    return list(
        Source.objects.filter(coalition=coalition).order_by("name").values_list("name", flat=True)
    )


def latest_linkage(*, coalition: Coalition) -> LinkageRun | None:
    return LinkageRun.objects.filter(coalition=coalition, finished_at__isnull=False).first()


def imports_not_linked(*, coalition: Coalition, since: LinkageRun | None) -> int:
    """How many of the coalition's imported files came in after the linkage ``since``
    (its latest): their records are in no person, nor in the measures, until the next.
    Without a linkage nothing is linked, which pages say in their own words: 0."""
    if since is None or since.finished_at is None:
        return 0
    return ImportBatch.objects.filter(
        coalition=coalition, status=BatchStatus.IMPORTED, created_at__gt=since.finished_at
    ).count()


def recent_jobs(*, coalition: Coalition) -> QuerySet[DataJob]:
    return DataJob.objects.filter(coalition=coalition).select_related("created_by")


def upload_import_job(*, coalition: Coalition, path: str | None) -> DataJob | None:
    """The import already started from the upload saved at ``path``, if any."""
    if not path:
        return None
    return DataJob.objects.filter(
        coalition=coalition, kind=JobKind.IMPORT, params__path=path
    ).first()


def job_result(job: DataJob) -> dict[str, Any]:
    """What the job reported, opened if sealed, for its steward's page or API answer;
    without the details of a crash (the exception's text and traceback), which are for
    the operator."""
    from reentrykit.data.sealed import open_job_result

    result = open_job_result(job.result, coalition_id=job.coalition_id, job_id=job.pk)
    return {key: value for key, value in result.items() if key not in ("trace", "detail")}


def histogram_rows(run: LinkageRun) -> list[dict[str, Any]]:
    """The histogram's bins (``weight``: the lower bound of a bin one wide), the one
    holding the run's threshold marked ``threshold``."""
    from reentrykit.data.linkage import probability_to_weight  # as below: loaded when used

    at = probability_to_weight(run.threshold)
    return [
        {"weight": low, "pairs": count, "threshold": low <= at < low + 1}
        for low, count in run.weight_histogram
    ]


@dataclass(frozen=True)
class ReviewSide:
    source: str
    source_person_id: str
    first_name: str | None
    last_name: str | None
    date_of_birth: Any
    sex: str | None
    state_id: str | None


@dataclass(frozen=True)
class ReviewPair:
    left: ReviewSide
    right: ReviewSide
    match_probability: float
    decision: str | None
    shown: str  # ``shown_digest`` of the two sides, which a decision sends back


_SIDE = ("first_name", "last_name", "date_of_birth", "sex", "state_id")


def _side_columns(alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in _SIDE)


def _identities_sql(where: str = "true") -> str:
    """Each record's identity as the review page shows it: its most frequent values."""
    identity = ", ".join(f"{store.identity_mode(name)} AS {name}" for name in _SIDE)
    return (
        f"SELECT source, source_person_id, {identity} "  # noqa: S608 - fixed column names
        f"FROM {store.IDENTITY_ROWS} WHERE {where} GROUP BY source, source_person_id"
    )


def shown_digest(coalition_id: int, sides: list[ReviewSide]) -> str:
    """A keyed digest of what the page showed of the records, whatever their order: a
    decision sent back with it is refused once a record has changed (a source sent again)."""
    from reentrykit.data.keys import review_key

    text = json.dumps(sorted(astuple(side) for side in sides), default=str)
    return hmac.new(review_key(coalition_id), text.encode("utf-8"), hashlib.sha256).hexdigest()


def review_sides(con: Any, records: list[tuple[str, str]]) -> dict[tuple[str, str], ReviewSide]:
    """The identities the review page would show now of ``records`` (source,
    source_person_id), on an open store; a record without one is left out."""
    wanted = " OR ".join("(source = ? AND source_person_id = ?)" for _ in records)
    rows = con.execute(
        _identities_sql(wanted), [value for record in records for value in record]
    ).fetchall()
    return {(row[0], row[1]): ReviewSide(*row) for row in rows}


def review_pairs(*, coalition: Coalition, limit: int, threshold: float) -> list[ReviewPair]:
    """Pairs near the threshold (the run's that chose them), with both records'
    identities, closest first: by match weight, as the run chose them."""
    from reentrykit.data.linkage import probability_to_weight

    if not store.store_exists(coalition.pk):
        return []
    with store.open_store(coalition.pk) as con:
        rows = con.execute(
            f"""
            WITH ident AS ({_identities_sql()})
            SELECT p.source_l, p.source_person_id_l, {_side_columns("l")},
                   p.source_r, p.source_person_id_r, {_side_columns("r")},
                   p.match_probability, d.decision
            FROM store.review_pairs p
            JOIN ident l ON l.source = p.source_l AND l.source_person_id = p.source_person_id_l
            JOIN ident r ON r.source = p.source_r AND r.source_person_id = p.source_person_id_r
            LEFT JOIN store.review_decisions d
              ON d.source_l = p.source_l AND d.source_person_id_l = p.source_person_id_l
             AND d.source_r = p.source_r AND d.source_person_id_r = p.source_person_id_r
            ORDER BY d.decision NULLS FIRST, abs(p.match_weight - ?)
            LIMIT ?
            """,  # noqa: S608 - fixed column names
            [probability_to_weight(threshold), limit],
        ).fetchall()
    pairs = []
    for row in rows:
        left = ReviewSide(*row[0:7])
        right = ReviewSide(*row[7:14])
        shown = shown_digest(coalition.pk, [left, right])
        pairs.append(ReviewPair(left, right, float(row[14]), row[15], shown))
    return pairs


def review_records_shown(pairs: list[ReviewPair]) -> int:
    """How many records' identities the pairs show (a record can be in several pairs)."""
    return len(
        {(side.source, side.source_person_id) for pair in pairs for side in (pair.left, pair.right)}
    )


def person_map_rows(*, coalition: Coalition) -> list[tuple[str, str, str]]:
    if not store.store_exists(coalition.pk):
        return []
    with store.open_store(coalition.pk) as con:
        return con.execute(
            "SELECT source, source_person_id, person_key FROM store.person_map "
            "ORDER BY source, source_person_id"
        ).fetchall()


def who_brings_data(access: CoalitionAccess) -> dict[str, Any]:
    """For ``includes/data_stewards.html``, to readers who do not bring the data in:
    the data stewards' names, and whether the reader appoints them."""
    return {
        "data_stewards": role_names(coalition=access.coalition, role=Role.DATA_STEWARD),
        "manages": access.can(Capability.MANAGE),
    }
