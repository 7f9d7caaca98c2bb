r"""What a pattern cannot match without: a cheap, exact gate before any regex runs.

``word_gate(pattern)`` reads a pattern with the standard library's regex parser and returns
groups of lowercase words such that every match of the pattern contains, for each group, one of
its words as a whole ``[a-z0-9]+`` token, and groups of token pairs such that every match
contains one pair of each group as two consecutive tokens (``if you`` in ``\bif\s+you\b``). The
detector splits each text into such tokens once; a pattern one of whose groups shares nothing
with the text's tokens (or pairs of consecutive tokens) cannot match it and is skipped.

The analysis is a relaxation: whatever it does not understand (lookarounds, classes that can
match a letter or a digit, optional parts) yields no requirement, so it may keep a pattern that
cannot match, but never drops one that can. A literal run counts only when it is bounded on both
sides by something that cannot be a letter or digit (``\s``, punctuation, ``\b``, start or end),
and two tokens form a pair only when nothing but such separators can stand between them.
"""

from __future__ import annotations

import importlib
import logging
import re
import warnings
from dataclasses import dataclass
from typing import Any

__all__ = ["UNFOLDED", "WordGate", "word_gate"]

logger = logging.getLogger(__name__)

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ASCII_ALNUM_RANGES = ((48, 57), (65, 90), (97, 122))
# A pair group larger than this is left out (it would cost more to check than it saves).
_MAX_PAIRS = 256
_KELVIN = 0x212A
# Non-ASCII characters that match an ASCII letter under ``regex`` IGNORECASE (or lowercase to one).
_FOLDS_TO_ASCII = frozenset({0x130, 0x131, 0x17F, _KELVIN})
_FOLD_MAP = {0x130: "i", 0x131: "i", 0x17F: "s", _KELVIN: "k"}
# Characters that match an ASCII letter case-insensitively but stay non-ASCII when lowercased:
# a text containing one may hold a match whose letters are no token, so it gets no gate.
UNFOLDED = ("\u017f", "\u0131")
# At most this many spellings of one token are tracked (``summari[sz]e``, ``responses?``).
_MAX_SPELLINGS = 64


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
        self.ASSERT = c.ASSERT
        self.lookarounds = frozenset({c.ASSERT, c.ASSERT_NOT})
        self.boundaries = frozenset(
            {c.AT_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING, c.AT_END, c.AT_END_STRING}
        )
        self.separator_categories = frozenset(
            {c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD, c.CATEGORY_LINEBREAK}
        )


def _alt(a: Any) -> list[Any]:
    """The items of a branch alternative (a parsed subpattern, or a list from ``distribute``)."""
    return a if isinstance(a, list) else list(a.data)


def _alnum(code: int) -> bool:
    """True if the character may match a letter or digit of ``[a-z0-9]`` in the lowercased text."""
    ch = chr(code)
    return ch in _ALNUM or ch.lower() in _ALNUM or code in _FOLDS_TO_ASCII


