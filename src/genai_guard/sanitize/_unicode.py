"""Unicode canonicalization: invisible characters, smuggled text, NFKC, homoglyphs, whitespace.

What ``UnicodeSanitizer`` does to a text, in order:

1. Finds text smuggled in Unicode tag characters (U+E0020-E007E spell ASCII) and in runs of
   variation selectors (one selector per byte: VS1-16 are 0-15, VS17-256 are 16-255), decodes it,
   and returns it as a ``View`` (origins ``tag_smuggling`` and ``variation_selector_smuggling``)
   with one ``sanitize.smuggled.*`` finding per kind (category ``GUARDRAIL_BYPASS``) that counts
   them. Runs split only by other invisible characters are read as one run, and at most
   ``max_views`` views are made (the rest of the smuggled text is joined into the last one), so
   a flood of interleaved invisible characters costs linear time and a bounded number of views.
2. Removes format characters (zero-width, soft hyphen, BOM, ...), bidi controls, variation
   selectors, tag characters, invisible fillers, and control characters other than tab, LF, CR.
3. Applies NFKC.
4. Folds confusable homoglyphs to ASCII (Unicode TR39 data) inside words that contain an ASCII
   letter or that become pure ASCII when folded; other non-Latin words are left alone, so genuine
   Cyrillic or Greek text is not rewritten.
5. Replaces other Unicode space separators by a plain space and collapses runs of spaces and
   tabs inside a line to one space (leading indentation is kept).

Steps 2-5 are repeated until the text stops changing (at most a few rounds), which makes the
result idempotent. Every change is a finding with counts and spans in the original text.
Mixed-script words (Latin with Cyrillic or Greek letters) are reported as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar

from annotated_types import Ge, Interval

from genai_guard._results import Action, Category, Finding, Outcome, Span, View
from genai_guard.context import Context
from genai_guard.sanitize._confusables import fold_table
from genai_guard.taxonomy import finding

__all__ = ["UnicodeSanitizer", "canonicalize"]

# Provably linear patterns: single character classes, no nesting, so the stdlib ``re`` suffices.
_ASCII_SLOW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[ \t][ \t]")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_VS = "\ufe00-\ufe0f\U000e0100-\U000e01ef\u180b-\u180d\u180f"
_TAGS = "\U000e0000-\U000e007f"
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_INVISIBLE = "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2065\u206a-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"  # noqa: E501
_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("sanitize.bidi_control", _BIDI, "bidi control characters removed"),
    ("sanitize.variation_selector", _VS, "variation selectors removed"),
    ("sanitize.tag_char", _TAGS, "Unicode tag characters removed"),
    ("sanitize.control_char", _CONTROL, "control characters removed"),
    ("sanitize.zero_width", _INVISIBLE, "zero-width and invisible format characters removed"),
)
# All patterns below are character classes or runs of one class (linear with stdlib ``re``).
_CLASS_RES = tuple((rule, re.compile(f"[{chars}]+"), msg) for rule, chars, msg in _CLASSES)
_REMOVE = re.compile("[" + "".join(chars for _, chars, _ in _CLASSES) + "]+")
# Smuggled runs: the carrier characters, possibly split by other removable characters. The two
# classes of each pattern are disjoint, so matching is unambiguous and linear with stdlib ``re``.
_SMUGGLE_VS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_NOT_TAG = _BIDI + _VS + _CONTROL + _INVISIBLE
_NOT_VS = _BIDI + "\u180b-\u180d\u180f" + _TAGS + _CONTROL + _INVISIBLE
_TAG_RUN = re.compile(f"[{_TAGS}]+(?:[{_NOT_TAG}]+[{_TAGS}]+)*")
_VS_RUN = re.compile(f"[{_SMUGGLE_VS}]+(?:[{_NOT_VS}]+[{_SMUGGLE_VS}]+)*")
_IS_VS = re.compile(f"[{_SMUGGLE_VS}]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD_TAIL = re.compile(r"\S*")
_ASCII_LETTER = re.compile("[A-Za-z]")
_WS_RUN = re.compile(r"(?<=\S)[ \t]{2,}")
# Space separators that NFKC leaves alone (it maps the others to U+0020 already).
_ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_ODD_SPACES}]")
_SPECIAL = re.compile("[" + "".join(chars for _, chars, _ in _CLASSES) + _ODD_SPACES + "]")
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_CYRILLIC_GREEK = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f]"
)
_MAX_ROUNDS = 4


def _vs_byte(ch: str) -> int:
    cp = ord(ch)
    return cp - 0xFE00 if cp <= 0xFE0F else cp - 0xE0100 + 16


def _non_ascii_words(text: str) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated words that hold a non-ASCII character.

    Linear: non-ASCII runs are found by one regex scan; each is widened to its word, and a run
    inside the previous word is skipped, so no character is examined more than a few times.
    """
    spans: list[tuple[int, int]] = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        if m.start() < last:
            continue
        start = m.start()
        while start > last and not text[start - 1].isspace():
            start -= 1
        tail = _WORD_TAIL.match(text, m.start())
        end = tail.end() if tail is not None else m.end()
        if start == end:  # the run is whitespace only (odd spaces); not a word
            last = m.end()
            continue
        spans.append((start, end))
        last = end
    return spans


