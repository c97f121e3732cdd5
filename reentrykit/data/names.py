"""Name normalization for linkage: case, accents, punctuation and common nicknames."""

from __future__ import annotations

import re
import unicodedata

from reentrykit.data.synth_names import NICKNAME_TO_FORMALS

# Nickname -> the formal name it most often stands for. Linkage compares the formal
# form, so "Bill Smith" and "William Smith" agree on the first name. The table of
# nicknames is shared with the synthetic-data generator, which draws from it.
NICKNAMES: dict[str, str] = {nick: formals[0] for nick, formals in NICKNAME_TO_FORMALS.items()}

_NOT_LETTERS = re.compile(r"[^a-z]")


def normalize_name(value: str | None) -> str | None:
    """Lower case, accents removed, only the letters a–z kept ("O'Brien-Núñez" -> "obriennunez")."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    letters = _NOT_LETTERS.sub("", ascii_only.lower())
    return letters or None


def canonical_first_name(value: str | None) -> str | None:
    normalized = normalize_name(value)
    if normalized is None:
        return None
    return NICKNAMES.get(normalized, normalized)
