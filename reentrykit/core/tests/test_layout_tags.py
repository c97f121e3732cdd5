"""The scroll region around wide tables."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

REGION = (
    '{% load layout_tags %}{% scroll_region "Goals of "|add:name plain=pdf %}'
    "<table><caption>{{ name }}</caption></table>{% endscroll_region %}"
)


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_region_is_labelled_and_reachable_by_keyboard() -> None:
    html = render(REGION, name="Harlow <County>", pdf=False)
    assert html == (
        '<div class="usa-table-container--scrollable" tabindex="0" role="region"'
        ' aria-label="Goals of Harlow &lt;County&gt;">'
        "<table><caption>Harlow &lt;County&gt;</caption></table></div>"
    )


def test_plain_leaves_the_region_out() -> None:
    html = render(REGION, name="Harlow", pdf=True)
    assert html == "<table><caption>Harlow</caption></table>"


@pytest.mark.parametrize(
    "tag", ["{% scroll_region %}", '{% scroll_region "A" pdf %}', '{% scroll_region "A" b c %}']
)
def test_bad_arguments_say_what_is_expected(tag: str) -> None:
    with pytest.raises(TemplateSyntaxError, match="scroll_region"):
        Template("{% load layout_tags %}" + tag + "{% endscroll_region %}")
