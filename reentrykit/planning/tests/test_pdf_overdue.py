"""The PDF plan's first line counts the overdue action steps, as the page and the Word
plan do: a plan sent to decision makers must not read as on time."""

from __future__ import annotations

from reentrykit.planning.tests.test_plan import _pdf_text, _word_text
from reentrykit.planning.tests.test_word_flags import PLAN, _late_plan
from reentrykit.testing import World


def test_it_heads_the_pdf_plan_with_the_overdue_count(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _late_plan(world)
    client = signed_in(world.viewer)
    line = "0 of 2 steps done, 0% complete overall, 1 overdue."
    assert line in _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert line in _pdf_text(client.get(f"{PLAN}download/?format=pdf").content)


def test_it_leaves_the_count_out_when_nothing_is_overdue(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.viewer)
    for download in ("docx", "pdf"):
        response = client.get(f"{PLAN}download/?format={download}")
        text = (_pdf_text if download == "pdf" else _word_text)(response.content)
        assert "No action steps yet." in text
        assert "overdue" not in text
