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
