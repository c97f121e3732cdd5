"""Running the measures on a local Spark session (the Ibis PySpark backend).

:func:`spark_tables` copies the coalition's analytic tables out of the encrypted
store into Parquet files in a folder of its own inside the coalition's data folder
(``<coalition>/spark/<run>``), loads them into Spark as temporary views, and deletes
the views and the folder when the block ends, even on error. The Parquet copy is
not encrypted, which is why it lives only as long as the run and only in the
coalition's folder. Spark's own scratch space is kept under the data folder too.

The session is started once per process (start-up takes tens of seconds) and reused.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis
from django.conf import settings

from reentrykit.data.store import analytic_table, coalition_dir, open_store
from reentrykit.metrics.engine import KINDS, Tables, duckdb_tables

_SESSION: Any = None


def spark_session() -> Any:
    """The process's local Spark session (created on first use)."""
    global _SESSION
    if _SESSION is not None:
        return _SESSION
    from pyspark.sql import SparkSession

    cores = os.cpu_count() or 2
    scratch = os.path.join(str(settings.DATA_DIR), "spark-scratch")
    os.makedirs(scratch, exist_ok=True)
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("reentrykit-metrics")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.local.dir", scratch)
        # Not the working directory's spark-warehouse/: nothing is left where it runs.
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.driver.memory", os.environ.get("REENTRYKIT_SPARK_DRIVER_MEMORY", "2g"))
    )
    # py4j logs every connection it closes, at exit too, after the streams are gone.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    _SESSION = builder.getOrCreate()
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


@contextmanager
def spark_tables(*, coalition_id: int) -> Iterator[Tables]:
    """The coalition's analytic tables on Spark while the block runs."""
    run = uuid.uuid4().hex[:12]
    parent = coalition_dir(coalition_id) / "spark"
    folder = parent / run
    views: list[str] = []
    session = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open_store(coalition_id) as con:
            duckdb_tables(con)  # the store has analytic tables (a clear error if not)
            for kind in KINDS:
                con.table(f"store.{analytic_table(kind)}").write_parquet(
                    str(folder / f"{kind}.parquet")
                )
        session = spark_session()
        backend = ibis.pyspark.connect(session)
        tables = {}
        for kind in KINDS:
            view = f"rk_{run}_{kind}"
            tables[kind] = backend.read_parquet(str(folder / f"{kind}.parquet"), table_name=view)
            views.append(view)
        yield Tables(**tables)
    finally:
        if session is not None:
            for view in views:
                session.catalog.dropTempView(view)
        shutil.rmtree(folder, ignore_errors=True)
        if parent.exists() and not any(parent.iterdir()):
            parent.rmdir()
