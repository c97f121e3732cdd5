"""``{% path_step "key" %}``: where an activity page stands on the toolkit path."""

from __future__ import annotations

from typing import Any

from django import template

from reentrykit.core.path import step_context

register = template.Library()


@register.inclusion_tag("includes/path_step.html", takes_context=True)
def path_step(context: dict[str, Any], key: str) -> dict[str, Any]:
    access = context["access"]
    found = step_context(access.coalition, key)
    # The next action as this reader may take it, or whose it is.
    found["next_text"] = found["current"].state.next_for(access)
    return found
