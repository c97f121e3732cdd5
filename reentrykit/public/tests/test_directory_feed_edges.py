"""The published directory's HSDS 3.0 feed, checked against what the HSDS 3.0 schema
requires for services with odd data: missing optional fields, accents, line breaks,
web addresses with characters a URI must escape; and the published page's text."""

from __future__ import annotations

import re
import uuid
from typing import Any

import jsonschema
from django.test import Client

from reentrykit.resources.models import Service
from reentrykit.testing import World

FEED = "/p/riverton/services.json"
UUID = {"type": "string", "format": "uuid"}
TEXT = {"type": "string"}
# HSDS 3.0 schema/service.json, organization.json, phone.json: the required fields and
# the types of the fields the feed fills.
HSDS_SERVICE = {
    "type": "object",
    "required": ["id", "name", "status"],
    "properties": {
        "id": UUID,
        "organization_id": TEXT,
        "name": TEXT,
        "description": TEXT,
        "url": {"type": "string", "format": "uri"},
        "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
        "eligibility_description": TEXT,
        "organization": {
            "type": "object",
            "required": ["id", "name", "description"],
            "properties": {"id": TEXT, "name": TEXT, "description": TEXT},
        },
        "phones": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "number"],
                "properties": {"id": TEXT, "number": TEXT},
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


def _problems(feed: list[dict[str, Any]]) -> list[str]:
    validator = jsonschema.Draft202012Validator(HSDS_SERVICE, format_checker=checker)
    return [
        f"{entry.get('name')}: {error.json_path}: {error.message}"
        for entry in feed
        for error in validator.iter_errors(entry)
    ]


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
    feed = Client().get(FEED).json()
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
        address="12 Rue de l'Église\nRiverton",
    )
    # Nothing but what a service must have.
    Service.objects.create(
        coalition=world.coalition, name="Job club", provider="Works", need="employment"
    )
    Service.objects.create(
        coalition=world.other, name="Their shelter", provider="P", need="housing"
    )
    assert Client().get(FEED).status_code == 404  # not yet published
    _publish(world)
    feed = Client().get(FEED).json()
    assert _problems(feed) == []
    assert [entry["name"] for entry in feed] == ["Job club", "Maison d'accueil\nSaint-Éloi"]
    maison = feed[1]
    assert maison["description"] == "Beds for men.\nBring your release papers."
    assert maison["organization"]["name"] == "Œuvre Sainte-Thérèse"
    assert maison["phones"][0]["number"] == "(555) 010-0100 ext. 12"
    assert maison["capacities"][0]["maximum"] == 24
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
