"""Line units: the streaming machinery shared by the output checks (validators, PII, secrets).

Every validator defines its check as a left-to-right scan, so ``check(text)`` is literally "feed the
whole text to a fresh scanner, then finish": the streamed findings equal the whole-text findings for
any chunking by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from genai_guard._results import CLEAN, Finding, Outcome, Span
from genai_guard.errors import InputError
from genai_guard.protocols import StreamScanner

__all__ = [
    "MAX_UNIT",
    "SOFT_UNIT",
    "LineBlockScanner",
    "LineScanner",
    "run_whole",
    "shift_spans",
]

MAX_UNIT = 4096
"""Longest unit a line scanner examines at once; longer lines are cut into units of this size."""

SOFT_UNIT = 200
"""A unit this long also ends at the first space after a sentence end (``.``, ``!``, ``?``)."""

# A newline, or a space or tab right after a sentence end; the previous character may belong to
# the previous delta, so it is passed in front of each delta.
_BOUNDARY = re.compile(r"\n|(?<=[.!?\u3002\uff01\uff1f])[ \t]")


def shift_spans(findings: Sequence[Finding], offset: int) -> list[Finding]:
    """The findings with their spans moved by ``offset`` (unit-relative to stream-relative)."""
    if not offset:
        return list(findings)
    return [
        f if f.span is None else replace(f, span=Span(f.span.start + offset, f.span.end + offset))
        for f in findings
    ]


def run_whole(scanner: StreamScanner, text: str) -> Outcome:
    """The whole-text outcome of a scanner: ``feed(text)`` then ``finish()``."""
    head = scanner.feed(text)
    tail = scanner.finish()
    if not tail.findings:
        return head
    return Outcome(findings=head.findings + tail.findings)


class _Units:
    """What both scanners share: the unit sizes, the pending unit, and the size limit."""

    __slots__ = ("_last", "_len", "_max", "_max_chars", "_offset", "_parts", "_seen", "_soft")

    def __init__(self, max_unit: int, soft_unit: int, max_chars: int | None) -> None:
        self._max = max_unit
        self._soft = soft_unit
        self._max_chars = max_chars
        self._seen = 0
        self._parts: list[str] = []
        self._len = 0
        self._offset = 0
        self._last = ""

    @property
    def lookbehind(self) -> int:
        """The characters of the unit still being collected."""
        return self._len

    def feed(self, delta: str) -> Outcome:
        """Collect ``delta``; scan what it completes.

        Raises:
            InputError: The stream has grown past ``max_chars``.
        """
        if not delta:
            return CLEAN
        self._seen += len(delta)
        if self._max_chars is not None and self._seen > self._max_chars:
            raise InputError(f"text of over {self._max_chars} chars exceeds max_chars")
        return self._feed(delta)

    def _feed(self, delta: str) -> Outcome:
        raise NotImplementedError


class LineScanner(_Units):
    """Cuts a stream into units and scans each unit once.

    A unit ends after a newline; or, once it is ``soft_unit`` characters long, after the first space
    following a sentence end; or at ``max_unit`` characters. ``scan_unit(unit, offset)`` returns
    the findings of one unit with spans relative to the whole stream. The units depend only on the
    text, not on the chunking, so neither do the findings; a match cannot span two units.
    ``lookbehind`` is the pending (incomplete) unit. A unit of white space only is not passed
    to ``scan_unit`` (no check finds anything in it), so a flood of blank lines costs little.

    With ``max_chars``, a stream longer than that raises ``InputError`` from the ``feed`` that
    crosses it (the check's size limit, the same for a streamed and a whole text).

    Not thread-safe; one per stream.
    """

    __slots__ = ("_scan_unit",)

    def __init__(
        self,
        scan_unit: Callable[[str, int], list[Finding]],
        *,
        max_unit: int = MAX_UNIT,
        soft_unit: int = SOFT_UNIT,
        max_chars: int | None = None,
    ) -> None:
        super().__init__(max_unit, soft_unit, max_chars)
        self._scan_unit = scan_unit

    def _feed(self, delta: str) -> Outcome:
        """Scan every unit ``delta`` completes."""
        found: list[Finding] = []
        pos = 0
        shift = len(self._last)
        for m in _BOUNDARY.finditer(self._last + delta):
            b = m.start() - shift
            if b < pos:
                continue
            end = b + 1
            pos = self._cap(delta, pos, end, found)
            if delta[b] == "\n" or self._len + end - pos >= self._soft:
                self._take(delta, pos, end, found)
                pos = end
        pos = self._cap(delta, pos, len(delta), found)
        if pos < len(delta):
            self._parts.append(delta[pos:])
            self._len += len(delta) - pos
        self._last = delta[-1]
        return Outcome(findings=tuple(found)) if found else CLEAN

    def _cap(self, delta: str, pos: int, end: int, found: list[Finding]) -> int:
        """Complete units of ``max_unit`` characters within ``delta[pos:end]``."""
        while self._len + end - pos >= self._max:
            cut = pos + self._max - self._len
            self._take(delta, pos, cut, found)
            pos = cut
        return pos

    def _take(self, delta: str, pos: int, end: int, found: list[Finding]) -> None:
        self._parts.append(delta[pos:end])
        self._len += end - pos
        self._flush(found)

    def finish(self) -> Outcome:
        """Scan the last, unterminated unit."""
        found: list[Finding] = []
        if self._len:
            self._flush(found)
        return Outcome(findings=tuple(found)) if found else CLEAN

    def _flush(self, found: list[Finding]) -> None:
        unit = "".join(self._parts)
        self._parts.clear()
        if unit and not unit.isspace():
            found.extend(self._scan_unit(unit, self._offset))
        self._offset += self._len
        self._len = 0


_SENTENCE_SPACE = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])[ \t]")


def _position(f: Finding) -> tuple[int, int]:
    return (-1, -1) if f.span is None else (f.span.start, f.span.end)


class LineBlockScanner(_Units):
    """Cuts a stream into blocks of whole lines and scans each block once.

    For checks whose matches never hold a newline and see one as they see the end of the text
    (pattern checks built for it; their tests hold streamed findings equal to whole-text ones):
    every line the stream completes in one ``feed`` is scanned together, so a flood of short or
    blank lines costs one scan per feed instead of one per line. A long line is cut as
    ``LineScanner`` cuts it: once its unit is ``soft_unit`` long, after the first space that
    follows a sentence end, and at ``max_unit`` characters; no match crosses such a cut.

    ``scan(piece, offset)`` returns the findings of one piece (whole lines between cuts) with
    spans relative to the whole stream; they are reported in text order. A piece of white space
    only is not scanned.
    ``lookbehind`` is the pending, incomplete unit. With ``max_chars``, a stream longer than that
    raises ``InputError`` from the ``feed`` that crosses it. Not thread-safe; one per stream.
    """

    __slots__ = ("_long", "_scan")

    def __init__(
        self,
        scan: Callable[[str, int], list[Finding]],
        *,
        max_unit: int = MAX_UNIT,
        soft_unit: int = SOFT_UNIT,
        max_chars: int | None = None,
    ) -> None:
        if max_unit < 1 or soft_unit < 1:
            raise ValueError("max_unit and soft_unit must be positive")
        super().__init__(max_unit, soft_unit, max_chars)
        self._scan = scan
        # A line shorter than this holds no cut: it ends before its unit could reach either size.
        self._long = re.compile(f"[^\\n]{{{min(soft_unit, max_unit)},}}")

    def _feed(self, delta: str) -> Outcome:
        """Scan the lines ``delta`` completes."""
        n = len(delta)
        text = self._last + delta  # the character before the delta, for the sentence-end test
        first_nl = delta.find("\n")
        # The first line continues the pending unit; later long lines start units of their own.
        cuts = self._cuts(text, 0, n if first_nl < 0 else first_nl + 1, -self._len)
        if first_nl >= 0:
            for m in self._long.finditer(delta, first_nl + 1):
                cuts += self._cuts(text, m.start(), min(n, m.end() + 1), m.start())
        complete = max(delta.rfind("\n") + 1, cuts[-1] if cuts else 0)
        self._last = delta[-1]
        if not complete:
            self._parts.append(delta)
            self._len += n
            return CLEAN
        found: list[Finding] = []
        head = "".join(self._parts) + delta[:complete] if self._parts else delta[:complete]
        shift = self._len
        start = 0
        for cut in cuts:
            self._emit(head[start : cut + shift], found)
            start = cut + shift
        self._emit(head[start:], found)
        self._parts = [delta[complete:]] if complete < n else []
        self._len = n - complete
        return Outcome(findings=tuple(found)) if found else CLEAN

    def _cuts(self, text: str, lo: int, hi: int, unit: int) -> list[int]:
        """Cuts within the line ``delta[lo:hi]`` whose unit starts at ``unit`` (may be < 0).

        ``text`` is the delta behind the previous delta's last character (``lead``).
        """
        cuts: list[int] = []
        lead = len(self._last)
        while True:
            hard = unit + self._max
            # A sentence end past the hard cut does not matter: search no further (linear).
            m = _SENTENCE_SPACE.search(
                text, max(lo, unit + self._soft - 1) + lead, min(hi, hard) + lead
            )
            cut = hard if m is None else min(hard, m.start() - lead + 1)
            # A cut at the line's end is the line's own end; past the text, not decided yet.
            if cut >= hi and not (cut == hi and text[hi - 1 + lead] != "\n"):
                return cuts
            cuts.append(cut)
            unit = cut

    def _emit(self, piece: str, found: list[Finding]) -> None:
        if piece and not piece.isspace():
            # In text order (stable: rule order at one position), as pieces differ by chunking.
            found.extend(sorted(self._scan(piece, self._offset), key=_position))
        self._offset += len(piece)

    def finish(self) -> Outcome:
        """Scan the last, unterminated unit."""
        found: list[Finding] = []
        if self._len:
            self._emit("".join(self._parts), found)
            self._parts.clear()
            self._len = 0
        return Outcome(findings=tuple(found)) if found else CLEAN
