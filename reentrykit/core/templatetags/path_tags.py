"""``{% path_step "key" %}``: where an activity page stands on the toolkit path."""

from __future__ import annotations

from typing import Any

from django import template

from reentrykit.core.path import step_context

register = template.Library()


@register.inclusion_tag("includes/path_step.html", takes_context=True)
def path_step(context: dict[str, Any], key: str) -> dict[str, Any]:
    return step_context(context["access"].coalition, key)
