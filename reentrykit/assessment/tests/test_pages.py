"""The assessment pages: who may do what, and what the pages show."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from reentrykit.assessment import services
from reentrykit.assessment.models import ConsensusRating, LocalItem, Respondent, Response, Round
from reentrykit.testing import World

BASE = "/c/riverton/assess/"


def url(round_: Round, page: str = "") -> str:
    return f"{BASE}rounds/{round_.pk}/{page}"


@pytest.mark.parametrize("role", ["coordinator", "member", "steward", "viewer", "coach"])
def test_it_lists_rounds_for_every_role(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(getattr(world, role)).get(BASE)
    assert response.status_code == 200
    assert (b"Open a round" in response.content) == (role == "coordinator")


def test_a_coordinator_opens_a_round_and_invites_respondents(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    deadline = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        BASE, {"name": "Baseline 2026", "version": "1", "deadline": deadline.isoformat()}
    )
    round_ = Round.objects.get(coalition=world.coalition, name="Baseline 2026")
    assert response["Location"] == url(round_, "respondents/")
    assert round_.opened_by == world.coordinator and round_.instrument_version.version == "1"

    page = client.get(url(round_, "respondents/")).content.decode()
    assert "Morgan Member" in page and 'value="community_reentry" selected' in page
    assert "Vic Viewer" not in page  # a viewer cannot answer on the web
    client.post(
        url(round_, "respondents/"),
        {
            f"invite_{world.member.pk}": "on",
            f"sector_{world.member.pk}": "lived_experience",
            f"invite_{world.coordinator.pk}": "on",
        },
    )
    sectors = dict(Respondent.objects.filter(round=round_).values_list("user__email", "sector"))
    assert sectors == {
        "member@riverton.test": "lived_experience",
        "coordinator@riverton.test": "jail_administration",  # their organization's sector
    }
    removed = Respondent.objects.get(round=round_, user=world.member)
    client.post(url(round_, f"respondents/{removed.pk}/remove/"))
    assert not Respondent.objects.filter(pk=removed.pk).exists()


def test_a_round_does_not_open_with_a_deadline_passed_already(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = signed_in(world.coordinator).post(
        BASE, {"name": "Baseline", "version": "1", "deadline": yesterday.isoformat()}
    )
    assert response.status_code == 200
    assert b"The deadline has passed already" in response.content
    assert not Round.objects.exists()


def test_it_refuses_a_duplicate_round_name_with_an_error_summary(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    services.round_open(coalition=world.coalition, name="Baseline")
    response = signed_in(world.coordinator).post(BASE, {"name": "Baseline", "version": "1"})
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert b"already has a round with that name" in response.content


@pytest.mark.parametrize("role", ["member", "viewer", "steward", "coach"])
def test_only_coordinators_open_rounds(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(getattr(world, role)).post(BASE, {"name": "Mine", "version": "1"})
    assert response.status_code == 403
    assert not Round.objects.exists()


def _open_round(world: World) -> Round:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.respondent_add(round_=round_, user=world.member)
    return round_


def test_a_member_answers_an_item_with_htmx(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    client = signed_in(world.member)
    page = client.get(url(round_, "respond/"))
    assert page.status_code == 200
    assert b"0 of 49 answered" in page.content
    response = client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "2", "note-1.1.a": "Jail and probation attend."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body and 'hx-swap-oob="true"' in body and "1 of 49 answered" in body
    saved = Response.objects.get(round=round_, item_key="1.1.a")
    assert (saved.rating, saved.dont_know, saved.note) == (2, False, "Jail and probation attend.")
    client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "dont_know", "note-1.1.a": ""},
        headers={"HX-Request": "true"},
    )
    saved.refresh_from_db()
    assert (saved.rating, saved.dont_know) == (None, True)


def test_it_refuses_a_rating_off_the_scale(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    response = signed_in(world.member).post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "4"},
        headers={"HX-Request": "true"},
    )
    assert "Not saved: &#x27;4&#x27; is not a rating" in response.content.decode()
    assert not Response.objects.exists()


def test_it_keeps_answers_from_two_tabs(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Two tabs opened on the same section: each saves a different item; both persist."""
    round_ = _open_round(world)
    client = signed_in(world.member)
    stale_page = client.get(url(round_, "respond/?section=1")).content.decode()
    assert 'name="shown-1.1.b"' in stale_page
    # Tab 1 (htmx) answers 1.1.a; its request carries the whole section, 1.1.b still empty.
    client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "3", "rating-1.1.b": "", "note-1.1.b": ""},
        headers={"HX-Request": "true"},
    )
    # Tab 2 answers 1.1.b the same way, with 1.1.a empty in its stale form.
    client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.b", "rating-1.1.b": "1", "rating-1.1.a": "", "note-1.1.a": ""},
        headers={"HX-Request": "true"},
    )
    answers = dict(Response.objects.filter(round=round_).values_list("item_key", "rating"))
    assert answers == {"1.1.a": 3, "1.1.b": 1}


