"""Comments on a coalition's assessment, resources and plan: its coaches write feedback,
its members and coordinators answer, everyone in it reads, nobody else."""

from __future__ import annotations

import pytest

from reentrykit.core.models import AuditEntry
from reentrykit.network.models import Comment
from reentrykit.testing import World

PAGES = {
    "plan": "/c/riverton/plan/",
    "assessment": "/c/riverton/assess/",
    "resources": "/c/riverton/resources/",
}


def _add(client, area: str, body: str):  # type: ignore[no-untyped-def]
    return client.post(f"/c/riverton/network/comments/{area}/", {"body": body})


@pytest.mark.parametrize("area", list(PAGES))
def test_a_coach_comments_and_a_member_answers_on_the_page(
    area: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    response = _add(signed_in(world.coach), area, "Bring the probation <chief> in early.")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGES[area]}#comments"
    _add(signed_in(world.member), area, "We will invite her to the next meeting.")

    page = signed_in(world.viewer).get(PAGES[area]).content.decode()
    section = page[page.index('id="comments"') :]
    coach_at = section.index("Bring the probation &lt;chief&gt; in early.")
    assert section.index("Cory Coach") < coach_at  # the author, marked as the coach
    assert "(coach)" in section[:coach_at]
    assert coach_at < section.index("We will invite her to the next meeting.")
    # Each area shows its own comments only.
    for other, url in PAGES.items():
        if other != area:
            assert "Bring the probation" not in signed_in(world.viewer).get(url).content.decode()
    entry = AuditEntry.objects.filter(model="network.Comment", action="create").first()
    assert entry is not None and entry.coalition_id == world.coalition.pk


@pytest.mark.parametrize("role", ["viewer", "steward"])
def test_viewers_and_stewards_read_but_do_not_write(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    assert _add(client, "plan", "Mine").status_code == 403
    assert not Comment.objects.exists()
    assert "Add the comment" not in client.get(PAGES["plan"]).content.decode()


def test_nobody_outside_the_coalition_reads_or_writes_its_comments(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _add(signed_in(world.coach), "plan", "Only for Riverton.")
    outsider = signed_in(world.outsider)
    assert _add(outsider, "plan", "Let me in").status_code == 404
    assert outsider.get(PAGES["plan"]).status_code == 404
    # The other coalition's plan page does not show them.
    world.other.memberships.get_or_create(user=world.outsider, role="coordinator")
    assert "Only for Riverton." not in outsider.get("/c/elsewhere/plan/").content.decode()
    assert Comment.objects.count() == 1


def test_an_empty_comment_is_refused_with_a_message(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    page = client.get(_add(client, "plan", "   ")["Location"]).content.decode()
    assert "Your comment was not saved: This field is required." in page
    assert not Comment.objects.exists()


def test_a_refused_comment_comes_back_in_the_box_once(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    long = "The jail's release desk closes at five. " * 120
    page = client.get(_add(client, "plan", long)["Location"]).content.decode()
    assert "Your comment was not saved: Ensure this value has at most 4000 characters" in page
    box = page[page.index('id="comment-plan-body"') :]
    assert long.replace("'", "&#x27;") in box[: box.index("</textarea>")]
    assert 'aria-invalid="true"' in page[page.index('id="comments"') :]
    assert not Comment.objects.exists()
    # Shown once: the page drawn again starts empty.
    page = client.get("/c/riverton/plan/").content.decode()
    assert "release desk" not in page


def test_an_unknown_area_is_not_found(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert _add(signed_in(world.member), "budget", "Hello").status_code == 404


def test_only_its_author_deletes_a_comment(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _add(signed_in(world.coach), "plan", "Keep the targets modest.")
    comment = Comment.objects.get()
    delete = f"/c/riverton/network/comments/{comment.pk}/delete/"
    coordinator = signed_in(world.coordinator)
    assert "Delete<span" not in coordinator.get(PAGES["plan"]).content.decode()
    assert coordinator.post(delete).status_code == 403
    coach = signed_in(world.coach)
    assert "Delete<span" in coach.get(PAGES["plan"]).content.decode()
    assert coach.post(delete).status_code == 302
    assert not Comment.objects.exists()
