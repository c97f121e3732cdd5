"""Linking records across sources into people, and pseudonymizing them.

DATA.md's rules, in order:
1. within one source, a ``source_person_id`` is one person (one linkage record);
2. records that share a ``state_id`` or ``fbi_number`` are the same person, and
   records whose identifiers differ are never linked by probability;
3. the rest are linked with Splink (DuckDB backend) on normalized names
   (nicknames, accents, punctuation, swapped first/last), date of birth
   (typos and swapped day/month), sex and ZIP, with weights trained by EM;
4. pairs at or above the coalition's threshold are links, except pairs a data
   steward rejected, plus pairs a steward accepted; connected records are a person,
   unless that would join a pair the steward rejected, or two different state ids or
   FBI numbers, through other records: then the links are taken strongest first and
   one that would join such records is left out (:func:`clusters`);
5. ``person_key`` = HMAC-SHA256 of a stable cluster id under the coalition's secret.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from reentrykit.data import store
from reentrykit.data.keys import person_key
from reentrykit.data.names import NICKNAMES
from reentrykit.data.progress import Progress

# Pairs whose match weight lies within this band around the threshold's weight go
# to clerical review.
REVIEW_BELOW = 4.0
REVIEW_ABOVE = 2.0
MAX_REVIEW_PAIRS = 2000

logger = logging.getLogger(__name__)


class LinkageError(Exception):
    pass


@dataclass
class LinkageSummary:
    records: int = 0
    people: int = 0
    deterministic_links: int = 0
    probabilistic_links: int = 0
    pairs_for_review: int = 0
    pairs_reviewed: int = 0
    weight_histogram: list[list[float]] = field(default_factory=list)
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)


def probability_to_weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


# What partners write for a missing state id or FBI number (DATA.md's own word for an
# unknown value is "unknown"), once upper-cased and stripped to letters and digits: no
# identifier, so it links nobody and keeps nobody apart. A value of only zeros too.
PLACEHOLDER_IDS = ("UNKNOWN", "UNK", "NA", "NONE", "NULL", "NIL")


def _identifier(column: str) -> str:
    """A state id or FBI number as linkage compares it: upper case, letters and digits
    only, NULL for a placeholder."""
    value = f"upper(regexp_replace({column}, '[^A-Za-z0-9]', '', 'g'))"
    placeholders = ", ".join(f"'{word}'" for word in PLACEHOLDER_IDS)
    return (
        f"CASE WHEN {value} IN ({placeholders}) OR regexp_full_match({value}, '0*') "
        f"THEN NULL ELSE {value} END"
    )


def build_records(con: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> int:
    """One linkage record per (source, source_person_id), with normalized identity."""
    con.execute("CREATE OR REPLACE TEMP TABLE nicknames (nick VARCHAR, formal VARCHAR)")
    con.executemany("INSERT INTO nicknames VALUES (?, ?)", list(NICKNAMES.items()))
    con.execute("CREATE OR REPLACE TEMP TABLE batch_ids (batch_id BIGINT)")
    if batch_ids:
        con.executemany("INSERT INTO batch_ids VALUES (?)", [(b,) for b in batch_ids])
    people_columns = ", ".join(
        f"{store.identity_mode(expression)} AS {name}"
        for name, expression in (
            ("first_name", "first_name"),
            ("last_name", "last_name"),
            ("dob", "date_of_birth"),
            ("sex", "NULLIF(sex, 'unknown')"),
            ("state_id", _identifier("state_id")),
            ("fbi_number", _identifier("fbi_number")),
            ("zip", "substr(residence_zip, 1, 5)"),
        )
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE records AS
        WITH people AS (
            SELECT source, source_person_id,
                   {people_columns}
            FROM {store.IDENTITY_ROWS}
            WHERE batch_id IN (SELECT batch_id FROM batch_ids)
            GROUP BY source, source_person_id
        ), normal AS (
            SELECT *,
                   NULLIF(regexp_replace(lower(strip_accents(first_name)), '[^a-z]', '', 'g'), '')
                       AS first_norm,
                   NULLIF(regexp_replace(lower(strip_accents(last_name)), '[^a-z]', '', 'g'), '')
                       AS last_norm
            FROM people
        )
        SELECT row_number() OVER (ORDER BY source, source_person_id) - 1 AS unique_id,
               normal.source, normal.source_person_id,
               first_norm, COALESCE(nicknames.formal, first_norm) AS first_canon, last_norm,
               dob, strftime(dob, '%Y-%m-%d') AS dob_str,
               CASE WHEN day(dob) <= 12 AND day(dob) <> month(dob)
                    THEN make_date(year(dob), day(dob), month(dob)) END AS dob_swapped,
               sex, NULLIF(state_id, '') AS state_id, NULLIF(fbi_number, '') AS fbi_number,
               zip
        FROM normal LEFT JOIN nicknames ON nicknames.nick = normal.first_norm
        """  # noqa: S608 - fixed names
    )
    row = con.execute("SELECT count(*) FROM records").fetchone()
    return int(row[0]) if row else 0