def test_a_section_form_saves_only_what_changed_on_that_page(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.assessment.views.respond import shown_token

    round_ = _open_round(world)
    client = signed_in(world.member)
    respondent = Respondent.objects.get(round=round_, user=world.member)
    # Meanwhile, another tab answered 1.1.b.
    services.response_save(round_=round_, respondent=respondent, item_key="1.1.b", answer=2)
    # The stale page (shown with 1.1.a and 1.1.b blank) is submitted without JavaScript.
    response = client.post(
        url(round_, "respond/?section=1"),
        {
            "rating-1.1.a": "1",
            "note-1.1.a": "",
            "shown-1.1.a": shown_token("", ""),
            "rating-1.1.b": "",
            "note-1.1.b": "",
            "shown-1.1.b": shown_token("", ""),
            "next": "",
        },
    )
    assert response["Location"].endswith("respond/?section=2")
    answers = dict(Response.objects.filter(round=round_).values_list("item_key", "rating"))
    assert answers == {"1.1.a": 1, "1.1.b": 2}


def test_a_section_with_one_bad_rating_saves_nothing_and_names_the_item(
    world: World,
    signed_in,  # type: ignore[no-untyped-def]
) -> None:
    from reentrykit.assessment.views.respond import shown_token

    round_ = _open_round(world)
    client = signed_in(world.member)
    blank = shown_token("", "")
    response = client.post(
        url(round_, "respond/?section=1"),
        {
            "rating-1.1.a": "2",
            "note-1.1.a": "Kept only if all is well.",
            "shown-1.1.a": blank,
            "rating-1.1.b": "7",  # not a choice on the page: a tampered form
            "shown-1.1.b": blank,
            "next": "",
        },
        follow=True,
    )
    assert not Response.objects.filter(round=round_).exists()
    assert response.redirect_chain[-1][0].endswith("respond/?section=1")
    page = response.content.decode()
    assert "Nothing in this section was saved. Item 1.1.b: &#x27;7&#x27; is not a rating" in page


def test_a_section_refused_while_saving_keeps_none_of_its_answers(
    world: World,
    signed_in,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.exceptions import ValidationError

    from reentrykit.assessment.views.respond import shown_token

    round_ = _open_round(world)
    client = signed_in(world.member)
    save = services.response_save

    def refuse_the_second(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["item_key"] == "1.1.b":
            raise ValidationError("This round is closed; its answers can no longer change.")
        return save(**kwargs)

    monkeypatch.setattr(services, "response_save", refuse_the_second)
    blank = shown_token("", "")
    response = client.post(
        url(round_, "respond/?section=1"),
        {"rating-1.1.a": "2", "shown-1.1.a": blank, "rating-1.1.b": "1", "shown-1.1.b": blank},
        follow=True,
    )
    assert not Response.objects.filter(round=round_).exists()
    assert "Item 1.1.b: This round is closed" in response.content.decode()


def test_answers_survive_a_reload(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    client = signed_in(world.member)
    client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.c", "rating-1.1.c": "1", "note-1.1.c": "Two members attend."},
        headers={"HX-Request": "true"},
    )
    page = client.get(url(round_, "respond/")).content.decode()
    assert 'id="item-1-1-c-1" type="radio" name="rating-1.1.c" value="1" checked' in page
    assert "Two members attend.</textarea>" in page


def test_it_refuses_answers_after_close(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    client = signed_in(world.member)
    client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "2"},
        headers={"HX-Request": "true"},
    )
    services.round_close(round_=round_)
    response = client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "0"},
        headers={"HX-Request": "true"},
    )
    assert "its answers can no longer change" in response.content.decode()
    assert Response.objects.get(item_key="1.1.a").rating == 2
    page = client.get(url(round_, "respond/")).content.decode()
    assert "can no longer change" in page and "disabled" in page and "hx-post" not in page


