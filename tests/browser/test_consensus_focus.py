"""Keyboard focus across htmx swaps: a control that is swapped out must not drop the focus."""

from __future__ import annotations

from typing import Any

import pytest

from reentrykit.assessment import services
from reentrykit.testing import PASSWORD, build_world

pytestmark = pytest.mark.browser


def _open_consensus_page(page: Any, sign_in_with_code: Any) -> None:
    """A coordinator on the consensus page of a new open round."""
    world = build_world()
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.respondent_add(round_=round_, user=world.coordinator)
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/consensus/")


def test_it_keeps_the_focus_in_the_item_after_saving_a_consensus_by_keyboard(
    page: Any, sign_in_with_code: Any
) -> None:
    _open_consensus_page(page, sign_in_with_code)
    item = page.locator("#item-1-2-a")
    item.get_by_label("Why the coalition agreed on this rating").fill("The map is drafted.")
    status = item.locator("[aria-live]")
    status.evaluate("(node) => { window.liveRegion = node; }")
    item.get_by_role("button", name="Save consensus").focus()
    page.keyboard.press("Enter")
    item.get_by_text("Saved").wait_for()

    # "Saved" is said inside the live region that was on the page before the save: a
    # region swapped in with its text already inside is not announced.
    assert status.evaluate("(node) => node === window.liveRegion && node.isConnected")
    assert "Saved" in status.inner_text()

    # The focus stays on the form's button rather than falling back to the page's top,
    # so the next Tab goes on from the item just saved.
    assert page.evaluate("document.activeElement !== document.body")
    assert item.evaluate("(node) => node.contains(document.activeElement)")


def test_saving_an_items_consensus_twice_in_a_row_replaces_the_first(
    page: Any, sign_in_with_code: Any
) -> None:
    """Each save hands the form what is recorded now, so a second save of one's own is
    not taken for someone else's change made meanwhile."""
    _open_consensus_page(page, sign_in_with_code)
    item = page.locator("#item-1-2-a")
    status = item.locator("[aria-live]")
    item.get_by_text("1 · Emerging").click()
    item.get_by_role("button", name="Save consensus").click()
    item.get_by_text("Saved: 1").wait_for()
    item.get_by_text("3 · Sustained").click()
    item.get_by_role("button", name="Save consensus").click()
    item.get_by_text("Saved: 3").wait_for()
    assert "Not saved" not in status.inner_text()
