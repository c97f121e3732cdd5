"""Personal API tokens: made after the second factor, shown once, stored as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from reentrykit.api.models import ApiToken
from reentrykit.coalitions.models import Role
from reentrykit.coalitions.services import membership_create
from reentrykit.core.models import AuditEntry
from reentrykit.testing import PASSWORD, World, api_headers

PAGE = "/accounts/api-tokens/"
MEASURES = "/api/v1/coalitions/riverton/measures/intermediate"
LINK = "/api/v1/coalitions/riverton/data/link"


def _make(client: Client, name: str = "nightly upload") -> str:
    page = client.post(PAGE, {"name": name, "lifetime_days": "90"}).content.decode()
    match = re.search(r'id="token-secret" type="text" value="(rk_[^"]+)"', page)
    assert match, page
    return match.group(1)


def test_it_shows_the_token_once_and_stores_only_its_hash(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    secret = _make(client)
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix + "_")
    assert token.second_factor and token.user == world.steward
    assert (token.expires_at - timezone.now()).days in (89, 90)
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    stored += [str(entry.changes) for entry in AuditEntry.objects.all()]
    assert not any(secret in value or secret[len(token.prefix) :] in value for value in stored)
    again = client.get(PAGE).content.decode()
    assert secret not in again and f"{token.prefix}…" in again
    assert client.get(LINK, headers={"Authorization": f"Bearer {secret}"}).status_code == 405
    assert client.post(LINK, headers={"Authorization": f"Bearer {secret}"}).status_code == 202


def test_the_page_is_behind_sign_in_and_the_second_factor(world: World, client: Client) -> None:
    assert client.get(PAGE)["Location"].startswith("/accounts/login/")
    client.force_login(world.steward, backend="reentrykit.accounts.backends.EmailBackend")
    for response in (client.get(PAGE), client.post(PAGE, {"name": "x", "lifetime_days": "30"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/")
    assert not ApiToken.objects.exists()


def test_a_token_made_without_the_second_factor_stops_when_the_role_needs_one(
    world: World, client: Client
) -> None:
    # A member needs no second factor, so may make a token without one.
    client.force_login(world.member, backend="reentrykit.accounts.backends.EmailBackend")
    headers = {"Authorization": f"Bearer {_make(client)}"}
    assert not ApiToken.objects.get().second_factor
    client.logout()
    assert client.get(MEASURES, headers=headers).status_code == 404  # no measures yet
    membership_create(coalition=world.coalition, user=world.member, role=Role.DATA_STEWARD)
    response = client.get(MEASURES, headers=headers)
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_revoked_expired_and_unknown_tokens_get_401(
    world: World, client: Client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    headers = api_headers(world.steward)
    assert client.post(LINK, headers=headers).status_code == 202
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    page = signed_in(world.steward)
    response = page.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    expired = api_headers(world.steward)
    ApiToken.objects.filter(revoked_at=None).update(expires_at=timezone.now() - dt.timedelta(1))
    for bad in (headers, expired, {"Authorization": "Bearer rk_0000_nonsense"}, {}):
        answer = Client().post(LINK, headers=bad)
        assert answer.status_code == 401, bad
        assert answer["WWW-Authenticate"].startswith("Bearer")
        assert "Bearer" in answer.json()["detail"]


def test_a_demo_accounts_token_stops_working_outside_demo_mode(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    world.member.is_demo = True
    world.member.save(update_fields=["is_demo"])
    settings.DEMO = True
    headers = api_headers(world.member)
    assert Client().get(MEASURES, headers=headers).status_code != 401
    settings.DEMO = False
    assert Client().get(MEASURES, headers=headers).status_code == 401


def test_a_new_password_ends_every_token_and_a_sign_in_does_not(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    headers = api_headers(world.steward)
    # Signing in saves the user (its last login), as do other changes: tokens stay.
    client = signed_in(world.steward)
    world.steward.full_name = "Dana Q. Steward"
    world.steward.save()
    assert Client().get(MEASURES, headers=headers).status_code != 401
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-42",
            "new_password2": "a-brand-new-passphrase-42",
        },
    )
    assert changed.status_code == 302
    assert Client().get(MEASURES, headers=headers).status_code == 401
    # Set by the operator, too.
    again = api_headers(world.steward)
    world.steward.set_password("yet-another-passphrase-7")
    world.steward.save()
    assert Client().get(MEASURES, headers=again).status_code == 401


def test_a_user_revokes_only_their_own_tokens(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    api_headers(world.steward)
    token = ApiToken.objects.get()
    assert signed_in(world.member).post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert signed_in(world.member).get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_session_cookie_does_not_reach_the_api(method: str, world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.steward)
    response = getattr(client, method)(LINK if method == "post" else MEASURES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_a_session_waiting_for_the_second_factor_does_not_redirect_api_calls(
    world: World, client: Client
) -> None:
    client.force_login(world.steward, backend="reentrykit.accounts.backends.EmailBackend")
    response = client.post(LINK, headers=api_headers(world.steward))
    assert response.status_code == 202


def test_the_reference_page_lists_every_operation_of_the_openapi_description(
    client: Client,
) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/coalitions/{coalition_slug}/data/imports" in schema["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger" not in html.lower()  # a plain page, not the interactive explorer
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert f"<code>{method.upper()} {path}</code>" in html
            assert f'id="{operation["operationId"]}"' in html
    for name in schema["components"]["schemas"]:
        assert f'id="schema-{name}"' in html


def test_the_reference_page_renders_types_and_escapes_descriptions() -> None:
    from reentrykit.api.reference import prose, type_of

    ref = {"$ref": "#/components/schemas/JobStarted"}
    assert type_of(ref) == '<a href="#schema-JobStarted">JobStarted</a>'
    assert type_of({"anyOf": [{"type": "integer"}, {"type": "null"}]}) == "integer or null"
    assert type_of({"type": "array", "items": {"enum": ["a", "b"]}}) == (
        "list of one of <code>a</code>, <code>b</code>"
    )
    assert type_of({"type": "string", "format": "date"}) == "string (date)"
    assert type_of({"type": "string", "format": "binary"}) == "file"
    assert prose("Poll `status_url`.\n\n<b>x</b>") == (
        "<p>Poll <code>status_url</code>.</p><p>&lt;b&gt;x&lt;/b&gt;</p>"
    )
