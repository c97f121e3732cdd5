"""The published directory's HSDS 3.0 feed keeps to the HSDS 3.0 service schema's
required fields and types, so that a referral tool validating it accepts it: also for
services with odd data (missing optional fields, accents, line breaks, web addresses
with characters a URI must escape); and the published page keeps their line breaks."""

from __future__ import annotations

import re
import uuid

import jsonschema
from django.test import Client

from reentrykit.resources.models import Service
from reentrykit.testing import World, api_headers

# The parts of Open Referral HSDS 3.0's schema/service.json (with organization.json,
# phone.json, service_capacity.json and unit.json) that the feed fills: required fields
# and their JSON types.
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
        "capacities": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "unit", "available", "updated"],
                "properties": {
                    "id": UUID,
                    "service_id": UUID,
                    "unit": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {"id": UUID, "name": {"type": "string"}},
                    },
                    "available": {"type": "number"},
                    "maximum": {"type": "number"},
                    "description": {"type": "string"},
                    "updated": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}


# An absolute URI of RFC 3986: a scheme, then only the characters a URI may hold, each
# "%" starting an escape of two hex digits. The format checker installed checks nothing
# for "uri", so the rule is written out here.
URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+"
)
checker = jsonschema.FormatChecker()


@checker.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or URI.fullmatch(value) is not None


# An RFC 3339 date-time: a date, "T", a time and an offset ("Z" or +hh:mm); nor is this
# format checked by what is installed.
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@checker.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or DATE_TIME.fullmatch(value) is not None


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
    validator = jsonschema.Draft202012Validator(HSDS_SERVICE, format_checker=checker)
    return [
        f"{entry['name']}: {error.json_path}: {error.message}"
        for entry in feed
        for error in validator.iter_errors(entry)
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
    Service.objects.create(
        coalition=world.coalition,
        name="Maison d'accueil",
        provider="Œuvre Sainte-Thérèse",
        need="housing",
        capacity_per_year=24,
        served_last_year=30,
    )
    # A capacity but no count of last year's: nothing to say is available.
    Service.objects.create(
        coalition=world.coalition,
        name="Tutoring",
        provider="Works",
        need="education",
        capacity_per_year=40,
    )
    feed = client.get(
        "/api/v1/coalitions/riverton/services", headers=api_headers(world.viewer)
    ).json()
    assert len(feed) == 4
    assert _problems(feed) == []
    capacities = {entry["name"]: entry["capacities"] for entry in feed}
    # Over-full last year: no place left, not a negative count.
    assert [(c["maximum"], c["available"]) for c in capacities["Maison d'accueil"]] == [(24, 0)]
    assert capacities["Tutoring"] == []


def _publish(world: World) -> None:
    world.coalition.publish_directory = True
    world.coalition.save()


def test_web_addresses_with_accents_or_unsafe_characters_are_given_as_uris(
    world: World,
) -> None:
    Service.objects.create(
        coalition=world.coalition,
        name="Educación para adultos",
        provider="Centro Latino",
        need="education",
        url="https://centro.example/servicios/educación?nivel=básico",
    )
    Service.objects.create(
        coalition=world.coalition,
        name="Café de empleo",
        provider="Œuvre Sainte-Thérèse",
        need="employment",
        url="https://empleo-café.example/a|b",
    )
    _publish(world)
    feed = Client().get("/p/riverton/services.json").json()
    assert _problems(feed) == []
    urls = {entry["name"]: entry["url"] for entry in feed}
    assert urls == {
        "Educación para adultos": (
            "https://centro.example/servicios/educaci%C3%B3n?nivel=b%C3%A1sico"
        ),
        "Café de empleo": "https://xn--empleo-caf-k7a.example/a%7Cb",
    }


def test_the_feed_is_valid_hsds_for_odd_services_and_only_the_coalitions_own(
    world: World,
) -> None:
    Service.objects.create(
        coalition=world.coalition,
        name="Maison d'accueil\nSaint-Éloi",
        provider="Œuvre Sainte-Thérèse",
        need="housing",
        description="Beds for men.\nBring your release papers.",
        eligibility="Adults\r\nleaving the county jail",
        phone="(555) 010-0100 ext. 12",
        url="https://example.test/maison",
        capacity_per_year=24,
        served_last_year=30,
        address="12 Rue de l'Église\nRiverton",
    )
    # Nothing but what a service must have.
    Service.objects.create(
        coalition=world.coalition, name="Job club", provider="Works", need="employment"
    )
    Service.objects.create(
        coalition=world.other, name="Their shelter", provider="P", need="housing"
    )
    assert Client().get("/p/riverton/services.json").status_code == 404  # not yet published
    _publish(world)
    feed = Client().get("/p/riverton/services.json").json()
    assert _problems(feed) == []
    assert [entry["name"] for entry in feed] == ["Job club", "Maison d'accueil\nSaint-Éloi"]
    maison = feed[1]
    assert maison["description"] == "Beds for men.\nBring your release papers."
    assert maison["organization"]["name"] == "Œuvre Sainte-Thérèse"
    assert maison["phones"][0]["number"] == "(555) 010-0100 ext. 12"
    # How full a service ran last year stays with the coalition (the API gives it).
    assert maison["capacities"] == [] and "served_last_year" not in maison["reentrykit"]
    job_club = feed[0]
    assert "url" not in job_club and job_club["phones"] == [] and job_club["capacities"] == []
    assert uuid.UUID(job_club["id"]) and job_club["reentrykit"]["address"] == ""
    assert Client().get("/p/elsewhere/services.json").status_code == 404


def test_the_published_directory_keeps_the_line_breaks_of_a_description(world: World) -> None:
    Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="Second Chance Works",
        need="housing",
        description="Beds for men.\nBring your release papers.",
        eligibility="Adults leaving the county jail\nwithin 30 days of release",
    )
    _publish(world)
    page = Client().get("/p/riverton/services/").content.decode()
    assert "Beds for men.<br>Bring your release papers." in page
    assert "Adults leaving the county jail<br>within 30 days of release" in page
