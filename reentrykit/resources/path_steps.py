"""The "map your resources" step of the toolkit path: list the services people leaving
custody can use, with their capacity, and set them against the needs."""

from __future__ import annotations

from reentrykit.coalitions.models import Coalition
from reentrykit.core.path import (
    PathStep,
    StepState,
    exists_each,
    register_step,
    state_from_checks,
)
from reentrykit.library.starting_texts import for_step
from reentrykit.resources.models import MapCell, Service


def resources_step_state(coalition: Coalition) -> StepState:
    services = Service.objects.filter(coalition=coalition)
    found = exists_each(
        coalition,
        listed=services,
        unsized=services.filter(capacity_per_year__isnull=True),
        mapped=MapCell.objects.filter(coalition=coalition),
    )
    checks = [
        ("Services listed in the directory", found["listed"]),
        ("Each service's yearly capacity entered", found["listed"] and not found["unsized"]),
        ("The reentry map started", found["mapped"]),
    ]
    return state_from_checks(checks)


register_step(
    PathStep(
        key="resources",
        order=40,
        title="Map your resources",
        help=(
            "List the services people leaving custody can use: who runs them, who "
            "qualifies and how many they can serve. Set them against the needs your data "
            "shows, and map where people meet them on the way home, to find the gaps "
            "worth making priorities."
        ),
        url_name="resources:directory",
        documents=for_step("resource_guide"),
        state=resources_step_state,
    )
)
