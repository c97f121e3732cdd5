from __future__ import annotations

from django import template

from reentrykit.library.selectors import tag_label

register = template.Library()


@register.filter
def practice_tag(tag: str) -> str:
    """A practice tag as people read it: "2.3 Focus on people…" or "Housing"."""
    return tag_label(tag)
