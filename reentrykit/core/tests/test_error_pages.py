"""The pages for a refused or unknown address: the site's own, with a way on."""

from __future__ import annotations

from reentrykit.testing import World


def test_a_refused_page_says_why_and_leads_home(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.viewer).get("/c/riverton/settings/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not open to you" in page
    assert "does not allow this." in page  # the reason the view gave
    assert 'href="/"' in page and 'id="main-content"' in page


def test_an_unknown_page_leads_home_without_saying_whose_it_is(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    for address in ("/c/elsewhere/", "/c/no-such-coalition/", "/nowhere/"):
        response = client.get(address)
        assert response.status_code == 404, address
        page = response.content.decode()
        assert "Page not found" in page and 'href="/"' in page
        assert "Elsewhere" not in page
