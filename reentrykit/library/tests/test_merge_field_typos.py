"""A merge field typed with capitals, hyphens or digits is not a merge field: it is
reported when the text is saved, never printed as typed in the document."""

from __future__ import annotations

import html

import pytest

from reentrykit.library.merge import unknown_fields
from reentrykit.library.models import CoalitionDocument
from reentrykit.support.models import Message
from reentrykit.testing import World

MISTYPED = ["Coalition_Name", "one-year-rearrest", "today2", "coalition name"]


@pytest.mark.parametrize("name", MISTYPED)
def test_a_mistyped_merge_field_is_unknown(name: str) -> None:
    assert unknown_fields(f"Hello [[{name}]] and [[coalition_name]].") == [name]


def test_a_document_with_a_mistyped_field_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        "/c/riverton/library/documents/mission/",
        {"title": "T", "body": "# Mission\n\n[[Coalition_Name]] helps people home."},
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "[[Coalition_Name]] is not a merge field" in text
    assert not CoalitionDocument.objects.exists()


def test_a_message_with_a_mistyped_field_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(
        "/c/riverton/support/message/new/",
        {"audience": "voters", "problem": "[[one-year-rearrest]] return.", "talking_points": "A."},
    )
    assert response.status_code == 200
    assert "[[one-year-rearrest]] is not a merge field" in html.unescape(response.content.decode())
    assert not Message.objects.exists()
