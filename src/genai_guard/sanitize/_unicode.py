"""Unicode canonicalization: invisible characters, smuggled text, NFKC, homoglyphs, whitespace.

What ``UnicodeSanitizer`` does to a text, in order:

1. Finds text smuggled in Unicode tag characters (U+E0020-E007E spell ASCII) and in runs of
   variation selectors (one selector per byte: VS1-16 are 0-15, VS17-256 are 16-255), decodes it,
   and returns it as a ``View`` (origins ``tag_smuggling`` and ``variation_selector_smuggling``)
   with a ``sanitize.smuggled.*`` finding (category ``GUARDRAIL_BYPASS``).
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
from typing import ClassVar

from genai_guard._results import Action, Category, Finding, Outcome, Span, View
from genai_guard.context import Context
from genai_guard.sanitize._confusables import fold_table
from genai_guard.taxonomy import finding

__all__ = ["UnicodeSanitizer", "canonicalize"]

# Provably linear patterns: single character classes, no nesting, so the stdlib ``re`` suffices.
_ASCII_SLOW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[ \t][ \t]")
_TAG_RUN = re.compile("[\U000e0000-\U000e007f]+")
_VS_RUN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]{2,}")
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
_CLASS_RES = tuple((rule, re.compile(f"[{chars}]+"), msg) for rule, chars, msg in _CLASSES)
_REMOVE = re.compile("[" + "".join(chars for _, chars, _ in _CLASSES) + "]+")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_WORD = re.compile(r"\S+")
_WS_RUN = re.compile(r"(?<=\S)[ \t]{2,}")
_ODD_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_MAX_ROUNDS = 4


def _vs_byte(ch: str) -> int:
    cp = ord(ch)
    return cp - 0xFE00 if cp <= 0xFE0F else cp - 0xE0100 + 16


_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_CYRILLIC_GREEK = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f]"
)


def _fold_word(word: str, table: Mapping[int, str]) -> str:
    if word.isascii():
        return word
    folded = word.translate(table)
    if folded.isascii() or any(c.isascii() and c.isalpha() for c in word):
        return folded
    return word


def _round(text: str, table: Mapping[int, str]) -> str:
    out = _REMOVE.sub("", text)
    if not out.isascii():
        out = _ODD_SPACE.sub(" ", unicodedata.normalize("NFKC", out))
        out = _WORD.sub(lambda m: _fold_word(m.group(), table), out)
    return _WS_RUN.sub(" ", out)


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
        if nxt == out:
            break
        out = nxt
    return out


@dataclass(frozen=True, slots=True)
class UnicodeSanitizer:
    """Canonicalize Unicode and surface smuggled text (see the module docstring for the steps).

    Args:
        name: Step name.
        max_spans: Most spans listed in one finding's metadata (counts are always exact).
        smuggled_score: Score of ``sanitize.smuggled.*`` findings (category ``GUARDRAIL_BYPASS``).
        normalization_score: Score of the other findings (category ``NORMALIZATION``).

    Thread-safe: immutable; the homoglyph table is built once, lazily, and never mutated.
    """

    name: str = "unicode"
    max_spans: int = 20
    smuggled_score: float = 0.9
    normalization_score: float = 0.1
    default_on_fail: ClassVar[Action] = Action.MODIFY

    def __post_init__(self) -> None:
        if self.max_spans < 0:
            raise ValueError("max_spans must be >= 0")
        for label, score in (
            ("smuggled_score", self.smuggled_score),
            ("normalization_score", self.normalization_score),
        ):
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"{label} must be within [0, 1]")

    def check(self, text: str, ctx: Context) -> Outcome:
        """Canonicalize ``text``; return findings, the rewritten text and smuggled-text views."""
        del ctx
        if text.isascii() and _ASCII_SLOW.search(text) is None:
            return Outcome()
        findings: list[Finding] = []
        views: list[View] = []
        self._smuggled(text, findings, views)
        for rule, pattern, msg in _CLASS_RES:
            self._runs(text, pattern, rule, msg, findings)
        self._nfkc_and_homoglyphs(text, findings)
        out = canonicalize(text)
        if _WS_RUN.search(_REMOVE.sub("", text)) is not None or _ODD_SPACE.search(text):
            findings.append(
                finding(
                    "sanitize.whitespace",
                    Category.NORMALIZATION,
                    self.normalization_score,
                    message="unusual spaces replaced or runs of spaces collapsed",
                )
            )
        if out == text and not findings:
            return Outcome()
        return Outcome(
            findings=tuple(findings),
            text=out if out != text else None,
            views=tuple(views),
        )

    def _runs(
        self,
        text: str,
        pattern: re.Pattern[str],
        rule: str,
        msg: str,
        findings: list[Finding],
    ) -> None:
        spans: list[list[int]] = []
        count = 0
        first: Span | None = None
        for m in pattern.finditer(text):
            count += m.end() - m.start()
            if first is None:
                first = Span(m.start(), m.end())
            if len(spans) < self.max_spans:
                spans.append([m.start(), m.end()])
        if count:
            findings.append(
                finding(
                    rule,
                    Category.NORMALIZATION,
                    self.normalization_score,
                    span=first,
                    message=f"{msg}: {count}",
                    metadata={"count": count, "spans": spans},
                )
            )

    def _smuggled(self, text: str, findings: list[Finding], views: list[View]) -> None:
        for m in _TAG_RUN.finditer(text):
            decoded = "".join(
                chr(ord(c) - 0xE0000) for c in m.group() if 0xE0020 <= ord(c) <= 0xE007E
            )
            if decoded.strip():
                self._smuggled_view(
                    "tag_smuggling",
                    kind="tag_chars",
                    decoded=decoded,
                    start=m.start(),
                    end=m.end(),
                    findings=findings,
                    views=views,
                )
        for m in _VS_RUN.finditer(text):
            raw = bytes(_vs_byte(c) for c in m.group())
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            printable = sum(c.isprintable() or c in "\n\t" for c in decoded)
            if decoded.strip() and printable >= 0.9 * len(decoded):
                self._smuggled_view(
                    "variation_selector_smuggling",
                    kind="variation_selectors",
                    decoded=decoded,
                    start=m.start(),
                    end=m.end(),
                    findings=findings,
                    views=views,
                )

    def _smuggled_view(
        self,
        origin: str,
        *,
        kind: str,
        decoded: str,
        start: int,
        end: int,
        findings: list[Finding],
        views: list[View],
    ) -> None:
        view = View(text=decoded, origin=origin, span=Span(start, end), depth=1)
        views.append(view)
        findings.append(
            finding(
                f"sanitize.smuggled.{kind}",
                Category.GUARDRAIL_BYPASS,
                self.smuggled_score,
                span=Span(start, end),
                message=f"text hidden in {kind.replace('_', ' ')} decoded ({len(decoded)} chars)",
                metadata={"view": view.id, "chars": len(decoded)},
            )
        )

    def _nfkc_and_homoglyphs(self, text: str, findings: list[Finding]) -> None:
        nfkc_spans: list[list[int]] = []
        nfkc_count = 0
        for m in _NON_ASCII_RUN.finditer(text):
            run = _REMOVE.sub("", m.group())
            if run and not unicodedata.is_normalized("NFKC", run):
                nfkc_count += 1
                if len(nfkc_spans) < self.max_spans:
                    nfkc_spans.append([m.start(), m.end()])
        if nfkc_count:
            findings.append(
                finding(
                    "sanitize.nfkc",
                    Category.NORMALIZATION,
                    self.normalization_score,
                    span=Span(*nfkc_spans[0]),
                    message=f"NFKC changed {nfkc_count} run(s) of characters",
                    metadata={"count": nfkc_count, "spans": nfkc_spans},
                )
            )
        table = fold_table()
        glyph_spans: list[list[int]] = []
        mixed_spans: list[list[int]] = []
        glyphs = mixed = 0
        for m in _WORD.finditer(text):
            word = m.group()
            if word.isascii():
                continue
            clean = unicodedata.normalize("NFKC", _REMOVE.sub("", word))
            folded = _fold_word(clean, table)
            if folded != clean:
                glyphs += sum(1 for a, b in zip(clean, folded, strict=False) if a != b)
                if len(glyph_spans) < self.max_spans:
                    glyph_spans.append([m.start(), m.end()])
            if _CYRILLIC_GREEK.search(clean) and _LATIN.search(clean):
                mixed += 1
                if len(mixed_spans) < self.max_spans:
                    mixed_spans.append([m.start(), m.end()])
        if glyphs:
            findings.append(
                finding(
                    "sanitize.homoglyph",
                    Category.NORMALIZATION,
                    self.normalization_score,
                    span=Span(*glyph_spans[0]),
                    message=f"{glyphs} confusable character(s) folded to ASCII",
                    metadata={"count": glyphs, "spans": glyph_spans},
                )
            )
        if mixed:
            findings.append(
                finding(
                    "sanitize.mixed_script",
                    Category.NORMALIZATION,
                    max(self.normalization_score, 0.5),
                    span=Span(*mixed_spans[0]),
                    message=f"{mixed} word(s) mix Latin with Cyrillic or Greek letters",
                    metadata={"count": mixed, "spans": mixed_spans},
                )
            )
