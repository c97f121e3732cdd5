"""A viewer finds no edit controls on the coalition's pages, and is told why once, at
the top of each; the others, who can change things, are not."""

from __future__ import annotations

import pytest

from reentrykit.testing import World

PAGES = ["/c/riverton/", "/c/riverton/plan/", "/c/riverton/assess/", "/c/riverton/resources/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_viewer_is_told_that_others_make_the_changes(world: World, signed_in, url: str) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(world.viewer).get(url).content.decode()
    assert page.count('id="reads-only"') == 1
    assert "its members and coordinators make the changes" in page
    for user in (world.member, world.coordinator):
        assert 'id="reads-only"' not in signed_in(user).get(url).content.decode()


@pytest.mark.parametrize(
    ("section", "pages"),
    [
        ("/c/riverton/resources/", ["needs/", "map/", "funding/"]),
        ("/c/riverton/plan/", ["buy-in/", "monitoring/", "public-safety/"]),
    ],
)
def test_a_section_lists_its_pages_in_the_side_navigation(
    world: World, signed_in, section: str, pages: list[str]
) -> None:  # type: ignore[no-untyped-def]
    import lxml.html

    client = signed_in(world.member)
    for url in [section] + [section + page for page in pages]:
        nav = lxml.html.fromstring(client.get(url).content).xpath(
            '//nav[contains(@aria-label, "sections")]'
        )[0]
        sublist = [a.get("href") for a in nav.xpath('.//ul[@class="usa-sidenav__sublist"]//a')]
        assert sublist == [section + page for page in pages]
        current = nav.xpath('.//a[@aria-current="page"]')
        assert [a.get("href") for a in current] == [url]
    # Elsewhere the pages are not listed.
    home = lxml.html.fromstring(client.get("/c/riverton/").content)
    assert not home.xpath('//ul[@class="usa-sidenav__sublist"]')
