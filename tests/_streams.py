"""Streaming a text through a stage's scanner, for the streaming-equals-whole-text properties."""

from __future__ import annotations

from typing import Protocol

from genai_guard import Context, Finding
from genai_guard.protocols import StreamScanner


class _Streaming(Protocol):
    def open_stream(self, ctx: Context) -> StreamScanner: ...


def streamed_findings(stage: _Streaming, text: str, size: int, ctx: Context) -> tuple[Finding, ...]:
    """The findings of ``text`` fed to a fresh scanner in deltas of ``size`` characters."""
    scanner = stage.open_stream(ctx)
    found = [
        f for i in range(0, len(text), size) for f in scanner.feed(text[i : i + size]).findings
    ]
    return (*found, *scanner.finish().findings)
