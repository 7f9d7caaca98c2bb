r"""``RuleSet``: the one pattern-matching mechanism of every pattern-based stage.

Three steps, the same for attack rules, PII and secret recognizers and unsafe-code checks:

1. **Keyword hit.** One Aho-Corasick pass (``pyahocorasick``) over the lowercased text finds every
   occurrence of every rule's keywords: literals at least one of which every match of the rule
   contains.
2. **Window.** A match that contains a keyword occurrence at ``p`` lies within ``reach``
   characters of it, so only ``[p - reach, p + len(keyword) + reach]`` can hold one. Overlapping
   windows merge; a merged region is cut into overlapping segments of bounded length.
3. **Confirm.** The rule's pattern (``regex`` module, compiled once) is searched in each segment
   with ``pos``/``endpos``, which keep the real text around the segment visible to lookbehinds
   and ``\b``. A match that ends too close to an artificial segment end (where a lookahead could
   not see the real text) is discarded; the overlap guarantees the next segment sees it whole.

Every character is covered (no head/tail truncation), the work is linear in the text (each
segment is bounded and each character lies in a bounded number of segments per rule), and no
wall-clock time-out decides anything: the same text gives the same matches on any machine.

A rule with no keywords runs over the whole text, segment by segment.

Patterns compile when the set is built (``compiling="eager"``, a bad pattern raises there) or on
first use (``compiling="lazy"``, for large trusted rule sets whose build must stay cheap);
``warm_up`` compiles the rest.

The contract a rule must keep: every match contains one of its keywords (case-insensitively; as a
whole word with ``keyword_match="word"``) and extends at most ``reach`` characters before or after
it; a lookahead looks at most ``LOOKAHEAD_MARGIN`` characters further. Within that contract
``RuleSet`` finds what a plain ``pattern.search`` over the whole text finds (a property test holds
it to that).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import ahocorasick
import regex

__all__ = ["LOOKAHEAD_MARGIN", "Rule", "RuleSet", "lower_same_length", "unsafe_nesting"]

LOOKAHEAD_MARGIN = 64
"""Characters of real text kept visible past a window's end for lookaheads and word edges."""

_MIN_SEGMENT = 2048
_WORD = regex.compile(r"[a-z0-9]+")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


# U+0130 (dotted capital I) lowercases to two characters: it becomes a plain ``i``. The long s
# (U+017F) matches ``s`` case-insensitively but lowercases to itself: it becomes ``s``, so that
# a keyword spelled with it is still found.
_SAME_LENGTH = str.maketrans({"\u0130": "i", "\u017f": "s"})


