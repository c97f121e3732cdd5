"""Benchmark of `metrics refresh` (issue target, measured as ratios in one run).

On a synthetic county, compares:
- the floor: one DuckDB pass joining releases to their first subsequent event;
- ReentryKit's refresh (4 measures x 5 windows x all breakdowns, intermediate
  measures, Kaplan-Meier overall and by three breakdowns);
- a straightforward pandas + lifelines implementation of the same rates and curves.
Targets: refresh <= 3x the floor, and >= 10x faster than the pandas baseline.

`.venv/bin/python benchmarks/bench_metrics.py [--people N]` (the issue's scale, about
1,000,000 releases, is --people 260000 and needs several GB of memory and time).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

MEASURE_EVENTS = {
    "rearrest": ("arrest", "booking"),
    "reconviction": ("conviction",),
    "reincarceration": ("incarceration", "revocation"),
    "revocation": ("revocation",),
}
WINDOWS = (180, 365, 730, 1095, 1825)
BREAKDOWNS = (
    "sex",
    "race",
    "ethnicity",
    "risk_level",
    "offense_category",
    "release_type",
    "supervision_type",
    "facility_type",
    "source",
)


def floor_seconds(con) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    con.execute(
        """
        SELECT count(*) FROM (
          SELECT r.person_key, r.release_date, min(e.event_date) AS first_event
          FROM store.a_releases r LEFT JOIN store.a_events e
            ON e.person_key = r.person_key AND e.event_date > r.release_date
          GROUP BY r.person_key, r.release_date)
        """
    ).fetchall()
    return time.perf_counter() - start


def pandas_baseline(con, through) -> float:  # type: ignore[no-untyped-def]
    """The same rates and curves the plain way: pandas merges and lifelines fits."""
    import pandas as pd
    from lifelines import KaplanMeierFitter

    start = time.perf_counter()
    releases = con.execute("SELECT * FROM store.a_releases").df()
    events = con.execute("SELECT person_key, event_date, event_type FROM store.a_events").df()
    releases = releases[
        ~releases["release_type"].isin(["death", "transfer", "escape", "temporary"])
    ]
    releases["year"] = pd.to_datetime(releases["release_date"]).dt.year
    first = releases.sort_values("release_date").groupby(["person_key", "year"]).head(1)
    through = pd.Timestamp(through)
    for types in MEASURE_EVENTS.values():
        chosen = events[events["event_type"].isin(types)]
        merged = first.merge(chosen, on="person_key", how="left")
        merged = merged[
            merged["event_date"].isna() | (merged["event_date"] > merged["release_date"])
        ]
        firsts = merged.groupby(["person_key", "year"])["event_date"].min().rename("first_event")
        people = first.join(firsts, on=["person_key", "year"])
        days = (
            pd.to_datetime(people["first_event"]) - pd.to_datetime(people["release_date"])
        ).dt.days
        for window in WINDOWS:
            followed = pd.to_datetime(people["release_date"]) + pd.Timedelta(days=window) <= through
            hit = days.le(window) & followed
            for by in ("year", *BREAKDOWNS):
                pd.DataFrame({"g": people[by], "n": followed, "r": hit}).groupby("g").sum()
        observed = days.notna()
        duration = days.fillna((through - pd.to_datetime(people["release_date"])).dt.days).clip(
            lower=0
        )
        KaplanMeierFitter().fit(duration, observed)
        for by in ("sex", "age_at_release", "risk_level"):
            for _, part in people.assign(d=duration, o=observed).groupby(by):
                if len(part):
                    KaplanMeierFitter().fit(part["d"], part["o"])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reentrykit-bench-metrics-"))
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        settings.DATA_DIR = work / "data"
        connection.creation.create_test_db(verbosity=0)
        from reentrykit.coalitions.services import coalition_create
        from reentrykit.data import store
        from reentrykit.data.linking import link_coalition
        from reentrykit.data.signals import linkage_finished

        # The refresh is timed on its own below, not also as the task after linkage.
        linkage_finished.disconnect(dispatch_uid="metrics-refresh-after-linkage")
        from reentrykit.data.synth import synth_county
        from reentrykit.data.synthetic_load import import_synthetic_county
        from reentrykit.metrics.refresh import refresh_coalition

        synth_county(people=args.people, seed=7, out_dir=work / "county")
        coalition = coalition_create(slug="bench-metrics", name="Benchmark measures")
        import_synthetic_county(coalition=coalition, directory=work / "county")
        link_coalition(coalition=coalition)
        with store.open_store(coalition.pk) as con:
            releases = store.table_count(con, "a_releases")
            events = store.table_count(con, "a_events")
            floor = floor_seconds(con)
        start = time.perf_counter()
        result = refresh_coalition(coalition)
        ours = time.perf_counter() - start
        with store.open_store(coalition.pk) as con:
            baseline = pandas_baseline(con, result["data_through"])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"refresh: {releases} releases, {events} events; floor {floor:.1f}s; "
            f"refresh {ours:.1f}s "
            f"(ratio to floor {ours / floor:.1f}, target <= 3); pandas+lifelines {baseline:.1f}s "
            f"(speed-up {baseline / ours:.1f}x, target >= 10); peak memory {peak:.0f} MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
