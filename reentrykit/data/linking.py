"""Running linkage for a coalition: the service behind the page, task and CLI."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from typing import Any

import duckdb
from django.utils import timezone

from reentrykit.coalitions.models import Coalition
from reentrykit.core.exports import safe_row
from reentrykit.data import linkage, store
from reentrykit.data.analytic import build_analytic_tables
from reentrykit.data.keys import pseudonym_secret
from reentrykit.data.models import BatchStatus, DataSettings, ImportBatch, LinkageRun, Source
from reentrykit.data.progress import Progress, no_progress
from reentrykit.data.signals import linkage_finished


def linkage_threshold(coalition: Coalition) -> float:
    settings = DataSettings.objects.filter(coalition=coalition).first()
    return settings.linkage_threshold if settings else 0.9


def imported_batch_ids(coalition: Coalition) -> list[int]:
    return list(
        ImportBatch.objects.filter(coalition=coalition, status=BatchStatus.IMPORTED).values_list(
            "pk", flat=True
        )
    )


def link_coalition(
    *,
    coalition: Coalition,
    threshold: float | None = None,
    user: Any = None,
    progress: Progress = no_progress,
    export_clusters: Path | None = None,
) -> LinkageRun:
    threshold = threshold if threshold is not None else linkage_threshold(coalition)
    if not 0.5 <= threshold < 1:
        raise linkage.LinkageError("The threshold is a match probability between 0.5 and 1.")
    batch_ids = imported_batch_ids(coalition)
    if not batch_ids:
        raise linkage.LinkageError("There is no imported data to link yet.")
    progress(0.02, "Gathering records")
    with store.open_store(coalition.pk, write=True) as con:
        if store.identities_purged(con, batch_ids):
            raise linkage.LinkageError(
                "Identities were purged from this store, so records can no longer be linked. "
                "Import the sources again (with replace) to link them."
            )
        records = linkage.build_records(con, batch_ids)
        deterministic = linkage.deterministic_edges(con)
        review_floor = _review_floor(threshold)
        linkage.predict_pairs(con, min_probability=review_floor, progress=progress)
        progress(0.7, "Forming people from linked records")
        probabilistic = linkage.probabilistic_edges(con, threshold)
        import numpy as np

        edges = (
            np.concatenate([deterministic, probabilistic]) if len(probabilistic) else deterministic
        )
        labels = linkage.clusters(records, edges, linkage.records_apart(con))
        # The person map, the review pairs and the analytic tables change together or
        # not at all: a run that stops midway (an error, a killed worker) leaves the
        # last linkage's results in place, whole. The run's record is saved just before
        # the store commits (and removed if the commit fails), so that new results never
        # stand without the run that made them, nor a run without its results.
        con.execute("BEGIN TRANSACTION")
        run = None
        try:
            people = linkage.write_person_map(
                con, labels, pseudonym_secret(coalition.pk), _sources_in_order(coalition)
            )
            review = _store_review_pairs(con, threshold)
            progress(0.85, "Building the analytic tables")
            build_analytic_tables(con)
            run = LinkageRun.objects.create(
                coalition=coalition,
                threshold=threshold,
                records=records,
                people=people,
                deterministic_links=len(deterministic),
                probabilistic_links=len(probabilistic),
                pairs_for_review=review,
                pairs_reviewed=_count(con, REVIEWED_PAIRS),
                weight_histogram=_weight_histogram(con),
                by_source=_by_source(con),
                created_by=user if getattr(user, "pk", None) else None,
                finished_at=timezone.now(),
            )
            _commit(con)
        except BaseException:
            if run is not None:  # the commit failed, and may have ended the transaction
                run.delete()
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
            else:
                con.execute("ROLLBACK")
            raise
        if export_clusters is not None:
            _export_clusters(con, export_clusters)
    progress(1.0, f"Linked {records} records into {people} people")
    linkage_finished.send(sender=LinkageRun, coalition=coalition, run=run)
    return run


# The decisions that still apply: about two records the sources have now (a decision
# stays when a source is replaced, and counts again if its records come back).
REVIEWED_PAIRS = """
    SELECT count(*) FROM store.review_decisions d
    WHERE EXISTS (SELECT 1 FROM records l
                  WHERE l.source = d.source_l AND l.source_person_id = d.source_person_id_l)
      AND EXISTS (SELECT 1 FROM records r
                  WHERE r.source = d.source_r AND r.source_person_id = d.source_person_id_r)
"""


def _commit(con: Any) -> None:
    con.execute("COMMIT")


def _review_floor(threshold: float) -> float:
    weight = linkage.probability_to_weight(threshold) - linkage.REVIEW_BELOW
    return 1 / (1 + 2 ** (-weight))


def _count(con: Any, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _sources_in_order(coalition: Coalition) -> list[str]:
    """The coalition's sources in the order it first had them."""
    return list(
        Source.objects.filter(coalition=coalition).order_by("pk").values_list("name", flat=True)
    )


def _store_review_pairs(con: Any, threshold: float) -> int:
    """The pairs near the threshold, for a steward to decide; not a pair whose two state
    ids or FBI numbers differ, which no decision makes one person."""
    weight = linkage.probability_to_weight(threshold)
    con.execute("DELETE FROM store.review_pairs")
    con.execute(
        """
        INSERT INTO store.review_pairs
        SELECT source_l, source_person_id_l, source_r, source_person_id_r,
               match_probability, match_weight
        FROM scored_pairs WHERE match_weight BETWEEN ? AND ?
          AND NOT COALESCE(state_id_l <> state_id_r, false)
          AND NOT COALESCE(fbi_number_l <> fbi_number_r, false)
        ORDER BY abs(match_weight - ?) LIMIT ?
        """,
        [
            weight - linkage.REVIEW_BELOW,
            weight + linkage.REVIEW_ABOVE,
            weight,
            linkage.MAX_REVIEW_PAIRS,
        ],
    )
    return _count(con, "SELECT count(*) FROM store.review_pairs")


def _weight_histogram(con: Any) -> list[list[float]]:
    rows = con.execute(
        "SELECT floor(match_weight) AS bin, count(*) FROM scored_pairs GROUP BY bin ORDER BY bin"
    ).fetchall()
    return [[float(bin_), int(count)] for bin_, count in rows]


def _by_source(con: Any) -> dict[str, dict[str, int]]:
    rows = con.execute(
        """
        WITH sizes AS (
            SELECT person_key, count(DISTINCT source) AS n FROM store.person_map GROUP BY 1
        )
        SELECT pm.source, count(*) AS records, count(*) FILTER (WHERE sizes.n > 1) AS linked
        FROM store.person_map pm JOIN sizes USING (person_key) GROUP BY pm.source ORDER BY pm.source
        """
    ).fetchall()
    return {
        source: {"records": int(n), "linked_to_other_sources": int(linked)}
        for source, n, linked in rows
    }


def _export_clusters(con: Any, path: Path) -> None:
    rows = con.execute(
        "SELECT source, source_person_id, person_key FROM store.person_map "
        "ORDER BY source, source_person_id"
    ).fetchall()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_person_id", "person_key"])
        writer.writerows(safe_row(row) for row in rows)
