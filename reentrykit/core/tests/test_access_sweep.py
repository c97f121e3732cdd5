"""Every coalition- and network-scoped URL keeps outsiders and anonymous users out.

The URL patterns are read from the URL configuration, so a URL added by any app
is swept automatically; one whose path arguments the sweep cannot fill fails
until the app registers them in ``reentrykit.testing.SWEEP_KWARGS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
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


API_PREFIX = "api/"
# The pages a coalition publishes for anyone (reentrykit.public): swept apart, since
# anonymous readers are their audience once they are published.
PUBLIC_PREFIX = "p/"


def _scoped_routes(scope: str) -> list[str]:
    """The web pages under ``scope``; the API's routes are swept apart (bearer tokens),
    and so are the published pages."""
    return sorted(
        {
            route
            for route in _walk(get_resolver().url_patterns)
            if f"<slug:{scope}>" in route and not route.startswith((API_PREFIX, PUBLIC_PREFIX))
        }
    )


PUBLIC_ROUTES = sorted(
    route for route in _walk(get_resolver().url_patterns) if route.startswith(PUBLIC_PREFIX)
)


@pytest.mark.parametrize("route", PUBLIC_ROUTES)
def test_a_published_page_is_not_found_until_it_is_published(
    route: str, world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    url = _fill(route, world)
    assert Client().get(url).status_code == 404, url
    # Not even the coalition's own coordinator reads it there before it is published.
    assert signed_in(world.coordinator).get(url).status_code == 404, url


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
    assert PUBLIC_ROUTES == [
        "p/<slug:coalition_slug>/",
        "p/<slug:coalition_slug>/scorecard/",
        "p/<slug:coalition_slug>/services.json",
        "p/<slug:coalition_slug>/services/",
    ]
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


# -- the API: bearer tokens, JSON answers --------------------------------------------------

API_ROUTES = sorted(
    route
    for route in _walk(get_resolver().url_patterns)
    if route.startswith(API_PREFIX) and "<slug:coalition_slug>" in route
)


def _api_operations() -> list[tuple[str, str, bool]]:
    """(method, route, whether it needs more than its path) of every coalition-scoped
    API operation, from the OpenAPI description; each must match a URL route."""
    from reentrykit.api.api import api

    schema = api.get_openapi_schema(path_prefix="/" + API_PREFIX + "v1/")
    operations = []
    for path, methods in schema["paths"].items():
        if "{coalition_slug}" not in path:
            continue
        matching = [r for r in API_ROUTES if _ARG.sub(r"{\g<name>}", "/" + r) == path]
        assert matching, f"{path} of the OpenAPI description has no URL route"
        for method, operation in methods.items():
            needs_input = bool(operation.get("requestBody", {}).get("required")) or any(
                p["in"] != "path" and p.get("required") for p in operation.get("parameters", [])
            )
            operations.append((method.upper(), matching[0], needs_input))
    return sorted(operations)


API_OPERATIONS = _api_operations()


def test_it_finds_the_api_routes() -> None:
    assert {route for _, route, _ in API_OPERATIONS} == set(API_ROUTES)
    assert ("POST", "api/v1/coalitions/<slug:coalition_slug>/data/imports", True) in API_OPERATIONS


@pytest.mark.parametrize(("method", "route", "needs_input"), API_OPERATIONS)
def test_the_api_answers_outsiders_as_for_no_coalition(
    method: str, route: str, needs_input: bool, world: World, client
) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.testing import api_headers

    url = _fill(route, world)

    def ask(slug: str, user) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
        scoped = url.replace(f"/{world.coalition.slug}/", f"/{slug}/", 1)
        answer = client.generic(method, scoped, headers=api_headers(user))
        return answer.status_code, answer.content

    outsider = ask(world.coalition.slug, world.outsider)
    # Parameters and bodies an operation needs are missing here, so it may be refused
    # (422) before the coalition is looked at; either way the answer must not tell a
    # coalition the user is not in from one that does not exist.
    assert outsider[0] in ((404, 422) if needs_input else (404,)), url
    assert outsider == ask("nowhere", world.outsider), url
    # The coach's network holds the other coalition, but the coach is not assigned there.
    assert outsider == ask(world.other.slug, world.coach), url


@pytest.mark.parametrize(("method", "route", "needs_input"), API_OPERATIONS)
def test_the_api_wants_a_token_not_a_session(
    method: str, route: str, needs_input: bool, world: World, client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    url = _fill(route, world)
    assert client.generic(method, url).status_code == 401, url
    steward = signed_in(world.steward)
    assert steward.generic(method, url).status_code == 401, url
