"""Every coalition- and network-scoped URL keeps outsiders and anonymous users out.

The URL patterns are read from the URL configuration, so a URL added by any app
is swept automatically; one whose path arguments the sweep cannot fill fails
until the app registers them in ``reentrykit.testing.SWEEP_KWARGS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from reentrykit.testing import SWEEP_KWARGS, World

_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def _walk(patterns: list, prefix: str = "") -> Iterator[str]:  # type: ignore[type-arg]
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _scoped_routes(scope: str) -> list[str]:
    return sorted(
        {route for route in _walk(get_resolver().url_patterns) if f"<slug:{scope}>" in route}
    )


def _fill(route: str, world: World) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in SWEEP_KWARGS:
            raise AssertionError(
                f"The access sweep cannot fill <{name}> in {route!r}: "
                "register it in reentrykit.testing.SWEEP_KWARGS"
            )
        return str(SWEEP_KWARGS[name](world))

    return "/" + _ARG.sub(value, route).replace("^", "").replace("$", "")


COALITION_ROUTES = _scoped_routes("coalition_slug")
NETWORK_ROUTES = _scoped_routes("network_slug")


def test_it_finds_the_coalition_and_network_routes() -> None:
    assert "c/<slug:coalition_slug>/" in COALITION_ROUTES
    assert "c/<slug:coalition_slug>/members/<int:membership_id>/" in COALITION_ROUTES
    assert "n/<slug:network_slug>/" in NETWORK_ROUTES


@pytest.mark.parametrize("route", COALITION_ROUTES + NETWORK_ROUTES)
def test_it_answers_the_outsider_with_404(route: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.outsider)
    # The outsider is a coordinator elsewhere but has no role in the world's network.
    url = _fill(route, world)
    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code == 404, url
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, url


@pytest.mark.parametrize("route", COALITION_ROUTES + NETWORK_ROUTES)
def test_it_sends_anonymous_users_to_sign_in(route: str, world: World, client) -> None:  # type: ignore[no-untyped-def]
    url = _fill(route, world)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("route", COALITION_ROUTES)
def test_it_keeps_a_coach_out_of_unassigned_coalitions(route: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    # The coach's network also holds the outsider's coalition, but the coach is not assigned there.
    client = signed_in(world.coach)
    url = _fill(route, world).replace(f"/c/{world.coalition.slug}/", f"/c/{world.other.slug}/", 1)
    assert client.get(url).status_code == 404, url
