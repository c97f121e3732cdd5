"""Charts of the cross-site dashboard (drawing only; the numbers come disclosed)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from reentrykit.assessment.scoring import RoundScore
from reentrykit.core.charts import finish
from reentrykit.network.selectors import CrossSite

FIRST_COLOR = "#71767a"
LATEST_COLOR = "#1a4480"
SCORE_COLUMNS = ["site", "area", "round", "score", "first", "latest"]


def score_dots(frame: pd.DataFrame, *, title: str) -> dict[str, Any]:
    """Per site, its first and latest round score in each area, joined by a line.

    ``frame`` has :data:`SCORE_COLUMNS`: one row per site, area and round ("First
    round" or "Latest round"), with both rounds' scores repeated on each row for the
    line between them.
    """
    areas = list(dict.fromkeys(frame["area"]))
    base = alt.Chart().encode(
        y=alt.Y("area:N", title=None, sort=areas, axis=alt.Axis(labelLimit=320))
    )
    line = base.mark_rule(color="#a9aeb1", size=2).encode(x="first:Q", x2="latest:Q")
    dots = base.mark_point(filled=True, size=90, opacity=1).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Percent of the maximum score"),
        color=alt.Color(
            "round:N",
            title=None,
            scale=alt.Scale(
                domain=["First round", "Latest round"], range=[FIRST_COLOR, LATEST_COLOR]
            ),
            legend=alt.Legend(orient="bottom"),
        ),
    )
    # One panel per site, its name above it: site names are too long for an axis.
    chart = (
        alt.layer(line, dots, data=frame)
        .properties(width=360, height=alt.Step(22))
        .facet(
            row=alt.Row(
                "site:N",
                sort=list(dict.fromkeys(frame["site"])),
                title=None,
                header=alt.Header(
                    labelAngle=0,
                    labelOrient="top",
                    labelAnchor="start",
                    labelFontSize=13,
                    labelFontWeight="bold",
                    labelLimit=700,
                ),
            ),
            title=title,
        )
    )
    return finish(chart)


def score_frame(board: CrossSite) -> pd.DataFrame:
    """The frame of :func:`score_dots`: overall and section scores per round."""
    areas = [("overall", "Overall"), *((key, f"{key}. {title}") for key, title in board.sections)]
    rows = []
    for entry in board.scores:
        if entry.baseline is None or entry.latest is None:
            continue
        for key, label in areas:
            first, latest = (_area_score(r.score, key) for r in (entry.baseline, entry.latest))
            for name, score in (("First round", first), ("Latest round", latest)):
                rows.append(
                    {
                        "site": entry.coalition.name,
                        "area": label,
                        "round": name,
                        "score": score,
                        "first": first,
                        "latest": latest,
                    }
                )
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _area_score(score: RoundScore, key: str) -> float | None:
    if key == "overall":
        return score.overall.score
    return next((s.score.score for s in score.sections if s.key == key), None)
