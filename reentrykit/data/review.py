"""Clerical review decisions, kept in the store so they outlive every re-run."""

from __future__ import annotations

import hmac
from typing import Any

from reentrykit.coalitions.models import Coalition
from reentrykit.data import selectors, store

CHANGED_SINCE = (
    "These records changed since the page showed them (their source was imported "
    "again): nothing was saved. Look at the pair again as it is now."
)


def review_decide(
    *,
    coalition: Coalition,
    pair: tuple[str, str, str, str],
    decision: str,
    user: Any,
    shown: str | None = None,
) -> None:
    """Record ``decision`` on the pair; with ``shown`` (the review page's
    ``selectors.shown_digest`` of it), only while the records are still as shown."""
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
        if shown is not None:
            # A decision is about the people the steward saw: a record replaced since
            # (the same id, another name or birth date) is not what was judged.
            records = [(source_l, id_l), (source_r, id_r)]
            now = selectors.review_sides(con, records)
            sides = [now[record] for record in records if record in now]
            if len(sides) != 2 or not hmac.compare_digest(
                selectors.shown_digest(coalition.pk, sides), shown
            ):
                raise ValueError(CHANGED_SINCE)
        con.execute(
            "INSERT OR REPLACE INTO store.review_decisions VALUES (?, ?, ?, ?, ?, ?, now())",
            [source_l, id_l, source_r, id_r, decision, getattr(user, "email", None)],
        )
