"""Someone invited to rate a round hears of it by email and finds it at the top of
their coalition's home page, with how far they have come."""

from __future__ import annotations

import html

from reentrykit.assessment import services
from reentrykit.testing import World

HOME = "/c/riverton/"


def _box(client) -> str:  # type: ignore[no-untyped-def]
    page = html.unescape(client.get(HOME).content.decode())
    if 'id="my-ratings-heading"' not in page:
        return ""
    box = page[page.index('id="my-ratings-heading"') :]
    return box[: box.index("</div>")]


def test_an_invited_member_is_told_by_email_and_on_the_home_page(
    world: World, signed_in, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(
        coalition=world.coalition, name="Baseline", version="1", opened_by=world.coordinator
    )
    assert _box(signed_in(world.member)) == ""
    url = f"/c/riverton/assess/rounds/{round_.pk}/respondents/"
    field = f"sector_{world.member.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(world.coordinator).post(
            url, {f"invite_{world.member.pk}": "on", field: "lived_experience"}
        )
    (mail,) = mailoutbox
    assert mail.to == [world.member.email]
    respond = f"/c/riverton/assess/rounds/{round_.pk}/respond/"
    assert f"/c/riverton/assess/rounds/{round_.pk}/respond/\n" in mail.body
    assert "“Baseline”" in mail.subject and f"There are {round_.item_count} items" in mail.body

    member = signed_in(world.member)
    items = round_.item_count
    assert f"You are invited to rate “Baseline”: 0 of {items} items answered" in _box(member)
    assert f'href="{respond}"' in _box(member) and "Give your ratings" in _box(member)

    respondent = round_.respondents.get(user=world.member)
    keys = [item.key for item in round_.instrument.items()]
    services.response_save(round_=round_, respondent=respondent, item_key=keys[0], answer=2)
    assert f"1 of {items} items answered" in _box(member)
    assert "Go on with your ratings" in _box(member)
    for key in keys[1:]:
        services.response_save(
            round_=round_, respondent=respondent, item_key=key, answer="dont_know"
        )
    assert f"you have answered all {items} items" in _box(member)
    round_page = html.unescape(
        member.get(f"/c/riverton/assess/rounds/{round_.pk}/").content.decode()
    )
    assert f"You have answered all {items} items" in round_page
    assert "Review your answers" in round_page and "Give your answers" not in round_page
    # Not invited, the coordinator sees no such box; nor anyone once the round closes.
    assert _box(signed_in(world.coordinator)) == ""
    services.round_close(round_=round_, closed_by=world.coordinator)
    assert _box(signed_in(world.member)) == ""


def _not_rating(client, round_) -> str:  # type: ignore[no-untyped-def]
    page = html.unescape(client.get(f"/c/riverton/assess/rounds/{round_.pk}/").content.decode())
    if 'id="not-rating"' not in page:
        return ""
    return page[page.index('id="not-rating"') :].split("</p>")[0]


def test_someone_who_cannot_rate_an_open_round_is_told_why_and_whom_to_ask(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(
        coalition=world.coalition, name="Baseline", version="1", opened_by=world.coordinator
    )
    services.respondent_add(round_=round_, user=world.steward, sector="jail_administration")
    member = _not_rating(signed_in(world.member), round_)
    assert "You are not invited to rate this round" in member
    assert "ask Casey Coordinator" in member
    # Invited, but a data steward's ratings come in on paper.
    steward = _not_rating(signed_in(world.steward), round_)
    assert "You are a respondent of this round" in steward and "answer sheet" in steward
    assert "(Casey Coordinator)" in steward
    viewer = _not_rating(signed_in(world.viewer), round_)
    assert "Rating on these pages is for the coalition's coordinators and members" in viewer
    # The coordinator manages the round instead; once invited, the member answers.
    assert _not_rating(signed_in(world.coordinator), round_) == ""
    services.respondent_add(round_=round_, user=world.member, sector="community_reentry")
    assert _not_rating(signed_in(world.member), round_) == ""
