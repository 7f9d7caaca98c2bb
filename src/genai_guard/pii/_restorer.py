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


def restore(text: str, restorations: Mapping[str, str]) -> tuple[str, int]:
    """``text`` with every known placeholder (read tolerantly) replaced; and how many were."""
    if not restorations or "<" not in text:
        return text, 0
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        value = restorations.get(canonical(m.group(1), m.group(2)))
        if value is None:
            return m.group(0)
        count += 1
        return value

    return PLACEHOLDER_RE.sub(swap, text), count


class PlaceholderRewriter:
    """Per-stream state: restores placeholders in released text, holding back a partial one.

    Only the tail from the last ``<`` that has no ``>`` after it is held back, and only while it
    is shorter than the longest placeholder; so any chunking gives the same text as restoring
    the whole at once. Not thread-safe (one per stream).
    """

    __slots__ = ("_buf", "_restorations")

    def __init__(self, restorations: Mapping[str, str]) -> None:
        self._restorations = restorations
        self._buf = ""

    def feed(self, released: str) -> str:
        """Restore what can be restored now; keep a possible partial placeholder."""
        buf = self._buf + released
        cut = buf.rfind("<")
        if cut >= 0 and ">" not in buf[cut:] and len(buf) - cut < MAX_PLACEHOLDER:
            self._buf = buf[cut:]
            buf = buf[:cut]
        else:
            self._buf = ""
        return restore(buf, self._restorations)[0]

    def finish(self) -> str:
        """Restore and return whatever is still held back."""
        buf, self._buf = self._buf, ""
        return restore(buf, self._restorations)[0]


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
        """Restore placeholders; a rewrite reports one low-score finding with the count."""
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