def lower_same_length(text: str) -> str:
    """``text.lower()`` with offsets that agree with ``text``, and ``ſ`` read as ``s``."""
    if text.isascii():
        return text.lower()
    return text.translate(_SAME_LENGTH).lower()


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern and where it can match. Immutable.

    Attributes:
        key: The caller's name for the rule (several rules may share one, e.g. the patterns of
            one attack rule).
        pattern: A ``regex``-module pattern.
        keywords: Lowercase literals; every match contains one of them. Empty: the pattern runs
            over the whole text.
        keyword_match: ``"substring"``: a keyword counts wherever it occurs. ``"word"``: a
            keyword made of ASCII letters and digits counts only where no letter or digit
            continues it on either side (``act`` in "act now", not in "contact"); other
            keywords still count as substrings.
        reach: How far a match may extend before or after a keyword occurrence (for a rule
            without keywords: the longest match), in characters.
        flags: ``regex`` flags the pattern is compiled with.
        lowercased: Run the pattern over ``lower_same_length(text)`` instead of the text
            (offsets agree). A pattern without uppercase letters can then run without
            ``IGNORECASE``, which ``regex`` matches markedly faster.
    """

    key: str
    pattern: str
    keywords: tuple[str, ...] = ()
    reach: int = 240
    flags: int = regex.IGNORECASE | regex.VERSION0
    keyword_match: Literal["substring", "word"] = "substring"
    lowercased: bool = False

    def __post_init__(self) -> None:
        if self.reach < 1:
            raise ValueError(f"rule {self.key}: reach must be positive")
        if any(not k or k != lower_same_length(k) for k in self.keywords):
            raise ValueError(f"rule {self.key}: keywords must be non-empty and lowercase")


@functools.lru_cache(maxsize=4096)  # rule specs and RuleSet both ask; patterns are immutable
def unsafe_nesting(pattern: str) -> bool:
    r"""True if ``pattern`` repeats a group that itself holds an unbounded repetition.

    ``(a+)+``, ``(?:\w*\s)*`` and ``(x|y+){2,}`` can backtrack exponentially; rules with them are
    refused at load. A group repeated a bounded number of times (``{0,5}``) is allowed: its cost
    stays polynomial in a bounded window.
    """
    # Per open group: does its body hold an unbounded quantifier?
    stack: list[bool] = [False]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            stack[-1] = stack[-1] or _unbounded_at(pattern, i + 2)
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            unbounded = _unbounded_at(pattern, i)
            stack[-1] = stack[-1] or unbounded
            continue
        if c == "(":
            stack.append(False)
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            unbounded = _unbounded_at(pattern, i + 1)
            if inner and unbounded:
                return True
            stack[-1] = stack[-1] or inner or unbounded
        elif c not in "|?*+{":
            stack[-1] = stack[-1] or _unbounded_at(pattern, i + 1)
        i += 1
    return False


_OPEN_BRACES = regex.compile(r"\{\d*,\}")


def _unbounded_at(pattern: str, i: int) -> bool:
    """Whether an unbounded quantifier (``*``, ``+``, ``{n,}``) starts at ``pattern[i]``."""
    if i >= len(pattern):
        return False
    if pattern[i] in "*+":
        return True
    return pattern[i] == "{" and _OPEN_BRACES.match(pattern, i) is not None


class _Compiled:
    """A rule with its segment geometry and its pattern, compiled now or on first use.

    Thread-safe: two threads may compile the same pattern at once; both results are equal.
    """

    __slots__ = ("_pattern", "overlap", "rule", "segment")

    def __init__(self, rule: Rule, *, eager: bool) -> None:
        self.rule = rule
        longest = max((len(k) for k in rule.keywords), default=0)
        self.overlap = 2 * rule.reach + longest + LOOKAHEAD_MARGIN + 1
        self.segment = max(_MIN_SEGMENT, 4 * self.overlap)
        self._pattern: regex.Pattern[str] | None = self._compile() if eager else None

    def _compile(self) -> regex.Pattern[str]:
        try:
            return regex.compile(self.rule.pattern, self.rule.flags)
        except regex.error as exc:
            raise ValueError(f"rule {self.rule.key}: pattern does not compile: {exc}") from None

    @property
    def pattern(self) -> regex.Pattern[str]:
        pattern = self._pattern
        if pattern is None:
            pattern = self._pattern = self._compile()
        return pattern


class RuleSet:
    """Rules compiled for one pass of keyword search and bounded confirmation. Immutable.

    Args:
        rules: The rules; ``matches`` reports them by index.
        compiling: ``"eager"`` compiles every pattern now (a bad one raises here); ``"lazy"``
            compiles each on first use (build stays cheap; for rules already known to compile).

    Raises:
        ValueError: A pattern repeats a group holding an unbounded repetition (see
            ``unsafe_nesting``), or (eager) does not compile.

    Thread-safe: immutable after construction (a lazily compiled pattern is filled in once, with
    an equal value whichever thread does it); each call works on its own state.
    """

    __slots__ = ("_always", "_automaton", "_compiled", "_group_of", "rules")

    def __init__(
        self, rules: Iterable[Rule], *, compiling: Literal["eager", "lazy"] = "eager"
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        compiled: list[_Compiled] = []
        # Rules with the same keywords, reach and keyword mode share their windows: computed
        # once per group (the attack rules' 421 patterns fall into about 70 groups).
        groups: dict[tuple[tuple[str, ...], int, str], int] = {}
        group_of: list[int] = []
        always: list[int] = []
        for i, rule in enumerate(self.rules):
            if unsafe_nesting(rule.pattern):
                raise ValueError(
                    f"rule {rule.key}: a repeated group holds an unbounded repetition "
                    "(catastrophic backtracking); bound the inner or outer quantifier"
                )
            compiled.append(_Compiled(rule, eager=compiling == "eager"))
            if not rule.keywords:
                always.append(i)
            signature = (tuple(sorted(set(rule.keywords))), rule.reach, rule.keyword_match)
            group_of.append(groups.setdefault(signature, len(groups)))
        # Per keyword: the groups it opens wherever it occurs, and those it opens as a word only.
        by_keyword: dict[str, tuple[list[int], list[int]]] = {}
        for (keywords, _, how), g in groups.items():
            for k in keywords:
                as_word = how == "word" and _WORD.fullmatch(k) is not None
                by_keyword.setdefault(k, ([], []))[as_word].append(g)
        automaton = ahocorasick.Automaton()
        reach_of = [reach for _, reach, _ in groups]
        for k, (anywhere, as_words) in by_keyword.items():
            automaton.add_word(
                k,
                (
                    len(k),
                    tuple((g, reach_of[g]) for g in anywhere),
                    tuple((g, reach_of[g]) for g in as_words),
                ),
            )
        if by_keyword:
            automaton.make_automaton()
        self._automaton = automaton if by_keyword else None
        self._compiled = tuple(compiled)
        self._always = tuple(always)
        self._group_of = tuple(group_of)

    def __len__(self) -> int:
        return len(self.rules)

    def warm_up(self) -> int:
        """Compile every pattern not compiled yet; returns how many rules the set holds."""
        for c in self._compiled:
            _ = c.pattern
        return len(self._compiled)

    def regions(self, text: str, low: str | None = None) -> dict[int, list[tuple[int, int]]]:
        """Per rule index, the merged ``[start, end)`` regions where it can match in ``text``.

        ``low`` is ``lower_same_length(text)`` when the caller already has it.
        """
        n = len(text)
        out: dict[int, list[tuple[int, int]]] = {i: [(0, n)] for i in self._always}
        automaton = self._automaton
        if automaton is None or not text:
            return out
        if low is None:
            low = lower_same_length(text)
        margin = 1 + LOOKAHEAD_MARGIN
        # Per group, its merged windows as mutable [lo, hi] pairs, clipped to the text at the end.
        # Occurrences come by end position and a group has one reach, so a new window's end
        # never falls; only its start may fall below the last window's (a shorter keyword ending
        # later can start earlier), which the slow branch merges backwards.
        by_group: dict[int, list[list[int]]] = {}
        for end, (length, anywhere, as_words) in automaton.iter(low):
            start = end + 1 - length
            gs = anywhere
            if (
                as_words
                and (start == 0 or low[start - 1] not in _WORD_CHARS)
                and (end + 1 == n or low[end + 1] not in _WORD_CHARS)
            ):
                gs = anywhere + as_words
            for g, reach in gs:
                lo = start - reach
                hi = end + reach + margin
                spans = by_group.get(g)
                if spans is None:
                    by_group[g] = [[lo, hi]]
                    continue
                last = spans[-1]
                if lo > last[1]:
                    spans.append([lo, hi])
                elif lo >= last[0]:
                    last[1] = hi
                else:
                    spans.pop()
                    lo = min(lo, last[0])
                    while spans and lo <= spans[-1][1]:
                        lo = min(lo, spans.pop()[0])
                    spans.append([lo, hi])
        if by_group:
            clipped = {
                g: [(max(0, lo), min(n, hi)) for lo, hi in spans] for g, spans in by_group.items()
            }
            for i, g in enumerate(self._group_of):
                windows = clipped.get(g)
                if windows is not None:
                    out[i] = windows  # shared by the group's rules; nobody mutates it
        return out

    def matches(
        self,
        text: str,
        *,
        first_only: bool = False,
        first_per_key: bool = False,
        only: Sequence[int] | None = None,
        low: str | None = None,
    ) -> Iterator[tuple[int, regex.Match[str]]]:
        """``(rule index, match)`` for the matches of every rule, rule by rule in index order.

        Within one rule matches come left to right and do not overlap.

        Args:
            text: The text to scan.
            first_only: Stop each rule at its first match (enough to know it fires).
            first_per_key: Stop each key at its first match: once a rule matches, the later
                rules with the same key are not run (enough to know the key fires; implies
                ``first_only``).
            only: Rule indices to run (default: all).
            low: ``lower_same_length(text)``, when the caller already has it.
        """
        if low is None:
            low = lower_same_length(text)
        regions = self.regions(text, low)
        n = len(text)
        wanted = sorted(regions) if only is None else sorted(set(only).intersection(regions))
        first_only = first_only or first_per_key
        fired: set[str] = set()
        for i in wanted:
            c = self._compiled[i]
            if first_per_key and c.rule.key in fired:
                continue
            last_end = -1
            pattern = c.pattern
            target = low if c.rule.lowercased else text
            for lo, hi in regions[i]:
                # Most regions are one segment and hold no match: one search says so, and
                # ``_confirm`` (whose first search is this one) is not needed.
                if hi - lo <= c.segment and pattern.search(target, max(lo, last_end), hi) is None:
                    continue
                for m in _confirm(c, target, lo, hi, n, last_end):
                    fired.add(c.rule.key)
                    yield i, m
                    last_end = m.end()
                    if first_only:
                        break
                else:
                    continue
                break

    def first(
        self, text: str, *, only: Sequence[int] | None = None, low: str | None = None
    ) -> dict[int, regex.Match[str]]:
        """The first match of each rule that fires, by rule index."""
        return dict(self.matches(text, first_only=True, only=only, low=low))


def _confirm(  # noqa: PLR0917 - private hot-path helper
    c: _Compiled, text: str, lo: int, hi: int, n: int, last_end: int
) -> Iterator[regex.Match[str]]:
    """Matches of ``c`` in the region ``[lo, hi)``, segment by segment, left to right.

    A segment is searched with ``endpos`` at its end; a match ending within the lookahead margin
    of an end that is not the text's own may be an artefact of the cut and is left to the next
    segment, which overlaps this one by more than any match's length.
    """
    pattern = c.pattern
    step = c.segment - c.overlap
    seg_lo = lo
    empty_ok = True  # no empty match yielded at ``last_end`` yet
    while True:
        seg_hi = min(hi, seg_lo + c.segment)
        limit = seg_hi if seg_hi == n else seg_hi - LOOKAHEAD_MARGIN
        pos = max(seg_lo, last_end)
        while pos <= seg_hi:
            m = pattern.search(text, pos, seg_hi)
            if m is None:
                break
            if m.end() > limit:
                if m.start() >= seg_lo + step:
                    break  # the next segment sees it, and everything after it, whole
                pos = m.start() + 1
                continue
            # ``>`` for an empty match where the last one ended: an empty match found again
            # by the overlapping next segment.
            if m.start() > last_end or (
                m.start() == last_end and (m.end() > m.start() or empty_ok)
            ):
                yield m
                last_end = m.end()
                empty_ok = m.end() > m.start()
            pos = m.end() if m.end() > m.start() else m.end() + 1
        if seg_hi >= hi:
            return
        seg_lo += step
