"""The home page's "What to do next" suits its reader's role: a step only the
coordinator (or the data steward) takes says whose it is to the others, and points
them to one they can take."""

from __future__ import annotations

import lxml.html

from reentrykit.coalitions.models import Coalition
from reentrykit.testing import World


def _next_box(client) -> str:  # type: ignore[no-untyped-def]
    page = lxml.html.fromstring(client.get("/c/riverton/").content)
    box = page.xpath("//*[@aria-labelledby='next-step-heading']")[0]
    return " ".join(box.text_content().split())


def _formed(world: World) -> None:
    """The first step done, so that the assessment comes next."""
    Coalition.objects.filter(pk=world.coalition.pk).update(mission_statement="Home for good.")


def test_the_coordinator_is_told_to_open_a_round(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _formed(world)
    said = _next_box(signed_in(world.coordinator))
    assert (
        "Assess your capacity — to do: Open an assessment round and invite your partners to rate."
        in (said)
    )
    assert "Meanwhile" not in said


def test_a_member_is_told_their_coordinator_opens_rounds_and_what_they_can_do(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    _formed(world)
    said = _next_box(signed_in(world.member))
    assert "Open an assessment round" not in said
    assert "Your coordinator opens assessment rounds and invites partners to rate." in said
    assert (
        "Meanwhile, you can work on Map your resources — to do: Services listed in the directory."
        in (said)
    )


def test_a_data_steward_is_pointed_to_the_data(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _formed(world)
    said = _next_box(signed_in(world.steward))
    assert "Your coordinator opens assessment rounds" in said
    assert (
        "Meanwhile, you can work on Bring your data — to do: Releases from custody imported."
        in said
    )


def test_forming_the_coalition_is_the_coordinators_step(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    said = _next_box(signed_in(world.viewer))
    assert "Form the coalition: Your coordinator brings the partners on board" in said
    # A viewer takes no step: nothing to do meanwhile.
    assert "Meanwhile" not in said
    said = _next_box(signed_in(world.coordinator))
    assert "Form the coalition — to do: Mission statement written." in said


def test_an_activity_page_says_whose_the_next_action_is(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(world.viewer).get("/c/riverton/resources/").content.decode()
    assert "Next: Services listed in the directory. Your coordinator and members do this" in page
    page = signed_in(world.member).get("/c/riverton/resources/").content.decode()
    assert "Next: Services listed in the directory</p>" in page
