"""Before the second factor, a session that knows only the password sees nothing of
the account's coalitions and networks: not on the two-factor page, not on the pages
open to it (the API reference, published pages)."""

from __future__ import annotations

import pytest

from reentrykit.accounts.models import AuthenticatorApp
from reentrykit.testing import World


@pytest.mark.parametrize("path", ["/accounts/two-factor/", "/api/v1/docs"])
def test_the_pages_before_the_second_factor_name_no_coalition(
    path: str, world: World, client
) -> None:  # type: ignore[no-untyped-def]
    AuthenticatorApp.start(user=world.coordinator, name="phone", confirmed=True)
    client.force_login(world.coordinator, backend="reentrykit.accounts.backends.EmailBackend")
    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert world.coalition.name not in text
    assert world.network.name not in text
