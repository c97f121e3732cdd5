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


def test_on_a_phone_the_sections_are_in_the_menu_and_the_page_starts_at_once(
    page: Page, sign_in_with_code: Callable[..., None], axe: Callable[..., None]
) -> None:
    """The coalition's eleven sections, above the page, would fill a phone's first screen:
    there they are in the header's menu, and on a wider screen beside the page."""
    world = build_world()
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/c/riverton/")
    assert page.locator("#sections-column").is_hidden()
    heading = page.locator("main h1").bounding_box()
    assert heading is not None and heading["y"] < PHONE["height"] / 2
    sections = page.locator("#menu-sections")
    assert sections.is_hidden()
    axe(page)
    page.get_by_role("button", name="Menu").click()
    assert sections.is_visible()
    sections.get_by_role("link", name="Assess").click()
    page.wait_for_url("**/c/riverton/assess/")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator("#sections-column").is_visible()
    sidenav = page.get_by_role("navigation", name="Riverton County Reentry Coalition sections")
    assert sidenav.get_by_role("link", name="Assess").is_visible()
    assert page.locator("#menu-sections").is_hidden()


# Each chart's drawing against the size it was drawn at (an SVG's width attribute, an
# image's natural width), with its region's name and whether the keyboard reaches it.
CHART_SCALES = """[...document.querySelectorAll('.rk-chart')].map(region => {
    const drawing = region.querySelector('svg, img');
    const drawn = drawing.tagName === 'IMG' ? drawing.naturalWidth : drawing.width.baseVal.value;
    return [region.getAttribute('aria-label'), region.tabIndex,
            drawing.getBoundingClientRect().width / drawn];
})"""


def test_on_a_phone_a_chart_keeps_its_size_and_scrolls_in_its_own_region(
    page: Page, sign_in_with_code: Callable[..., None], axe: Callable[..., None]
) -> None:
    """Shrunk to a phone's width, a chart's 12-pixel labels would be about 7 pixels high:
    the chart keeps its drawn size and scrolls sideways in a named region the keyboard
    reaches, and the page itself still fits."""
    world = build_world()
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    round_ = closed_round(world, "Follow-up", {"1": 2, "2": 2, "3": 3})
    sign_in_with_code(page, world.steward, PASSWORD)
    page.set_viewport_size(PHONE)
    for path, least in [
        ("/c/riverton/measures/", 4),
        (f"/c/riverton/assess/rounds/{round_.pk}/results/", 4),
    ]:
        page.goto(path)
        charts = page.evaluate(CHART_SCALES)
        assert len(charts) >= least, path
        for label, tab_index, scale in charts:
            assert label and label.startswith("Chart of"), path
            assert tab_index == 0, (path, label)
            assert scale > 0.99, (path, label, scale)
        assert _too_wide(page, [path]) == []
        axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/c/riverton/measures/")
    assert all(scale <= 1.0 for _, _, scale in page.evaluate(CHART_SCALES))
