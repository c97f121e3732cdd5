from __future__ import annotations

import pytest
from django.test import Client

from reentrykit.testing import World, build_world, sign_in


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def signed_in(client: Client):  # type: ignore[no-untyped-def]
    """``signed_in(user)`` returns the test client signed in as that user, 2FA passed."""

    def _sign_in(user):  # type: ignore[no-untyped-def]
        return sign_in(client, user)

    return _sign_in
