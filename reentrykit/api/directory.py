"""The coalition's service directory in the Open Referral Human Services Data
Specification (HSDS 3.0) shape, so that referral tools can read it.

Each service carries HSDS's own fields (``id``, ``name``, ``description``, ``url``,
``status``, ``eligibility_description``, ``organization``, ``phones`` and its yearly
``capacities``); what HSDS has no field for (the need it meets, where it runs,
criminal-record restrictions, the risk level it is meant for, its evidence rating, the
yearly capacity and last year's count as entered) sits under ``reentrykit``. HSDS
identifiers are UUIDs: each is derived from the coalition and the record, so it stays
the same from one read to the next.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest
from django.utils.encoding import iri_to_uri, punycode
from ninja import Router, Schema

from reentrykit.api.schemas import COALITION, ERRORS
from reentrykit.core.access import get_coalition_for
from reentrykit.resources.models import Service

router = Router(tags=["directory"])
NAMESPACE = uuid.UUID("6f1f0a0e-4a57-4f0b-9d55-2f7b1c3f9a10")


class HsdsOrganization(Schema):
    id: str
    name: str
    description: str


class HsdsPhone(Schema):
    id: str
    number: str


class HsdsUnit(Schema):
    id: str
    name: str


class HsdsCapacity(Schema):
    id: str
    service_id: str
    available: int
    maximum: int
    unit: HsdsUnit
    description: str
    updated: str


class ReentryFields(Schema):
    need: str
    setting: str
    record_restrictions: str
    target_risk: str
    evidence_rating: str
    annual_spending: float | None
    address: str
    capacity_per_year: int | None
    served_last_year: int | None


class HsdsService(Schema):
    id: str
    organization_id: str
    name: str
    description: str
    # HSDS types the web address as a string: a service without one leaves it out.
    url: str | None = None
    status: str
    eligibility_description: str
    organization: HsdsOrganization
    phones: list[HsdsPhone]
    capacities: list[HsdsCapacity]
    reentrykit: ReentryFields


def _id(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def _uri(address: str) -> str:
    """A web address as HSDS types it, a URI: ASCII only. The form takes addresses with
    accents (and characters such as "|"), which a referral tool checking the URI format
    refuses: the host goes to its punycode form, the rest is percent-encoded."""
    parts = urlsplit(address)
    # A host IDNA cannot encode stays as typed, percent-encoded below.
    with contextlib.suppress(UnicodeError):
        parts = parts._replace(netloc=punycode(parts.netloc))
    return iri_to_uri(urlunsplit(parts))


def hsds_service(service: Service) -> dict[str, Any]:
    slug = service.coalition.slug
    service_id = _id(slug, "service", service.pk)
    organization_id = _id(slug, "organization", service.provider.casefold())
    phones = [{"id": _id(slug, "phone", service.pk), "number": service.phone}]
    capacity, served = service.capacity_per_year, service.served_last_year
    capacities = []
    # HSDS requires a capacity's "available": here, the places of a year that last
    # year's count left unused. Without that count it cannot be stated, so the
    # capacity is given under "reentrykit" alone rather than with a made-up figure.
    if capacity is not None and served is not None:
        capacities.append(
            {
                "id": _id(slug, "capacity", service.pk),
                "service_id": service_id,
                "available": max(capacity - served, 0),
                "maximum": capacity,
                "unit": {"id": _id("unit", "people-a-year"), "name": "people a year"},
                "description": (
                    "People the service can serve in a year (maximum), and the places "
                    "left unused last year (available)."
                ),
                "updated": service.updated_at.isoformat(timespec="milliseconds"),
            }
        )
    spending = service.annual_spending
    entry: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization_id,
        "name": service.name,
        "description": service.description,
        "status": "active",
        "eligibility_description": service.eligibility,
        "organization": {"id": organization_id, "name": service.provider, "description": ""},
        "phones": phones if service.phone else [],
        "capacities": capacities,
        "reentrykit": {
            "need": service.need,
            "setting": service.setting,
            "record_restrictions": service.record_restrictions,
            "target_risk": service.target_risk,
            "evidence_rating": service.evidence,
            "annual_spending": float(spending) if spending is not None else None,
            "address": service.address,
            "capacity_per_year": capacity,
            "served_last_year": served,
        },
    }
    if service.url:  # HSDS types it as a string (a URI): absent, not null, when there is none
        entry["url"] = _uri(service.url)
    return entry


@router.get(
    COALITION + "/services",
    response={200: list[HsdsService], **ERRORS},
    url_name="services",
    operation_id="services",
    exclude_unset=True,
    summary="The service directory in HSDS 3.0 shape",
)
def services(request: HttpRequest, coalition_slug: str) -> Any:
    """Every service in the coalition's directory, in the order of its pages."""
    access = get_coalition_for(request, coalition_slug)
    listed = Service.objects.filter(coalition=access.coalition).select_related("coalition")
    return [hsds_service(service) for service in listed]
