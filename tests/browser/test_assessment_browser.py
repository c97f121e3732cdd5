"""The assessment in a real browser: answering with htmx, consensus, results, accessibility."""

from __future__ import annotations

from typing import Any

import pytest

from reentrykit.assessment import services
from reentrykit.assessment.models import Response, Round
from reentrykit.library.services import practice_write
from reentrykit.testing import PASSWORD, World, build_world

pytestmark = pytest.mark.browser


def _open_round(world: World) -> Round:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.respondent_add(round_=round_, user=world.member)
    services.respondent_add(round_=round_, user=world.coordinator)
    return round_


def _choose(page: Any, dom_id: str, value: str) -> None:
    """Click a rating's label (USWDS hides the radio itself) and wait for the save."""
    page.locator(f"label[for='{dom_id}-{value}']").click()
    page.locator(f"#{dom_id}-status").get_by_text("Saved").wait_for()


def test_a_member_answers_three_items_and_finds_them_after_a_reload(  # type: ignore[no-untyped-def]
    page: Any, sign_in, axe
) -> None:
    world = build_world()
    round_ = _open_round(world)
    sign_in(page, world.member.email, PASSWORD)
    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/respond/")
    axe(page)

    _choose(page, "item-1-1-a", "2")
    _choose(page, "item-1-1-b", "dk")
    page.locator("#item-1-1-c-note").fill("Two people with lived experience attend.")
    _choose(page, "item-1-1-c", "3")
    # Leaving the note saved it first; the rating follows in a second, queued request.
    page.locator("#progress-count", has_text="3 of 49 answered").wait_for()

    # The guidance opens in an accordion.
    page.get_by_role("button", name="Guidance for 1.1.a").click()
    assert page.locator("#item-1-1-a-help").get_by_text("Questions to consider").is_visible()

    # A note typed and left without leaving its box is saved after a pause in typing.
    page.locator("#item-1-1-d-note").fill("Minutes are shared by email.")
    page.locator("#item-1-1-d-status", has_text="Saved").wait_for()

    page.reload()
    assert page.locator("#item-1-1-d-note").input_value() == "Minutes are shared by email."
    assert page.locator("#item-1-1-a-2").is_checked()
    assert page.locator("#item-1-1-b-dk").is_checked()
    assert page.locator("#item-1-1-c-3").is_checked()
    note = page.locator("#item-1-1-c-note").input_value()
    assert note == "Two people with lived experience attend."
    assert page.locator("#progress-count").inner_text() == "3 of 49 answered"
    saved = dict(Response.objects.filter(round=round_).values_list("item_key", "rating"))
    # 1.1.d has its note alone: no rating yet, and not counted as answered.
    assert saved == {"1.1.a": 2, "1.1.b": None, "1.1.c": 3, "1.1.d": None}


def test_the_consensus_page_shows_a_flagged_item_and_records_consensus(  # type: ignore[no-untyped-def]
    page: Any, sign_in_with_code, axe
) -> None:
    world = build_world()
    round_ = _open_round(world)
    for user, rating in ((world.member, 0), (world.coordinator, 3)):
        respondent = round_.respondents.get(user=user)
        services.response_save(
            round_=round_, respondent=respondent, item_key="1.2.a", answer=rating
        )
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/consensus/?show=flagged")
    flagged = page.locator("#item-1-2-a")
    assert flagged.get_by_text("Disagreement").is_visible()
    assert flagged.get_by_role("table").get_by_text("Community reentry provider").is_visible()
    axe(page)

    flagged.locator("label", has_text="1 · Emerging").click()
    flagged.get_by_label("Why the coalition agreed on this rating").fill("The map is drafted.")
    flagged.get_by_role("button", name="Save consensus").click()
    flagged.get_by_text("Saved: 1").wait_for()
    assert round_.consensus_ratings.get(item_key="1.2.a").rating == 1

    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/consensus/meeting/?item=6")
    assert "1.2.a" in page.get_by_role("heading", level=1).inner_text()
    axe(page)

    # The coordinator's other pages of the round.
    for path in ("", f"rounds/{round_.pk}/", f"rounds/{round_.pk}/respondents/"):
        page.goto(f"/c/riverton/assess/{path}")
        axe(page)


def test_the_results_page_has_charts_and_no_serious_violations(  # type: ignore[no-untyped-def]
    page: Any, sign_in, axe
) -> None:
    world = build_world()
    round_ = _open_round(world)
    for user, base in ((world.member, 0), (world.coordinator, 2)):
        respondent = round_.respondents.get(user=user)
        for index, item in enumerate(round_.instrument.items()):
            answer = "dont_know" if index % 11 == 0 else (base + index) % 4
            services.response_save(
                round_=round_, respondent=respondent, item_key=item.key, answer=answer
            )
    services.round_close(round_=round_)
    # A library practice for every component: each weak one lists it, under axe too.
    practice_write(
        site=world.site,
        written_by=world.member,
        components=[component.key for component in round_.instrument.components()],
        title="Peer mentors at the jail door",
        summary="Mentors meet people on the day of release.",
        body="What was done.",
    )
    sign_in(page, world.member.email, PASSWORD)
    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/results/")
    assert (
        page.locator("#recommendations")
        .get_by_role("link", name="Peer mentors at the jail door")
        .count()
        >= 1
    )
    charts = page.locator("img.rk-chart__image")
    assert charts.count() == 3
    for index in range(3):
        assert charts.nth(index).evaluate("image => image.naturalWidth") > 0
    assert page.locator("#section-1-table").is_visible()
    axe(page)


def test_a_coordinator_brings_in_paper_answers_from_a_file(  # type: ignore[no-untyped-def]
    page: Any, sign_in_with_code, axe, tmp_path
) -> None:
    world = build_world()
    round_ = _open_round(world)
    sign_in_with_code(page, world.coordinator, PASSWORD)
    page.goto(f"/c/riverton/assess/rounds/{round_.pk}/respondents/")
    bad = tmp_path / "answers.csv"
    bad.write_text(f"respondent_email,item_key,rating,note\n{world.viewer.email},1.1.a,5,\n")
    page.get_by_label("Answers file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Import the answers").click()
    problems = page.locator("#error-summary")
    problems.get_by_text("Nothing was imported: 1 problem to fix").wait_for()
    page.wait_for_load_state()  # the summary takes the focus once the page has loaded
    assert problems.get_by_text("row 2, column rating").is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # announced
    axe(page)

    good = tmp_path / "fixed.csv"
    good.write_text(f"respondent_email,item_key,rating,note\n{world.viewer.email},1.1.a,2,\n")
    page.get_by_label("Answers file (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Import the answers").click()
    page.get_by_text("Imported 1 answer from 1 respondent.").wait_for()
    respondents = page.locator("#respondent-table")
    assert respondents.get_by_role("rowheader", name=world.viewer.display_name).is_visible()
    assert Response.objects.get(round=round_, respondent__user=world.viewer).rating == 2
