"""Shared streaming machinery of the validators: line units and whole-text checks via scanners.

Every validator defines its check as a left-to-right scan, so ``check(text)`` is literally "feed the
whole text to a fresh scanner, then finish": the streamed findings equal the whole-text findings for
any chunking by construction.
"""

from __future__ import annotations

from collections.abc import Callable

from genai_guard._results import CLEAN, Finding, Outcome
from genai_guard.protocols import StreamScanner

__all__ = ["MAX_UNIT", "LineScanner", "run_whole"]

MAX_UNIT = 4096
"""Longest unit a line scanner examines at once; longer lines are cut into units of this size."""


def run_whole(scanner: StreamScanner, text: str) -> Outcome:
    """The whole-text outcome of a scanner: ``feed(text)`` then ``finish()``."""
    head = scanner.feed(text)
    tail = scanner.finish()
    if not tail.findings:
        return head
    return Outcome(findings=head.findings + tail.findings)


class LineScanner:
    """Cuts a stream into units (a line with its newline, or ``max_unit`` chars) and scans each.

    ``scan_unit(unit, offset)`` returns the findings of one unit with spans relative to the whole
    stream. The units do not depend on the chunking, so neither do the findings. ``lookbehind``
    is the pending (incomplete) unit. Not thread-safe; one per stream.
    """

    __slots__ = ("_len", "_max", "_offset", "_parts", "_scan_unit")

    def __init__(
        self, scan_unit: Callable[[str, int], list[Finding]], *, max_unit: int = MAX_UNIT
    ) -> None:
        self._scan_unit = scan_unit
        self._max = max_unit
        self._parts: list[str] = []
        self._len = 0
        self._offset = 0

    @property
    def lookbehind(self) -> int:
        """The characters of the unit still being collected."""
        return self._len

    def feed(self, delta: str) -> Outcome:
        """Collect ``delta``; scan every unit it completes."""
        found: list[Finding] = []
        pos = 0
        n = len(delta)
        while pos < n:
            nl = delta.find("\n", pos)
            room = self._max - self._len
            end = n if nl < 0 else nl + 1
            complete = nl >= 0
            if end - pos >= room:
                end = pos + room
                complete = True
            self._parts.append(delta[pos:end])
            self._len += end - pos
            if complete:
                self._flush(found)
            pos = end
        return Outcome(findings=tuple(found)) if found else CLEAN

    def finish(self) -> Outcome:
        """Scan the last, unterminated unit."""
        found: list[Finding] = []
        if self._len:
            self._flush(found)
        return Outcome(findings=tuple(found)) if found else CLEAN

    def _flush(self, found: list[Finding]) -> None:
        unit = "".join(self._parts)
        self._parts.clear()
        found.extend(self._scan_unit(unit, self._offset))
        self._offset += self._len
        self._len = 0
