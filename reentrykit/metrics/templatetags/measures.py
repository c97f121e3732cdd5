from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from reentrykit.core.suppression import Disclosed
from reentrykit.metrics import labels

register = template.Library()


@register.simple_tag
def cell(table: Disclosed, index: int, column: str, kind: str = "count", digits: Any = "") -> str:
    """A figure as shown to this viewer: "<k" or "suppressed" when hidden. A percent has
    ``digits`` decimals, one unless given (pages outside the coalition give 0)."""
    hidden = table.display(index, column)
    if hidden:
        return hidden
    value = table.rows[index].get(column)
    if value is None:
        return "—"
    if kind == "percent":
        return percent(value, digits)
    if kind == "p":
        return f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@register.filter
def hidden_note(table: Disclosed, index: int) -> str:
    """Why row ``index`` of ``table`` has hidden figures (``Disclosed.note``)."""
    return table.note(index)


@register.simple_tag
def rate_percent(value: Any, digits: Any = "") -> str:
    """:func:`percent` as a tag, whose ``digits`` may be a variable the page leaves unset
    (a filter's argument may not)."""
    return percent(value, digits)


@register.filter
def percent(value: Any, digits: Any = "") -> str:
    """0.4632 -> "46.3%", or with ``digits`` 0 "46%" (an unset template variable as
    ``digits`` keeps one decimal)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    places = 1 if digits in ("", None) else int(digits)
    return f"{value * 100:.{places}f}%"


@register.filter
def p_value(value: Any, digits: int = 3) -> str:
    """A p-value after "p": "= 0.012", or "< 0.001" when it rounds to zero at ``digits``
    (no test gives a p of zero)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    smallest = 10.0**-digits
    if value < smallest / 2:
        return f"< {smallest:.{digits}f}"
    return f"= {value:.{digits}f}"


@register.filter
def iso_date(value: Any) -> dt.date | Any:
    """A snapshot's ISO date string as a date, for the date filter to show in the site's
    style; anything else unchanged."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.simple_tag
def group_description(breakdown: str, group: str) -> str:
    """One group of one breakdown on its own, e.g. "Race: Asian"."""
    return labels.group_description(breakdown, group)
