from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
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


# The Tools for Change activities the instrument names, and the page of each.
TOOL_PAGES = {
    "Resource catalog": ("resources:directory", ""),
    "Needs versus resources": ("resources:needs", ""),
    "Reentry map": ("resources:map", ""),
    "Funding scan": ("resources:funding", ""),
    "Priorities and goals": ("planning:plan", "#candidates"),
    "Mechanisms": ("planning:plan", ""),
    "Strategic plan": ("planning:plan", ""),
    "Cultivate buy-in": ("planning:buy_in", ""),
    "Monitor implementation": ("planning:monitoring", ""),
    "Networks and influencers": ("support:home", "#influencers"),
    "Strategic messaging": ("support:home", "#messages"),
    "Communication tactics": ("support:home", "#tactics"),
}


@register.simple_tag
def tool_link(name: str, coalition_slug: str) -> str:
    """A Tools for Change activity named in the instrument, linked to its page (the
    name alone when there is none: an instrument may name an activity of its own)."""
    if name not in TOOL_PAGES:
        return name
    url_name, anchor = TOOL_PAGES[name]
    url = reverse(url_name, kwargs={"coalition_slug": coalition_slug}) + anchor
    return format_html('<a href="{}">{}</a>', url, name)