def test_it_hides_another_coalitions_round(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    elsewhere = services.round_open(coalition=world.other, name="Theirs")
    client = signed_in(world.member)
    for page in ("", "respond/", "results/", "report.pdf"):
        assert client.get(f"{BASE}rounds/{elsewhere.pk}/{page}").status_code == 404
    response = client.post(
        f"{BASE}rounds/{elsewhere.pk}/respond/answer/", {"item_key": "1.1.a", "rating-1.1.a": "2"}
    )
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_only_invited_members_answer(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    assert signed_in(world.coordinator).get(url(round_, "respond/")).status_code == 403
    assert signed_in(world.viewer).get(url(round_, "respond/")).status_code == 403  # no CONTRIBUTE


def test_members_see_results_only_after_close(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    respondent = Respondent.objects.get(round=round_, user=world.member)
    services.response_save(round_=round_, respondent=respondent, item_key="1.1.a", answer=2)
    for role in ("member", "viewer", "steward"):
        assert signed_in(getattr(world, role)).get(url(round_, "results/")).status_code == 403, role
        assert signed_in(getattr(world, role)).get(url(round_, "report.pdf")).status_code == 403, (
            role
        )
    coordinator_page = signed_in(world.coordinator).get(url(round_, "results/"))
    assert coordinator_page.status_code == 200 and b'id="provisional"' in coordinator_page.content
    services.round_close(round_=round_)
    for role in ("member", "viewer", "steward"):
        assert signed_in(getattr(world, role)).get(url(round_, "results/")).status_code == 200, role


def test_a_practice_with_no_answers_is_not_said_to_have_dont_knows(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    respondent = Respondent.objects.get(round=round_, user=world.member)
    services.response_save(
        round_=round_, respondent=respondent, item_key="1.1.a", answer="dont_know"
    )
    page = signed_in(world.coordinator).get(url(round_, "results/")).content.decode()
    gaps = page[
        page.index('id="knowledge-gaps"') : page.index(
            "</section>", page.index('id="knowledge-gaps"')
        )
    ]
    assert re.search(
        r"<strong>1\.1\.a</strong>[^<]*<span class=\"usa-hint\">\(1 “Don't know”", gaps
    )
    assert re.search(
        r"<strong>1\.1\.b</strong>[^<]*<span class=\"usa-hint\">\(no answers yet", gaps
    )
    assert "0 “Don't know”" not in gaps


def test_coaches_read_results_but_cannot_act(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    client = signed_in(world.coach)
    page = client.get(url(round_, "results/"))
    assert page.status_code == 200
    assert b"Make this a candidate priority" not in page.content
    assert client.get(url(round_, "consensus/")).status_code == 403
    response = client.post(
        url(round_, "consensus/record/"), {"item_key": "1.1.a", "item-1-1-a-rating": "2"}
    )
    assert response.status_code == 403
    assert not ConsensusRating.objects.exists()
    assert client.post(url(round_, "close/")).status_code == 403
    assert (
        client.post(url(round_, "results/candidates/"), {"component_key": "1.1"}).status_code == 403
    )
    assert client.get(url(round_, "responses.csv")).status_code == 200


def test_the_consensus_page_flags_disagreements_and_records_consensus(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    services.respondent_add(round_=round_, user=world.coordinator)
    for user, rating in ((world.member, 0), (world.coordinator, 2)):
        respondent = Respondent.objects.get(round=round_, user=user)
        services.response_save(
            round_=round_, respondent=respondent, item_key="1.2.a", answer=rating
        )
    client = signed_in(world.coordinator)
    page = client.get(url(round_, "consensus/?show=flagged")).content.decode()
    assert 'id="item-1-2-a"' in page and "Disagreement" in page
    assert 'id="item-1-1-a"' not in page  # only flagged items
    assert "Community reentry provider" in page and "Jail administration" in page
    response = client.post(
        url(round_, "consensus/record/"),
        {
            "item_key": "1.2.a",
            "item-1-2-a-rating": "1",
            "item-1-2-a-note": "Map drafted, not shared.",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Saved: 1" in response.content.decode()
    consensus = ConsensusRating.objects.get(round=round_, item_key="1.2.a")
    assert (consensus.rating, consensus.note, consensus.decided_by) == (
        1,
        "Map drafted, not shared.",
        world.coordinator,
    )


def test_meeting_mode_moves_item_by_item(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    client = signed_in(world.coordinator)
    page = client.get(url(round_, "consensus/meeting/?item=2")).content.decode()
    assert "item 2 of 49" in page and "1.1.b" in page
    assert 'href="?item=1"' in page and 'href="?item=3"' in page
    response = client.post(
        url(round_, "consensus/record/"),
        {"item_key": "1.1.b", "item-1-1-b-rating": "2", "mode": "meeting", "next": ""},
    )
    assert response["Location"] == url(round_, "consensus/meeting/?item=3")


def test_a_round_without_respondents_cannot_close(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(coalition=world.coalition, name="Empty")
    response = signed_in(world.coordinator).post(url(round_, "close/"), follow=True)
    assert "No one has been invited to respond" in response.content.decode()
    round_.refresh_from_db()
    assert round_.is_open


def test_local_items_are_answered_and_scored_apart(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    coordinator = signed_in(world.coordinator)
    coordinator.post(
        url(round_, "local-items/"), {"statement": "The county funds a reentry navigator."}
    )
    local = LocalItem.objects.get(round=round_)
    assert local.key == "L1"
    member = signed_in(world.member)
    page = member.get(url(round_, "respond/?section=local")).content.decode()
    assert "The county funds a reentry navigator." in page
    member.post(
        url(round_, "respond/answer/"),
        {"item_key": "L1", "rating-L1": "3"},
        headers={"HX-Request": "true"},
    )
    services.round_close(round_=round_)
    results = signed_in(world.coordinator).get(url(round_, "results/")).content.decode()
    assert "Local items: 100.0%" in results
    assert "Overall</h2>" in results and "—" in results  # no standard item answered: not scored


def test_a_candidate_priority_is_made_once(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.assessment.models import CandidatePriority

    round_ = _open_round(world)
    respondent = Respondent.objects.get(round=round_, user=world.member)
    for item in ("1.1.a", "1.1.b", "1.1.c"):
        services.response_save(round_=round_, respondent=respondent, item_key=item, answer=0)
    services.round_close(round_=round_)
    client = signed_in(world.coordinator)
    page = client.get(url(round_, "results/")).content.decode()
    assert 'id="recommend-1.1"' in page
    # Each Tools for Change activity links to its page.
    assert '<a href="/c/riverton/support/#influencers">Networks and influencers</a>' in page
    for _ in range(2):
        response = client.post(url(round_, "results/candidates/"), {"component_key": "1.1"})
    assert response["Location"] == url(round_, "results/#recommendations")
    candidate = CandidatePriority.objects.get()
    assert (candidate.source, candidate.component_key, candidate.title) == (
        "rpca",
        "1.1",
        "1.1 Coalition",
    )
    assert "Candidate priority" in client.get(url(round_, "results/")).content.decode()


def test_the_home_path_follows_the_rounds(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)

    def status() -> str:
        page = client.get("/c/riverton/").content.decode()
        start = page.index('id="step-assessment"')
        return page[page.rindex("rk-path__step--", 0, start) :].split('"')[0]

    assert status() == "rk-path__step--not_started"
    round_ = _open_round(world)
    assert status() == "rk-path__step--in_progress"
    respondent = Respondent.objects.get(round=round_, user=world.member)
    services.response_save(round_=round_, respondent=respondent, item_key="1.1.a", answer=1)
    services.round_close(round_=round_)
    assert status() == "rk-path__step--complete"
    assert b'href="/c/riverton/assess/"' in client.get("/c/riverton/").content  # nav and path


def test_the_rounds_list_costs_the_same_for_many_rounds(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.member)
    _open_round(world)
    with CaptureQueriesContext(connection) as one:
        client.get(BASE)
    for name in ("Second", "Third", "Fourth"):
        round_ = services.round_open(coalition=world.coalition, name=name)
        services.respondent_add(round_=round_, user=world.member)
    with CaptureQueriesContext(connection) as four:
        page = client.get(BASE)
    assert page.content.decode().count("Give your answers") == 4
    assert len(four) == len(one) <= 25


def _seen(page: str, dom_id: str) -> str:
    """The fingerprint the item's consensus form carries (its hidden ``seen`` input)."""
    found = re.search(rf'name="seen" value="(\w+)" form="{dom_id}-consensus-form"', page)
    assert found, f"no seen input for {dom_id}"
    return found.group(1)


def test_a_consensus_recorded_meanwhile_is_not_overwritten_unknowingly(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Two people recording at one meeting: the second save is refused, says what the
    first recorded, and goes through when made again."""
    round_ = _open_round(world)
    client = signed_in(world.coordinator)
    page = client.get(url(round_, "consensus/")).content.decode()
    seen = _seen(page, "item-1-1-a")
    # Someone else records a consensus on the item while the page is open.
    services.consensus_record(
        round_=round_,
        item_key="1.1.a",
        rating=2,
        note="Agreed at the meeting",
        decided_by=world.steward,
    )
    posted = {"item_key": "1.1.a", "item-1-1-a-rating": "1", "seen": seen}
    refused = client.post(url(round_, "consensus/record/"), posted, headers={"HX-Request": "true"})
    text = refused.content.decode()
    assert "Not saved: The consensus on 1.1.a changed while you had it open" in text
    assert "it is now 2 (“Agreed at the meeting”), recorded by Dana Steward" in text
    assert ConsensusRating.objects.get(round=round_, item_key="1.1.a").rating == 2
    # The answer carries what is recorded now: saving again replaces it.
    posted["seen"] = _seen(text, "item-1-1-a")
    saved = client.post(url(round_, "consensus/record/"), posted, headers={"HX-Request": "true"})
    assert "Saved: 1" in saved.content.decode()
    assert ConsensusRating.objects.get(round=round_, item_key="1.1.a").rating == 1
    # One person changing their own rating twice is not refused either.
    posted |= {"item-1-1-a-rating": "3", "seen": _seen(saved.content.decode(), "item-1-1-a")}
    again = client.post(url(round_, "consensus/record/"), posted, headers={"HX-Request": "true"})
    assert "Saved: 3" in again.content.decode()


def test_a_consensus_cleared_meanwhile_is_not_recorded_again_unknowingly(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    services.consensus_record(round_=round_, item_key="1.1.a", rating=2, decided_by=world.steward)
    client = signed_in(world.coordinator)
    page = client.get(url(round_, "consensus/meeting/?item=1")).content.decode()
    seen = _seen(page, "item-1-1-a")
    services.consensus_record(round_=round_, item_key="1.1.a", rating="")
    response = client.post(
        url(round_, "consensus/record/"),
        {
            "item_key": "1.1.a",
            "item-1-1-a-note": "typo fixed",
            "item-1-1-a-rating": "2",
            "seen": seen,
            "mode": "meeting",
        },
        follow=True,
    )
    assert "it is now no consensus" in response.content.decode()
    assert not ConsensusRating.objects.filter(round=round_, item_key="1.1.a").exists()


def test_a_note_with_a_null_character_or_too_long_saves_nothing_and_names_the_item(
    world: World,
    signed_in,  # type: ignore[no-untyped-def]
) -> None:
    """PostgreSQL cannot store a null character: refused before the database sees it,
    on the section's form and on the single item's (htmx) save alike."""
    from reentrykit.assessment.services import NOTE_MAX_LENGTH
    from reentrykit.assessment.views.respond import shown_token

    round_ = _open_round(world)
    client = signed_in(world.member)
    blank = shown_token("", "")
    response = client.post(
        url(round_, "respond/?section=1"),
        {
            "rating-1.1.a": "2",
            "note-1.1.a": "a\x00b",
            "shown-1.1.a": blank,
            "rating-1.1.b": "1",
            "note-1.1.b": "x" * (NOTE_MAX_LENGTH + 1),
            "shown-1.1.b": blank,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Item 1.1.a: A note cannot hold a null character" in page
    assert f"Item 1.1.b: A note is at most {NOTE_MAX_LENGTH} characters" in page
    one = client.post(
        url(round_, "respond/answer/"),
        {"item_key": "1.1.a", "rating-1.1.a": "2", "note-1.1.a": "a\x00b"},
        headers={"HX-Request": "true"},
    )
    assert "A note cannot hold a null character" in one.content.decode()
    assert not Response.objects.filter(round=round_).exists()


def test_a_consensus_refused_says_which_field_is_wrong(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    response = signed_in(world.coordinator).post(
        url(round_, "consensus/record/"),
        {"item_key": "1.1.a", "item-1-1-a-rating": "2", "item-1-1-a-note": "a\x00b"},
        follow=True,
    )
    page = response.content.decode()
    assert "Why the coalition agreed on this rating: Null characters are not allowed." in page
    assert "Choose one of the ratings" not in page
    assert not ConsensusRating.objects.exists()


def test_a_closed_round_sums_up_rather_than_listing_its_setup(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = _open_round(world)
    open_page = signed_in(world.coordinator).get(url(round_)).content.decode()
    assert "Coordinating this round" in open_page and "Invite respondents" in open_page
    respondent = Respondent.objects.get(round=round_, user=world.member)
    services.response_save(round_=round_, respondent=respondent, item_key="1.1.a", answer=2)
    services.round_close(round_=round_, closed_by=world.coordinator)
    page = signed_in(world.coordinator).get(url(round_)).content.decode()
    assert "This round is closed" in page and "Invite respondents" not in page
    summary = page[page.index('id="closed-summary"') :].split("</p>")[0]
    assert "(Casey Coordinator) with" in summary and f'href="{url(round_, "results/")}"' in summary
