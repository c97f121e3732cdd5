"""Pages fit a phone's width (nothing but a table's own scroll region moves sideways), and
a plan's tables of sentences fit a laptop's without scrolling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from reentrykit.assessment.testing import closed_round
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rearrest_indicator
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


def test_a_plans_tables_fit_a_laptop_without_scrolling(
    page: Page, sign_in_with_code: Callable[..., None]
) -> None:
    """Tables of sentences wrap their cells: at 1280 pixels a goal's steps and proposed
    improvements fit the column (the status and percent of each step in view), and so
    do the saved indicators."""
    from reentrykit.planning.models import ActionStep, Goal, Improvement, Priority

    world = build_world()
    goal = Goal.objects.create(
        priority=Priority.objects.create(coalition=world.coalition, title="Jobs"),
        statement="Half of the people released find work within 90 days",
    )
    Improvement.objects.create(
        goal=goal,
        description="Transitional jobs for people leaving the jail",
        mechanism=Improvement.Mechanism.FUNDING,
        criteria="Evidence of effect, and the county's workforce fund can pay for it.",
        stakeholders="Workforce board, employers, probation, the sheriff's reentry unit",
        decision_makers="County commissioners and the workforce board's executive committee",
    )
    for description in ("Agree on one release-notice form with the jail", "Train navigators"):
        ActionStep.objects.create(
            goal=goal,
            description=description,
            owner_organization=world.jail,
            owner_person="The reentry navigator of the sheriff's office jail division",
            starts_on=dt.date(2026, 8, 2),
            due_on=dt.date(2026, 10, 31),
        )
    rearrest_indicator(world.coalition)
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    for path, tables in (("/c/riverton/plan/", 2), ("/c/riverton/measures/indicators/", 1)):
        page.goto(path)
        overflowing = page.evaluate(
            """[...document.querySelectorAll('.usa-table-container--scrollable')]
                 .filter(region => region.querySelector('.rk-table--prose'))
                 .map(region => [region.getAttribute('aria-label'),
                                 region.scrollWidth - region.clientWidth])"""
        )
        assert len(overflowing) == tables, path
        assert [label for label, extra in overflowing if extra > 0] == [], path