def _comparisons() -> list[dict[str, Any]]:
    def level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
        return {"sql_condition": sql, "label_for_charts": label, **extra}

    null = {"is_null_level": True}
    return [
        {
            "output_column_name": "name",
            "comparison_levels": [
                level(
                    "first_canon_l IS NULL OR first_canon_r IS NULL OR last_norm_l IS NULL "
                    "OR last_norm_r IS NULL",
                    "null",
                    **null,
                ),
                level(
                    "first_canon_l = first_canon_r AND last_norm_l = last_norm_r",
                    "exact",
                    tf_adjustment_column="last_norm",
                    tf_adjustment_weight=1.0,
                ),
                level("first_norm_l = last_norm_r AND last_norm_l = first_norm_r", "swapped"),
                level(
                    "last_norm_l = last_norm_r AND "
                    "jaro_winkler_similarity(first_canon_l, first_canon_r) >= 0.88",
                    "last exact, first close",
                ),
                level(
                    "first_canon_l = first_canon_r AND "
                    "jaro_winkler_similarity(last_norm_l, last_norm_r) >= 0.88",
                    "first exact, last close",
                ),
                level(
                    "jaro_winkler_similarity(first_canon_l, first_canon_r) >= 0.88 AND "
                    "jaro_winkler_similarity(last_norm_l, last_norm_r) >= 0.88",
                    "both close",
                ),
                level("last_norm_l = last_norm_r", "last exact only"),
                level("ELSE", "else"),
            ],
        },
        {
            "output_column_name": "dob",
            "comparison_levels": [
                level("dob_l IS NULL OR dob_r IS NULL", "null", **null),
                level("dob_l = dob_r", "exact"),
                level("dob_l = dob_swapped_r", "day and month swapped"),
                level("damerau_levenshtein(dob_str_l, dob_str_r) <= 1", "one digit off"),
                level("abs(date_diff('day', dob_l, dob_r)) <= 366", "within a year"),
                level("ELSE", "else"),
            ],
        },
        {
            "output_column_name": "sex",
            "comparison_levels": [
                level("sex_l IS NULL OR sex_r IS NULL", "null", **null),
                level("sex_l = sex_r", "exact"),
                level("ELSE", "else"),
            ],
        },
        {
            "output_column_name": "zip",
            "comparison_levels": [
                level("zip_l IS NULL OR zip_r IS NULL", "null", **null),
                level("zip_l = zip_r", "exact"),
                level("ELSE", "else"),
            ],
        },
    ]


_PREDICT_BLOCKING = [
    "l.dob = r.dob AND substr(l.last_norm, 1, 1) = substr(r.last_norm, 1, 1)",
    "l.dob = r.dob AND l.first_canon = r.first_canon",
    "l.last_norm = r.last_norm AND l.first_canon = r.first_canon",
    "l.dob = r.dob_swapped AND l.last_norm = r.last_norm",
    "l.first_norm = r.last_norm AND l.last_norm = r.first_norm",
]


