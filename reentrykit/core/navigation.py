"""The per-coalition side navigation, in the toolkit's order.

Each module registers its section; an entry shows only to roles that may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from reentrykit.core.access import Capability, CoalitionAccess


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    order: int
    capability: Capability = Capability.VIEW
    # URL-name prefixes that mark this entry as the current section.
    sections: tuple[str, ...] = ()
    # The section's other pages (label, URL name), listed under it while it is current.
    pages: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool
    pages: tuple[NavLink, ...] = ()


_items: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    _items[item.key] = item


def nav_for(access: CoalitionAccess, current_url_name: str) -> list[NavLink]:
    links = []
    for item in sorted(_items.values(), key=lambda entry: entry.order):
        if not access.can(item.capability):
            continue
        url = reverse(item.url_name, kwargs={"coalition_slug": access.coalition.slug})
        current = current_url_name == item.url_name or any(
            current_url_name.startswith(prefix) for prefix in item.sections
        )
        pages = tuple(
            NavLink(
                label,
                reverse(name, kwargs={"coalition_slug": access.coalition.slug}),
                current_url_name == name,
            )
            for label, name in (item.pages if current else ())
        )
        links.append(NavLink(item.label, url, current, pages))
    return links
