"""The measures' charts as they are drawn (SVG rendered on the server)."""

from __future__ import annotations

import re

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


def test_the_survival_legend_draws_each_group_as_strongly_as_its_curve() -> None:
    points = [
        {"group": group, "day": day, "survival": share, "ci_low": share - 0.1, "ci_high": 1.0}
        for group in ("all", "male")
        for day, share in ((0, 1.0), (30, 0.8))
    ]
    svg = render_svg(charts.survival_steps(points, title="t", y_title="y"))
    legend = svg[svg.index("role-legend-symbol") :]
    swatches = re.findall(r'<path transform="[^"]*" d="[^"]*" ([^>]*)/>', legend)[:2]
    curves = re.findall(r'aria-roledescription="line mark" d="[^"]*" stroke="(#[0-9a-f]{6})"', svg)
    assert len(swatches) == 2 and curves
    for swatch in swatches:
        assert 'opacity="1"' in swatch  # not the bands' faint 0.15
    assert re.search(r'stroke="(#[0-9a-f]{6})"', swatches[0]).group(1) == curves[0]


def test_the_charts_name_shares_to_a_tenth_of_a_percent() -> None:
    """A rate and its Wilson bounds in full would let a reader work back the counts."""
    rows = [
        {"group": "all", "cohort_year": 2023, "rate": 4 / 9, "ci_low": 0.39444, "ci_high": 0.49871}
    ]
    points = [{"group": "all", "day": 30, "survival": 2 / 3, "ci_low": 0.6, "ci_high": 0.7}]
    drawn = [
        render_svg(charts.trend_line(rows, title="t")),
        render_svg(charts.rate_bars(rows, title="t")),
        render_svg(charts.survival_steps(points, title="t", y_title="y")),
    ]
    labels = " ".join(" ".join(re.findall(r'aria-label="([^"]*)"', svg)) for svg in drawn)
    assert "0.394" in labels and "44.4" in labels and "66.7" in labels
    for full in ("0.3944", "44.44", "0.4987", "66.66"):
        assert full not in labels
