"""The placeholder syntax, its tolerant reading, and escaping of forged placeholders.

A placeholder is ``<ENTITY_N>`` (``<EMAIL_ADDRESS_1>``). Models rewrite them a little
(``<email_address_1>``, ``< EMAIL_ADDRESS 1 >``), so the restorer reads them tolerantly; the same
tolerant pattern finds text in a prompt that merely looks like a placeholder, which the masker
escapes by swapping the ASCII angle brackets for their full-width twins (``＜``/``＞``), so a user
cannot forge a placeholder and get another value restored into the answer.

All patterns here are linear: no nested quantifiers, bounded repetition.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["MAX_PLACEHOLDER", "PLACEHOLDER_RE", "canonical", "escape_forged"]

MAX_PLACEHOLDER: Final = 64  # longest placeholder the tolerant reading accepts, in characters

# Linear: letters/underscores/spaces (bounded), then separators and digits (bounded).
PLACEHOLDER_RE: Final = re.compile(
    r"<[ \t]{0,3}([A-Za-z][A-Za-z_ ]{0,40}?)[ _]{1,3}(\d{1,6})[ \t]{0,3}>"
)

ESCAPE_TABLE: Final = str.maketrans({"<": "\uff1c", ">": "\uff1e"})


def canonical(name: str, number: str) -> str:
    """The canonical placeholder for a tolerant match's name and number."""
    norm = "_".join(part for part in re.split(r"[ _]+", name.upper()) if part)
    return f"<{norm}_{int(number)}>"


def escape_forged(text: str) -> tuple[str, int]:
    """Escape everything that reads as a placeholder; return the text and how many were escaped.

    Escaping keeps the length (one character for one), so entity spans stay valid.
    """
    if "<" not in text:
        return text, 0
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return m.group(0).translate(ESCAPE_TABLE)

    return PLACEHOLDER_RE.sub(swap, text), count