def _fold(code: int) -> str:
    """The ``[a-z0-9]`` character a pattern character matches in the lowercased text."""
    return _FOLD_MAP.get(code) or chr(code).lower()


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
            alts = [_alt(a) for a in av[1]]
            return all(a and self._edge(a[side][0], a[side][1], side) for a in alts)
        return False

    def starts_rest(self, items: list[Any], k: int, right: bool) -> bool:
        """Whether the character at the start of ``items[k:]`` is no token character."""
        o = self.o
        for op, av in items[k:]:
            if op in o.repeats and av[0] == 0:
                inner = av[2].data
                if not inner or not self.starts(inner[0][0], inner[0][1]):
                    return False
                continue  # present: it starts with a separator; absent: look further
            if op is o.AT:
                if av in o.boundaries:
                    return True
                continue
            if op in o.lookarounds:
                continue
            return self.starts(op, av)
        return right

    def distribute(self, items: list[Any]) -> list[Any]:
        """``(?:a|b)s?`` read as ``(?:as?|bs?)``: a spelling suffix joins each alternative."""
        o = self.o
        out: list[Any] = []
        k = 0
        while k < len(items):
            op, av = items[k]
            if op is o.BRANCH and k + 1 < len(items) and self.pieces([items[k + 1]]) is not None:
                out.append((op, (av[0], [[*_alt(a), items[k + 1]] for a in av[1]])))
                k += 2
                continue
            out.append(items[k])
            k += 1
        return out

    def pieces(self, items: list[Any]) -> frozenset[str] | None:
        """The strings of letters and digits ``items`` can match, if few; else ``None``.

        ``""`` is among them when the items can match nothing (an optional part).
        """
        o = self.o
        out = frozenset({""})
        for op, av in items:
            if op is o.LITERAL:
                if not _alnum(av):
                    return None
                got: frozenset[str] | None = frozenset({_fold(av)})
            elif op is o.IN:
                got = self._class_pieces(av)
            elif op is o.BRANCH:
                alts = [self.pieces(_alt(a)) for a in av[1]]
                got = None if any(a is None for a in alts) else frozenset().union(*alts)  # type: ignore[arg-type]
            elif op is o.SUBPATTERN or op is o.ATOMIC_GROUP:
                got = self.pieces(list((av[-1] if op is o.SUBPATTERN else av).data))
            elif op in o.repeats and av[1] == 1:
                inner = self.pieces(list(av[2].data))
                got = None if inner is None else inner | {""} if av[0] == 0 else inner
            else:
                return None
            if got is None:
                return None
            out = frozenset(a + b for a in out for b in got)
            if len(out) > _MAX_SPELLINGS:
                return None
        return out

    def _class_pieces(self, items: Any) -> frozenset[str] | None:
        o = self.o
        chars: set[str] = set()
        for op, av in items:
            if op is o.LITERAL and _alnum(av):
                chars.add(_fold(av))
            elif (
                op is o.RANGE
                and av[1] - av[0] < 16
                and all(_alnum(c) for c in range(av[0], av[1] + 1))
            ):
                chars.update(_fold(c) for c in range(av[0], av[1] + 1))
            else:
                return None
        return frozenset(chars)

    def sequence(
        self, items: list[Any], left: bool, right: bool, last: frozenset[str] | None
    ) -> _Result:
        """What every match of a sequence of items contains.

        Args:
            items: Parsed items.
            left: The character before the sequence is known to be no token character.
            right: The character after the sequence is known to be no token character.
            last: The values the token just before the sequence may take, when only
                separators stand between it and the sequence (``None`` if unknown).
        """
        o = self.o
        items = self.distribute(items)
        out = _Result([], [], left, last, [])
        run: frozenset[str] | None = frozenset()  # spellings of the token being read; None: any
        run_left = False
        chars: list[str] = []  # a run of ASCII literal characters
        for k, (op, av) in enumerate(items):
            if op is o.LITERAL and av < 128:
                chars.append(_fold(av))
            elif chars:
                _substring(out, chars)
                chars = []
            pcs = self.pieces([(op, av)]) if op is not o.AT else None
            if pcs is not None and pcs != {""} and (run != frozenset() or "" not in pcs):
                if run == frozenset():
                    run_left = out.prev
                    run = frozenset({""})
                if run is not None:
                    run = frozenset(a + b for a in run for b in pcs)
                    if len(run) > _MAX_SPELLINGS:
                        run = None
                out.prev = False
                continue
            if run != frozenset():
                self._token(out, run, run_left and self.starts_rest(items, k, right))
                run = frozenset()
            nxt = self.starts_rest(items, k + 1, right)
            if op is o.BRANCH:
                outs = [self.sequence(_alt(a), out.prev, nxt, out.last) for a in av[1]]
                if all(r.groups for r in outs):
                    out.groups.append(frozenset().union(*(r.groups[0] for r in outs)))
                if all(r.substrings for r in outs):
                    out.substrings.append(frozenset().union(*(r.substrings[0] for r in outs)))
                if all(r.pairs for r in outs):
                    pairs = frozenset().union(*(r.pairs[0] for r in outs))
                    if len(pairs) <= _MAX_PAIRS:
                        out.pairs.append(pairs)
                out.prev = all(r.prev for r in outs)
                out.last = _union([r.last for r in outs])
            elif op is o.SUBPATTERN or op is o.ATOMIC_GROUP:
                inner = list((av[-1] if op is o.SUBPATTERN else av).data)
                r = self.sequence(inner, out.prev, nxt, out.last)
                out.require(r)
                out.prev, out.last = r.prev, r.last
            elif op in o.repeats:
                lo, hi, inner = av[0], av[1], list(av[2].data)
                if not inner:
                    continue
                once = hi == 1
                r = self.sequence(
                    inner,
                    out.prev and (once or self.ends(*inner[-1])),
                    nxt and (once or self.starts(*inner[0])),
                    out.last,
                )
                if lo >= 1:  # the first repetition is there: what it contains is required
                    out.require(r)
                    out.prev, out.last = r.prev, r.last
                else:  # skipped or not: known only if known both ways
                    out.prev = out.prev and self.ends(*inner[-1])
                    out.last = _union([out.last, r.last])
            elif op is o.AT:
                if av in o.boundaries:
                    out.prev = True
            elif op is o.ASSERT:  # a positive lookaround must match too
                behind = av[0] < 0
                r = self.sequence(list(av[1].data), False, nxt if behind else False, None)
                out.require(r)
                if behind:  # it ends where the match goes on: what it ends with is adjacent
                    out.prev = out.prev or r.prev
                    if r.last is not None:
                        out.last = r.last
            elif op in o.lookarounds:
                pass  # negative: zero-width, the position (``prev``, ``last``) does not change
            else:
                out.prev = self.ends(op, av)
                if not out.prev:  # it may consume a token character: adjacency is lost
                    out.last = None
        if run != frozenset():
            self._token(out, run, run_left and right)
        if chars:
            _substring(out, chars)
        return out

    @staticmethod
    def _token(out: _Result, run: frozenset[str] | None, bounded: bool) -> None:
        """Record a token's spellings (``None``: unknown), a whole token only if ``bounded``."""
        if not bounded or run is None or "" in run:
            out.last = None
            return
        out.groups.append(run)
        if out.last is not None and len(out.last) * len(run) <= _MAX_PAIRS:
            out.pairs.append(frozenset((a, b) for a in out.last for b in run))
        out.last = run