def _fold_word(word: str, table: Mapping[int, str]) -> str:
    if word.isascii():
        return word
    folded = word.translate(table)
    if folded.isascii() or _ASCII_LETTER.search(word):
        return folded
    return word


def _fold(text: str, table: Mapping[int, str]) -> str:
    pieces: list[str] = []
    pos = 0
    for start, end in _non_ascii_words(text):
        pieces.append(text[pos:start])
        pieces.append(_fold_word(text[start:end], table))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _round(text: str, table: Mapping[int, str]) -> str:
    out = _REMOVE.sub("", text)
    if not out.isascii():
        out = unicodedata.normalize("NFKC", out)
        if "\u1680" in out:
            out = out.replace("\u1680", " ")
        out = _fold(out, table)
    if "  " in out or "\t" in out:
        out = _WS_RUN.sub(" ", out)
    return out


def canonicalize(text: str) -> str:
    """The canonical form of ``text`` that ``UnicodeSanitizer`` produces (no findings).

    Idempotent: ``canonicalize(canonicalize(t)) == canonicalize(t)``.
    """
    if text.isascii() and _ASCII_SLOW.search(text) is None:
        return text
    table = fold_table()
    out = text
    for _ in range(_MAX_ROUNDS):
        nxt = _round(out, table)
        # An ASCII result of a round is already a fixed point: no removable control characters
        # (removed), NFKC and the fold leave ASCII alone, and collapsing is idempotent.
        if nxt == out or nxt.isascii():
            return nxt
        out = nxt
    return out


class _Tally:
    """Counts and the first spans of each rule, while scanning one text."""

    __slots__ = ("counts", "max_spans", "spans")

    def __init__(self, max_spans: int) -> None:
        self.max_spans = max_spans
        self.counts: dict[str, int] = {}
        self.spans: dict[str, list[list[int]]] = {}

    def add(self, rule: str, n: int, start: int, end: int) -> None:
        self.counts[rule] = self.counts.get(rule, 0) + n
        spans = self.spans.setdefault(rule, [])
        if spans and spans[-1][1] == start:
            spans[-1][1] = end
        elif len(spans) < self.max_spans:
            spans.append([start, end])

    def add_matches(self, rule: str, pattern: re.Pattern[str], run: str, base: int) -> None:
        """Count every character ``pattern`` matches in ``run``; keep the first spans.

        Linear with a small constant on a flood: the count is taken in C (by deletion) and the
        matches are walked only until the span list is full.
        """
        if pattern.search(run) is None:
            return
        self.counts[rule] = self.counts.get(rule, 0) + len(run) - len(pattern.sub("", run))
        spans = self.spans.setdefault(rule, [])
        for m in pattern.finditer(run):
            start, end = base + m.start(), base + m.end()
            if spans and spans[-1][1] == start:
                spans[-1][1] = end
            elif len(spans) < self.max_spans:
                spans.append([start, end])
            else:
                break


