"""The published directory's HSDS 3.0 feed keeps to the HSDS 3.0 service schema's
required fields and types, so that a referral tool validating it accepts it."""

from __future__ import annotations

import jsonschema
from django.test import Client

from reentrykit.resources.models import Service
from reentrykit.testing import World, api_headers

# The parts of Open Referral HSDS 3.0's schema/service.json (with organization.json and
# phone.json) that the feed fills: required fields and their JSON types.
UUID = {"type": "string", "format": "uuid"}
HSDS_SERVICE = {
    "type": "object",
    "required": ["id", "name", "status"],
    "properties": {
        "id": UUID,
        "organization_id": {"type": "string"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
        "eligibility_description": {"type": "string"},
        "organization": {
            "type": "object",
            "required": ["id", "name", "description"],
            "properties": {
                "id": UUID,
                "name": {"type": "string"},
                "description": {"type": "string"},
            },
        },
        "phones": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "number"],
                "properties": {"id": UUID, "number": {"type": "string"}},
            },
        },
    },
}


def _services(world: World) -> None:
    Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        phone="555-0100",
        url="https://example.test/bridge",
    )
    # No web address: most of a directory's entries.
    Service.objects.create(
        coalition=world.coalition, name="Job club", provider="Works", need="employment"
    )


def _problems(feed: list[dict]) -> list[str]:
    checker = jsonschema.Draft202012Validator(
        HSDS_SERVICE, format_checker=jsonschema.FormatChecker()
    )
    return [
        f"{entry['name']}: {error.json_path}: {error.message}"
        for entry in feed
        for error in checker.iter_errors(entry)
    ]


def test_the_published_feed_is_valid_hsds_3_for_a_service_without_a_web_address(
    world: World,
) -> None:
    _services(world)
    world.coalition.publish_directory = True
    world.coalition.save()
    anyone = Client()
    feed = anyone.get("/p/riverton/services.json").json()
    assert len(feed) == 2
    assert _problems(feed) == []
    assert anyone.get("/p/riverton/services.json").json() == feed  # ids stable


def test_the_api_directory_is_valid_hsds_3_for_a_service_without_a_web_address(
    world: World, client: Client
) -> None:
    _services(world)
    feed = client.get(
        "/api/v1/coalitions/riverton/services", headers=api_headers(world.viewer)
    ).json()
    assert len(feed) == 2
    assert _problems(feed) == []