def _union(sets: list[frozenset[str] | None]) -> frozenset[str] | None:
    if any(s is None for s in sets):
        return None
    return frozenset().union(*(s for s in sets if s is not None))


def _substring(out: _Result, chars: list[str]) -> None:
    """Record a literal that holds a character other than a letter or digit (``](``, ``<|``)."""
    text = "".join(chars)
    if any(c not in _ALNUM for c in text):
        out.substrings.append(frozenset({text}))


@dataclass(slots=True)
class _Result:
    groups: list[frozenset[str]]
    pairs: list[frozenset[tuple[str, str]]]
    prev: bool  # the character before the next item is no token character
    last: frozenset[str] | None  # the values of the last whole token, separators since
    substrings: list[frozenset[str]]

    def require(self, other: _Result) -> None:
        """Add what ``other`` (a part every match goes through) requires."""
        self.groups.extend(other.groups)
        self.pairs.extend(other.pairs)
        self.substrings.extend(other.substrings)


@dataclass(frozen=True, slots=True)
class WordGate:
    """What a pattern cannot match without, in terms of the text's tokens. Immutable.

    Attributes:
        groups: Word groups: every match contains, for each group, one of its words as a token.
        pairs: Token-pair groups: every match contains, for each group, one of its pairs as two
            consecutive tokens of the text (only non-token characters between them).
        substrings: Literal groups: every match contains, for each group, one of its strings
            (ASCII, lowercase, each with a character other than a letter or digit).
    """

    groups: tuple[frozenset[str], ...] = ()
    pairs: tuple[frozenset[tuple[str, str]], ...] = ()
    substrings: tuple[frozenset[str], ...] = ()


_QUANTIFIER = re.compile(r"\d*(?:,\d*)?\}")
_POSIX_CLASS = re.compile(r"\[:\^?[a-z]+:\]")


def _regex_only(pattern: str) -> bool:
    """Whether ``pattern`` may use ``regex`` syntax the standard library parser would misread.

    That is fuzzy constraints (``(?:x){e<=1}``, which the stdlib reads as literal braces) and
    POSIX classes (``[[:alpha:]]``): an unescaped ``{`` that opens no counted repeat, or ``[:``.
    """
    if _POSIX_CLASS.search(pattern):
        return True
    i = pattern.find("{")
    while i >= 0:
        slashes = len(pattern[:i]) - len(pattern[:i].rstrip("\\"))
        if slashes % 2 == 0 and _QUANTIFIER.match(pattern, i + 1) is None:
            return True
        i = pattern.find("{", i + 1)
    return False


def word_gate(pattern: str) -> WordGate:
    """The word groups and token pairs every match of ``pattern`` contains.

    Matching is taken to be case-insensitive. Returns an empty gate when nothing is known: the
    standard library parser cannot read the pattern, warns about it, or the pattern uses
    ``regex``-only syntax that parser would misread.
    """
    if _regex_only(pattern):
        return WordGate()
    try:
        ops = _Ops()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = ops.parse(pattern, 2)  # re.IGNORECASE
        r = _Analysis(ops).sequence(list(parsed.data), False, False, None)
    except Exception:  # noqa: BLE001 - a pattern the stdlib parser cannot read gets no gate
        logger.debug("no word gate for a pattern the stdlib parser cannot read")
        return WordGate()
    return WordGate(
        tuple(dict.fromkeys(g for g in r.groups if g)),
        tuple(dict.fromkeys(p for p in r.pairs if p)),
        tuple(dict.fromkeys(g for g in r.substrings if g)),
    )
