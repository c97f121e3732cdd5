"""The practice library: sites share practices within their networks, and only there."""

from __future__ import annotations

import pytest

from reentrykit.coalitions.services import coalition_create
from reentrykit.library.models import Practice, PracticeTag
from reentrykit.library.selectors import practices_in
from reentrykit.library.services import practice_write
from reentrykit.network.models import NetworkSite
from reentrykit.network.services import network_add_site, network_create
from reentrykit.testing import World

LIBRARY = "/c/riverton/library/practices/"


def _practice(world: World, title: str, **fields) -> Practice:  # type: ignore[no-untyped-def]
    defaults = {"summary": f"{title}, in short.", "body": "How it went."}
    return practice_write(
        site=world.site, written_by=world.member, title=title, **{**defaults, **fields}
    )


def _form(**fields: object) -> dict[str, object]:
    return {
        "kind": "practice",
        "title": "Peer mentors meet people at the jail door",
        "summary": "Mentors with lived experience meet people on the day of release.",
        "body": "Two mentors, paid by the county, cover weekday releases.",
        "rating": "promising",
        "rigor": "low",
        "effect": "positive",
        "components": ["3.4", "2.3"],
        "needs": ["housing"],
        **fields,
    }


def test_a_member_shares_a_practice_that_other_sites_read(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(f"{LIBRARY}new/", _form())
    practice = Practice.objects.get()
    assert response["Location"] == f"{LIBRARY}{practice.pk}/"
    assert (practice.site, practice.written_by, practice.rating) == (
        world.site,
        world.member,
        "promising",
    )
    assert sorted(practice.tags.values_list("tag", flat=True)) == [
        "component:2.3",
        "component:3.4",
        "need:housing",
    ]
    # Elsewhere is another site of the pilot network: its coordinator reads it.
    other = signed_in(world.outsider)
    page = other.get(f"/c/elsewhere/library/practices/{practice.pk}/").content.decode()
    assert "Peer mentors meet people at the jail door" in page
    assert "3.4 Prosocial networks" in page and "Housing" in page
    assert "Change or remove" not in page
    edit = f"/c/elsewhere/library/practices/{practice.pk}/edit/"
    assert other.post(edit, _form(title="Taken over")).status_code == 403
    assert other.post(edit, {"delete": "yes"}).status_code == 403
    assert Practice.objects.get().title == "Peer mentors meet people at the jail door"


def test_a_practice_stays_inside_its_network(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    state = network_create(slug="state", name="State Network")
    state_site = network_add_site(network=state, coalition=world.coalition)
    practice = practice_write(
        site=state_site, written_by=world.member, title="State only", summary="S", body="B"
    )
    other = signed_in(world.outsider)  # Elsewhere is in the pilot network, not the state one
    assert other.get(f"/c/elsewhere/library/practices/{practice.pk}/").status_code == 404
    assert "State only" not in other.get("/c/elsewhere/library/practices/").content.decode()
    assert (
        signed_in(world.network_admin).get(f"/n/pilot/practices/{practice.pk}/").status_code == 404
    )
    assert "State only" in signed_in(world.viewer).get(LIBRARY).content.decode()


def test_a_coach_reads_only_the_networks_they_coach_the_site_in(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Riverton is in the pilot, where the coach coaches it, and in a state network where
    the coach has no role: its practices stay closed to the coach, from either side."""
    state = network_create(slug="state", name="State Network")
    network_add_site(network=state, coalition=world.coalition)
    third = coalition_create(slug="thirdtown", name="Thirdtown Reentry Council", state="MI")
    practice = practice_write(
        site=network_add_site(network=state, coalition=third),
        written_by=None,
        title="Thirdtown housing pilot",
        summary="For the state network's sites.",
        body="B",
    )
    pilot = _practice(world, "Pilot peer mentors")
    coach = signed_in(world.coach)
    assert coach.get(f"/n/state/practices/{practice.pk}/").status_code == 404
    listing = coach.get(LIBRARY).content.decode()
    assert "Thirdtown" not in listing
    assert "Pilot peer mentors" in listing
    assert coach.get(f"{LIBRARY}{practice.pk}/").status_code == 404
    assert coach.get(f"{LIBRARY}{pilot.pk}/").status_code == 200
    # The coalition's own members read both networks' practices.
    assert "Thirdtown" in signed_in(world.viewer).get(LIBRARY).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Title: This field is required."),
        ({"rigor": ""}, "Rigor of the evidence: Say how strong the evidence is for this rating."),
        (
            {"components": ["9.9"]},
            "Select a valid choice. 9.9 is not one of the available choices.",
        ),
        ({"needs": ["jobs"]}, "Select a valid choice. jobs is not one of the available choices."),
    ],
)
def test_a_bad_practice_is_refused_and_nothing_saved(
    fields: dict, message: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(f"{LIBRARY}new/", _form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Practice.objects.exists() and not PracticeTag.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "steward"])
def test_readers_cannot_share(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    assert client.get(LIBRARY).status_code == 200
    assert client.post(f"{LIBRARY}new/", _form()).status_code == 403
    assert not Practice.objects.exists()


def test_the_search_finds_by_words_and_filters(world: World) -> None:
    mentors = _practice(world, "Peer mentors at the jail door", rating="promising", rigor="low")
    housing = _practice(
        world, "Housing vouchers for people leaving prison", body="Twenty vouchers a year."
    )
    lesson = _practice(world, "What we learned about data sharing", kind="lesson")
    PracticeTag.objects.create(practice=housing, tag="need:housing")
    PracticeTag.objects.create(practice=mentors, tag="component:3.4")
    networks = [world.network]

    def found(**filters: str) -> set[str]:
        return {practice.title for practice in practices_in(networks, **filters)}

    assert found() == {mentors.title, housing.title, lesson.title}
    assert found(query="jail mentors") == {mentors.title}  # every word, any order
    assert found(query="vouchers") == {housing.title}  # a word of the body
    assert found(query="mentors vouchers") == set()
    assert found(need="housing") == {housing.title}
    assert found(component="3.4") == {mentors.title}
    assert found(rating="promising") == {mentors.title}
    assert found(kind="lesson") == {lesson.title}


@pytest.mark.parametrize(
    "query",
    ['"peer', 'peer"', '"peer mentors', "peer, mentors.", "(jail) peer?", "'peer'", "peer -"],
)
def test_quotes_and_punctuation_in_a_search_are_harmless(
    world: World, signed_in, query: str
) -> None:  # type: ignore[no-untyped-def]
    mentors = _practice(world, "Peer mentors at the jail door")
    _practice(world, "Housing vouchers for people leaving prison")
    # The words are searched, on SQLite and PostgreSQL alike: none is a phrase or an operator.
    assert [p.title for p in practices_in([world.network], query=query)] == [mentors.title]
    page = signed_in(world.member).get(LIBRARY, {"q": query}).content.decode()
    assert mentors.title in page and "Nothing matches" not in page


def test_a_search_with_no_words_leaves_the_practices_as_they_are(world: World) -> None:
    _practice(world, "Peer mentors at the jail door")
    _practice(world, "Housing vouchers for people leaving prison")
    assert len(practices_in([world.network], query='" - ?')) == 2


def test_admins_feature_practices_first_and_coaches_cannot(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    first = _practice(world, "Older practice")
    _practice(world, "Newer practice")
    url = f"/n/pilot/practices/{first.pk}/feature/"
    assert signed_in(world.coach).post(url, {"featured": "yes"}).status_code == 403
    assert signed_in(world.coach).get("/n/pilot/practices/").status_code == 200
    admin = signed_in(world.network_admin)
    admin.post(url, {"featured": "yes"})
    first.refresh_from_db()
    assert first.featured
    page = admin.get("/n/pilot/practices/").content.decode()
    assert page.index("Older practice") < page.index("Newer practice")
    assert "Featured" in page


def test_the_writers_change_tags_and_remove_a_practice(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    client.post(f"{LIBRARY}new/", _form())
    practice = Practice.objects.get()
    edit = f"{LIBRARY}{practice.pk}/edit/"
    assert "Peer mentors" in client.get(edit).content.decode()
    client.post(edit, _form(components=["1.1"], needs=[], title="Peer mentors, year two"))
    practice.refresh_from_db()
    assert practice.title == "Peer mentors, year two"
    assert list(practice.tags.values_list("tag", flat=True)) == ["component:1.1"]
    client.post(edit, {"delete": "yes"})
    assert not Practice.objects.exists() and not PracticeTag.objects.exists()


def test_a_coalition_outside_any_network_is_told_how_to_join(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    NetworkSite.objects.filter(coalition=world.coalition).delete()
    client = signed_in(world.coordinator)
    assert "not part of a network yet" in client.get(LIBRARY).content.decode()
    assert client.get(f"{LIBRARY}new/").status_code == 404


def test_the_demo_library_has_a_featured_practice_and_a_lesson(db) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.core.audit import audit_actor
    from reentrykit.core.demo import DemoWorld, seed_foundation
    from reentrykit.library.demo import DEMO_PRACTICES, seed_practices

    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_practices(world)
        seed_practices(world)  # a second run adds nothing
    practices = list(practices_in([world.network]))
    assert len(practices) == len(DEMO_PRACTICES) == 5
    assert practices[0].featured and practices[0].site.coalition.slug == "harlow-county"
    assert {p.kind for p in practices} == {"practice", "lesson"}
