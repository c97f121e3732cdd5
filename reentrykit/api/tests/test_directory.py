"""The service directory through the API, in the HSDS 3.0 shape."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.test import Client

from reentrykit.resources.models import Service
from reentrykit.testing import World, api_headers

SERVICES = "/api/v1/coalitions/riverton/services"


def test_it_lists_the_directory_with_hsds_fields(world: World, client: Client) -> None:
    Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        capacity_per_year=30,
        served_last_year=18,
        annual_spending=Decimal("310000.50"),
        eligibility="Adults leaving the county jail",
        record_restrictions="No arson convictions",
        phone="555-0100",
        url="https://example.test/bridge",
    )
    Service.objects.create(
        coalition=world.coalition,
        name="Job club",
        provider="second chance works",
        need="employment",
    )
    Service.objects.create(coalition=world.other, name="Theirs", provider="P", need="family")
    first = client.get(SERVICES, headers=api_headers(world.viewer)).json()
    assert [entry["name"] for entry in first] == ["Job club", "Bridge housing"]  # by need
    housing = first[1]
    assert housing["status"] == "active"
    assert housing["eligibility_description"] == "Adults leaving the county jail"
    assert housing["organization"]["name"] == "Second Chance Works"
    assert [phone["number"] for phone in housing["phones"]] == ["555-0100"]
    [capacity] = housing["capacities"]
    assert (capacity["maximum"], capacity["available"]) == (30, 12)
    assert capacity["unit"]["name"] == "people a year"
    assert capacity["service_id"] == housing["id"]
    service = Service.objects.get(name="Bridge housing")
    assert dt.datetime.fromisoformat(capacity["updated"]) == service.updated_at.replace(
        microsecond=service.updated_at.microsecond // 1000 * 1000
    )
    assert housing["reentrykit"]["capacity_per_year"] == 30
    assert housing["reentrykit"]["served_last_year"] == 18
    assert housing["reentrykit"]["record_restrictions"] == "No arson convictions"
    assert housing["reentrykit"]["annual_spending"] == 310000.5
    # HSDS identifiers are UUIDs, the same on every read; one provider, one organization.
    uuid.UUID(housing["id"])
    assert housing["organization_id"] == first[0]["organization_id"]
    assert first[0]["phones"] == [] and first[0]["capacities"] == []
    assert client.get(SERVICES, headers=api_headers(world.viewer)).json() == first


def test_another_coalitions_directory_is_not_found(world: World, client: Client) -> None:
    response = client.get(SERVICES, headers=api_headers(world.outsider))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get(SERVICES).status_code == 401
