"""Results charts: frames with documented columns, then Altair specs rendered to SVG.

The same SVG goes into the results page (as an image with alternative text, followed
by a table of the same numbers) and into the PDF report. Rendering happens on the
server with vl-convert: no chart JavaScript in the browser.
"""

from __future__ import annotations

import base64
import functools
import io
from typing import Any

import altair as alt
import pandas as pd

from reentrykit.assessment.models import Round
from reentrykit.assessment.scoring import Band, RoundScore, SectionScore
from reentrykit.core.charts import finish, render_svg

BAND_COLORS = {
    Band.STRONG.label: "#1a4480",
    Band.SOLID.label: "#2378c3",
    Band.DEVELOPING.label: "#c05600",
    Band.NEEDS_FOCUS.label: "#b50909",
}
SECTION_COLUMNS = ["component", "score", "band", "previous"]
HISTORY_COLORS = ["#1b1b1b", "#1a4480", "#c05600", "#216e1f", "#6b4fa0", "#5c5c5c"]
HISTORY_COLUMNS = ["round", "order", "area", "score"]


def section_frame(section: SectionScore, previous: RoundScore | None) -> pd.DataFrame:
    """One row per component of ``section``.

    Columns: ``component`` (key and title), ``score`` (percent, NaN when not scored),
    ``band`` (label, "" when not scored), ``previous`` (the previous round's score for
    the same component, NaN when there is none).
    """
    rows = []
    for component in section.components:
        before = previous.component(component.key) if previous else None
        rows.append(
            {
                "component": f"{component.key} {component.title}",
                "score": component.score.score,
                "band": component.score.band.label if component.score.band else "",
                "previous": before.score.score if before else None,
            }
        )
    return pd.DataFrame(rows, columns=SECTION_COLUMNS).astype(
        {"score": "float64", "previous": "float64"}
    )


def history_frame(history: list[tuple[Round, RoundScore]]) -> pd.DataFrame:
    """One row per round and area (overall and each section).

    Columns: ``round`` (name), ``order`` (0 for the oldest), ``area`` ("Overall" or the
    section's key and title), ``score`` (percent, NaN when not scored).
    """
    rows = []
    for order, (round_, score) in enumerate(history):
        rows.append(
            {"round": round_.name, "order": order, "area": "Overall", "score": score.overall.score}
        )
        for section in score.sections:
            rows.append(
                {
                    "round": round_.name,
                    "order": order,
                    "area": f"{section.key}. {section.title}",
                    "score": section.score.score,
                }
            )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS).astype({"score": "float64"})


def section_chart(frame: pd.DataFrame, *, title: str) -> dict[str, Any]:
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "component:N",
            sort=None,
            title=None,
            axis=alt.Axis(labelLimit=340),
            # Every component, in order: one not scored has no bar, but keeps its row.
            scale=alt.Scale(domain=list(frame["component"])),
        ),
    )
    bars = base.mark_bar(height=18).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Percent of the maximum score"),
        color=alt.Color(
            "band:N",
            scale=alt.Scale(domain=list(BAND_COLORS), range=list(BAND_COLORS.values())),
            legend=alt.Legend(title="Band", orient="bottom"),
        ),
    )
    labels = base.mark_text(align="left", dx=4, fontSize=12, color="#1b1b1b").encode(
        x="score:Q", text=alt.Text("score:Q", format=".1f")
    )
    previous = base.mark_tick(color="#1b1b1b", thickness=3, size=26).encode(
        x="previous:Q", tooltip=alt.Tooltip("previous:Q", title="Previous round")
    )
    chart = (bars + labels + previous).properties(
        width=440,
        height=alt.Step(34),
        title=title,
        description=(
            f"{title}: bars are this round's component scores; black ticks are the previous round."
        ),
    )
    return finish(chart)


def history_chart(frame: pd.DataFrame, *, title: str) -> dict[str, Any]:
    order = list(dict.fromkeys(frame.sort_values("order")["round"]))
    areas = list(dict.fromkeys(frame["area"]))  # "Overall" first, then the sections
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70))
        .encode(
            x=alt.X("round:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "score:Q", scale=alt.Scale(domain=[0, 100]), title="Percent of the maximum score"
            ),
            color=alt.Color(
                "area:N",
                title=None,
                scale=alt.Scale(domain=areas, range=HISTORY_COLORS[: len(areas)]),
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=420, symbolType="stroke"),
            ),
            strokeDash=alt.StrokeDash("area:N", legend=None, scale=alt.Scale(domain=areas)),
            strokeWidth=alt.condition(alt.datum.area == "Overall", alt.value(3.5), alt.value(2)),
        )
        .properties(width=440, height=220, title=title, description=title)
    )
    return finish(chart)


def section_svg(frame: pd.DataFrame, *, title: str) -> str:
    return _section_svg(frame.to_json(orient="split"), title)


@functools.lru_cache(maxsize=256)
def _section_svg(frame_json: str, title: str) -> str:
    frame = pd.read_json(io.StringIO(frame_json), orient="split")
    return render_svg(section_chart(frame, title=title))


def history_svg(frame: pd.DataFrame, *, title: str) -> str:
    return _history_svg(frame.to_json(orient="split"), title)


@functools.lru_cache(maxsize=64)
def _history_svg(frame_json: str, title: str) -> str:
    frame = pd.read_json(io.StringIO(frame_json), orient="split")
    return render_svg(history_chart(frame, title=title))


def svg_data_uri(svg: str) -> str:
    """For ``<img src>``: the page's style policy does not reach inside an image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
