"""The first step of the path, "Form the coalition": partners count once they join,
and the coordinators who set the coalition up are not partners."""

from __future__ import annotations

import lxml.html

from reentrykit.accounts.services import user_create
from reentrykit.coalitions.models import Role
from reentrykit.coalitions.path_steps import coalition_step_state
from reentrykit.coalitions.services import coalition_create, membership_create
from reentrykit.testing import World, sign_in


def _partners_done(coalition) -> bool:  # type: ignore[no-untyped-def]
    checklist = dict(coalition_step_state(coalition).checklist)
    (label,) = [label for label in checklist if label.startswith("Partners on board")]
    return checklist[label]


def test_coordinators_made_on_the_command_line_are_not_partners_on_board(
    world: World, client
) -> None:  # type: ignore[no-untyped-def]
    fresh = coalition_create(slug="fresh", name="Fresh Start Coalition")
    first = user_create(email="first@fresh.test", password=None)
    second = user_create(email="second@fresh.test", password=None)
    for user in (first, second):
        membership_create(coalition=fresh, user=user, role=Role.COORDINATOR)
    # A coordinator who is also the data steward is still a coordinator.
    membership_create(coalition=fresh, user=second, role=Role.DATA_STEWARD)
    assert not _partners_done(fresh)
    page = sign_in(client, first).get("/c/fresh/")
    step = lxml.html.fromstring(page.content).get_element_by_id("step-coalition")
    said = " ".join(step.text_content().split())
    assert "To do: Partners on board (at least 2 people besides the coordinators)" in said
    assert "Partners invited" not in page.content.decode()
    partner = user_create(email="partner@fresh.test", password=None)
    membership_create(coalition=fresh, user=partner, role=Role.MEMBER)
    assert not _partners_done(fresh)
    another = user_create(email="another@fresh.test", password=None)
    membership_create(coalition=fresh, user=another, role=Role.VIEWER)
    assert _partners_done(fresh)


def test_the_steps_link_the_documents_to_start_from(world: World, client) -> None:  # type: ignore[no-untyped-def]
    page = sign_in(client, world.viewer).get("/c/riverton/")
    tree = lxml.html.fromstring(page.content)

    def links(step: str) -> list[tuple[str, str]]:
        element = tree.get_element_by_id(f"step-{step}")
        return [(a.text_content(), a.get("href")) for a in element.iter("a")][1:]

    documents = "/c/riverton/library/documents/"
    assert links("coalition") == [
        ("Coalition charter", f"{documents}charter/"),
        ("Mission statement", f"{documents}mission/"),
        ("Memorandum of understanding", f"{documents}mou/"),
    ]
    assert links("data") == [("Data-sharing agreement", f"{documents}data_sharing/")]
    assert links("measures") == []
    for _, url in links("coalition") + links("data"):
        assert sign_in(client, world.viewer).get(url).status_code == 200
    # An activity page's path box links them too.
    support = lxml.html.fromstring(
        sign_in(client, world.member).get("/c/riverton/support/").content
    )
    box = support.find_class("usa-summary-box")[0].text_content()
    assert "Documents to start from: Talking points, Press release, Meeting agenda" in " ".join(
        box.split()
    )
