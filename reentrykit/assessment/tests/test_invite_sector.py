"""A member without an organization is invited with the sector chosen for them, never
with one the form happened to start at: the consensus counts ratings by sector."""

from __future__ import annotations

import html
import re

from reentrykit.assessment import services
from reentrykit.assessment.models import Respondent
from reentrykit.coalitions.models import Membership
from reentrykit.testing import World


def test_it_asks_for_the_sector_of_a_member_without_an_organization(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.filter(user=world.member).update(organization=None)
    round_ = services.round_open(
        coalition=world.coalition, name="Baseline", version="1", opened_by=world.coordinator
    )
    client = signed_in(world.coordinator)
    url = f"/c/riverton/assess/rounds/{round_.pk}/respondents/"
    page = client.get(url).content.decode()
    field = f"sector_{world.member.pk}"
    select = page[page.index(f'name="{field}"') :]
    select = select[: select.index("</select>")]
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select)
    assert options[0] == ("", " selected"), "the sector starts at a guess"
    assert [value for value, selected in options if selected] == [""]

    response = client.post(url, {f"invite_{world.member.pk}": "on", field: ""})
    assert response.context["form"].errors == {
        field: ["Choose the sector Morgan Member speaks for, or leave them unticked."]
    }
    page = html.unescape(response.content.decode())
    assert f'id="id_{field}_error"' in page
    assert "Sector for Morgan Member: Choose the sector Morgan Member speaks for" in page
    assert not Respondent.objects.filter(round=round_).exists()

    client.post(url, {f"invite_{world.member.pk}": "on", field: "lived_experience"})
    assert Respondent.objects.get(round=round_).sector == "lived_experience"


def test_a_person_who_cannot_be_invited_changes_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    round_ = services.round_open(
        coalition=world.coalition, name="Baseline", version="1", opened_by=world.coordinator
    )
    services.respondent_add(round_=round_, user=world.coordinator, sector="jail_administration")
    client = signed_in(world.coordinator)
    url = f"/c/riverton/assess/rounds/{round_.pk}/respondents/"
    member = {f"invite_{world.member.pk}": "on", f"sector_{world.member.pk}": "lived_experience"}
    # Invited in another tab since the page was drawn, and an id no member has.
    for stale in (world.coordinator.pk, 99999):
        response = client.post(url, {**member, f"invite_{stale}": "on"})
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "Someone you ticked can no longer be invited" in page
        assert list(Respondent.objects.filter(round=round_).values_list("user", flat=True)) == [
            world.coordinator.pk
        ]