_MESSAGES = {
    **{rule: msg + ": {}" for rule, _, msg in _CLASSES},
    "sanitize.nfkc": "NFKC changed {} word(s)",
    "sanitize.homoglyph": "{} confusable character(s) folded to ASCII",
    "sanitize.mixed_script": "{} word(s) mix Latin with Cyrillic or Greek letters",
    "sanitize.space_separator": "{} unusual space character(s) replaced",
}


@dataclass(frozen=True, slots=True)
class UnicodeSanitizer:
    """Canonicalize Unicode and surface smuggled text (see the module docstring for the steps).

    Args:
        name: Step name.
        max_spans: Most spans listed in one finding's metadata (counts are always exact).
        max_views: Most views of each smuggling kind for one text; runs past it are joined
            into the last view.
        smuggled_score: Score of ``sanitize.smuggled.*`` findings (category ``GUARDRAIL_BYPASS``).
        normalization_score: Score of the other findings (category ``NORMALIZATION``);
            ``sanitize.mixed_script`` scores at least 0.5.

    Thread-safe: immutable; the homoglyph table is built once, lazily, and never mutated.
    """

    name: str = "unicode"
    max_spans: Annotated[int, Ge(1)] = 20
    max_views: Annotated[int, Ge(1)] = 8
    smuggled_score: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.9
    normalization_score: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.1
    default_on_fail: ClassVar[Action] = Action.MODIFY

    def __post_init__(self) -> None:
        if self.max_spans < 1:
            raise ValueError("max_spans must be >= 1")
        if self.max_views < 1:
            raise ValueError("max_views must be >= 1")
        for label, score in (
            ("smuggled_score", self.smuggled_score),
            ("normalization_score", self.normalization_score),
        ):
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"{label} must be within [0, 1]")

    def warm_up(self) -> None:
        """Build the homoglyph table now rather than on the first text (``Pipeline.warm_up``)."""
        fold_table()

    def check(self, text: str, ctx: Context) -> Outcome:
        """Canonicalize ``text``; return findings, the rewritten text and smuggled-text views."""
        del ctx
        if text.isascii() and _ASCII_SLOW.search(text) is None:
            return Outcome()
        tally = _Tally(self.max_spans)
        findings: list[Finding] = []
        views: list[View] = []
        for m in _ASCII_CONTROL.finditer(text):
            tally.add("sanitize.control_char", m.end() - m.start(), m.start(), m.end())
        if not text.isascii():
            self._non_ascii(text, tally, findings, views)
        out = canonicalize(text)
        for rule, template in _MESSAGES.items():
            if rule in tally.counts:
                score = self.normalization_score
                if rule == "sanitize.mixed_script":
                    score = max(score, 0.5)
                spans = tally.spans[rule]
                findings.append(
                    finding(
                        rule,
                        Category.NORMALIZATION,
                        score,
                        span=Span(*spans[0]),
                        message=template.format(tally.counts[rule]),
                        metadata={"count": tally.counts[rule], "spans": spans},
                    )
                )
        if ("  " in text or "\t" in text) and _WS_RUN.search(text) is not None:
            findings.append(
                finding(
                    "sanitize.whitespace",
                    Category.NORMALIZATION,
                    self.normalization_score,
                    message="runs of spaces or tabs collapsed",
                )
            )
        if out == text and not findings:
            return Outcome()
        return Outcome(
            findings=tuple(findings),
            text=out if out != text else None,
            views=tuple(views),
        )

    def _non_ascii(
        self, text: str, tally: _Tally, findings: list[Finding], views: list[View]
    ) -> None:
        """Findings for the non-ASCII parts of ``text``, with spans in ``text``."""
        hidden: dict[str, list[tuple[str, Span]]] = {"tag_chars": [], "variation_selectors": []}
        for m in _NON_ASCII.finditer(text):
            run, base = m.group(), m.start()
            if _SPECIAL.search(run) is None:
                continue  # letters and symbols only: handled per word below
            for rule, pattern, _ in _CLASS_RES:
                tally.add_matches(rule, pattern, run, base)
            tally.add_matches("sanitize.space_separator", _ODD_SPACE, run, base)
            for c in _TAG_RUN.finditer(run):
                decoded = _tag_text(c.group())
                if decoded.strip():
                    hidden["tag_chars"].append((decoded, Span(base + c.start(), base + c.end())))
            for c in _VS_RUN.finditer(run):
                decoded_vs = _selector_text(c.group())
                if decoded_vs is not None:
                    span = Span(base + c.start(), base + c.end())
                    hidden["variation_selectors"].append((decoded_vs, span))
        for kind, found in hidden.items():
            if found:
                self._smuggled(kind, found, findings, views)
        table = fold_table()
        for start, end in _non_ascii_words(text):
            word = _REMOVE.sub("", text[start:end])
            clean = unicodedata.normalize("NFKC", word)
            if clean != word:
                tally.add("sanitize.nfkc", 1, start, end)
            folded = _fold_word(clean, table)
            if folded != clean:
                changed = sum(1 for a, b in zip(clean, folded, strict=True) if a != b)
                tally.add("sanitize.homoglyph", changed, start, end)
            if _CYRILLIC_GREEK.search(clean) and _LATIN.search(clean):
                tally.add("sanitize.mixed_script", 1, start, end)

    def _smuggled(
        self,
        kind: str,
        found: list[tuple[str, Span]],
        findings: list[Finding],
        views: list[View],
    ) -> None:
        """One view per smuggled run (at most ``max_views``) and one finding for the kind."""
        if len(found) > self.max_views:
            # Nothing is dropped: the runs past the cap share the last view.
            tail = found[self.max_views - 1 :]
            merged = "\n".join(decoded for decoded, _ in tail)
            found = [
                *found[: self.max_views - 1],
                (merged, Span(tail[0][1].start, tail[-1][1].end)),
            ]
        origin = _ORIGINS[kind]
        made = [View(text=decoded, origin=origin, span=span, depth=1) for decoded, span in found]
        views.extend(made)
        chars = sum(len(v.text) for v in made)
        findings.append(
            finding(
                f"sanitize.smuggled.{kind}",
                Category.GUARDRAIL_BYPASS,
                self.smuggled_score,
                span=made[0].span,
                message=f"text hidden in {kind.replace('_', ' ')} decoded "
                f"({chars} chars in {len(made)} view(s))",
                metadata={"view": made[0].id, "views": [v.id for v in made], "chars": chars},
            )
        )


_ORIGINS = {"tag_chars": "tag_smuggling", "variation_selectors": "variation_selector_smuggling"}


_NOT_TAG_ASCII = re.compile("[^\U000e0020-\U000e007e]+")
_TAG_TO_ASCII = {cp: cp - 0xE0000 for cp in range(0xE0020, 0xE007F)}


def _tag_text(run: str) -> str:
    """The ASCII spelled by the tag characters of ``run`` (other characters are skipped)."""
    return _NOT_TAG_ASCII.sub("", run).translate(_TAG_TO_ASCII)


def _selector_text(run: str) -> str | None:
    """The UTF-8 text spelled by the variation selectors of ``run``, if it reads as text."""
    selectors = _IS_VS.findall(run)
    if len(selectors) < 2:
        return None
    try:
        decoded = bytes(_vs_byte(c) for c in selectors).decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(c.isprintable() or c in "\n\t" for c in decoded)
    if decoded.strip() and printable >= 0.9 * len(decoded):
        return decoded
    return None
