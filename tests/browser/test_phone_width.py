"""Pages fit a phone's width: nothing but a table's own scroll region moves sideways."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from reentrykit.assessment.testing import closed_round
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload
from reentrykit.testing import PASSWORD, build_world
from tests.browser.test_accessibility import COORDINATOR_PAGES, NETWORK_ADMIN_PAGES

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def _too_wide(page: Page, paths: list[str]) -> list[str]:
    """The pages wider than the phone, with their width."""
    wide = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{path}: {width}px")
    return wide


def test_a_coordinators_pages_fit_a_phone(
    page: Page, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    round_ = closed_round(world, "Follow-up", {"1": 2, "2": 2, "3": 3})
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.set_viewport_size(PHONE)
    assessment = f"/c/riverton/assess/rounds/{round_.pk}/"
    paths = [*COORDINATOR_PAGES, "/c/riverton/assess/", f"{assessment}results/"]
    assert _too_wide(page, paths) == []


def test_a_data_stewards_and_a_network_admins_pages_fit_a_phone(
    page: Page, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    sign_in_with_code(page, world.steward, PASSWORD)
    page.set_viewport_size(PHONE)
    steward_pages = ["/c/riverton/data/", "/c/riverton/data/access-log/", "/c/riverton/measures/"]
    assert _too_wide(page, steward_pages) == []
    page.context.clear_cookies()
    sign_in_with_code(page, world.network_admin, PASSWORD)
    assert _too_wide(page, [*NETWORK_ADMIN_PAGES, "/n/pilot/coaching/"]) == []
