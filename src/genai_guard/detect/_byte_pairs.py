"""Which pairs of adjacent bytes a text holds: a cheap proof that a literal is absent from it.

A literal occurs in a text only if every pair of adjacent bytes of its UTF-8 form occurs in the
text's UTF-8 form. One numpy pass records the pairs of a text in a 64 KiB table; a literal whose
pairs are not all in the table is known absent after a few table reads, where a substring search
reads the whole text (about 1 ns a character, microseconds for a long prompt). The rules detector
builds the table for long texts only and asks it before each first search of a literal.

Imports numpy: the detector loads this module when it is built, never at import time.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PAIR_TABLE_SIZE", "pair_codes", "pair_table"]

PAIR_TABLE_SIZE = 1 << 16


def pair_table(text: str) -> bytearray:
    """A table with a non-zero byte at ``(a << 8) | b`` for every adjacent byte pair ``a b``.

    The bytes are those of ``text`` in UTF-8 (lone surrogates passed through).
    """
    raw = np.frombuffer(text.encode("utf-8", "surrogatepass"), np.uint8)
    codes = raw[:-1].astype(np.intp)
    codes <<= 8
    codes |= raw[1:]
    table = bytearray(PAIR_TABLE_SIZE)
    np.frombuffer(table, np.bool_)[codes] = True
    return table


def pair_codes(literal: str) -> tuple[int, ...]:
    """The distinct byte-pair codes of ``literal`` (UTF-8), rarest-looking first.

    Pairs with a byte that is not a lowercase letter or a space come first: they are the ones a
    long English text is least likely to hold, so an absent literal is usually ruled out by the
    first read.
    """
    raw = literal.encode("utf-8", "surrogatepass")
    codes = dict.fromkeys((raw[i] << 8) | raw[i + 1] for i in range(len(raw) - 1))

    def common(code: int) -> int:
        return sum(1 for b in (code >> 8, code & 0xFF) if b == 32 or 97 <= b <= 122)

    return tuple(sorted(codes, key=common))
