"""The strategic plan: priorities from the assessment's candidates, goals measured by
the coalition's indicators (suppressed by role), action steps, roles and documents."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from typing import Any

import pytest

from reentrykit.assessment.models import CandidatePriority
from reentrykit.metrics.models import Indicator, IndicatorTarget, MetricSnapshot
from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.planning.models import ActionStep, Goal, Priority, QualityCheck
from reentrykit.testing import World

PLAN = "/c/riverton/plan/"


def _rate_row(cohort: int, recidivists: int) -> dict[str, Any]:
    return {
        "group": "all",
        "cohort": cohort,
        "recidivists": recidivists,
        "rate": recidivists / cohort,
        "ci_low": 0.1,
        "ci_high": 0.9,
    }


def _snapshot_with(indicator: Indicator, baseline: dict[str, Any], latest: dict[str, Any]) -> None:
    MetricSnapshot.objects.create(
        coalition=indicator.coalition,
        data_through=dt.date(2025, 12, 31),
        payload={
            "indicators": {
                str(indicator.pk): {
                    "group": "all",
                    "rows": [baseline],
                    "latest": {"year": 2024, "rows": [latest]},
                }
            }
        },
    )


def _step_fields(**changes: str) -> dict[str, str]:
    return {
        "description": "Hire two reentry navigators",
        "owner_organization": "",
        "owner_person": "Casey Coordinator",
        "starts_on": "2026-01-05",
        "due_on": "2026-03-31",
        "status": "in_progress",
        "percent_complete": "40",
        **changes,
    }


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def test_a_member_builds_the_plan_from_a_candidate_priority(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    candidate = CandidatePriority.objects.create(
        coalition=world.coalition,
        component_key="1.2",
        title="Share data across agencies",
        note="Scored 1 of 4 in the spring round.",
    )
    indicator = rearrest_indicator(world.coalition)
    client = signed_in(world.member)
    assert "Share data across agencies" in _text(client.get(PLAN))

    response = client.post(f"{PLAN}priorities/adopt/", {"candidate": candidate.pk})
    priority = Priority.objects.get(coalition=world.coalition)
    assert response.status_code == 302
    # On to the two questions the candidate does not answer, while it is being chosen.
    assert response["Location"] == f"{PLAN}priorities/{priority.pk}/"
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Say whether people directly affected took part in choosing it" in page
    assert "People directly affected took part in choosing it" in page
    assert (priority.title, priority.why, priority.candidate) == (
        "Share data across agencies",
        "Scored 1 of 4 in the spring round.",
        candidate,
    )
    # Adopting it again (a second click) changes nothing; it leaves the candidates.
    client.post(f"{PLAN}priorities/adopt/", {"candidate": candidate.pk})
    assert Priority.objects.count() == 1
    assert 'id="candidates"' not in client.get(PLAN).content.decode()

    response = client.post(
        f"{PLAN}priorities/{priority.pk}/goals/new/",
        {
            "statement": "Cut one-year rearrest from 45% to 40%",
            "milestone_on": "2027-12-31",
            "indicators": [indicator.pk],
        },
    )
    goal = Goal.objects.get()
    assert response["Location"] == f"{PLAN}#goal-{goal.pk}"
    assert list(goal.indicators.all()) == [indicator]
    response = client.post(
        f"{PLAN}goals/{goal.pk}/steps/new/",
        _step_fields(owner_organization=str(world.provider.pk)),
    )
    step = ActionStep.objects.get()
    assert response["Location"] == f"{PLAN}#step-{step.pk}"
    assert (step.goal, step.owner_organization, step.percent_complete) == (
        goal,
        world.provider,
        40,
    )

    page = _text(client.get(PLAN))
    for words in (
        "Priority: Share data across agencies",
        "Goal: Cut one-year rearrest from 45% to 40%",
        "Reached by Dec 31, 2027.",
        "Hire two reentry navigators",
        "Second Chance Works, Casey Coordinator",
        "Jan 5, 2026 to Mar 31, 2026",
        "0 of 1 steps done, 40% complete overall",
    ):
        assert words in page


def test_the_plan_step_on_the_path_follows_the_plan(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.planning.path_steps import plan_step_state

    assert plan_step_state(world.coalition).status == "not_started"
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="House everyone on release")
    assert plan_step_state(world.coalition).status == "in_progress"
    goal.indicators.add(rearrest_indicator(world.coalition))
    ActionStep.objects.create(goal=goal, description="Map beds", due_on=dt.date(2026, 5, 1))
    assert plan_step_state(world.coalition).status == "complete"
    # Another coalition's plan does not count.
    assert plan_step_state(world.other).status == "not_started"
    page = signed_in(world.member).get("/c/riverton/").content.decode()
    assert 'id="step-plan"' in page


def test_goals_are_measured_by_the_coalitions_own_indicators_only(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    theirs = rearrest_indicator(world.other, "Their rearrest")
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    client = signed_in(world.member)
    form = _text(client.get(f"{PLAN}priorities/{priority.pk}/goals/new/"))
    assert "Their rearrest" not in form
    response = client.post(
        f"{PLAN}priorities/{priority.pk}/goals/new/",
        {"statement": "Cut rearrest", "indicators": [theirs.pk]},
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in _text(response)
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"due_on": "2025-12-01"}, "The due date comes before the start date."),
        ({"owner_person": ""}, "Name who owns the step: a partner, a person or both."),
        ({"percent_complete": "150"}, "Enter 100 or less."),
        ({"due_on": ""}, "This field is required."),
    ],
)
def test_a_bad_action_step_is_refused_and_changes_nothing(
    world: World, signed_in, changes: dict[str, str], problem: str
) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    step = ActionStep.objects.create(
        goal=goal, description="Job fair", owner_person="Morgan", due_on=dt.date(2026, 6, 1)
    )
    client = signed_in(world.member)
    for url in (f"{PLAN}goals/{goal.pk}/steps/new/", f"{PLAN}steps/{step.pk}/"):
        response = client.post(url, _step_fields(**changes))
        assert response.status_code == 200
        assert problem in _text(response)
    step.refresh_from_db()
    assert ActionStep.objects.count() == 1
    assert (step.description, step.due_on) == ("Job fair", dt.date(2026, 6, 1))


def test_a_step_marked_done_is_complete_and_overdue_steps_are_flagged(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    late = ActionStep.objects.create(
        goal=goal, description="Sign the MOU", owner_person="Casey", due_on=dt.date(2020, 1, 31)
    )
    client = signed_in(world.member)
    page = _text(client.get(PLAN))
    assert "1 overdue" in page and "Overdue" in page
    client.post(f"{PLAN}steps/{late.pk}/", _step_fields(status="done", percent_complete="100"))
    late.refresh_from_db()
    assert (late.status, late.percent_complete) == ("done", 100)
    page = _text(client.get(PLAN))
    assert "1 of 1 steps done, 100% complete overall" in page
    assert "Overdue" not in page


def test_removing_a_priority_removes_its_goals_and_steps(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    ActionStep.objects.create(goal=goal, description="Job fair", due_on=dt.date(2026, 6, 1))
    client = signed_in(world.coordinator)
    assert "Remove the priority" in _text(client.get(f"{PLAN}priorities/{priority.pk}/"))
    response = client.post(f"{PLAN}priorities/{priority.pk}/", {"delete": "yes"})
    assert response["Location"] == f"{PLAN}#main-content"
    assert not (Priority.objects.exists() or Goal.objects.exists() or ActionStep.objects.exists())


def test_removing_a_goal_says_what_stays_without_it(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    check = QualityCheck.objects.create(coalition=world.coalition, what="Case plans", goal=goal)
    page = signed_in(world.coordinator).get(f"{PLAN}goals/{goal.pk}/").content.decode()
    confirm = re.search(r'data-confirm="([^"]*)"', page).group(1)
    assert "quality checks and agency roles tied to it stay, without it" in confirm
    signed_in(world.coordinator).post(f"{PLAN}goals/{goal.pk}/", {"delete": "yes"})
    check.refresh_from_db()
    assert check.goal is None


def test_a_priority_title_is_used_once(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    Priority.objects.create(coalition=world.coalition, title="Housing")
    Priority.objects.create(coalition=world.other, title="Jobs")
    client = signed_in(world.member)
    response = client.post(f"{PLAN}priorities/new/", {"title": " housing ", "why": ""})
    assert "The plan already has a priority with this title." in _text(response)
    # Another coalition's titles are no bar.
    assert client.post(f"{PLAN}priorities/new/", {"title": "Jobs"}).status_code == 302
    assert Priority.objects.filter(coalition=world.coalition).count() == 2


@pytest.mark.parametrize("role", ["viewer", "steward", "coach"])
def test_readers_read_the_plan_but_cannot_change_it(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="House everyone")
    step = ActionStep.objects.create(goal=goal, description="Map beds", due_on=dt.date(2026, 5, 1))
    candidate = CandidatePriority.objects.create(
        coalition=world.coalition, component_key="2.1", title="Jobs"
    )
    client = signed_in(getattr(world, role))
    page = _text(client.get(PLAN))
    assert "House everyone" in page and "Map beds" in page
    assert "Add a priority" not in page and "Make it a priority" not in page
    for url, data in (
        (f"{PLAN}priorities/new/", {"title": "Mine"}),
        (f"{PLAN}priorities/adopt/", {"candidate": candidate.pk}),
        (f"{PLAN}priorities/{priority.pk}/", {"delete": "yes"}),
        (f"{PLAN}goals/{goal.pk}/", {"delete": "yes"}),
        (f"{PLAN}steps/{step.pk}/", {"delete": "yes"}),
    ):
        assert client.post(url, data).status_code == 403
    assert Priority.objects.count() == 1 and ActionStep.objects.count() == 1


@pytest.mark.parametrize("not_a_key", ["abc", "1.5", "²"])
def test_adopting_a_candidate_that_is_not_a_number_is_not_found(
    not_a_key: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    answer = signed_in(world.member).post(f"{PLAN}priorities/adopt/", {"candidate": not_a_key})
    assert answer.status_code == 404
    assert not Priority.objects.exists()


def test_another_coalitions_plan_is_not_found(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="House everyone")
    step = ActionStep.objects.create(goal=goal, description="Map beds", due_on=dt.date(2026, 5, 1))
    candidate = CandidatePriority.objects.create(
        coalition=world.coalition, component_key="2.1", title="Jobs"
    )
    client = signed_in(world.outsider)
    assert client.get(PLAN).status_code == 404
    # Through their own coalition, with our objects' numbers.
    theirs = "/c/elsewhere/plan/"
    for url in (
        f"{theirs}priorities/{priority.pk}/",
        f"{theirs}goals/{goal.pk}/",
        f"{theirs}steps/{step.pk}/",
        f"{theirs}priorities/{priority.pk}/goals/new/",
        f"{theirs}goals/{goal.pk}/steps/new/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"delete": "yes"}).status_code == 404
    assert client.post(f"{theirs}priorities/adopt/", {"candidate": candidate.pk}).status_code == 404
    assert "House everyone" not in _word_text(client.get(f"{theirs}download/?format=docx").content)
    assert Priority.objects.filter(coalition=world.coalition).count() == 1
    assert not Priority.objects.filter(coalition=world.other).exists()


def _word_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _measured_plan(world: World) -> None:
    indicator = rearrest_indicator(world.coalition)
    IndicatorTarget.objects.create(
        indicator=indicator, label="Short term", cohort_year=2026, target_rate=0.4
    )
    # The baseline rests on 120 people; the latest cohort on 8, fewer than k = 11.
    _snapshot_with(indicator, _rate_row(120, 54), _rate_row(8, 3))
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="Cut rearrest to 40%")
    goal.indicators.add(indicator)
    ActionStep.objects.create(
        goal=goal, description="Map beds", owner_person="Casey", due_on=dt.date(2026, 5, 1)
    )


def test_the_plans_measures_are_suppressed_for_everyone_but_stewards(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    _measured_plan(world)
    client = signed_in(world.member)
    page = _text(client.get(PLAN))
    assert "45.0% of 120" in page
    assert "Short term: 40.0% for 2026" in page
    assert "suppressed" in page and "37.5%" not in page and "of 8" not in page
    for document in (
        _word_text(client.get(f"{PLAN}download/?format=docx").content),
        _pdf_text(client.get(f"{PLAN}download/?format=pdf").content),
    ):
        assert "45.0% of 120" in document and "suppressed" in document
        assert "37.5%" not in document and "of 8" not in document
    steward = signed_in(world.steward)
    page = _text(steward.get(PLAN))
    assert "37.5% of 8" in page and "Confidential:" in page
    # The documents are for sharing: suppressed in the steward's download too.
    for document in (
        _word_text(steward.get(f"{PLAN}download/?format=docx").content),
        _pdf_text(steward.get(f"{PLAN}download/?format=pdf").content),
    ):
        assert "suppressed" in document and "37.5%" not in document and "of 8" not in document
    assert "Confidential:" not in _text(signed_in(world.member).get(PLAN))


def test_the_plan_downloads_as_word_and_pdf(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.planning.models import AgencyRole

    _measured_plan(world)
    AgencyRole.objects.create(
        coalition=world.coalition, organization=world.jail, role="Shares booking data."
    )
    client = signed_in(world.viewer)
    word = client.get(f"{PLAN}download/?format=docx")
    assert word["Content-Disposition"] == 'attachment; filename="riverton-reentry-plan.docx"'
    text = _word_text(word.content)
    for words in (
        "Riverton County Reentry Coalition: strategic reentry plan",
        "Priority: Housing",
        "Goal: Cut rearrest to 40%",
        "One-year rearrest: baseline 45.0% of 120 (released 2022)",
        "Short term target 40.0% for 2026",
        "Map beds",
        "by 2026-05-01",
        "0 of 1 steps done, 0% complete overall",
        "Roles of partner organizations",
        "Riverton County Jail: Shares booking data. Action steps: 0, 0 done, 0 overdue.",
    ):
        assert words in text
    pdf = client.get(f"{PLAN}download/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for words in (
        "strategic reentry plan",
        "Priority: Housing",
        "Map beds",
        "Roles of partner organizations",
        "Shares booking data",
    ):
        assert words in text


def test_text_pasted_from_word_downloads(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Word's line break within a paragraph (U+000B) survives a paste; XML cannot hold
    it, nor a stray control character, so the Word file breaks the line instead."""
    client = signed_in(world.member)
    response = client.post(
        f"{PLAN}priorities/new/",
        {"title": "Housing\x01 first", "why": "Beds are short.\x0bThe shelter closed."},
    )
    assert response.status_code == 302
    text = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert "Priority: Housing first" in text
    assert "Beds are short.\nThe shelter closed." in text
    assert client.get(f"{PLAN}download/?format=pdf").status_code == 200


