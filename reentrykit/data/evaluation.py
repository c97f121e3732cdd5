"""Pairwise precision and recall of linkage against a known truth (synthetic data)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class LinkageQuality:
    precision: float
    recall: float
    predicted_pairs: int
    true_pairs: int
    correct_pairs: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pairwise_quality(con: duckdb.DuckDBPyConnection, truth_records: Path) -> LinkageQuality:
    """Compare ``store.person_map`` with ``truth/records.csv`` (one true person per record)."""
    row = con.execute(
        """
        WITH truth AS (
            SELECT DISTINCT source, source_person_id, person_id
            FROM read_csv(?, header = true, all_varchar = true)
        ), joined AS (
            SELECT pm.person_key, t.person_id FROM store.person_map pm
            JOIN truth t USING (source, source_person_id)
        ), pairs AS (
            SELECT
              (SELECT coalesce(sum(n * (n - 1) / 2), 0)
               FROM (SELECT count(*) AS n FROM joined GROUP BY person_key)),
              (SELECT coalesce(sum(n * (n - 1) / 2), 0)
               FROM (SELECT count(*) AS n FROM joined GROUP BY person_id)),
              (SELECT coalesce(sum(n * (n - 1) / 2), 0)
               FROM (SELECT count(*) AS n FROM joined GROUP BY person_key, person_id))
        )
        SELECT * FROM pairs
        """,
        [str(truth_records)],
    ).fetchone()
    predicted, true, correct = (int(value) for value in row)  # type: ignore[union-attr]
    return LinkageQuality(
        precision=correct / predicted if predicted else 1.0,
        recall=correct / true if true else 1.0,
        predicted_pairs=predicted,
        true_pairs=true,
        correct_pairs=correct,
    )
