"""The seeded demo, as a visitor to a demo server meets it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

DEMO_COORDINATOR = "coordinator@harlow.demo.test"
DEMO_PASSWORD = "demo-reentry-2026"


def test_it_lets_a_demo_coordinator_switch_coalitions(
    page: Page,
    settings: Any,
    sign_in: Callable[[Page, str, str], None],
    axe: Callable[..., None],
) -> None:
    settings.DEMO = True
    call_command("seed_demo")

    sign_in(page, DEMO_COORDINATOR, DEMO_PASSWORD)
    # Demo accounts skip two-factor sign-in in demo mode and land on their coalitions.
    assert page.url.endswith("/")
    for name in ("Harlow County Reentry Council (demo)", "River Bend Reentry Partnership (demo)"):
        assert page.get_by_role("heading", name=name).is_visible()
    axe(page)

    switcher = page.get_by_label("Coalition", exact=True)
    assert switcher.get_attribute("id") == "coalition-switcher"
    options = switcher.locator("option").all_inner_texts()
    assert "Harlow County Reentry Council (demo)" in options
    assert "River Bend Reentry Partnership (demo)" in options

    switcher.select_option("river-bend")
    page.get_by_role("button", name="Switch", exact=True).click()

    page.wait_for_url(re.compile(r"/c/river-bend/$"))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "River Bend Reentry Partnership (demo)"
    path = page.locator("#toolkit-path")
    assert path.get_by_role("link", name="Form the coalition").is_visible()
    assert page.get_by_label("Coalition", exact=True).input_value() == "river-bend"
    axe(page)
