"""The demo's published pages."""

from __future__ import annotations

import pytest
from django.test import Client

from reentrykit.core.audit import audit_actor
from reentrykit.core.demo import DemoWorld, seed_foundation
from reentrykit.public.demo import publish_first
from reentrykit.resources.demo import seed_services


@pytest.mark.django_db
def test_the_first_demo_coalition_publishes_its_pages() -> None:
    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_services(world)
        publish_first(world)
    anyone = Client()
    assert "Bridge housing beds" in anyone.get("/p/harlow-county/services/").content.decode()
    assert anyone.get("/p/harlow-county/scorecard/").status_code == 200
    assert anyone.get("/p/river-bend/").status_code == 404
