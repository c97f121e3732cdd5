"""The reentry map (the assessment's component 1.2): the justice system's decision
points crossed with the service systems people need on the way home, each cell saying
what happens there now and whether it is a gap, beside the coalition's own counts at
each point and the directory's services that work there. Gaps can become candidate
priorities (the opportunities for improvement of component 1.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reentrykit.core.access import CoalitionAccess
from reentrykit.core.suppression import Disclosed
from reentrykit.metrics import selectors as measures
from reentrykit.resources.models import DECISION_POINTS, SYSTEMS, MapCell, Service


@dataclass(frozen=True)
class Point:
    key: str
    label: str
    # How a cell's title says where: "Housing at release".
    where: str
    # The population flow's rows counted at this point (metrics.flows).
    flow_keys: tuple[str, ...] = ()
    # Where the directory's services that work at this point are delivered.
    settings: tuple[str, ...] = ()


POINTS = (
    Point("arrest", DECISION_POINTS["arrest"], "at arrest", ("arrests",)),
    Point("booking", DECISION_POINTS["booking"], "at booking", ("bookings",)),
    Point("pretrial", DECISION_POINTS["pretrial"], "before trial"),
    Point("sentencing", DECISION_POINTS["sentencing"], "at sentencing"),
    Point(
        "custody",
        DECISION_POINTS["custody"],
        "in custody",
        ("assessed", "in_program"),
        ("pre_release", "both"),
    ),
    Point("release", DECISION_POINTS["release"], "at release", ("releases", "cohort"), ("both",)),
    Point(
        "supervision",
        DECISION_POINTS["supervision"],
        "in the community",
        ("on_supervision", "rearrested_one_year"),
        ("community", "both"),
    ),
)
POINT_BY_KEY = {point.key: point for point in POINTS}
FLOW_LABELS = {
    "arrests": "Arrests",
    "bookings": "Bookings",
    "assessed": "Assessed before release",
    "in_program": "In a program",
    "releases": "Releases",
    "cohort": "People released",
    "on_supervision": "On supervision",
    "rearrested_one_year": "Rearrested within a year",
}


@dataclass
class Cell:
    point: Point
    system: str
    record: MapCell | None = None
    services: list[Service] = field(default_factory=list)

    @property
    def system_label(self) -> str:
        return SYSTEMS[self.system]

    @property
    def title(self) -> str:
        return gap_label(f"{self.point.key}.{self.system}")

    @property
    def status(self) -> str:
        return self.record.status if self.record else ""


@dataclass
class Row:
    point: Point
    cells: list[Cell]
    # The counts at this point: (index into the map's disclosed flow, label).
    flow_rows: list[tuple[int, str]]


@dataclass
class ReentryMap:
    rows: list[Row]
    flow: Disclosed | None
    cohort_year: int | None

    @property
    def gaps(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells if cell.status == "gap"]

    @property
    def described(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.record is not None)


def gap_label(key: str) -> str:
    """The words for a gap keyed ``<point>.<system>`` (a candidate priority's key)."""
    point, _, system = key.partition(".")
    if not is_place(point, system):
        return key
    return f"{SYSTEMS[system]} {POINT_BY_KEY[point].where}"


def is_place(point: str, system: str) -> bool:
    return point in POINT_BY_KEY and system in SYSTEMS


def cell_at(access: CoalitionAccess, point: str, system: str) -> Cell:
    """One cell with its record (if described) and the services that work there."""
    place = POINT_BY_KEY[point]
    return Cell(
        place,
        system,
        MapCell.objects.filter(coalition=access.coalition, point=point, system=system).first(),
        [s for s in _services(access).filter(need=system) if works_at(s, place, system)],
    )


def works_at(service: Service, point: Point, system: str) -> bool:
    """Whether the directory's ``service`` belongs in the cell of ``point`` and ``system``."""
    return service.need == system and service.setting in point.settings


def reentry_map(access: CoalitionAccess) -> ReentryMap:
    """The whole grid for the reader, with the latest counts disclosed for them."""
    records = {(c.point, c.system): c for c in MapCell.objects.filter(coalition=access.coalition)}
    services = list(_services(access))
    payload = measures.latest_payload(access.coalition, "flow", "latest_complete_year") or {}
    flow = measures.flow(access, payload) if payload.get("flow") else None
    index_of = {row["key"]: i for i, row in enumerate(flow.rows)} if flow else {}
    rows = [
        Row(
            point,
            [
                Cell(
                    point,
                    system,
                    records.get((point.key, system)),
                    [s for s in services if works_at(s, point, system)],
                )
                for system in SYSTEMS
            ],
            [(index_of[key], FLOW_LABELS[key]) for key in point.flow_keys if key in index_of],
        )
        for point in POINTS
    ]
    return ReentryMap(rows, flow, payload.get("latest_complete_year"))


def _services(access: CoalitionAccess) -> Any:
    return Service.objects.filter(coalition=access.coalition).order_by("name", "id")