def test_the_plan_page_says_where_it_stands_on_the_path(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    Priority.objects.create(coalition=world.coalition, title="Housing")
    page = _text(signed_in(world.member).get(PLAN))
    box = page[page.index(">", page.index('aria-label="This step of the toolkit path"')) + 1 :]
    box = " ".join(re.sub(r"<[^>]+>", " ", box[: box.index("</div>\n</div>")]).split())
    assert box.startswith("Step 6 of 7: In progress · Next: Goals measured by an indicator")
    assert "Builds on Map your resources (not started) · Leads to Build community support" in box


def test_a_step_is_owned_by_one_of_the_coalitions_own_partners(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.coalitions.models import PartnerOrganization

    theirs = PartnerOrganization.objects.get(coalition=world.other)
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    client = signed_in(world.member)
    form = client.get(f"{PLAN}goals/{goal.pk}/steps/new/").content.decode()
    assert "Second Chance Works" in form and theirs.name not in form
    response = client.post(
        f"{PLAN}goals/{goal.pk}/steps/new/", _step_fields(owner_organization=str(theirs.pk))
    )
    assert "is not one of the available choices" in _text(response)
    assert not ActionStep.objects.exists()


@pytest.mark.parametrize("key", ["99999999999999999999999", "-99999999999999999999999"])
def test_a_key_beyond_the_database_s_range_is_an_invalid_choice(
    key: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="Beds")
    client = signed_in(world.member)
    for url, data in (
        (f"{PLAN}priorities/{priority.pk}/goals/new/", {"statement": "G", "indicators": key}),
        (f"{PLAN}goals/{goal.pk}/", {"statement": "G", "objectives": key}),
        (f"{PLAN}monitoring/role/new/", {"organization": world.jail.pk, "role": "r", "goals": key}),
    ):
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert f"Select a valid choice. {key} is not one of the available choices." in (
            response.content.decode()
        )
    assert Goal.objects.get().statement == "Beds"


def test_the_word_plan_says_what_is_missing_and_marks_a_demo(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.viewer)
    assert "No priorities yet." in _word_text(client.get(f"{PLAN}download/?format=docx").content)
    priority = Priority.objects.create(coalition=world.coalition, title="Housing")
    assert "No goals yet." in _word_text(client.get(f"{PLAN}download/?format=docx").content)
    Goal.objects.create(priority=priority, statement="Cut rearrest to 40%")
    world.coalition.is_demo = True
    world.coalition.save()
    text = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert "No action steps yet." in text
    assert "(demo, fictional data)" in text


def test_the_plan_in_an_unknown_format_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.viewer)
    refused = client.get(f"{PLAN}download/?format=odt")
    assert refused.status_code == 400
    assert "does not come as 'odt'" in refused.content.decode()


def test_an_empty_plan_says_where_priorities_come_from(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(world.member).get(PLAN).content.decode()
    empty = page[page.index('id="no-priorities"') :].split("</p>")[0]
    for where in ("/assess/", "/resources/map/", "/resources/needs/"):
        assert f'href="/c/riverton{where}"' in empty, where
    assert "No action steps yet" not in page  # nothing to count before a priority
    viewer = signed_in(world.viewer).get(PLAN).content.decode()
    assert "The coalition's members and coordinators write the plan." in viewer
