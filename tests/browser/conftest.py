"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here; it drives the system Chromium
(``apt-get install chromium``). ``make test`` installs it or deselects these tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from tests.browser.accessibility import AXE_JS, AXE_PATH, blocking, format_violations, run_axe

CHROMIUM = Path(os.environ.get("REENTRYKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install it with 'sudo apt-get install chromium', "
            "or deselect the browser tests with -m 'not browser'"
        )
    # Playwright's sync API keeps an event loop running in this thread, and Django
    # refuses ORM calls from a thread with a running loop. The tests call the ORM
    # only between page actions, never concurrently with them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def csp_violations() -> Iterator[list[str]]:
    """The Content Security Policy breaches the browser reports; the test fails on any."""
    violations: list[str] = []
    yield violations
    assert not violations, "Content Security Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser: Browser, live_server: Any, csp_violations: list[str]) -> Iterator[Page]:
    """A tab in a fresh browser context, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)

    def serve_axe(route: Route) -> None:
        route.fulfill(path=AXE_JS, content_type="text/javascript")

    context.route(f"**{AXE_PATH}", serve_axe)
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{tab.url}: {message.text}")

    tab.on("console", on_console)
    yield tab
    context.close()


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def sign_in() -> Callable[[Page, str, str], None]:
    """``sign_in(page, email, password)`` uses the login form and waits until it is left."""
    return _sign_in


def _sign_in_with_code(page: Page, user: Any, password: str, check: Callable[[Page], None]) -> None:
    from reentrykit.accounts.models import AuthenticatorApp
    from reentrykit.testing import totp_code

    device = AuthenticatorApp.start(user=user, name="Browser test", confirmed=True)
    _sign_in(page, user.email, password)
    page.wait_for_url(lambda url: "/accounts/two-factor/" in url)
    check(page)
    page.get_by_role("textbox", name="Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)


@pytest.fixture
def sign_in_with_code() -> Callable[..., None]:
    """``sign_in_with_code(page, user, password, check=...)``: a confirmed authenticator
    for ``user``, the login form, then the two-factor prompt; ``check(page)`` runs on
    the prompt."""

    def _run(
        page: Page, user: Any, password: str, check: Callable[[Page], None] = lambda page: None
    ) -> None:
        _sign_in_with_code(page, user, password, check)

    return _run


@pytest.fixture
def axe() -> Callable[..., None]:
    """``axe(page, *paths)`` fails the test on serious or critical axe-core violations.

    With paths it opens and scans each in turn and reports every page's violations
    together; without, it scans the page as it is.
    """

    def _check(page: Page, *paths: str) -> None:
        report = []
        for path in paths or (None,):
            if path is not None:
                response = page.goto(path)
                assert response is not None and response.status == 200, f"{path}: {response}"
            found = blocking(run_axe(page))
            if found:
                report.append(f"on {page.url}:\n{format_violations(found)}")
        if report:
            pytest.fail("axe-core found serious or critical violations " + "\n\n".join(report))

    return _check
