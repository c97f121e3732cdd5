from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def pct(score: float | None) -> str:
    """61.9 -> '61.9%'; None -> '—' (not scored)."""
    return "—" if score is None else f"{score:.1f}%"


@register.filter
def signed(change: float | None) -> str:
    """Change in points: '+8.2', '−3.1', '0.0', or '—' when there is nothing to compare."""
    if change is None:
        return "—"
    if change > 0:
        return f"+{change:.1f}"
    if change < 0:
        return f"−{abs(change):.1f}"
    return "0.0"


@register.simple_tag
def band_tag(band: Any) -> str:
    if band is None:
        return format_html('<span class="rk-band rk-band--{}">{}</span>', "none", "Not scored")
    return format_html('<span class="rk-band rk-band--{}">{}</span>', band.value, band.label)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
