"""Recidivism and intermediate measures of DATA.md, computed from the analytic store.

The measure engine (``engine``, ``cohorts``, ``breakdowns``, ``rates``, ``survival``,
``cox``, ``intermediate``, ``flows``, ``spark``) is a set of pure functions from the
analytic tables, as Ibis expressions, to pandas frames with documented columns, so
that one definition runs on DuckDB and on Spark.
"""
