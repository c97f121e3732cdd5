"""A practice's author as other coalitions read it: a name, never an e-mail address."""

from __future__ import annotations

from reentrykit.accounts.services import user_create
from reentrykit.coalitions.models import Role
from reentrykit.coalitions.services import membership_create
from reentrykit.library.models import Practice
from reentrykit.library.services import practice_write
from reentrykit.testing import World

EMAIL = "no.name@riverton.test"


def _unnamed_practice(world: World) -> Practice:
    author = user_create(email=EMAIL, full_name="", validate=False)
    membership_create(coalition=world.coalition, user=author, role=Role.MEMBER)
    return practice_write(
        site=world.site, written_by=author, title="Peer mentors", summary="S.", body="B."
    )


def test_another_coalition_reads_the_authors_coalition_not_their_email(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    practice = _unnamed_practice(world)
    pages = {
        "elsewhere": signed_in(world.outsider).get(
            f"/c/elsewhere/library/practices/{practice.pk}/"
        ),
        "network admin": signed_in(world.network_admin).get(f"/n/pilot/practices/{practice.pk}/"),
        "coach": signed_in(world.coach).get(f"/c/riverton/library/practices/{practice.pk}/"),
    }
    for reader, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200, reader
        assert EMAIL not in page, reader
        assert "written by a member of Riverton County Reentry Coalition" in page, reader
    # Nor in search results.
    for url in ("/c/elsewhere/library/practices/?q=mentors", "/n/pilot/practices/"):
        reader = world.outsider if url.startswith("/c/") else world.network_admin
        assert EMAIL not in signed_in(reader).get(url).content.decode()


def test_the_authors_own_coalition_still_sees_who_wrote_it(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    practice = _unnamed_practice(world)
    page = signed_in(world.member).get(f"/c/riverton/library/practices/{practice.pk}/")
    assert f"written by {EMAIL}" in page.content.decode()


def test_a_named_author_is_shown_by_name_everywhere(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    practice = practice_write(
        site=world.site, written_by=world.member, title="Named", summary="S.", body="B."
    )
    page = signed_in(world.outsider).get(f"/c/elsewhere/library/practices/{practice.pk}/")
    assert "written by Morgan Member" in page.content.decode()
