"""The linkage report's chart: compared pairs by match weight, with the threshold."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from reentrykit.core.charts import finish
from reentrykit.metrics.charts import BLUE, ORANGE


def weight_bars(rows: list[dict[str, Any]], *, threshold: float) -> dict[str, Any]:
    """Bars of pairs per weight bin (one wide) and a line at the ``threshold`` weight."""
    frame = pd.DataFrame(
        [{"low": row["weight"], "high": row["weight"] + 1, "pairs": row["pairs"]} for row in rows],
        columns=["low", "high", "pairs"],
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(color=BLUE, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("low:Q", title="Match weight (higher: more surely the same person)"),
            x2="high:Q",
            y=alt.Y("pairs:Q", title="Compared pairs"),
            y2=alt.datum(0),
        )
    )
    line = (
        alt.Chart(pd.DataFrame({"weight": [threshold], "label": ["threshold"]}))
        .mark_rule(color=ORANGE, strokeWidth=2)
        .encode(x="weight:Q")
    )
    label = line.mark_text(color=ORANGE, align="left", dx=4, dy=-4, baseline="top").encode(
        text="label:N", y=alt.value(0)
    )
    return finish((bars + line + label).properties(width=420, height=200))
