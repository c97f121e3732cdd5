"""Charts: Altair (Vega-Lite) specs rendered to SVG on the server.

One spec serves the page, the PDF and the DOCX; no chart JavaScript reaches the
browser. Every chart on a page is followed by a data table for screen readers.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import altair as alt
import vl_convert

FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"


def finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The house look, as a plain Vega-Lite spec."""
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#1b1b1b")
        .configure_title(fontSize=15, anchor="start", color="#1b1b1b")
        .to_dict(validate=False)
    )


def render_svg(spec: dict[str, Any]) -> str:
    return _render(json.dumps(spec, sort_keys=True, default=str))


@functools.lru_cache(maxsize=256)
def _render(spec_json: str) -> str:
    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def accessible_svg(spec: dict[str, Any], *, title: str, description: str) -> str:
    """Inline SVG with role="img", a title and a description for screen readers."""
    svg = render_svg(spec)
    svg = re.sub(r"^<svg ", '<svg role="img" aria-labelledby="__t __d" ', svg, count=1)
    ident = "c" + format(abs(hash((title, description))), "x")
    svg = svg.replace("__t __d", f"{ident}-t {ident}-d", 1)
    head = (
        f'<title id="{ident}-t">{_escape(title)}</title>'
        f'<desc id="{ident}-d">{_escape(description)}</desc>'
    )
    return svg.replace(">", ">" + head, 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
