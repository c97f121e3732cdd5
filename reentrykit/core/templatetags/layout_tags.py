"""``{% scroll_region "Label" %}...{% endscroll_region %}``: a wide table that scrolls;
``{% chart svg "Label" %}``: a chart that scrolls.

On a phone a table wider than the screen would widen the whole page. Inside this
region it scrolls on its own instead; the region is named for screen readers and can
be reached by keyboard, so its hidden columns can be scrolled to without a mouse.
``plain=pdf`` leaves the region out where nothing scrolls (a PDF of the page).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class ScrollRegionNode(template.Node):
    def __init__(
        self, nodelist: NodeList, label: FilterExpression, plain: FilterExpression | None
    ) -> None:
        self.nodelist, self.label, self.plain = nodelist, label, plain

    def render(self, context: Any) -> SafeString:
        inner = self.nodelist.render(context)  # safe: escaped as the template rendered
        if self.plain is not None and self.plain.resolve(context):
            return inner
        return format_html(
            '<div class="usa-table-container--scrollable" tabindex="0" role="region"'
            ' aria-label="{}">{}</div>',
            self.label.resolve(context),
            inner,
        )


@register.tag
def scroll_region(parser: Parser, token: Token) -> ScrollRegionNode:
    name, *bits = token.split_contents()
    if not bits or len(bits) > 2:
        raise template.TemplateSyntaxError(f'{name} takes a label and optionally "plain=…".')
    plain = None
    if len(bits) == 2:
        key, _, value = bits[1].partition("=")
        if key != "plain" or not value:
            raise template.TemplateSyntaxError(f'{name}\'s second argument is "plain=…".')
        plain = parser.compile_filter(value)
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, parser.compile_filter(bits[0]), plain)


@register.simple_tag
def chart(svg: str, label: str) -> SafeString | str:
    """A server-drawn chart (``core.charts.accessible_svg``) in a region of its own
    named ``label`` (the assessment's charts, images, are put in one in their template).

    On a phone a chart keeps its drawn size and scrolls sideways in the region, as a
    wide table does: scaled to the screen its labels would shrink to a few pixels.
    The region can be reached by keyboard so that it can be scrolled without a mouse.
    """
    if not svg:
        return ""
    return format_html(
        '<div class="rk-chart" tabindex="0" role="region" aria-label="{}">{}</div>',
        label,
        mark_safe(svg),  # drawn on the server, its text escaped as it was drawn
    )
