r"""Words a pattern cannot match without: a cheap, exact gate before any regex runs.

``required_words(pattern)`` reads a pattern with the standard library's regex parser and returns
groups of lowercase words such that every match of the pattern contains, for each group, one of
its words as a whole ``[a-z0-9]+`` token. The detector splits each text into such tokens once;
a pattern one of whose groups shares no word with the text cannot match it and is skipped.

The analysis is a relaxation: whatever it does not understand (lookarounds, classes that can
match a letter or a digit, optional parts) yields no requirement, so it may keep a pattern that
cannot match, but never drops one that can. A literal run counts only when it is bounded on both
sides by something that cannot be a letter or digit (``\s``, punctuation, ``\b``, start or end).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__all__ = ["required_words"]

logger = logging.getLogger(__name__)

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ASCII_ALNUM_RANGES = ((48, 57), (65, 90), (97, 122))
_KELVIN = 0x212A
# Non-ASCII characters that match an ASCII letter under ``regex`` IGNORECASE (or lowercase to one).
_FOLDS_TO_ASCII = frozenset({0x130, 0x131, 0x17F, _KELVIN})


class _Ops:
    """The parser's opcodes, looked up once (``re._parser`` is private to the standard library)."""

    def __init__(self) -> None:
        c: Any = importlib.import_module("re._constants")
        self.parse: Any = importlib.import_module("re._parser").parse
        self.LITERAL = c.LITERAL
        self.IN = c.IN
        self.AT = c.AT
        self.BRANCH = c.BRANCH
        self.SUBPATTERN = c.SUBPATTERN
        self.ATOMIC_GROUP = c.ATOMIC_GROUP
        self.NEGATE = c.NEGATE
        self.RANGE = c.RANGE
        self.CATEGORY = c.CATEGORY
        self.repeats = frozenset({c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT})
        self.lookarounds = frozenset({c.ASSERT, c.ASSERT_NOT})
        self.boundaries = frozenset(
            {c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING, c.AT_END, c.AT_END_STRING}
        )
        self.separator_categories = frozenset(
            {c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD, c.CATEGORY_LINEBREAK}
        )


def _alnum(code: int) -> bool:
    """True if the character may match a letter or digit of ``[a-z0-9]`` in the lowercased text."""
    ch = chr(code)
    return ch in _ALNUM or ch.lower() in _ALNUM or code in _FOLDS_TO_ASCII


class _Analysis:
    def __init__(self, ops: _Ops) -> None:
        self.o = ops

    def separator_set(self, items: Any) -> bool:
        """A character class none of whose members can be a letter or digit of a token."""
        o = self.o
        for op, av in items:
            if op is o.LITERAL:
                if _alnum(av):
                    return False
            elif op is o.RANGE:
                lo, hi = av
                if any(lo <= c <= hi for c in _FOLDS_TO_ASCII) or any(
                    lo <= b and hi >= a for a, b in _ASCII_ALNUM_RANGES
                ):
                    return False
            elif op is o.CATEGORY:
                if av not in o.separator_categories:
                    return False
            else:  # NEGATE and anything else
                return False
        return True

    def starts(self, op: Any, av: Any) -> bool:
        """Whether the item's first character is no token character (or it is a boundary)."""
        return self._edge(op, av, 0)

    def ends(self, op: Any, av: Any) -> bool:
        """Whether the item's last character is no token character (or it is a boundary)."""
        return self._edge(op, av, -1)

    def _edge(self, op: Any, av: Any, side: int) -> bool:
        o = self.o
        if op is o.LITERAL:
            return not _alnum(av)
        if op is o.IN:
            return self.separator_set(av)
        if op is o.AT:
            return av in o.boundaries
        if op in o.repeats:
            inner = av[2].data
            return bool(av[0] >= 1 and inner and self._edge(inner[side][0], inner[side][1], side))
        if op is o.SUBPATTERN or op is o.ATOMIC_GROUP:
            inner = (av[-1] if op is o.SUBPATTERN else av).data
            return bool(inner) and self._edge(inner[side][0], inner[side][1], side)
        if op is o.BRANCH:
            return all(a.data and self._edge(a.data[side][0], a.data[side][1], side) for a in av[1])
        return False

    def sequence(
        self, items: list[Any], left: bool, right: bool
    ) -> tuple[list[frozenset[str]], bool]:
        """Requirements of a sequence, and whether it ends on a token boundary.

        ``left``/``right``: whether the character before/after the sequence is known to be no
        token character.
        """
        o = self.o
        reqs: list[frozenset[str]] = []
        run: list[str] = []
        run_left = False
        prev = left  # the character before the current item is no token character
        for k, (op, av) in enumerate(items):
            if op is o.LITERAL and _alnum(av):
                if not run:
                    run_left = prev
                run.append(chr(av).lower())
                prev = False
                continue
            if run:
                if run_left and self.starts(op, av):
                    reqs.append(frozenset({"".join(run)}))
                run = []
            nxt = self.starts(*items[k + 1]) if k + 1 < len(items) else right
            if op is o.BRANCH:
                outs = [self.sequence(list(a.data), prev, nxt) for a in av[1]]
                if all(r for r, _ in outs):
                    reqs.append(frozenset().union(*(r[0] for r, _ in outs)))
                prev = all(e for _, e in outs)
            elif op is o.SUBPATTERN or op is o.ATOMIC_GROUP:
                r, prev = self.sequence(
                    list((av[-1] if op is o.SUBPATTERN else av).data), prev, nxt
                )
                reqs.extend(r)
            elif op in o.repeats:
                lo, hi, inner = av[0], av[1], list(av[2].data)
                if not inner:
                    continue
                if lo >= 1:
                    once = hi == 1
                    r, end = self.sequence(
                        inner,
                        prev and (once or self.ends(*inner[-1])),
                        nxt and (once or self.starts(*inner[0])),
                    )
                    reqs.extend(r)
                    prev = end
                else:  # skipped or not: bounded only if both ways are
                    prev = prev and self.ends(*inner[-1])
            elif op is o.AT:
                if av in o.boundaries:
                    prev = True
            elif op in o.lookarounds:
                pass  # zero-width: the position, hence ``prev``, does not change
            else:
                prev = self.ends(op, av)
        if run:
            if run_left and right:
                reqs.append(frozenset({"".join(run)}))
            prev = False
        return reqs, prev


def required_words(pattern: str) -> tuple[frozenset[str], ...]:
    """Groups of words, one of each group being a token of every text ``pattern`` matches in.

    Matching is taken to be case-insensitive. Returns ``()`` when nothing is known (or the
    standard library parser cannot read the pattern).
    """
    try:
        ops = _Ops()
        parsed = ops.parse(pattern, 2)  # re.IGNORECASE
        reqs, _ = _Analysis(ops).sequence(list(parsed.data), False, False)
    except Exception:  # noqa: BLE001 - a pattern the stdlib parser cannot read gets no gate
        logger.debug("no word requirements for a pattern the stdlib parser cannot read")
        return ()
    return tuple(dict.fromkeys(r for r in reqs if r))
