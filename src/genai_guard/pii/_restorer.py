"""``PIIRestorer``: puts original values back where the model's answer holds placeholders.

Runs last on the output side, so output that a validator blocks is never restored (the pipeline
stops at the block; the streaming driver only passes cleared text to rewriters). Restorations come
from the input decision (``ctx.restorations``); placeholders the masker never issued, including
forged ones, are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from genai_guard._results import Action, Category, Outcome
from genai_guard.context import Context
from genai_guard.pii._placeholders import MAX_PLACEHOLDER, PLACEHOLDER_RE, canonical
from genai_guard.taxonomy import finding

__all__ = ["PIIRestorer", "PlaceholderRewriter", "restore"]


def _literal(key: str) -> str:
    # A fake matches as whole words where it begins or ends with a word character.
    head = r"(?<!\w)" if key[0].isalnum() or key[0] == "_" else ""
    tail = r"(?!\w)" if key[-1].isalnum() or key[-1] == "_" else ""
    return f"{head}{re.escape(key)}{tail}"


def _is_placeholder(key: str) -> bool:
    return key.startswith("<") and key.endswith(">")


def _surrogate_pattern(restorations: Mapping[str, str]) -> tuple[re.Pattern[str], int] | None:
    """Placeholders and the fake values of ``restorations`` in one pattern, and its longest match.

    None when there are no fake values (placeholders alone are read with ``PLACEHOLDER_RE``).
    Fakes are tried longest first, after the placeholder syntax; the pattern is an alternation
    of literals (linear in the text times the number of fakes, which the vault bounds).
    """
    fakes = sorted((k for k in restorations if not _is_placeholder(k)), key=len, reverse=True)
    if not fakes:
        return None
    body = "|".join(_literal(k) for k in fakes)
    pattern = re.compile(f"{PLACEHOLDER_RE.pattern}|(?P<fake>{body})")
    return pattern, max(MAX_PLACEHOLDER, len(fakes[0]))


def _swap(restorations: Mapping[str, str], m: re.Match[str]) -> str | None:
    if m.group(1) is not None:
        return restorations.get(canonical(m.group(1), m.group(2)))
    return restorations.get(m.group(0))


def restore(text: str, restorations: Mapping[str, str]) -> tuple[str, int]:
    """``text`` with every known placeholder (read tolerantly) and fake value replaced.

    Returns the text and how many were replaced.
    """
    if not restorations:
        return text, 0
    compiled = _surrogate_pattern(restorations)
    if compiled is None and "<" not in text:
        return text, 0
    pattern = compiled[0] if compiled is not None else PLACEHOLDER_RE
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        value = _swap(restorations, m)
        if value is None:
            return m.group(0)
        count += 1
        return value

    return pattern.sub(swap, text), count


class PlaceholderRewriter:
    """Per-stream state: restores placeholders and fakes in released text, holding back a tail.

    With placeholders only, the tail from the last ``<`` that has no ``>`` after it is held back,
    while shorter than the longest placeholder. With fake values (the ``surrogate`` operator),
    the last ``longest + 1`` characters are held back (a fake or placeholder starting there may
    still be completed or, by a following letter, undone), plus any match reaching into them.
    Either way, any chunking gives the same text as restoring the whole at once. Not thread-safe
    (one per stream).
    """

    __slots__ = ("_buf", "_compiled", "_prev", "_restorations")

    def __init__(self, restorations: Mapping[str, str]) -> None:
        self._restorations = restorations
        self._compiled = _surrogate_pattern(restorations)
        self._buf = ""
        self._prev = ""  # the last released character, for the whole-word lookbehind

    def feed(self, released: str) -> str:
        """Restore what can be restored now; keep what a later chunk could still change."""
        if self._compiled is not None:
            return self._feed_fakes(released)
        buf = self._buf + released
        cut = buf.rfind("<")
        if cut >= 0 and ">" not in buf[cut:] and len(buf) - cut < MAX_PLACEHOLDER:
            self._buf = buf[cut:]
            buf = buf[:cut]
        else:
            self._buf = ""
        return restore(buf, self._restorations)[0]

    def _feed_fakes(self, released: str) -> str:
        pattern, longest = self._compiled  # type: ignore[misc]
        full = self._prev + self._buf + released
        base = len(self._prev)
        # A match starting before ``limit`` reads only characters already here (its longest
        # length plus one lookahead), so it is the match the whole text would have.
        limit = len(full) - longest - 1
        if limit <= base:
            self._buf = full[base:]
            return ""
        out: list[str] = []
        cut = base
        for m in pattern.finditer(full, base):
            if m.start() >= limit:
                break
            value = _swap(self._restorations, m)
            out.append(full[cut : m.start()])
            out.append(m.group(0) if value is None else value)
            cut = m.end()
        end = max(cut, limit)
        out.append(full[cut:end])
        self._prev = full[end - 1 : end]
        self._buf = full[end:]
        return "".join(out)

    def finish(self) -> str:
        """Restore and return whatever is still held back."""
        buf, self._buf = self._buf, ""
        if self._compiled is None:
            return restore(buf, self._restorations)[0]
        pattern = self._compiled[0]
        full = self._prev + buf
        cut = len(self._prev)
        self._prev = ""

        def swap(m: re.Match[str]) -> str:
            value = _swap(self._restorations, m)
            return m.group(0) if value is None else value

        out: list[str] = []
        for m in pattern.finditer(full, cut):
            out.append(full[cut : m.start()])
            out.append(swap(m))
            cut = m.end()
        out.append(full[cut:])
        return "".join(out)


class PIIRestorer:
    """Output stage: restore placeholders from ``ctx.restorations`` (tolerating case and spacing).

    Also a ``RewritingStage``: ``open_rewriter(ctx)`` restores streamed text chunk by chunk.

    Args:
        name: Stage name.

    Thread-safe: stateless; per-stream state lives in the rewriter.
    """

    default_on_fail: ClassVar[Action] = Action.MODIFY
    __slots__ = ("name",)

    def __init__(self, name: str = "pii_restore") -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"PIIRestorer(name={self.name!r})"

    def check(self, text: str, ctx: Context) -> Outcome:
        """Restore placeholders and fakes; a rewrite reports one finding with the count."""
        restored, count = restore(text, ctx.restorations)
        if not count:
            return Outcome()
        return Outcome(
            findings=(
                finding(
                    "pii.restored",
                    Category.PII,
                    0.0,
                    message=f"{count} placeholder(s) restored",
                    metadata={"count": count},
                ),
            ),
            text=restored,
        )

    def open_rewriter(self, ctx: Context) -> PlaceholderRewriter:
        """A rewriter with fresh state for one stream."""
        return PlaceholderRewriter(ctx.restorations)
