"""``{{ text|full_stop }}``: a sentence ends with one full stop, however it was written.

Texts people write (a mechanism's criteria, who decides) and texts the app writes (a
projection's reason) may or may not end a sentence themselves; a template that adds
its own full stop after them would print two.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

SENTENCE_ENDS = ".!?"


@register.filter(is_safe=True)
def full_stop(text: Any) -> str:
    """``text`` ending with a full stop, unless it already ends a sentence."""
    text = str(text).rstrip()
    return text if not text or text.endswith(tuple(SENTENCE_ENDS)) else f"{text}."
