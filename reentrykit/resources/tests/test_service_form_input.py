"""The service form: numbers, web addresses and phone numbers typed in odd forms are
refused with a message naming the field, and never reach the pages that add them up."""

from __future__ import annotations

import pytest

from reentrykit.resources.models import Service
from reentrykit.testing import World, page_words

NEW = "/c/riverton/resources/services/new/"
FIELDS = {
    "name": "Bridge housing",
    "provider": "Second Chance Works",
    "need": "housing",
    "setting": "community",
    "target_risk": "any",
    "evidence": "not_rated",
}


def _summary(response) -> str:  # type: ignore[no-untyped-def]
    words = page_words(response)
    return words[words.index("Please fix") :]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity_per_year", "1,200", "People it can serve a year: Enter a whole number."),
        (
            "capacity_per_year",
            "5000000000000000000",
            "People it can serve a year: Enter 10000000 or less.",
        ),
        (
            "served_last_year",
            "99999999999",
            "People it served last year: Enter 10000000 or less.",
        ),
        ("url", "see our flyer", "Web address: Enter a valid URL."),
        ("phone", "call us", "Phone: Enter a phone number with its digits"),
        ("phone", "TBD", "Phone: Enter a phone number with its digits"),
        ("phone", "Call 555 after noon", "Phone: Enter a phone number with its digits"),
        ("phone", "555-0100 or 555-0199", "Phone: Enter a phone number with its digits"),
    ],
)
def test_odd_input_is_refused_naming_the_field(
    world: World, signed_in, field: str, value: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(NEW, {**FIELDS, field: value})
    assert response.status_code == 200
    assert message in _summary(response)
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    "phone", ["(555) 010-0100 ext. 12", "+1 555 010 0100", "211", "555.0100", "555-0100 x12"]
)
def test_phone_numbers_in_their_usual_forms_are_taken(world: World, signed_in, phone: str) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(NEW, {**FIELDS, "phone": phone})
    assert response.status_code == 302
    assert Service.objects.get().phone == phone


def test_capacities_typed_too_large_do_not_break_the_needs_page(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    for name in ("Bridge housing", "Recovery residence"):
        client.post(NEW, {**FIELDS, "name": name, "capacity_per_year": "5000000000000000000"})
    assert client.get("/c/riverton/resources/needs/").status_code == 200


@pytest.mark.parametrize("typed", ["None", "none.", "N/A", "n/a", "-", "No restrictions"])
def test_record_restrictions_typed_as_none_leave_the_service_open_to_high_risk(
    world: World, signed_in, typed: str
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.core.access import as_viewer
    from reentrykit.resources.estimates import needs_against_capacity

    client = signed_in(world.member)
    fields = {**FIELDS, "capacity_per_year": "30", "record_restrictions": typed}
    assert client.post(NEW, fields).status_code == 302
    assert Service.objects.get().record_restrictions == ""
    housing = next(
        row
        for row in needs_against_capacity(as_viewer(world.coalition)).rows
        if row.key == "housing"
    )
    assert housing.open_to_high_risk == 30
    assert "Record restrictions" not in page_words(client.get("/c/riverton/resources/"))


def test_a_service_listed_twice_by_one_provider_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Twice on the list, its places would count twice against the need; another
    provider's service of the same name is its own."""
    client = signed_in(world.member)
    assert client.post(NEW, FIELDS).status_code == 302
    again = {**FIELDS, "name": " bridge HOUSING", "provider": "second chance works "}
    response = client.post(NEW, again)
    assert response.status_code == 200
    assert (
        "Name: The coalition already lists “bridge HOUSING” from second chance works; "
        "edit that one instead." in _summary(response)
    )
    assert Service.objects.count() == 1
    other = client.post(NEW, {**FIELDS, "provider": "County Housing Authority"})
    assert other.status_code == 302 and Service.objects.count() == 2
    # Saving the first again (its own name) is not a clash with itself.
    first = Service.objects.get(provider="Second Chance Works")
    edit = client.post(f"/c/riverton/resources/services/{first.pk}/", FIELDS)
    assert edit.status_code == 302
