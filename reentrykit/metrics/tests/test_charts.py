"""The measures' charts as they are drawn (SVG rendered on the server)."""

from __future__ import annotations

from reentrykit.core.charts import render_svg
from reentrykit.metrics import charts


def test_the_flow_chart_shows_each_decision_point_name_whole() -> None:
    label = "People released (first qualifying release)"
    rows = [
        {"key": "releases", "label": "Releases", "count": 220},
        {"key": "cohort", "label": label, "count": 165},
    ]
    svg = render_svg(charts.flow_bars(rows, title="People at each decision point"))
    # Vega cuts a long axis label short with an ellipsis unless the axis allows it.
    assert label in svg
    assert "…" not in svg


def test_the_survival_chart_names_its_measure_on_the_axis() -> None:
    points = [
        {"group": "all", "day": 0, "survival": 1.0, "ci_low": 1.0, "ci_high": 1.0},
        {"group": "all", "day": 30, "survival": 0.8, "ci_low": 0.7, "ci_high": 0.9},
    ]
    spec = charts.survival_steps(points, title="t", y_title="Share with no rearrest yet")
    assert "Share with no rearrest yet" in render_svg(spec)
