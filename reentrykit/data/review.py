"""Clerical review decisions, kept in the store so they outlive every re-run."""

from __future__ import annotations

from typing import Any

from reentrykit.coalitions.models import Coalition
from reentrykit.data import store


def review_decide(
    *, coalition: Coalition, pair: tuple[str, str, str, str], decision: str, user: Any
) -> None:
    if decision not in ("accept", "reject"):
        raise ValueError("A decision is accept or reject.")
    source_l, id_l, source_r, id_r = pair
    # Pairs are stored in one orientation; a decision on the reverse is the same decision.
    if (source_l, id_l) > (source_r, id_r):
        source_l, id_l, source_r, id_r = source_r, id_r, source_l, id_l
    with store.open_store(coalition.pk, write=True) as con:
        for source, source_person_id in ((source_l, id_l), (source_r, id_r)):
            known = con.execute(
                "SELECT 1 FROM store.person_map WHERE source = ? AND source_person_id = ?",
                [source, source_person_id],
            ).fetchone()
            if known is None:
                raise ValueError(
                    f"No linked record {source_person_id!r} of {source!r}: "
                    "decide only on records the last linkage run saw."
                )
        con.execute(
            "INSERT OR REPLACE INTO store.review_decisions VALUES (?, ?, ?, ?, ?, ?, now())",
            [source_l, id_l, source_r, id_r, decision, getattr(user, "email", None)],
        )
