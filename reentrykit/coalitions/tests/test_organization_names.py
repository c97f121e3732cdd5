"""A partner organization is one row however its name is typed: the same name in other
letter case or with other spacing is the same agency, and a second row for it would
split its members, its action steps and its place in the plan between two names. And
removing one says what its members lose."""

from __future__ import annotations

import html

import lxml.html
import pytest

from reentrykit.coalitions.models import PartnerOrganization
from reentrykit.core.models import AuditEntry
from reentrykit.testing import World

TAKEN = "This coalition already has an organization named “Riverton County Jail”"


@pytest.mark.parametrize(
    "name", ["riverton county jail", "Riverton  County   Jail", "RIVERTON COUNTY JAIL "]
)
def test_it_refuses_an_organization_named_like_another_but_for_case_or_spacing(
    name: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    before = PartnerOrganization.objects.count()
    response = signed_in(world.coordinator).post(
        "/c/riverton/organizations/", {"name": name, "sector": "advocacy"}
    )
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    assert TAKEN in doc.get_element_by_id("id_name_error").text_content()
    assert PartnerOrganization.objects.count() == before


def test_it_refuses_renaming_an_organization_to_a_case_variant_of_another(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.coordinator).post(
        f"/c/riverton/organizations/{world.provider.pk}/",
        {"name": "riverton county JAIL", "sector": world.provider.sector},
    )
    doc = lxml.html.fromstring(response.content)
    assert TAKEN in doc.get_element_by_id("id_name_error").text_content()
    world.provider.refresh_from_db()
    assert world.provider.name == "Second Chance Works"


def test_it_saves_a_name_with_its_inner_spacing_made_single(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    response = client.post(
        "/c/riverton/organizations/", {"name": "Riverton   Housing  Authority", "sector": "housing"}
    )
    assert response.status_code == 302
    assert PartnerOrganization.objects.filter(
        coalition=world.coalition, name="Riverton Housing Authority"
    ).exists()


def test_an_organization_may_change_the_case_of_its_own_name(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.coordinator).post(
        f"/c/riverton/organizations/{world.jail.pk}/",
        {"name": "RIVERTON County Jail", "sector": world.jail.sector},
    )
    assert response.status_code == 302
    world.jail.refresh_from_db()
    assert world.jail.name == "RIVERTON County Jail"


def test_another_coalition_may_use_the_same_name(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.outsider).post(
        "/c/elsewhere/organizations/", {"name": "riverton county jail", "sector": "advocacy"}
    )
    assert response.status_code == 302


def test_removing_an_organization_records_and_says_what_its_members_lose(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """Its members stay in the coalition without an organization: the trail records
    each of them, and the coordinator is told, instead of the change passing unseen."""
    response = signed_in(world.coordinator).post(
        f"/c/riverton/organizations/{world.provider.pk}/delete/", follow=True
    )
    page = html.unescape(response.content.decode())
    assert "Removed Second Chance Works: 1 member now has no organization." in page
    world.member_membership.refresh_from_db()
    assert world.member_membership.organization is None
    entry = AuditEntry.objects.get(
        model="coalitions.Membership",
        object_id=str(world.member_membership.pk),
        action="update",
    )
    assert entry.changes["organization_id"] == [world.provider.pk, None]
    assert entry.actor == world.coordinator
    world.invitation.refresh_from_db()
    assert world.invitation.organization is None
    assert AuditEntry.objects.filter(
        model="accounts.Invitation", object_id=str(world.invitation.pk), action="update"
    ).exists()


def test_an_organization_s_sector_is_chosen_not_assumed(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.coalitions.models import PartnerOrganization

    client = signed_in(world.coordinator)
    page = client.get("/c/riverton/organizations/").content.decode()
    select = page[page.index('name="sector"') :]
    assert (
        '<option value="" selected>Choose a sector</option>' in select[: select.index("</select>")]
    )
    response = client.post("/c/riverton/organizations/", {"name": "Lakeside Church", "sector": ""})
    assert response.context["form"].errors["sector"] == ["This field is required."]
    assert not PartnerOrganization.objects.filter(name="Lakeside Church").exists()
