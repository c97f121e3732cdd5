"""A weak component recommends the practices of the network's library that address it
(PRODUCT.md: "Each weak component recommends the Tools for Change activity and library
practices that address it"): those tagged with the component, from the networks the
reader reads the library of, not those whose evidence says they do not work."""

from __future__ import annotations

from reentrykit.assessment import services
from reentrykit.assessment.models import Respondent
from reentrykit.coalitions.services import coalition_create
from reentrykit.library.models import Practice
from reentrykit.library.services import practice_write
from reentrykit.network.models import NetworkSite
from reentrykit.network.services import network_add_site, network_create
from reentrykit.testing import World

BASE = "/c/riverton/assess/rounds/"


def _weak_round(world: World):  # type: ignore[no-untyped-def]
    """Component 1.1 answered 0 throughout: the lowest band (1.2 is not answered)."""
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    services.respondent_add(round_=round_, user=world.member)
    respondent = Respondent.objects.get(round=round_, user=world.member)
    for item in ("1.1.a", "1.1.b", "1.1.c"):
        services.response_save(round_=round_, respondent=respondent, item_key=item, answer=0)
    services.round_close(round_=round_)
    return round_


def _practice(site: NetworkSite, title: str, components: list[str], **fields: str) -> Practice:
    return practice_write(
        site=site,
        written_by=None,
        components=components,
        title=title,
        summary=f"{title}, in brief.",
        body="What was done.",
        **fields,
    )


def test_a_weak_component_recommends_its_networks_practices(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    elsewhere = NetworkSite.objects.get(network=world.network, coalition=world.other)
    _practice(elsewhere, "Jail leaders on the council", ["1.1"], rating="promising")
    _practice(world.site, "A steering committee that rotates", ["1.1", "1.2"], rating="effective")
    _practice(elsewhere, "A council that met once", ["1.1"], rating="ineffective")
    _practice(elsewhere, "Peer navigators", ["2.1"], rating="effective")
    featured = _practice(elsewhere, "Paid seats for lived experience", ["1.1"])
    featured.featured = True
    featured.save()
    # A network the coalition is not in: its library stays closed.
    far = network_create(slug="far", name="Far Network")
    stranger = coalition_create(slug="stranger", name="Stranger County", state="WA")
    _practice(network_add_site(network=far, coalition=stranger), "Far away practice", ["1.1"])

    round_ = _weak_round(world)
    for user in (world.viewer, world.coordinator):
        page = signed_in(user).get(f"{BASE}{round_.pk}/results/").content.decode()
        section = page[page.index('id="recommend-1.1"') :]
        section = section[: section.index("</div>")]
        titles = [
            title
            for title in (
                "Paid seats for lived experience",
                "A steering committee that rotates",
                "Jail leaders on the council",
                "A council that met once",
                "Peer navigators",
                "Far away practice",
            )
            if title in section
        ]
        # Featured first, then the best supported; not the ineffective one, nor another
        # component's, nor another network's.
        assert titles == [
            "Paid seats for lived experience",
            "A steering committee that rotates",
            "Jail leaders on the council",
        ]
        practice = Practice.objects.get(title="Jail leaders on the council")
        assert f'href="/c/riverton/library/practices/{practice.pk}/"' in section
        assert "/c/riverton/library/practices/?component=1.1" in section

    report = signed_in(world.coordinator).get(f"{BASE}{round_.pk}/report.pdf")
    assert report.status_code == 200


def test_a_coach_reads_the_practices_of_the_network_they_coach_the_site_in(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = NetworkSite.objects.get(network=world.network, coalition=world.other)
    _practice(elsewhere, "Jail leaders on the council", ["1.1"])
    other_network = network_create(slug="second", name="Second Network")
    second_site = network_add_site(network=other_network, coalition=world.coalition)
    _practice(second_site, "A practice of the second network", ["1.1"])

    round_ = _weak_round(world)
    coach_page = signed_in(world.coach).get(f"{BASE}{round_.pk}/results/").content.decode()
    member_page = signed_in(world.member).get(f"{BASE}{round_.pk}/results/").content.decode()
    assert "Jail leaders on the council" in coach_page
    assert "A practice of the second network" not in coach_page
    assert "A practice of the second network" in member_page
