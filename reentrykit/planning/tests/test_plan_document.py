"""The plan as a Word document holds what the plan page and the PDF say of each
proposed improvement, its selection criteria too."""

from __future__ import annotations

import pytest

from reentrykit.planning.models import Goal, Improvement, Priority
from reentrykit.planning.tests.test_plan import _word_text
from reentrykit.testing import World

PLAN = "/c/riverton/plan/"


@pytest.mark.parametrize(
    "criteria", ["The county's fund has money this year.", "Evidence of effect"]
)
def test_the_word_plan_says_why_each_mechanism_was_chosen(
    criteria: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    Improvement.objects.create(
        goal=goal,
        description="Pay for transitional jobs at release",
        mechanism="funding",
        criteria=criteria,
    )
    client = signed_in(world.viewer)
    assert criteria.replace("'", "&#x27;") in client.get(PLAN).content.decode()
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert (
        "Proposed improvement: Pay for transitional jobs at release (Funding). "
        f"Why this mechanism: {criteria.rstrip('.')}." in word.splitlines()
    )