def _settings() -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": _comparisons(),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": rule} for rule in _PREDICT_BLOCKING
        ],
        "retain_matching_columns": False,
        "max_iterations": 12,
        "em_convergence": 0.001,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": ["source", "source_person_id", "state_id", "fbi_number"],
    }


def predict_pairs(
    con: duckdb.DuckDBPyConnection, *, min_probability: float, progress: Progress
) -> str:
    """Score candidate pairs with Splink; returns the name of a table of scored pairs."""
    from splink import DuckDBAPI, Linker, block_on

    # Splink warns about sparsely trained levels on small data; the linkage report says more.
    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("records", table_name="linkage_records")
    linker = Linker(records, _settings(), log_level=logging.ERROR)
    progress(0.25, "Training the match model")
    # The prior comes from the records agreeing on name and birth date. With none (a
    # first small file) there is nothing to estimate it from; the settings' prior stays.
    if _exact_name_and_birth_date_groups(con):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_canon", "last_norm", "dob")], recall=0.8
        )
    records_count = con.execute("SELECT count(*) FROM records").fetchone()[0]
    # Enough random pairs to estimate u well; more only slows small coalitions down.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(2_000_000, max(100_000, 40 * records_count)), seed=7
    )
    for rule in (block_on("dob"), block_on("last_norm", "first_canon")):
        _train_where_pairs_exist(linker, rule)
    progress(0.5, "Comparing records")
    predictions = linker.inference.predict(threshold_match_probability=min_probability)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE scored_pairs AS SELECT unique_id_l, unique_id_r, "  # noqa: S608
        "match_probability, match_weight, source_l, source_person_id_l, "
        "source_r, source_person_id_r, "
        "state_id_l, state_id_r, fbi_number_l, fbi_number_r "
        f"FROM {predictions.physical_name}"
    )
    return "scored_pairs"


def _exact_name_and_birth_date_groups(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM records "
        "WHERE first_canon IS NOT NULL AND last_norm IS NOT NULL AND dob IS NOT NULL "
        "GROUP BY first_canon, last_norm, dob HAVING count(*) > 1)"
    ).fetchone()[0]


def _train_where_pairs_exist(linker: Any, rule: Any) -> None:
    """Learn how often each field agrees among the record pairs ``rule`` selects. A small
    coalition (a first file of a few people) may have no such pair: the fields keep
    Splink's default agreement rates then, and linking still runs."""
    from splink.internals.exceptions import EMTrainingException

    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    except EMTrainingException:
        logger.info("linkage: no record pairs to train on for one rule; defaults kept")


