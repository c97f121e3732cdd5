from __future__ import annotations

import html

import lxml.html

from reentrykit.network.models import CoachAssignment, NetworkSite
from reentrykit.testing import World


def test_a_coach_sees_only_assigned_sites(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    content = signed_in(world.coach).get("/n/pilot/").content
    assert b"Riverton County Reentry Coalition" in content
    assert b"Elsewhere City Reentry Partnership" not in content


def test_a_coach_cannot_manage_the_network(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coach)
    assert client.post("/n/pilot/join-code/").status_code == 403
    assert client.post(f"/n/pilot/sites/{world.site.pk}/remove/").status_code == 403


def test_an_admin_assigns_coaches_to_sites(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    other_site = NetworkSite.objects.get(network=world.network, coalition=world.other)
    client = signed_in(world.network_admin)
    before = list(
        CoachAssignment.objects.filter(coach=world.coach_role).values_list("site", flat=True)
    )
    # A value that is not a site of the network (isdigit() takes "²") changes nothing:
    # saving the rest would drop the coach's other sites.
    for bad in ("²", "x", "99999"):
        answer = client.post(
            f"/n/pilot/coaches/{world.coach_role.pk}/sites/",
            {"site": [other_site.pk, bad]},
            follow=True,
        )
        assert f"Nothing was changed: “{bad}” is not a site" in answer.content.decode()
        assert (
            list(
                CoachAssignment.objects.filter(coach=world.coach_role).values_list(
                    "site", flat=True
                )
            )
            == before
        )
    client.post(f"/n/pilot/coaches/{world.coach_role.pk}/sites/", {"site": [other_site.pk]})
    assert list(
        CoachAssignment.objects.filter(coach=world.coach_role).values_list("site", flat=True)
    ) == [other_site.pk]
    # The coach now reaches the other coalition and no longer the first.
    coach = signed_in(world.coach)
    assert coach.get("/c/elsewhere/").status_code == 200
    assert coach.get("/c/riverton/").status_code == 404


def test_an_admin_adds_a_coach_by_email(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    client = signed_in(world.network_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/n/pilot/coaches/", {"email": "new.coach@network.test", "full_name": "New Coach"}
        )
    assert world.network.roles.filter(user__email="new.coach@network.test", role="coach").exists()
    assert "new.coach@network.test" in mail.outbox[-1].to


def test_a_coordinator_joins_with_the_network_code(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.network.services import network_create

    other_network = network_create(slug="state", name="State Network")
    client = signed_in(world.coordinator)
    bad = client.post("/c/riverton/network/", {"join_code": "wrong"})
    assert b"No network has that code" in bad.content
    client.post("/c/riverton/network/", {"join_code": other_network.join_code})
    assert NetworkSite.objects.filter(network=other_network, coalition=world.coalition).exists()


def test_a_member_cannot_join_a_network(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.network.services import network_create

    other_network = network_create(slug="state", name="State Network")
    response = signed_in(world.member).post(
        "/c/riverton/network/", {"join_code": other_network.join_code}
    )
    assert response.status_code == 403
    assert not NetworkSite.objects.filter(network=other_network).exists()


def test_it_shows_the_coach_forms_real_problem_and_keeps_the_input(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    name = "x" * 201
    response = signed_in(world.network_admin).post(
        "/n/pilot/coaches/", {"email": "new.coach@network.test", "full_name": name}
    )
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    error = doc.get_element_by_id("id_full_name_error").text_content()
    assert "at most 200 characters" in error
    assert "valid email" not in response.content.decode()
    assert doc.xpath("//input[@name='full_name']/@value") == [name]
    assert doc.xpath("//input[@name='email']/@value") == ["new.coach@network.test"]
    assert doc.xpath("//*[@id='error-summary']//a/@href") == ["#id_full_name"]
    assert not world.network.roles.filter(user__email="new.coach@network.test").exists()


def test_it_says_which_coach_email_is_wrong(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.network_admin).post(
        "/n/pilot/coaches/", {"email": "not an email", "full_name": "New Coach"}
    )
    doc = lxml.html.fromstring(response.content)
    assert "valid email" in doc.get_element_by_id("id_email_error").text_content()
    assert doc.xpath("//input[@name='full_name']/@value") == ["New Coach"]


def test_network_roles_given_and_taken_away_are_in_the_audit_trail(world: World) -> None:
    """A network role opens every site's shared figures: the operator's trail keeps
    who gave it to whom and when it went."""
    from reentrykit.core.audit import audit_actor
    from reentrykit.core.models import AuditEntry
    from reentrykit.network.services import network_role_grant, network_role_revoke

    with audit_actor(world.network_admin, "web"):
        role = network_role_grant(network=world.network, user=world.outsider, role="coach")
        role_id = role.pk
        network_role_revoke(network_role=role)
    entries = AuditEntry.objects.filter(model="network.NetworkRole", object_id=str(role_id))
    assert [(e.action, e.actor, e.coalition_id) for e in entries.order_by("id")] == [
        ("create", world.network_admin, None),
        ("delete", world.network_admin, None),
    ]
    assert entries.get(action="create").changes["user_id"] == [None, world.outsider.pk]


def test_a_coordinator_is_told_the_coalition_is_already_in_the_network(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    response = client.post("/c/riverton/network/", {"join_code": world.network.join_code})
    assert response.status_code == 200
    error = lxml.html.fromstring(response.content).get_element_by_id("id_join_code_error")
    assert "Riverton County Reentry Coalition is already in Pilot Network" in error.text_content()
    assert "joined Pilot Network" not in response.content.decode()
    assert NetworkSite.objects.filter(network=world.network, coalition=world.coalition).count() == 1


def test_a_site_sees_its_peers_names_and_their_published_pages_alone(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member)
    page = html.unescape(member.get("/c/riverton/network/").content.decode())
    peers = page[page.index("The other sites") :]
    assert world.other.name in peers
    assert f'href="/p/{world.other.slug}/"' not in peers
    world.other.publish_scorecard = True
    world.other.save()
    page = html.unescape(member.get("/c/riverton/network/").content.decode())
    assert f'href="/p/{world.other.slug}/">{world.other.name}</a>' in page
    # Not a peer: a coalition outside the network is not listed.
    from reentrykit.coalitions.services import coalition_create

    coalition_create(slug="faraway", name="Faraway Coalition")
    assert "Faraway Coalition" not in member.get("/c/riverton/network/").content.decode()
