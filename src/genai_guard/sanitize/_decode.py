r"""Hidden-payload decoding: encoded spans become views for the detectors that follow.

``PayloadDecoder`` never rewrites the text the model receives. It finds encoded spans, decodes
them, and returns each readable result as a ``View`` in ``Outcome.views``; the pipeline appends
views to ``Context.views``, and every later detector scans ``ctx.views`` as well as the text.

Decoders with a syntactic marker (``base64``/``base64url``, ``base32``, ``hex``, ``url``
percent-encoding, ``html`` entities, ``escape`` for ``\uXXXX``/``\xXX``) run on every text.
Decoders without one (``rot13``, ``leetspeak``, ``reversed``) run per line, and only keep a
reading when the line itself does not look like English (fewer than
30% of its words are in a small built-in list of common English words) while the decoded reading
does (at least 40% common words, and at least two more common words than the original).
Decoding is recursive (a view is decoded again) up to ``max_depth``; results that are not
valid UTF-8 or are mostly unprintable are dropped. Caps bound the number of views, the total
decoded characters and the characters scanned, whatever the input.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from annotated_types import Ge, Interval

from genai_guard._results import Action, Category, Finding, Outcome, Span, View
from genai_guard.context import Context
from genai_guard.taxonomy import finding

__all__ = ["DECODER_KINDS", "PayloadDecoder"]

DecoderKind = Literal[
    "base64", "base32", "hex", "url", "html", "escape", "rot13", "leetspeak", "reversed"
]
DECODER_KINDS: tuple[DecoderKind, ...] = (
    "base64",
    "base32",
    "hex",
    "url",
    "html",
    "escape",
    "rot13",
    "leetspeak",
    "reversed",
)

# All patterns are single character-class runs or fixed-length tokens: linear with stdlib ``re``.
# One scan finds runs of the base64 alphabet (base32 and hex alphabets are subsets of it); the
# lookbehind makes each run start once, so the scan is linear and cheap on ordinary prose.
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{16,}=*")
_IS_HEX = re.compile(r"(?:0[xX])?[0-9A-Fa-f]+")
_IS_B32 = re.compile(r"[A-Z2-7]+=*")
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ESC = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|\\x[0-9A-Fa-f]{2}")
_LINE = re.compile(r"[^\n]+")
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
_LEET = str.maketrans("0134578@$!|+", "oieastbasilt")
_LEET_CHARS = frozenset("0134578@$!|+")
_CLUSTER_GAP = 40
_MIN_COVER = 0.3

# A small list of very common English words plus the vocabulary of instruction attacks; used only
# to decide whether a marker-less decoding (rot13, leetspeak, reversed) reads as English.
_COMMON = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "get",
        "give",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "know",
        "like",
        "make",
        "me",
        "more",
        "my",
        "new",
        "no",
        "not",
        "now",
        "of",
        "on",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "please",
        "say",
        "she",
        "should",
        "so",
        "some",
        "tell",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "up",
        "us",
        "use",
        "very",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "ignore",
        "previous",
        "instructions",
        "instruction",
        "prompt",
        "system",
        "rules",
        "rule",
        "forget",
        "disregard",
        "above",
        "below",
        "reveal",
        "secret",
        "password",
        "password",
        "admin",
        "now",
        "do",
        "anything",
        "jailbreak",
        "override",
        "bypass",
        "print",
        "show",
        "output",
        "write",
        "tell",
        "act",
        "pretend",
        "role",
        "mode",
        "developer",
        "answer",
        "question",
        "say",
        "delete",
        "all",
        "every",
        "must",
        "never",
        "always",
    ]
)


# Punctuation that is not a leetspeak letter is dropped before words are compared with the list.
_PUNCT = str.maketrans("", "", "\"'`.,;:?()[]{}<>*#%^&~=\\/_-")


def _words(text: str) -> list[str]:
    return text.lower().translate(_PUNCT).split()


def _common(words: list[str]) -> int:
    return sum(map(_COMMON.__contains__, words))


def _leet_word(word: str) -> str:
    """Translate a word that mixes letters with leet characters; leave others alone."""
    if word.isalpha() or not any(c.isalpha() for c in word):
        return word
    return word.translate(_LEET)


def _readable(decoded: str, min_printable: float) -> bool:
    stripped = decoded.strip()
    if len(stripped) < 4:
        return False
    if len(stripped) < 16 and not any(c.isspace() for c in stripped):
        # A short single "word" from a hex or base64 run is far more often an id or a random
        # value than a hidden instruction.
        return False
    printable = sum(1 for c in decoded if c.isprintable() or c in "\n\r\t")
    if printable < min_printable * len(decoded):
        return False
    return any(c.isalpha() for c in decoded)


def _utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _dec_base64(s: str) -> str | None:
    body = s.rstrip("=")
    if len(body) % 4 == 1:
        body = body[:-1]
    padded = body + "=" * (-len(body) % 4)
    try:
        if "-" in body or "_" in body:
            if "+" in body or "/" in body:
                return None
            return _utf8(base64.urlsafe_b64decode(padded))
        return _utf8(base64.b64decode(padded, validate=True))
    except (binascii.Error, ValueError):
        return None


def _dec_base32(s: str) -> str | None:
    body = s.rstrip("=")
    padded = body + "=" * (-len(body) % 8)
    try:
        return _utf8(base64.b32decode(padded))
    except (binascii.Error, ValueError):
        return None


def _dec_hex(s: str) -> str | None:
    body = s[: len(s) - len(s) % 2]
    try:
        return _utf8(bytes.fromhex(body))
    except ValueError:
        return None


def _dec_url(s: str) -> str | None:
    try:
        return urllib.parse.unquote(s, errors="strict")
    except UnicodeDecodeError:
        return None


def _dec_escape(s: str) -> str | None:
    def one(m: re.Match[str]) -> str:
        return chr(int(m.group()[2:], 16))

    try:
        out = _ESC.sub(one, s)
        return out.encode("utf-16", "surrogatepass").decode("utf-16")
    except (ValueError, UnicodeError, OverflowError):
        return None


def _token_kind(token: str) -> tuple[DecoderKind, Callable[[str], str | None]]:
    if _IS_HEX.fullmatch(token):
        return "hex", _dec_hex
    if _IS_B32.fullmatch(token):
        return "base32", _dec_base32
    return "base64", _dec_base64


_CLUSTER_DECODERS: tuple[
    tuple[DecoderKind, str, re.Pattern[str], int, Callable[[str], str | None]], ...
] = (
    ("url", "%", _PCT, 3, _dec_url),
    ("html", "&", _ENTITY, 2, html.unescape),
    ("escape", "\\", _ESC, 3, _dec_escape),
)


@dataclass(frozen=True, slots=True)
class _Found:
    kind: DecoderKind
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class PayloadDecoder:
    """Decode hidden payloads into views for later detectors; never rewrites the text.

    Args:
        name: Step name.
        kinds: Which decoders run (see ``DECODER_KINDS``).
        max_depth: Deepest recursive decoding (a payload encoded inside a payload is depth 2).
        max_views: Most views returned for one text.
        max_decoded_chars: Most decoded characters returned in total for one text.
        max_scan_chars: Characters of each text (and view) that are searched; the rest is not.
        min_encoded_chars: Shortest base64/base32/hex token considered (16 by default).
        min_printable: Least share of printable characters in a kept decoding.
        heuristic_max_chars: Texts longer than this skip the rot13/leetspeak/reversed readings.
        score: Score of the ``sanitize.decoded.*`` findings (category ``NORMALIZATION``).
        report: ``flag``: one finding per view (the step flags); ``silent``: views only.

    ``default_on_fail`` is ``flag``: a decoded payload is worth a look but never blocks by
    itself; the detectors that read the views decide. Thread-safe: immutable.
    """

    name: str = "payload_decoder"
    kinds: tuple[DecoderKind, ...] = DECODER_KINDS
    max_depth: Annotated[int, Interval(ge=1, le=8)] = 3
    max_views: Annotated[int, Ge(1)] = 16
    max_decoded_chars: Annotated[int, Ge(1)] = 65_536
    max_scan_chars: Annotated[int, Ge(1)] = 1_048_576
    min_encoded_chars: Annotated[int, Ge(16)] = 16
    min_printable: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.9
    heuristic_max_chars: Annotated[int, Ge(0)] = 20_000
    score: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.3
    report: Literal["flag", "silent"] = "flag"
    default_on_fail: ClassVar[Action] = Action.FLAG

    def __post_init__(self) -> None:
        for label, value in (
            ("max_depth", self.max_depth),
            ("max_views", self.max_views),
            ("max_decoded_chars", self.max_decoded_chars),
            ("max_scan_chars", self.max_scan_chars),
        ):
            if value < 1:
                raise ValueError(f"{label} must be >= 1")
        if self.min_encoded_chars < 16:
            raise ValueError("min_encoded_chars must be >= 16")
        if not 0.0 <= self.min_printable <= 1.0 or not 0.0 <= self.score <= 1.0:
            raise ValueError("min_printable and score must be within [0, 1]")
        unknown = set(self.kinds) - set(DECODER_KINDS)
        if unknown:
            raise ValueError(f"unknown decoder kinds: {sorted(unknown)}")
        if self.report not in ("flag", "silent"):
            raise ValueError("report must be 'flag' or 'silent'")
        object.__setattr__(self, "kinds", tuple(dict.fromkeys(self.kinds)))

    def check(self, text: str, ctx: Context) -> Outcome:
        """Return a view (and, unless silent, a finding) per decoded payload."""
        del ctx
        views: list[View] = []
        findings: list[Finding] = []
        budget = self.max_decoded_chars
        capped = False
        # Work list of (text to search, depth of what it yields, origin chain, span in checked text)
        work: list[tuple[str, int, str, Span | None]] = [(text, 1, "", None)]
        seen: set[str] = {text}
        while work:
            source, depth, chain, outer = work.pop(0)
            for found in self._find(source):
                if len(views) >= self.max_views or len(found.text) > budget:
                    capped = True
                    break
                if found.text in seen:
                    continue
                seen.add(found.text)
                span = outer if outer is not None else Span(found.start, found.end)
                origin = f"{chain}>{found.kind}" if chain else found.kind
                view = View(text=found.text, origin=origin, span=span, depth=depth)
                views.append(view)
                budget -= len(found.text)
                if self.report == "flag":
                    findings.append(
                        finding(
                            f"sanitize.decoded.{found.kind}",
                            Category.NORMALIZATION,
                            self.score,
                            span=span,
                            message=f"{found.kind} payload decoded into view {view.id} "
                            f"({len(found.text)} chars, depth {depth})",
                            metadata={"view": view.id, "depth": depth, "chars": len(found.text)},
                        )
                    )
                if depth < self.max_depth:
                    work.append((found.text, depth + 1, origin, span))
            if capped:
                break
        if capped and self.report == "flag":
            findings.append(
                finding(
                    "sanitize.decoded.capped",
                    Category.NORMALIZATION,
                    self.score,
                    message="decoding stopped at its view or size cap",
                    metadata={"views": len(views)},
                )
            )
        if not views and not findings:
            return Outcome()
        return Outcome(findings=tuple(findings), views=tuple(views))

    def _find(self, text: str) -> Iterator[_Found]:
        scan = text[: self.max_scan_chars]
        kinds = self.kinds
        if ("base64" in kinds or "base32" in kinds or "hex" in kinds) and max(
            map(len, scan.split()), default=0
        ) >= self.min_encoded_chars:
            # (Gate: a token lies inside a whitespace-free run at least as long; prose has none.)
            for m in _TOKEN.finditer(scan):
                token = m.group()
                if len(token.rstrip("=")) < self.min_encoded_chars:
                    continue
                kind, decode = _token_kind(token)
                if kind == "hex" and token[:2] in ("0x", "0X"):
                    token = token[2:]
                decoded = decode(token) if kind in kinds else None
                if kind != "base64" and decoded is None and "base64" in kinds:
                    # A hex- or base32-looking token may still be base64 (e.g. all capitals).
                    kind, decoded = "base64", _dec_base64(token)
                if decoded is not None and _readable(decoded, self.min_printable):
                    yield _Found(kind, m.start(), m.end(), decoded)
        for kind, marker, pattern, least, decode in _CLUSTER_DECODERS:
            if kind not in kinds or marker not in scan:
                continue
            for start, end in _clusters(pattern, scan, least):
                region = scan[start:end]
                decoded = decode(region)
                if (
                    decoded is not None
                    and decoded != region
                    and _readable(decoded, self.min_printable)
                ):
                    yield _Found(kind, start, end, decoded)
        if len(scan) <= self.heuristic_max_chars and (
            "rot13" in kinds or "leetspeak" in kinds or "reversed" in kinds
        ):
            yield from self._heuristic(scan)

    def _heuristic(self, text: str) -> Iterator[_Found]:
        for m in _LINE.finditer(text):
            line = m.group()
            words = _words(line)
            n = len(words)
            if n < 3:
                continue
            common = _common(words)
            if common >= 0.3 * n:
                continue  # reads as English already
            need = max(common + 2, 0.4 * n)
            if "rot13" in self.kinds:
                rot = [w.translate(_ROT13) for w in words]
                if _common(rot) >= need:
                    yield _Found("rot13", m.start(), m.end(), line.translate(_ROT13).strip())
                    continue
            if "reversed" in self.kinds and _common([w[::-1] for w in words]) >= need:
                yield _Found("reversed", m.start(), m.end(), line[::-1].strip())
                continue
            if "leetspeak" in self.kinds:
                # Only words mixing letters with leet digits/symbols are translated; at least two,
                # and half, of them must become common English words (adversarial suffixes full
                # of symbols otherwise produce spurious readings).
                leet = [_leet_word(w) for w in words]
                changed = [t for w, t in zip(words, leet, strict=True) if t != w]
                gained = _common(changed)
                if gained >= 2 and gained >= 0.5 * len(changed) and _common(leet) >= need:
                    yield _Found("leetspeak", m.start(), m.end(), line.lower().translate(_LEET))


def _clusters(pattern: re.Pattern[str], text: str, least: int) -> Iterator[tuple[int, int]]:
    """Regions dense in escapes, widened to whole words.

    At least ``least`` matches, each within ``_CLUSTER_GAP`` chars of the previous one, covering
    at least ``_MIN_COVER`` of the region. The density test keeps out code and markup that merely
    use a few escapes (``&amp;``).
    """
    start = end = -1
    count = covered = 0
    for m in pattern.finditer(text):
        if count and m.start() - end <= _CLUSTER_GAP:
            end = m.end()
            count += 1
            covered += m.end() - m.start()
            continue
        if count >= least:
            yield from _dense(text, start, end, covered)
        start, end, count, covered = m.start(), m.end(), 1, m.end() - m.start()
    if count >= least:
        yield from _dense(text, start, end, covered)


def _dense(text: str, start: int, end: int, covered: int) -> Iterator[tuple[int, int]]:
    low, high = _widen(text, start, end)
    if covered >= _MIN_COVER * (high - low):
        yield low, high


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a region to the word boundaries around it (at most ``_CLUSTER_GAP`` chars)."""
    low = max(0, start - _CLUSTER_GAP)
    while start > low and not text[start - 1].isspace():
        start -= 1
    high = min(len(text), end + _CLUSTER_GAP)
    while end < high and not text[end].isspace():
        end += 1
    return start, end
