"""Focus not obscured: tabbing through the assessment, the sticky bar of save buttons at
the bottom of the window must not sit over the control that has the focus."""

from __future__ import annotations

from typing import Any

import pytest

from reentrykit.assessment import services
from reentrykit.testing import PASSWORD, build_world

pytestmark = pytest.mark.browser

# The focused control as the eye sees it (a rating tile's radio is hidden behind its
# label), and whether the sticky bar covers it whole.
COVERED = """() => {
  const focused = document.activeElement;
  const bar = document.querySelector('.rk-respond-actions');
  if (!focused || bar.contains(focused)) { return null; }
  const shown = focused.matches('.usa-radio__input')
    ? document.querySelector(`label[for="${focused.id}"]`) : focused;
  const box = shown.getBoundingClientRect(), cover = bar.getBoundingClientRect();
  return box.top >= cover.top && box.bottom <= cover.bottom ? focused.id || shown.innerText : null;
}"""


@pytest.mark.parametrize("width,height", [(1280, 720), (390, 844), (320, 640)])
def test_it_keeps_the_focused_rating_above_the_sticky_save_bar(
    page: Any, sign_in: Any, width: int, height: int
) -> None:
    world = build_world()
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.respondent_add(round_=round_, user=world.member)
    sign_in(page, world.member.email, PASSWORD)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/respond/")
    hidden = []
    for _ in range(80):
        page.keyboard.press("Tab")
        covered = page.evaluate(COVERED)
        if covered:
            hidden.append(covered)
    assert hidden == []