def deterministic_edges(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """Edges joining every record to the first record sharing its state id or FBI number."""
    rows = con.execute(
        """
        SELECT unique_id, min(unique_id) OVER (PARTITION BY state_id) FROM records
        WHERE state_id IS NOT NULL
        UNION ALL
        SELECT unique_id, min(unique_id) OVER (PARTITION BY fbi_number) FROM records
        WHERE fbi_number IS NOT NULL
        """
    ).fetchnumpy()
    left = rows["unique_id"]
    right = rows[list(rows)[1]]
    keep = left != right
    return np.column_stack([left[keep], right[keep]]).astype(np.int64)


def probabilistic_edges(con: duckdb.DuckDBPyConnection, threshold: float) -> np.ndarray:
    """The probabilistic links, strongest first: pairs a steward accepted, then by
    match probability (the order :func:`clusters` takes them in when it must choose)."""
    rows = con.execute(
        """
        SELECT unique_id_l, unique_id_r FROM (
        SELECT p.unique_id_l, p.unique_id_r, p.match_probability AS strength
        FROM scored_pairs p
        LEFT JOIN store.review_decisions d
          ON d.source_l = p.source_l AND d.source_person_id_l = p.source_person_id_l
         AND d.source_r = p.source_r AND d.source_person_id_r = p.source_person_id_r
        WHERE p.match_probability >= ?
          AND NOT (p.state_id_l IS NOT NULL AND p.state_id_r IS NOT NULL
                   AND p.state_id_l <> p.state_id_r)
          AND NOT (p.fbi_number_l IS NOT NULL AND p.fbi_number_r IS NOT NULL
                   AND p.fbi_number_l <> p.fbi_number_r)
          AND COALESCE(d.decision, '') <> 'reject'
        UNION ALL
        SELECT l.unique_id, r.unique_id, 2.0 FROM store.review_decisions d
        JOIN records l ON l.source = d.source_l AND l.source_person_id = d.source_person_id_l
        JOIN records r ON r.source = d.source_r AND r.source_person_id = d.source_person_id_r
        WHERE d.decision = 'accept')
        GROUP BY unique_id_l, unique_id_r
        ORDER BY max(strength) DESC, unique_id_l, unique_id_r
        """,
        [threshold],
    ).fetchnumpy()
    values = list(rows.values())
    return np.column_stack([values[0], values[1]]).astype(np.int64)


@dataclass
class Apart:
    """Records that must not be one person: each record's state id and FBI number
    (None where unknown; two different ones are two people) and the pairs a data
    steward rejected (rows of record numbers)."""

    state_ids: np.ndarray
    fbi_numbers: np.ndarray
    rejected: np.ndarray


def records_apart(con: duckdb.DuckDBPyConnection) -> Apart:
    """What keeps records apart, read from ``records`` and the review decisions."""
    ids = con.execute("SELECT state_id, fbi_number FROM records ORDER BY unique_id").fetchnumpy()
    rejected = con.execute(
        """
        SELECT l.unique_id, r.unique_id FROM store.review_decisions d
        JOIN records l ON l.source = d.source_l AND l.source_person_id = d.source_person_id_l
        JOIN records r ON r.source = d.source_r AND r.source_person_id = d.source_person_id_r
        WHERE d.decision = 'reject'
        """
    ).fetchall()
    return Apart(
        state_ids=np.asarray(ids["state_id"], dtype=object),
        fbi_numbers=np.asarray(ids["fbi_number"], dtype=object),
        rejected=np.asarray(rejected, dtype=np.int64).reshape(-1, 2),
    )


def clusters(n: int, edges: np.ndarray, apart: Apart | None = None) -> np.ndarray:
    """People from the links (``edges`` strongest first): one label per record.

    Connected components, except where a component would hold records that ``apart``
    keeps apart: its links are then taken one by one, strongest first, and one that
    would join such records is left out.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if len(edges) == 0:
        return np.arange(n, dtype=np.int64)
    data = np.ones(len(edges), dtype=np.int8)
    graph = coo_matrix((data, (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    if apart is None:
        return labels
    conflicted = _conflicted(labels, apart)
    if not len(conflicted):
        return labels
    inside = np.isin(labels, conflicted)
    chosen = edges[inside[edges[:, 0]]]
    records = np.flatnonzero(inside)
    roots = _joined_apart(records, chosen, apart)
    # Labels of the components split again: past every label in use.
    labels[records] = n + np.array([roots[record] for record in records], dtype=np.int64)
    return labels


def _conflicted(labels: np.ndarray, apart: Apart) -> np.ndarray:
    """The components holding two different state ids or FBI numbers, or both records
    of a rejected pair."""
    import pandas as pd

    found: set[int] = set()
    for values in (apart.state_ids, apart.fbi_numbers):
        known = pd.DataFrame({"label": labels, "value": values}).dropna()
        distinct = known.groupby("label")["value"].nunique()
        found.update(int(label) for label in distinct.index[distinct > 1])
    if len(apart.rejected):
        left, right = labels[apart.rejected[:, 0]], labels[apart.rejected[:, 1]]
        found.update(int(label) for label in left[left == right])
    return np.array(sorted(found), dtype=np.int64)


def _joined_apart(records: np.ndarray, edges: np.ndarray, apart: Apart) -> dict[int, int]:
    """Union–find over ``edges`` in their order, refusing a link that would join
    records kept apart; each record's root."""
    parent = {int(record): int(record) for record in records}
    state = {record: apart.state_ids[record] for record in parent}
    fbi = {record: apart.fbi_numbers[record] for record in parent}
    never: dict[int, set[int]] = {record: set() for record in parent}
    for left, right in apart.rejected:
        if int(left) in parent and int(right) in parent:
            never[int(left)].add(int(right))
            never[int(right)].add(int(left))

    def find(record: int) -> int:
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    def clash(a: Any, b: Any) -> bool:
        return a is not None and b is not None and a != b

    for left, right in edges:
        a, b = find(int(left)), find(int(right))
        if a == b or clash(state[a], state[b]) or clash(fbi[a], fbi[b]):
            continue
        if any(find(other) == b for other in never[a]) or any(
            find(other) == a for other in never[b]
        ):
            continue
        parent[b] = a
        state[a] = state[a] if state[a] is not None else state[b]
        fbi[a] = fbi[a] if fbi[a] is not None else fbi[b]
        never[a] |= never.pop(b)
    return {int(record): find(int(record)) for record in records}


def write_person_map(
    con: duckdb.DuckDBPyConnection,
    labels: np.ndarray,
    secret: bytes,
    source_order: Sequence[str] = (),
) -> int:
    """Assign each cluster its person_key and store the mapping (replacing the old one).

    A cluster's id, which its key is the HMAC of, is its record from the source the
    coalition had first (``source_order``; then by name): a source added later, or a
    file replaced, leaves the keys of the people already linked as they were.
    """
    import pyarrow as pa

    con.register("labels_arrow", pa.table({"unique_id": np.arange(len(labels)), "cluster": labels}))
    con.register(
        "source_order_arrow",
        pa.table({"source": list(source_order), "rank": list(range(len(source_order)))}),
    )
    # A person's birth date and sex are those most of their rows give, over all their
    # records (as within one record), so that a typo on one booking does not outvote
    # the date on ten releases in another source; ties go to the earliest row.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE clustered AS
        WITH labelled AS (
            SELECT r.*, c.cluster,
                   arg_min(
                       r.source || chr(31) || r.source_person_id,
                       lpad(CAST(COALESCE(o.rank, {len(source_order)}) AS VARCHAR), 9, '0')
                           || chr(31) || r.source || chr(31) || r.source_person_id
                   ) OVER (PARTITION BY c.cluster) AS cluster_id
            FROM records r JOIN labels_arrow c USING (unique_id)
                 LEFT JOIN source_order_arrow o USING (source)
        ), person AS (
            SELECT l.cluster, {store.identity_mode("i.date_of_birth")} AS cluster_dob,
                   {store.identity_mode("NULLIF(i.sex, 'unknown')")} AS cluster_sex
            FROM {store.IDENTITY_ROWS} i JOIN labelled l USING (source, source_person_id)
            WHERE i.batch_id IN (SELECT batch_id FROM batch_ids)
            GROUP BY l.cluster
        )
        SELECT labelled.*, person.cluster_dob, person.cluster_sex
        FROM labelled LEFT JOIN person USING (cluster)
        """  # noqa: S608 - fixed names
    )
    con.unregister("labels_arrow")
    con.unregister("source_order_arrow")
    ids = [row[0] for row in con.execute("SELECT DISTINCT cluster_id FROM clustered").fetchall()]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cluster_keys (cluster_id VARCHAR, person_key VARCHAR)"
    )
    keys = pa.table({"cluster_id": ids, "person_key": [person_key(secret, cid) for cid in ids]})
    con.register("keys_arrow", keys)
    con.execute("INSERT INTO cluster_keys SELECT * FROM keys_arrow")
    con.unregister("keys_arrow")
    con.execute("DELETE FROM store.person_map")
    con.execute(
        """
        INSERT INTO store.person_map
        SELECT c.source, c.source_person_id, k.person_key, c.cluster_dob
        FROM clustered c JOIN cluster_keys k USING (cluster_id)
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE person_sex AS "
        "SELECT DISTINCT k.person_key, c.cluster_sex AS sex "
        "FROM clustered c JOIN cluster_keys k USING (cluster_id)"
    )
    return len(ids)
