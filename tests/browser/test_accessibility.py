"""axe-core scans (WCAG 2.0/2.1 A and AA) of the pages people reach first."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

from reentrykit.accounts.models import AuthenticatorApp
from reentrykit.assessment.testing import closed_round
from reentrykit.library.services import practice_write
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rearrest_indicator
from reentrykit.network.services import (
    action_item_add,
    assistance_request_make,
    coaching_session_record,
)
from reentrykit.testing import PASSWORD, build_world, totp_code
from tests.browser.accessibility import format_violations, run_axe

pytestmark = pytest.mark.browser

Axe = Callable[..., None]
SignIn = Callable[[Page, str, str], None]

COORDINATOR_PAGES = [
    "/c/riverton/",
    "/c/riverton/coalition/",
    "/c/riverton/settings/",
    "/c/riverton/members/",
    "/c/riverton/organizations/",
    "/c/riverton/invitations/",
    "/c/riverton/audit/",
    "/c/riverton/network/",
    "/c/riverton/network/coaching/",
    "/c/riverton/library/documents/",
    "/c/riverton/library/documents/charter/",
    "/accounts/profile/",
    "/accounts/password/",
    "/accounts/api-tokens/",
]
NETWORK_ADMIN_PAGES = [
    "/",
    "/n/pilot/",
    "/n/pilot/compare/",
    "/n/pilot/practices/",
    "/n/pilot/report/",
]
# The measures with small cells (hidden from members) and the program breakdown with
# its adjusted comparison (which fails here: no linked data stands behind the measures).
MEASURES_PAGES = [
    "/c/riverton/measures/",
    "/c/riverton/measures/?measure=rearrest&window=365&by=program:housing",
    "/c/riverton/measures/indicators/",
]


def _prompt_is_accessible(axe: Axe) -> Callable[[Page], None]:
    def check(page: Page) -> None:
        assert page.get_by_role("heading", level=1).inner_text() == "Enter your sign-in code"
        axe(page)

    return check


def test_it_has_no_serious_violations_for_anonymous_pages(page: Page, axe: Axe) -> None:
    axe(
        page,
        "/accounts/login/",
        "/accounts/password-reset/",
        "/accounts/sign-up/",
        "/accounts/sign-up/sent/",
        "/api/v1/docs",
    )


def test_it_has_no_serious_violations_on_a_refused_coalition_sign_up(page: Page, axe: Axe) -> None:
    page.goto("/accounts/sign-up/")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Email me the link").click()
    page.get_by_text("Enter a valid email address").first.wait_for()
    axe(page)


def test_it_has_no_serious_violations_on_a_failed_sign_in(page: Page, axe: Axe) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("nobody@example.test")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("do not match an account").wait_for()
    axe(page)


def test_it_has_no_serious_violations_for_a_coordinator(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    sign_in_with_code(page, world.coordinator, PASSWORD, check=_prompt_is_accessible(axe))
    axe(page, *COORDINATOR_PAGES)


def test_a_new_api_token_is_shown_once_accessibly(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.goto("/accounts/api-tokens/")
    page.get_by_label(re.compile(r"^Name")).fill("nightly upload")
    page.get_by_role("button", name="Make a token").click()
    secret = page.get_by_label("Your new token")
    assert secret.input_value().startswith("rk_")
    assert page.get_by_role("row", name=re.compile("nightly upload")).is_visible()
    axe(page)


def test_it_has_no_serious_violations_for_a_network_admin(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    # The cross-site dashboard with its charts and tables: scores and measures.
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    closed_round(world, "Follow-up", {"1": 2, "2": 2, "3": 3})
    sign_in_with_code(page, world.network_admin, PASSWORD, check=_prompt_is_accessible(axe))
    axe(page, *NETWORK_ADMIN_PAGES)


def test_the_coaching_pages_have_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    session = coaching_session_record(
        site=world.site, coach=world.coach, held_on=dt.date(2026, 10, 1), topics="Data"
    )
    action_item_add(
        session=session, description="Draft the MOU", owner="Jail", due_on=dt.date(2026, 10, 20)
    )
    assistance_request_make(site=world.site, requested_by=world.member, topic="Bed-day costs")
    sign_in_with_code(page, world.coach, PASSWORD)
    base = "/c/riverton/network/coaching/"
    axe(page, "/n/pilot/coaching/", base, f"{base}{session.pk}/", f"{base}new/")
    page.get_by_label("Date").fill("")
    page.get_by_role("button", name="Save the session").click()
    page.get_by_text("Please fix 1 problem").wait_for()
    axe(page)


def test_the_practice_library_has_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    practice = practice_write(
        site=world.site,
        written_by=world.member,
        title="Peer mentors at the jail door",
        summary="Mentors meet people on release day.",
        body="Two mentors cover weekday releases.",
        components=["3.4"],
        needs=["housing"],
    )
    sign_in_with_code(page, world.coordinator, PASSWORD)
    base = "/c/riverton/library/practices/"
    axe(page, base, f"{base}?q=mentors&need=housing", f"{base}{practice.pk}/", f"{base}new/")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Share it").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)


def test_the_plan_pages_have_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    from reentrykit.assessment.models import CandidatePriority
    from reentrykit.planning.models import (
        ActionStep,
        AgencyRole,
        Goal,
        Improvement,
        PlanShare,
        Priority,
        QualityCheck,
        SafetyObjective,
        Stakeholder,
        StatusUpdate,
    )

    world = build_world()
    CandidatePriority.objects.create(
        coalition=world.coalition, component_key="1.2", title="Share data across agencies"
    )
    indicator = rearrest_indicator(world.coalition)
    priority = Priority.objects.create(coalition=world.coalition, title="Housing on release")
    goal = Goal.objects.create(priority=priority, statement="House everyone on release day")
    goal.indicators.add(indicator)
    step = ActionStep.objects.create(
        goal=goal, description="Map the beds", owner_person="Casey", due_on=dt.date(2026, 1, 5)
    )
    improvement = Improvement.objects.create(
        goal=goal,
        description="Fund a shelter bed at release",
        mechanism="funding",
        indicator=indicator,
        people_per_year=100,
        effect_percent=10,
    )
    objective = SafetyObjective.objects.create(
        coalition=world.coalition, plan_name="County plan", objective="Fewer repeat bookings"
    )
    goal.objectives.add(objective)
    sheriff = Stakeholder.objects.create(
        coalition=world.coalition, name="Sheriff Ada Reyes", stance="skeptic", power="high"
    )
    PlanShare.objects.create(stakeholder=sheriff, shared_on=dt.date(2026, 10, 2), how="Email")
    update = StatusUpdate.objects.create(
        goal=goal, reported_on=dt.date(2026, 9, 1), rating="at_risk", commentary="A funder left."
    )
    role = AgencyRole.objects.create(
        coalition=world.coalition, organization=world.jail, role="Shares booking data"
    )
    role.goals.add(goal)
    check = QualityCheck.objects.create(
        coalition=world.coalition, what="Case plans", goal=goal, checked_by=world.jail
    )
    sign_in_with_code(page, world.coordinator, PASSWORD)
    base = "/c/riverton/plan/"
    axe(
        page,
        base,
        f"{base}priorities/new/",
        f"{base}priorities/{priority.pk}/",
        f"{base}goals/{goal.pk}/",
        f"{base}goals/{goal.pk}/improvements/new/",
        f"{base}improvements/{improvement.pk}/",
        f"{base}goals/{goal.pk}/updates/new/",
        f"{base}updates/{update.pk}/",
        f"{base}history/",
        f"{base}buy-in/",
        f"{base}buy-in/{sheriff.pk}/",
        f"{base}buy-in/{sheriff.pk}/shares/new/",
        f"{base}public-safety/",
        f"{base}public-safety/{objective.pk}/",
        f"{base}steps/{step.pk}/",
        f"{base}monitoring/",
        f"{base}monitoring/role/new/",
        f"{base}monitoring/check/{check.pk}/",
    )
    # A candidate becomes a priority with one button, and the form says what is wrong.
    page.goto(base)
    page.get_by_role("button", name=re.compile("Make it a priority.*Share data")).click()
    # On to the priority's own page, for the questions the candidate does not answer.
    page.get_by_role("heading", name="Change “Share data across agencies”").wait_for()
    axe(page)
    page.goto(base)
    page.get_by_role("heading", name="Priority: Share data across agencies").wait_for()
    page.goto(f"{base}goals/{goal.pk}/steps/new/")
    page.get_by_label("What").fill("Train the navigators")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)
    # A group that ranks: the plan's table of points, and a ranking that gives two
    # candidates one place.
    world.coalition.priority_method = "rank"
    world.coalition.save()
    for key, title in (("3.1", "Beds"), ("3.2", "Jobs")):
        CandidatePriority.objects.create(coalition=world.coalition, component_key=key, title=title)
    axe(page, base, f"{base}candidates/rank/")
    page.get_by_label("Beds").select_option("1st")
    page.get_by_label("Jobs").select_option("1st")
    page.get_by_role("button", name="Save my ranking").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)
    page.goto(f"{base}monitoring/check/new/")
    page.get_by_text("As designed", exact=True).click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)


def test_the_resource_pages_have_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    from reentrykit.resources.models import FundingSource, FundraisingTarget, MapCell, Service

    world = build_world()
    payload = dashboard_payload()
    payload["needs"] = [
        {"key": "housing", "label": "Housing", "numerator": 60, "denominator": 150, "rate": 0.4},
        {"key": "family", "label": "Family", "numerator": 3, "denominator": 150, "rate": 0.02},
    ]
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    service = Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        capacity_per_year=10,
        url="https://example.test",
    )
    source = FundingSource.objects.create(
        coalition=world.coalition, name="Second Chance Act", level="federal", amount=750000
    )
    FundraisingTarget.objects.create(
        coalition=world.coalition, amount=1000, by=dt.date(2027, 1, 1), expected_impact="More"
    )
    for point, system, status in (("release", "housing", "gap"), ("custody", "family", "partial")):
        MapCell.objects.create(
            coalition=world.coalition, point=point, system=system, status=status, missing="Beds"
        )
    sign_in_with_code(page, world.coordinator, PASSWORD)
    base = "/c/riverton/resources/"
    axe(
        page,
        base,
        f"{base}services/new/",
        f"{base}services/{service.pk}/",
        f"{base}needs/",
        f"{base}funding/",
        f"{base}funding/source/{source.pk}/",
        f"{base}funding/target/new/",
        f"{base}map/",
        f"{base}map/release/housing/",
        f"{base}map/supervision/housing/",
    )
    page.goto(f"{base}map/supervision/legal/")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)
    page.goto(f"{base}needs/")
    page.get_by_label("People released a year").fill("-3")
    page.get_by_role("button", name="Save the figures").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)


def test_the_support_pages_have_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    from reentrykit.support.models import Influencer, Message, Tactic

    world = build_world()
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    influencer = Influencer.objects.create(coalition=world.coalition, name="Pastor Lee")
    message = Message.objects.create(
        coalition=world.coalition,
        audience="commissioners",
        problem="Rearrest within a year: [[one_year_rearrest]].",
        talking_points="Jobs help.\nHousing helps.",
    )
    tactic = Tactic.objects.create(
        coalition=world.coalition,
        kind="media",
        purpose="Op-ed",
        timing=dt.date(2026, 12, 1),
        audience="Voters",
        messenger="Coordinator",
    )
    sign_in_with_code(page, world.coordinator, PASSWORD)
    base = "/c/riverton/support/"
    axe(
        page,
        base,
        f"{base}influencer/{influencer.pk}/",
        f"{base}message/{message.pk}/",
        f"{base}tactic/{tactic.pk}/",
        f"{base}tactic/new/",
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Please fix").first.wait_for()
    axe(page)


@pytest.mark.parametrize("role", ["member", "steward"])
def test_the_measures_pages_have_no_serious_violations(
    page: Page, axe: Axe, sign_in: SignIn, sign_in_with_code: Callable[..., None], role: str
) -> None:
    world = build_world()
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    if role == "steward":  # person-level access: two-factor sign-in
        sign_in_with_code(page, world.steward, PASSWORD)
    else:
        sign_in(page, world.member.email, PASSWORD)
    extra = ["/c/riverton/data/"] if role == "steward" else []
    axe(page, *MEASURES_PAGES, *extra)
    page.goto(MEASURES_PAGES[1])
    assert page.locator("#adjusted-comparison").get_by_text("Could not be computed").is_visible()


def test_the_upload_and_column_mapping_pages_have_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None]
) -> None:
    world = build_world()
    sign_in_with_code(page, world.steward, PASSWORD)
    axe(page, "/c/riverton/data/upload/")
    page.get_by_label("What the file holds").select_option("releases")
    page.get_by_label("Source (partner agency)").fill("County Jail")
    page.locator("input[type=file]").set_input_files(
        {
            "name": "releases.csv",
            "mimeType": "text/csv",
            "buffer": b"Inmate ID,Released,Facility\nA1,06/01/2024,J\n",
        }
    )
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Match the columns").wait_for()
    # The file's way of writing dates is chosen, and the radio buttons are labelled.
    assert page.get_by_label("03/31/2024", exact=True).is_checked()
    axe(page)


def test_the_linkage_report_and_review_have_no_serious_violations(
    page: Page, axe: Axe, sign_in_with_code: Callable[..., None], tmp_path: Any, settings: Any
) -> None:
    from reentrykit.data.imports import import_file
    from reentrykit.data.linking import link_coalition

    # Its own stores: a later test's coalition may get this one's id.
    settings.DATA_DIR = tmp_path / "data"
    world = build_world()
    for source, rows in (
        ("Jail", "J1,Ann,Lee,1980-01-02,2024-03-01\nJ2,Bo,Cruz,1975-06-07,2024-04-01\n"),
        ("Prison", "P1,Anne,Lee,1980-01-02,2024-05-01\nP2,Cy,Dunn,1990-09-10,2024-06-01\n"),
    ):
        path = tmp_path / f"{source}.csv"
        header = "source_person_id,first_name,last_name,date_of_birth,release_date,facility_type\n"
        body = "".join(f"{line},jail\n" for line in rows.splitlines())
        path.write_text(header + body)
        assert import_file(
            coalition=world.coalition, kind="releases", source_name=source, path=path
        ).ok
    link_coalition(coalition=world.coalition)
    sign_in_with_code(page, world.steward, PASSWORD)
    axe(page, "/c/riverton/data/linkage/", "/c/riverton/data/linkage/review/")
    page.goto("/c/riverton/data/linkage/")
    chart = page.get_by_role("region", name="Chart of the compared pairs by match weight")
    assert chart.is_visible()


def test_it_enrolls_a_coordinator_in_two_factor_sign_in(
    page: Page, axe: Axe, sign_in: SignIn, settings: Any
) -> None:
    settings.DEMO = False
    world = build_world()
    sign_in(page, world.coordinator.email, PASSWORD)

    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert page.locator(".rk-qr svg").is_visible()
    axe(page)

    device = AuthenticatorApp.objects.get(user=world.coordinator, confirmed=False)
    assert page.locator("#totp-secret").inner_text()
    page.get_by_role("textbox", name="Code").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    axe(page)
    device.refresh_from_db()
    assert device.confirmed

    page.get_by_role("link", name="I saved my codes — continue").click()
    page.wait_for_url(re.compile(r"/c/riverton/$"))


def test_it_catches_violations_in_the_checks_themselves(
    page: Page, csp_violations: list[str]
) -> None:
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const image = document.createElement('img');
            image.src = '/static/core/reentrykit.css';
            document.querySelector('main').append(image);
            const script = document.createElement('script');
            script.textContent = 'window.inlineRan = true;';
            document.body.append(script);
        }"""
    )
    violations = run_axe(page)
    assert "image-alt" in {violation["id"] for violation in violations}
    assert "image-alt" in format_violations(violations)
    assert page.evaluate("() => window.inlineRan") is None
    assert any("inline script" in violation for violation in csp_violations)
    csp_violations.clear()


def test_the_published_pages_have_no_serious_violations(page: Page, axe: Axe) -> None:
    from reentrykit.planning.models import Goal, Priority, StatusUpdate
    from reentrykit.resources.models import Service

    world = build_world()
    world.coalition.publish_directory = world.coalition.publish_scorecard = True
    world.coalition.save()
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        phone="555-0100",
        url="https://example.test",
    )
    goal = Goal.objects.create(
        priority=Priority.objects.create(coalition=world.coalition, title="Housing"),
        statement="A bed for everyone",
    )
    StatusUpdate.objects.create(
        goal=goal, reported_on=dt.date(2026, 9, 1), rating="on_track", commentary="."
    )
    # Nobody signs in: these pages are for anyone.
    axe(page, "/p/riverton/", "/p/riverton/services/", "/p/riverton/scorecard/")
