from __future__ import annotations

import re

import lxml.html
import pytest

from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization
from reentrykit.testing import World

MANAGE_PAGES = ["settings/", "members/", "organizations/", "invitations/"]


@pytest.mark.parametrize("role", ["member", "viewer", "steward", "coach"])
@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_it_forbids_management_pages_to_other_roles(
    role: str, page: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(getattr(world, role)).get(f"/c/riverton/{page}").status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "member", "viewer", "steward", "coach"])
def test_it_shows_the_home_path_to_every_role(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(getattr(world, role)).get("/c/riverton/")
    assert response.status_code == 200
    assert b'id="step-coalition"' in response.content


def test_the_coalition_step_follows_the_data(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    before = client.get("/c/riverton/").content.decode()
    assert "Mission statement written" in before
    assert "rk-path__step--in_progress" in before
    Coalition.objects.filter(pk=world.coalition.pk).update(mission_statement="Home for good.")
    after = client.get("/c/riverton/").content.decode()
    assert "rk-path__step--complete" in after


@pytest.mark.parametrize(
    ("k", "problem"),
    [("3", "Enter 5 or more."), ("99999", "Enter 100 or less.")],
)
def test_it_refuses_a_suppression_threshold_below_five_or_above_a_hundred(
    world: World, signed_in, k: str, problem: str
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    response = client.post(
        "/c/riverton/settings/",
        {
            "name": "Renamed",
            "jurisdiction_type": "county",
            "state": "OH",
            "suppression_k": k,
            "priority_method": "score",
        },
    )
    assert response.status_code == 200
    assert b"error-summary" in response.content
    assert list(response.context["form"].errors) == ["suppression_k"]
    assert problem in response.context["form"].errors["suppression_k"][0]
    world.coalition.refresh_from_db()
    assert (world.coalition.suppression_k, world.coalition.name) == (
        11,
        "Riverton County Reentry Coalition",
    )


def test_it_keeps_the_last_coordinator(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    membership = Membership.objects.get(user=world.coordinator, coalition=world.coalition)
    client.post(f"/c/riverton/members/{membership.pk}/remove/")
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(f"/c/riverton/members/{membership.pk}/", {"role": "member"})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "coordinator"


def test_a_deactivated_coordinator_does_not_count_as_another(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A deactivated account cannot sign in: removing the one active coordinator would
    leave nobody to manage the coalition."""
    from reentrykit.accounts.services import user_create
    from reentrykit.coalitions.services import membership_create

    gone = user_create(email="gone@riverton.test", full_name="Gone Coordinator")
    membership_create(coalition=world.coalition, user=gone, role="coordinator")
    gone.is_active = False
    gone.save()
    client = signed_in(world.coordinator)
    own = Membership.objects.get(user=world.coordinator, coalition=world.coalition)
    response = client.post(f"/c/riverton/members/{own.pk}/remove/", follow=True)
    assert "at least one coordinator who can sign in" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()
    client.post(f"/c/riverton/members/{own.pk}/", {"role": "member"})
    own.refresh_from_db()
    assert own.role == "coordinator"


def test_a_coordinator_changes_a_members_role(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    url = f"/c/riverton/members/{world.member_membership.pk}/"
    assert client.post(url, {"role": "viewer", "organization": world.jail.pk}).status_code == 302
    world.member_membership.refresh_from_db()
    assert (world.member_membership.role, world.member_membership.organization) == (
        "viewer",
        world.jail,
    )


def test_it_switches_coalitions_only_within_the_users_own(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    assert client.get("/switch/?coalition=riverton")["Location"] == "/c/riverton/"
    assert client.get("/switch/?coalition=elsewhere").status_code == 404


def test_the_switcher_lists_only_the_users_coalitions(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    content = signed_in(world.coordinator).get("/c/riverton/").content
    assert b"Riverton County Reentry Coalition" in content
    assert b"Elsewhere City" not in content


def test_the_home_page_query_count_is_pinned(
    world: World, signed_in, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    # 20 for the path, and a few for what needs attention in the plan (not per step).
    with django_assert_max_num_queries(24):
        client.get("/c/riverton/")


@pytest.mark.parametrize("role", ["coordinator", "member", "viewer", "steward", "coach"])
def test_every_home_page_link_opens_for_its_reader(role: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    content = client.get("/c/riverton/").content.decode()
    links = set(re.findall(r'href="(/c/riverton/[^"#?]*)', content))
    assert "/c/riverton/coalition/" in links
    statuses = {link: client.get(link).status_code for link in links}
    assert {link: status for link, status in statuses.items() if status != 200} == {}


DUPLICATE = "This coalition already has an organization named “Riverton County Jail”"


def test_a_duplicate_organization_name_is_refused_on_the_name_field(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    before = PartnerOrganization.objects.count()
    response = client.post(
        "/c/riverton/organizations/", {"name": " Riverton County Jail ", "sector": "advocacy"}
    )
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    assert DUPLICATE in doc.get_element_by_id("id_name_error").text_content()
    assert doc.xpath("//*[@id='error-summary']//a/@href") == ["#id_name"]
    assert "Partner organization with this" not in response.content.decode()
    assert PartnerOrganization.objects.count() == before


def test_renaming_an_organization_to_a_taken_name_is_refused_on_the_name_field(
    world: World,
    signed_in,  # type: ignore[no-untyped-def]
) -> None:
    client = signed_in(world.coordinator)
    response = client.post(
        f"/c/riverton/organizations/{world.provider.pk}/",
        {"name": "Riverton County Jail", "sector": world.provider.sector},
    )
    doc = lxml.html.fromstring(response.content)
    assert DUPLICATE in doc.get_element_by_id("id_name_error").text_content()
    world.provider.refresh_from_db()
    assert world.provider.name != "Riverton County Jail"
    # Saving an organization under its own name is not a clash.
    unchanged = {"name": world.jail.name, "sector": world.jail.sector}
    assert client.post(f"/c/riverton/organizations/{world.jail.pk}/", unchanged).status_code == 302


def test_the_home_page_lists_what_needs_attention_in_the_plan(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from reentrykit.planning.models import ActionStep, Goal, Priority, QualityCheck

    client = signed_in(world.viewer)
    assert "Needs attention" not in client.get("/c/riverton/").content.decode()
    goal = Goal.objects.create(
        priority=Priority.objects.create(coalition=world.coalition, title="Jobs"),
        statement="Jobs within 90 days",
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for description in ("Hire a navigator", "Sign the MOU"):
        ActionStep.objects.create(goal=goal, description=description, due_on=yesterday)
    QualityCheck.objects.create(coalition=world.coalition, what="Case plans", every_months=3)
    page = client.get("/c/riverton/").content.decode()
    assert "Needs attention in the plan" in page
    assert "2 action steps past their due date" in page
    assert "1 quality check due" in page
    assert "without a status report" not in page  # no goal has reported yet
