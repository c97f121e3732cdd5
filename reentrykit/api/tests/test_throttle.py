"""A token's requests are limited, and the answer past the limit says when to retry."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from reentrykit.testing import World, api_headers

JOBS = "/api/v1/coalitions/riverton/data/jobs/999999"


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    cache.clear()


def test_a_token_past_its_limit_gets_429_until_the_period_ends(
    world: World, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_LIMIT = "3/m"
    headers = api_headers(world.steward)
    statuses = [client.get(JOBS, headers=headers).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    refused = client.get(JOBS, headers=headers)
    assert refused.json() == {"detail": "Too many requests."}
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another token, even the same user's, has its own count.
    assert client.get(JOBS, headers=api_headers(world.steward)).status_code == 404


def test_concurrent_requests_keep_their_counts_apart(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.api.auth import TokenRateThrottle
    from reentrykit.api.services import token_create

    settings.API_RATE_LIMIT = "1/m"
    throttle = TokenRateThrottle()
    first, _ = token_create(user=world.steward, name="a", lifetime_days=30, second_factor=True)
    second, _ = token_create(user=world.member, name="b", lifetime_days=30, second_factor=True)
    request = type("Request", (), {"auth": first, "META": {}})()
    assert throttle.allow_request(request) and not throttle.allow_request(request)
    seen: dict[str, object] = {}

    def other_thread() -> None:
        other = type("Request", (), {"auth": second, "META": {}})()
        seen["allowed"] = throttle.allow_request(other)
        seen["history"] = len(throttle.history)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen == {"allowed": True, "history": 1}
    # This thread's refused request keeps its own key and history (for Retry-After).
    assert throttle.key.endswith(first.token_hash) and len(throttle.history) == 1
    assert 0 < throttle.wait() <= 60


def test_requests_without_a_valid_token_are_refused_before_counting(
    world: World, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_LIMIT = "1/m"
    bad = {"Authorization": "Bearer not-a-token"}
    assert [client.get(JOBS, headers=bad).status_code for _ in range(3)] == [401] * 3


def test_a_malformed_rate_setting_is_refused_with_its_name(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from config.env import env_rate

    monkeypatch.setenv("REENTRYKIT_API_RATE_LIMIT", "lots")
    with pytest.raises(ImproperlyConfigured, match="REENTRYKIT_API_RATE_LIMIT"):
        env_rate("REENTRYKIT_API_RATE_LIMIT", "120/m")
    monkeypatch.setenv("REENTRYKIT_API_RATE_LIMIT", "30/h")
    assert env_rate("REENTRYKIT_API_RATE_LIMIT", "120/m") == "30/h"
