"""Chart specs for the measures dashboard (drawing only; the numbers come disclosed)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from reentrykit.core.charts import finish

BLUE = "#005ea2"
GRAY = "#71767a"
# The national reference line: USWDS orange, apart from the bars' blue.
ORANGE = "#c05600"


# Shares are drawn to a tenth of a percent, as the tables print them: the SVG names
# each mark's values for screen readers, and more digits (a rate and its Wilson bounds)
# would let a reader work back the counts a rates-only page leaves out.
SHARE_DIGITS = 3
RATE_COLUMNS = ("rate", "ci_low", "ci_high")


def _rounded(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype(float).round(SHARE_DIGITS)
    return frame


def rate_bars(
    rows: list[dict[str, Any]], *, title: str, reference: float | None = None
) -> dict[str, Any]:
    """Rates per group with their 95% intervals; hidden rates are left out. A
    ``reference`` rate (the national figure) is drawn as a dashed line across."""
    frame = _rounded([r for r in rows if r.get("rate") is not None], RATE_COLUMNS)
    if frame.empty:
        frame = pd.DataFrame({"group": [], "rate": [], "ci_low": [], "ci_high": []})
    base = alt.Chart(frame).encode(
        y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=280))
    )
    bars = base.mark_bar(color=BLUE).encode(
        x=alt.X(
            "rate:Q",
            title="Share who recidivated",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        )
    )
    whiskers = base.mark_rule(color="#1b1b1b").encode(x="ci_low:Q", x2="ci_high:Q")
    layers = bars + whiskers
    if reference is not None:
        layers += _reference_rule(reference, axis="x")
    return finish(layers.properties(width=420, height=alt.Step(22), title=title))


def _reference_rule(reference: float, *, axis: str) -> Any:
    """The national reference as a dashed line across the chart, labelled."""
    line = alt.Chart(pd.DataFrame({"reference": [reference], "label": ["National"]}))
    rule = line.mark_rule(color=ORANGE, strokeDash=[6, 4], size=2).encode(**{axis: "reference:Q"})
    if axis == "x":
        text = line.mark_text(color=ORANGE, dy=-8, fontSize=12).encode(
            x="reference:Q", y=alt.value(0), text="label:N"
        )
    else:
        text = line.mark_text(color=ORANGE, dy=-8, align="left", fontSize=12).encode(
            y="reference:Q", x=alt.value(0), text="label:N"
        )
    return rule + text


def trend_line(
    rows: list[dict[str, Any]], *, title: str, reference: float | None = None
) -> dict[str, Any]:
    frame = _rounded([r for r in rows if r.get("rate") is not None], RATE_COLUMNS)
    if frame.empty:
        frame = pd.DataFrame({"cohort_year": [], "rate": [], "ci_low": [], "ci_high": []})
    # Years read across: upright labels fit ten or more years in the width.
    base = alt.Chart(frame).encode(
        x=alt.X("cohort_year:O", title="Release year", axis=alt.Axis(labelAngle=0))
    )
    band = base.mark_area(opacity=0.2, color=BLUE).encode(y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(point=True, color=BLUE).encode(
        y=alt.Y("rate:Q", title="Rate", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    )
    layers = band + line
    if reference is not None:
        layers += _reference_rule(reference, axis="y")
    return finish(layers.properties(width=420, height=220, title=title))


def survival_steps(points: list[dict[str, Any]], *, title: str, y_title: str) -> dict[str, Any]:
    frame = _rounded(points, ("survival", "ci_low", "ci_high"))
    if frame.empty:
        frame = pd.DataFrame({"group": [], "day": [], "survival": [], "ci_low": [], "ci_high": []})
    base = alt.Chart(frame).encode(x=alt.X("day:Q", title="Days since release"))
    # A faint fill (not a faint mark): the legend the two layers share draws its swatches
    # as strokes, and they stay as strong as the curves they name.
    band = base.mark_area(fillOpacity=0.15, interpolate="step-after").encode(
        y="ci_low:Q", y2="ci_high:Q", color="group:N"
    )
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y(
            "survival:Q",
            title=y_title,
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color(
            "group:N", title="Group", legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3)
        ),
    )
    return finish((band + line).properties(width=420, height=240, title=title))


def flow_bars(rows: list[dict[str, Any]], *, title: str) -> dict[str, Any]:
    frame = pd.DataFrame([r for r in rows if r.get("count") is not None])
    if frame.empty:
        frame = pd.DataFrame({"label": [], "count": []})
    chart = (
        alt.Chart(frame)
        .mark_bar(color=BLUE)
        .encode(
            # Wide enough for the longest decision point's name, which Vega would cut off.
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X(
                "count:Q", title="Count (arrests, bookings, releases or people, as each row says)"
            ),
        )
    )
    return finish(chart.properties(width=420, height=alt.Step(22), title=title))
