"""Data exfiltration through links and images the client renders.

A model that was injected can smuggle conversation data to an attacker's server in a URL: a markdown
image (fetched as soon as the answer renders), an HTML ``img``/``iframe``, a link, a bare URL, or a
``data:`` URI. ``ExfiltrationValidator`` finds these constructs line by line and reports a URL when
its host is not on the allow-list (if one is configured), or when its path, query or fragment
carries data: a long encoded segment, or words from the conversation (system prompt, request parts,
restored PII values). Images and frames are worse than links: they need no click.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import unquote_plus, urlsplit

import regex
from annotated_types import Ge

from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import finding
from genai_guard.validate._scanning import LineScanner, run_whole

__all__ = ["ExfiltrationValidator"]

_TIMEOUT = 0.25  # seconds per line unit; a timeout raises and the step fails closed

_URL = r"[^\s)>\"'`]{1,4096}"
_PATTERN = regex.compile(
    rf"""
      (?P<image>!\[[^\]\n]{{0,1000}}\]\(\s*<?(?P<image_url>{_URL}))
    | (?P<link>\[(?P<label>[^\]\n]{{0,1000}})\]\(\s*<?(?P<link_url>{_URL}))
    | (?P<html><(?P<tag>img|iframe|frame|a|script|link|source|video|audio|embed|object|input)\b
        [^>]{{0,2000}}?\b(?:src|href|data|srcset|poster|action)\s*=\s*["']?(?P<html_url>{_URL}))
    | (?P<bare>\b(?:https?|ftp)://{_URL})
    | (?P<data>\bdata:[a-z]{{1,20}}/[a-z0-9.+-]{{1,60}}[;,][^\s)>\"'`]{{0,4096}})
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
_AUTO_TAGS = frozenset({"img", "iframe", "frame", "script", "link", "source", "video", "audio"})
_AUTO_TAGS |= frozenset({"embed", "object", "input"})
_ENCODED = re.compile(r"[A-Za-z0-9+/=_-]{24,}")
_PATH_ENCODED = re.compile(r"[A-Za-z0-9+=_-]{32,}")  # within one path segment
_WORD = re.compile(r"[^\W_]{5,}")
_STOP = frozenset(
    {
        "about",
        "above",
        "after",
        "again",
        "against",
        "assistant",
        "because",
        "before",
        "being",
        "below",
        "between",
        "could",
        "during",
        "every",
        "first",
        "should",
        "their",
        "there",
        "these",
        "those",
        "through",
        "under",
        "until",
        "where",
        "which",
        "while",
        "would",
        "yours",
        "answer",
        "always",
        "never",
        "please",
        "users",
        "question",
        "questions",
        "other",
    }
)
_VOCAB_CHARS = 100_000

Mode = Literal["block", "rewrite"]


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: Literal["image", "link", "frame", "bare", "data"]
    span: Span
    url: str


@dataclass(frozen=True, slots=True, init=False)
class ExfiltrationValidator:
    """Finds links, images and URLs that would carry data out of the conversation.

    Findings (``INFRASTRUCTURE_ATTACK``, mapped to OWASP LLM05/LLM02 and ATLAS AML.T0077):
    ``output.exfiltration.data_in_url`` (encoded data or conversation words in the URL; 1.0 for
    images and frames, 0.9 for links and bare URLs), ``output.exfiltration.image_query`` (an
    auto-loading URL with a query string to a host not allowed; 0.8),
    ``output.exfiltration.host_not_allowed`` (any URL to a host off a configured allow-list; 0.8),
    ``output.exfiltration.data_uri`` (0.8). Messages never contain the URL.

    Streams line by line. In ``rewrite`` mode the stage removes the offending construct instead
    (images and HTML elements dropped, a markdown link keeps its label, a bare URL becomes
    ``[link removed]``) and has no streaming form; use ``on_fail: modify`` for it in a policy.
    Thread-safe.

    Args:
        name: Stage name.
        allowed_hosts: Hosts (and their subdomains) that are trusted; empty means no allow-list.
        mode: ``block`` (report) or ``rewrite`` (remove the offending links).
        min_conversation_words: Conversation words in a URL that make it carry data.
    """

    name: str
    allowed_hosts: tuple[str, ...]
    mode: Mode
    min_conversation_words: int

    def __init__(
        self,
        name: str = "exfiltration",
        *,
        allowed_hosts: Sequence[str] = (),
        mode: Mode = "block",
        min_conversation_words: Annotated[int, Ge(1)] = 2,
    ) -> None:
        if mode not in ("block", "rewrite"):
            raise ConfigurationError(f"mode must be 'block' or 'rewrite', got {mode!r}")
        if min_conversation_words < 1:
            raise ConfigurationError("min_conversation_words must be >= 1")
        hosts = tuple(h.strip().lower().lstrip(".") for h in allowed_hosts)
        if any(not h or "/" in h for h in hosts):
            raise ConfigurationError("allowed_hosts must be host names like 'example.com'")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "allowed_hosts", hosts)
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "min_conversation_words", min_conversation_words)

    @property
    def default_on_fail(self) -> Action:
        """``modify`` in rewrite mode, else ``block``."""
        return Action.MODIFY if self.mode == "rewrite" else Action.BLOCK

    @property
    def streamable(self) -> bool:
        """Only block mode streams (a rewrite needs the whole text)."""
        return self.mode == "block"

    def check(self, text: str, ctx: Context) -> Outcome:
        """Find (and in rewrite mode remove) exfiltrating links in the whole text."""
        outcome = run_whole(self.open_stream(ctx), text)
        if self.mode == "block" or not outcome.findings:
            return outcome
        return Outcome(findings=outcome.findings, text=_remove(text, outcome.findings))

    def open_stream(self, ctx: Context) -> LineScanner:
        """A line scanner for one stream."""
        vocab = _vocabulary(ctx)
        return LineScanner(lambda unit, offset: self._scan(unit, offset, vocab))

    def _scan(self, unit: str, offset: int, vocab: frozenset[str]) -> list[Finding]:
        found: list[Finding] = []
        if (
            "//" not in unit
            and "](" not in unit
            and "<" not in unit
            and "data:" not in unit.lower()
        ):
            return found  # nothing that can hold a URL: skip the regex
        for m in _PATTERN.finditer(unit, timeout=_TIMEOUT):
            hit = _hit(m, offset)
            f = self._judge(hit, vocab)
            if f is not None:
                found.append(f)
        return found

    def _judge(self, hit: _Hit, vocab: frozenset[str]) -> Finding | None:
        auto = hit.kind in ("image", "frame")
        if hit.kind == "data" or hit.url[:5].lower() == "data:":
            return _finding("data_uri", 0.8, hit, "a data: URI in the output")
        try:
            parts = urlsplit(hit.url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return _finding("data_in_url", 0.9, hit, "a malformed URL in the output")
        if not host:
            return None  # relative link: stays on the application's own origin
        if self._allowed(host):
            return None
        carried = unquote_plus(f"{parts.path}?{parts.query}#{parts.fragment}")
        if (
            _encoded(_ENCODED, parts.query)
            or _encoded(_ENCODED, parts.fragment)
            or _encoded(_PATH_ENCODED, parts.path)
            or self._conversation_words(carried, vocab)
        ):
            score = 1.0 if auto else 0.9
            return _finding("data_in_url", score, hit, "a URL carries data to an outside host")
        if self.allowed_hosts:
            return _finding("host_not_allowed", 0.8, hit, "a URL points to a host not allowed")
        if auto and parts.query:
            return _finding("image_query", 0.8, hit, "an auto-loading URL with a query string")
        return None

    def _allowed(self, host: str) -> bool:
        return any(host == h or host.endswith("." + h) for h in self.allowed_hosts)

    def _conversation_words(self, carried: str, vocab: frozenset[str]) -> bool:
        if not vocab:
            return False
        words = {w.casefold() for w in _WORD.findall(carried)}
        return len(words & vocab) >= self.min_conversation_words


def _encoded(pattern: re.Pattern[str], text: str) -> bool:
    """A long run that looks encoded: mixed character classes, few word separators.

    ``snake_case_file_names`` and ``long-slug-urls`` are words, not data.
    """
    for m in pattern.finditer(text):
        run = m.group()
        classes = (
            any(c.islower() for c in run)
            + any(c.isupper() for c in run)
            + any(c.isdigit() for c in run)
        )
        if classes >= 2 and run.count("_") + run.count("-") <= len(run) // 8:
            return True
    return False


def _hit(m: regex.Match[str], offset: int) -> _Hit:
    span = Span(offset + m.start(), offset + m.end())
    if m.group("image") is not None:
        return _Hit("image", span, m.group("image_url"))
    if m.group("link") is not None:
        return _Hit("link", span, m.group("link_url"))
    if m.group("html") is not None:
        kind: Literal["frame", "link"] = "frame" if m.group("tag").lower() in _AUTO_TAGS else "link"
        return _Hit(kind, span, m.group("html_url"))
    if m.group("bare") is not None:
        return _Hit("bare", span, m.group("bare"))
    return _Hit("data", span, m.group("data"))


def _finding(reason: str, score: float, hit: _Hit, message: str) -> Finding:
    return finding(
        f"output.exfiltration.{reason}",
        Category.INFRASTRUCTURE_ATTACK,
        score,
        span=hit.span,
        message=message,
        metadata={"kind": hit.kind},
    )


def _vocabulary(ctx: Context) -> frozenset[str]:
    """Distinctive words of the conversation, built once per call."""
    texts = [ctx.system_prompt or ""]
    texts += [p.text for p in ctx.parts]
    texts += list(ctx.restorations.values())
    joined = " ".join(texts)[:_VOCAB_CHARS]
    return frozenset(w.casefold() for w in _WORD.findall(joined)) - _STOP


_LABEL = re.compile(r"\[([^\]\n]{0,1000})\]")


def _remove(text: str, findings: tuple[Finding, ...]) -> str:
    """Remove each reported construct (spans are in ``text``; no overlaps by construction)."""
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: f.span.start if f.span else 0):
        if f.span is None or f.span.start < pos:
            continue
        out.append(text[pos : f.span.start])
        kind = f.metadata.get("kind")
        if kind == "link" and text[f.span.start] == "[":
            label = _LABEL.match(text, f.span.start)
            out.append(label.group(1) if label else "")
        elif kind in ("bare", "data"):
            out.append("[link removed]")
        end = f.span.end
        if text[f.span.start] == "<":
            close = text.find(">", end)
            end = close + 1 if close >= 0 else end
        if kind in ("image", "link") and text.startswith(">", end):
            end += 1
        if kind in ("image", "link") and text.startswith(")", end):
            end += 1
        pos = end
    out.append(text[pos:])
    return "".join(out)
