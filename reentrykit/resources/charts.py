"""The needs against capacity chart (drawing only; the numbers come disclosed)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from reentrykit.core.charts import finish
from reentrykit.metrics.charts import BLUE, ORANGE


def need_bars(rows: list[Any], *, title: str) -> dict[str, Any]:
    """Per need, the estimated people with it a year beside the services' capacity;
    a need whose estimate is hidden or missing shows its capacity alone."""
    records = []
    for row in rows:
        if row.need is not None:
            records.append({"need": row.label, "what": "Estimated need", "people": row.need})
        records.append({"need": row.label, "what": "Capacity", "people": row.capacity})
    frame = pd.DataFrame(records, columns=["need", "what", "people"])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("need:N", title=None, sort=None),
            yOffset=alt.YOffset("what:N", sort=["Estimated need", "Capacity"]),
            x=alt.X("people:Q", title="People a year"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=["Estimated need", "Capacity"], range=[ORANGE, BLUE]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    return finish(chart.properties(width=420, height=alt.Step(14), title=title))
