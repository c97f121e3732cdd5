"""WCAG 1.3.5 (Identify Input Purpose): a field asking for the person's own details says
which detail it is, so browsers and assistive tools can fill it in for them."""

from __future__ import annotations

import re

from reentrykit.accounts.services import invitation_create
from reentrykit.testing import World


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, f"no input named {name}"
    return found.group(0)


def test_it_marks_the_name_field_of_the_invitation_sign_up(world: World, client) -> None:  # type: ignore[no-untyped-def]
    _, token = invitation_create(
        coalition=world.coalition,
        email="fresh@riverton.test",
        role="member",
        organization=None,
        invited_by=world.coordinator,
    )
    page = client.get(f"/accounts/invite/{token}/").content.decode()
    assert 'autocomplete="name"' in _input(page, "full_name")


def test_it_marks_the_name_field_of_the_profile(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(world.member).get("/accounts/profile/").content.decode()
    assert 'autocomplete="name"' in _input(page, "full_name")
