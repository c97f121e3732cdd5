"""The demo seed's service directories."""

from __future__ import annotations

import pytest

from reentrykit.core.audit import audit_actor
from reentrykit.core.demo import DemoWorld, seed_foundation
from reentrykit.resources.demo import DEMO_FUNDING, DEMO_MAP, DEMO_SERVICES, seed_services
from reentrykit.resources.models import FundingSource, MapCell, Service


@pytest.mark.django_db
def test_each_demo_coalition_gets_its_services_once() -> None:
    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_services(world)
        seed_services(world)
    assert Service.objects.count() == 5 * len(DEMO_SERVICES)
    assert FundingSource.objects.count() == 5 * len(DEMO_FUNDING)
    assert MapCell.objects.count() == 5 * len(DEMO_MAP)
    for coalition in world.coalitions.values():
        providers = set(
            Service.objects.filter(coalition=coalition).values_list("provider", flat=True)
        )
        # Each service is run by one of the coalition's own partners.
        assert providers <= {org.name for org in coalition.organizations.all()}
