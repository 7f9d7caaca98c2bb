"""Audit trail: one event per decision, sent to JSON-lines, logging or OpenTelemetry sinks.

An event records who asked (request, user and conversation ids), which way the text flowed, what
every step did (action, rule ids, timing), the final action and risk, and a keyed hash (HMAC-SHA256)
of the text, never the text itself: the hash lets an investigator who holds the key confirm that a
given text was the one decided on, without the log disclosing it.

``JsonlSink`` chains every line to the previous one by hash (HMAC when given a key), so editing,
deleting, inserting or reordering lines breaks the chain; with a head file it also records the last
hash, which catches a cut tail. ``verify_chain`` (and ``genai-guard audit verify``) checks a file.

Typical use::

    auditor = Auditor([JsonlSink("audit.jsonl", key=chain_key)], text_key=text_key)
    decision = pipeline.check_input(prompt, ctx)
    auditor.record(decision)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from genai_guard._results import Action, Decision
from genai_guard.errors import ConfigurationError, IntegrityError

__all__ = [
    "GENESIS",
    "AuditEvent",
    "AuditSink",
    "Auditor",
    "ChainReport",
    "JsonlSink",
    "LoggingSink",
    "OpenTelemetrySink",
    "StepEvent",
    "verify_chain",
]

_log = logging.getLogger(__name__)

GENESIS = "0" * 64
"""The ``prev`` hash of the first line of a chain."""

_MIN_KEY = 16


def _check_key(name: str, key: bytes | None, *, required: bool) -> None:
    if key is None:
        if required:
            raise ConfigurationError(f"{name} is required")
        return
    if not isinstance(key, bytes) or len(key) < _MIN_KEY:
        raise ConfigurationError(f"{name} must be at least {_MIN_KEY} bytes")


@dataclass(frozen=True, slots=True)
class StepEvent:
    """One step's part in an audited decision."""

    name: str
    action: str
    rule_ids: tuple[str, ...]
    categories: tuple[str, ...]
    elapsed_us: float
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "name": self.name,
            "action": self.action,
            "rule_ids": list(self.rule_ids),
            "categories": list(self.categories),
            "elapsed_us": self.elapsed_us,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What the audit trail keeps of one decision. Holds no raw text.

    Attributes:
        time: UTC time of the record, ISO 8601.
        pipeline: The pipeline's name, if known.
        direction: ``input`` or ``output``.
        action: The final action.
        risk: The decision's risk.
        rule_ids: Rule ids of all findings.
        blocked_categories: Categories of the findings of blocking steps.
        steps: Every step that ran.
        elapsed_us: Sum of the steps' times.
        text_hmac: HMAC-SHA256 of the decided text under the auditor's text key, hex.
        text_chars: Length of that text.
        request_id: From the context.
        user_id: From the context.
        conversation_id: From the context.
    """

    time: str
    pipeline: str | None
    direction: str
    action: str
    risk: float
    rule_ids: tuple[str, ...]
    blocked_categories: tuple[str, ...]
    steps: tuple[StepEvent, ...]
    elapsed_us: float
    text_hmac: str
    text_chars: int
    request_id: str | None = None
    user_id: str | None = None
    conversation_id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """True when the final action is ``block``."""
        return self.action == Action.BLOCK.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "time": self.time,
            "pipeline": self.pipeline,
            "request_id": self.request_id,
            "user_id": self.user_id,
            "conversation_id": self.conversation_id,
            "direction": self.direction,
            "action": self.action,
            "risk": self.risk,
            "rule_ids": list(self.rule_ids),
            "blocked_categories": list(self.blocked_categories),
            "steps": [s.to_dict() for s in self.steps],
            "elapsed_us": self.elapsed_us,
            "text_hmac": self.text_hmac,
            "text_chars": self.text_chars,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_decision(
        cls,
        decision: Decision,
        *,
        text_key: bytes,
        text: str | None = None,
        pipeline: str | None = None,
        now: float | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        """Build the event of ``decision``.

        Args:
            decision: The decision to record.
            text_key: Key of the text HMAC.
            text: The text to fingerprint; defaults to the decision's final text.
            pipeline: Name of the pipeline, for the record.
            now: POSIX time of the record; defaults to the current time.
            metadata: JSON-safe extra facts (model id, route). Never put raw text here.
        """
        steps = []
        blocked: list[str] = []
        for r in decision.results:
            cats = tuple(dict.fromkeys(f.category.value for f in r.outcome.findings))
            if r.action is Action.BLOCK:
                blocked.extend(cats)
            steps.append(
                StepEvent(
                    name=r.stage,
                    action=r.action.value,
                    rule_ids=tuple(dict.fromkeys(f.rule_id for f in r.outcome.findings)),
                    categories=cats,
                    elapsed_us=round(r.elapsed_ns / 1000, 1),
                    error=None if r.error is None else type(r.error).__name__,
                )
            )
        body = decision.text if text is None else text
        ctx = decision.context
        stamp = time.time() if now is None else now
        return cls(
            time=_dt.datetime.fromtimestamp(stamp, tz=_dt.UTC).isoformat(timespec="microseconds"),
            pipeline=pipeline,
            direction=decision.direction,
            action=decision.action.value,
            risk=round(decision.risk, 4),
            rule_ids=decision.rule_ids,
            blocked_categories=tuple(dict.fromkeys(blocked)),
            steps=tuple(steps),
            elapsed_us=round(sum(r.elapsed_ns for r in decision.results) / 1000, 1),
            text_hmac=hmac.new(text_key, body.encode("utf-8"), hashlib.sha256).hexdigest(),
            text_chars=len(body),
            request_id=None if ctx is None else ctx.request_id,
            user_id=None if ctx is None else ctx.user_id,
            conversation_id=None if ctx is None else ctx.conversation_id,
            metadata=dict(metadata or {}),
        )


@runtime_checkable
class AuditSink(Protocol):
    """Where audit events go. ``emit`` may raise; the auditor never swallows its errors."""

    def emit(self, event: AuditEvent) -> None:
        """Record one event."""
        ...


class Auditor:
    """Turns decisions into events and sends each to every sink.

    Thread-safe when its sinks are (the built-in ones are). Sink errors propagate: an application
    that must not lose audit records should treat them as failures.

    Args:
        sinks: Where events go.
        text_key: Key of the text HMAC (at least 16 bytes). Keep it secret and stable.
        pipeline: Pipeline name recorded in each event.
        clock: POSIX time source (for tests).
    """

    __slots__ = ("_clock", "_text_key", "pipeline", "sinks")

    def __init__(
        self,
        sinks: Iterable[AuditSink],
        *,
        text_key: bytes,
        pipeline: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        _check_key("text_key", text_key, required=True)
        self.sinks: tuple[AuditSink, ...] = tuple(sinks)
        for s in self.sinks:
            if not isinstance(s, AuditSink):
                raise ConfigurationError(f"{type(s).__name__} is not an audit sink (no emit())")
        self._text_key = text_key
        self.pipeline = pipeline
        self._clock = clock

    def __repr__(self) -> str:
        return f"Auditor(sinks={[type(s).__name__ for s in self.sinks]!r})"

    def record(
        self,
        decision: Decision,
        *,
        text: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> AuditEvent:
        """Record ``decision`` in every sink and return its event."""
        event = AuditEvent.from_decision(
            decision,
            text_key=self._text_key,
            text=text,
            pipeline=self.pipeline,
            now=self._clock(),
            metadata=metadata,
        )
        for sink in self.sinks:
            sink.emit(event)
        return event

    def __call__(self, decision: Decision) -> None:
        """Record ``decision`` (lets an auditor serve as a plain callback)."""
        self.record(decision)

    def text_hmac(self, text: str) -> str:
        """The fingerprint an event would carry for ``text``, to match a text to its record."""
        return hmac.new(self._text_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


# -- JSON lines with a hash chain ---------------------------------------------------------------


def _canonical(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(record: Mapping[str, Any], key: bytes | None) -> str:
    body = _canonical({k: v for k, v in record.items() if k != "hash"})
    if key is None:
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _head_digest(seq: int, last: str, key: bytes | None) -> str | None:
    if key is None:
        return None
    return hmac.new(key, f"{seq}:{last}".encode(), hashlib.sha256).hexdigest()


class JsonlSink:
    """Appends events to a JSON-lines file, each chained to the previous by hash.

    Every line carries ``seq`` (0, 1, 2...), ``prev`` (the previous line's hash, ``GENESIS`` for the
    first) and ``hash``: SHA-256 of the line's canonical JSON, or HMAC-SHA256 under ``key``. Without
    a key anyone can recompute the chain after editing it, so tampering is only evident against a
    copy of the last hash; with a key, only key holders can. An existing file is continued.

    With ``head`` the sink also rewrites a small head file (atomically) after each line holding the
    last ``seq`` and hash (HMAC-signed under ``key``), so a cut tail is detected.

    Thread-safe: one lock serialises writes. One process per file.

    Raises:
        IntegrityError: at construction, when an existing file ends with a damaged line.

    Args:
        path: The JSON-lines file.
        key: Chain HMAC key (at least 16 bytes), or ``None`` for plain SHA-256.
        head: Path of the head file, or ``None``.
        fsync: Flush to disk after each line (slower, survives power loss).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        key: bytes | None = None,
        head: str | Path | None = None,
        fsync: bool = False,
    ) -> None:
        _check_key("key", key, required=False)
        self.path = Path(path)
        self.head = None if head is None else Path(head)
        self._key = key
        self._fsync = fsync
        self._lock = threading.Lock()
        self._seq, self._last = self._resume()

    def __repr__(self) -> str:
        return f"JsonlSink(path={str(self.path)!r}, keyed={self._key is not None})"

    def _resume(self) -> tuple[int, str]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return 0, GENESIS
        last_line = b""
        with self.path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    last_line = raw
        try:
            record = json.loads(last_line)
            return int(record["seq"]) + 1, str(record["hash"])
        except (ValueError, KeyError, TypeError) as exc:
            raise IntegrityError(
                f"{self.path.name}: the last line is damaged; run `genai-guard audit verify`"
            ) from exc

    def emit(self, event: AuditEvent) -> None:
        """Append ``event`` as one chained line."""
        with self._lock:
            record: dict[str, Any] = {
                "seq": self._seq,
                "prev": self._last,
                "alg": "sha256" if self._key is None else "hmac-sha256",
                "event": event.to_dict(),
            }
            record["hash"] = _digest(record, self._key)
            line = json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                if self._fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            self._last = record["hash"]
            self._seq += 1
            if self.head is not None:
                self._write_head(self.head)

    def _write_head(self, path: Path) -> None:
        head = {
            "seq": self._seq - 1,
            "hash": self._last,
            "sig": _head_digest(self._seq - 1, self._last, self._key),
        }
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(head) + "\n", encoding="utf-8")
        tmp.replace(path)


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Result of ``verify_chain``.

    Attributes:
        ok: True when no problem was found.
        events: Lines read.
        last_hash: Hash of the last good line (``GENESIS`` for an empty file).
        problems: One line per problem, naming the line number.
    """

    ok: bool
    events: int
    last_hash: str
    problems: tuple[str, ...]


def verify_chain(
    path: str | Path,
    *,
    head: str | Path | None = None,
    key: bytes | None = None,
    max_problems: int = 20,
) -> ChainReport:
    """Check a ``JsonlSink`` file: hashes, ``prev`` links, sequence numbers and the head.

    Detects an edited, deleted, inserted or reordered line; with ``head``, a cut tail; with
    ``key``, a chain recomputed by someone without the key (every line must be HMAC-signed).
    A keyed chain checked without its key is reported as a problem, since its hashes cannot be
    recomputed.

    Raises:
        OSError: the file cannot be read.
    """
    problems: list[str] = []
    prev, expected_seq, count = GENESIS, 0, 0
    needs_key = False
    with Path(path).open("rb") as fh:
        for lineno, raw_bytes in enumerate(fh, 1):
            if len(problems) >= max_problems:
                problems.append("too many problems; stopped")
                break
            try:
                raw = raw_bytes.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"line {lineno}: not UTF-8 (line edited)")
                continue
            if not raw.strip():
                problems.append(f"line {lineno}: empty line")
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError):  # also too deep, or a number too long
                problems.append(f"line {lineno}: not valid JSON")
                continue
            if not isinstance(record, dict):
                problems.append(f"line {lineno}: not an object")
                continue
            count += 1
            alg = record.get("alg")
            if key is not None and alg != "hmac-sha256":
                problems.append(f"line {lineno}: not HMAC-signed (alg {_short(alg)})")
            elif key is None and alg not in ("sha256", "hmac-sha256"):
                problems.append(f"line {lineno}: unknown alg {_short(alg)}")
            elif alg == "hmac-sha256" and key is None:
                needs_key = True
            else:
                want = _checked_digest(record, key if alg == "hmac-sha256" else None)
                if want is None or not _same(record.get("hash"), want):
                    problems.append(f"line {lineno}: hash mismatch (line edited)")
            if record.get("seq") != expected_seq:
                problems.append(
                    f"line {lineno}: sequence {_short(record.get('seq'))}, expected {expected_seq} "
                    "(line deleted, inserted or reordered)"
                )
            if record.get("prev") != prev:
                problems.append(f"line {lineno}: does not link to the previous line")
            prev = str(record.get("hash"))
            expected_seq = record["seq"] + 1 if isinstance(record.get("seq"), int) else -1
    if needs_key:
        problems.append("lines are HMAC-signed: their hashes can only be checked with the key")
    if head is not None:
        problems.extend(_check_head(Path(head), expected_seq - 1, prev, key))
    return ChainReport(not problems, count, prev, tuple(problems))


def _checked_digest(record: Mapping[str, Any], key: bytes | None) -> str | None:
    """The digest of a line read back, or None when no writer could have produced it."""
    try:
        return _digest(record, key)
    except (ValueError, RecursionError):  # a lone surrogate, nesting too deep
        return None


def _check_head(head: Path, seq: int, last: str, key: bytes | None) -> list[str]:
    try:
        data = json.loads(head.read_bytes().decode("utf-8"))
    except OSError as exc:
        return [f"head {head}: unreadable ({type(exc).__name__})"]
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deeply
        return [f"head {head}: malformed (not a JSON object)"]
    if not isinstance(data, dict):
        return [f"head {head}: malformed (not a JSON object)"]
    out = []
    if key is not None:
        head_seq = data.get("seq")
        want = (
            _head_digest(head_seq, str(data.get("hash")), key)
            if isinstance(head_seq, int) and not isinstance(head_seq, bool)
            else None
        )
        if want is None or not _same(data.get("sig"), want):
            out.append("head: signature mismatch")
    if data.get("seq") != seq or data.get("hash") != last:
        out.append(
            f"head: records sequence {_short(data.get('seq'))}, file ends at {seq} "
            "(lines cut from the end, or appended without the sink)"
        )
    return out


def _same(found: object, want: str) -> bool:
    """Constant-time comparison of a value read from a file (any type, any text) with a digest."""
    text = found if isinstance(found, str) else repr(found)
    return hmac.compare_digest(text.encode("utf-8", "surrogatepass"), want.encode())


def _short(value: Any) -> str:
    """A value read from a file, for a message: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- logging ------------------------------------------------------------------------------------


class LoggingSink:
    """Logs each event as one JSON message on a standard ``logging`` logger.

    The event dict is also attached as ``record.audit`` for structured handlers. Thread-safe.

    Args:
        logger: Defaults to this module's logger (``genai_guard.audit``).
        level: Level of allowed decisions.
        block_level: Level of blocked decisions.
    """

    __slots__ = ("block_level", "level", "logger")

    def __init__(
        self,
        logger: logging.Logger | None = None,
        *,
        level: int = logging.INFO,
        block_level: int = logging.WARNING,
    ) -> None:
        self.logger = logger if logger is not None else _log
        self.level = level
        self.block_level = block_level

    def emit(self, event: AuditEvent) -> None:
        """Log ``event``."""
        data = event.to_dict()
        lvl = self.block_level if event.blocked else self.level
        if self.logger.isEnabledFor(lvl):
            text = json.dumps(data, sort_keys=True)
            self.logger.log(lvl, "genai_guard decision %s", text, extra={"audit": data})


# -- OpenTelemetry ------------------------------------------------------------------------------


class OpenTelemetrySink:
    """Spans and metrics for decisions (needs the ``otel`` extra: ``opentelemetry-api``).

    Per event: a span ``genai_guard.decision`` (timed to the decision's duration, with action,
    direction, risk, rule ids and request id as attributes; the user id only when asked), and the
    metrics ``genai_guard.decisions`` (counter by direction and action), ``genai_guard.blocks``
    (counter by direction and category) and ``genai_guard.decision.duration`` (histogram, ms).

    Thread-safe (OpenTelemetry instruments are).

    Args:
        tracer_provider: Defaults to the global provider.
        meter_provider: Defaults to the global provider.
        include_user_id: Add ``enduser.id`` to spans.
    """

    def __init__(
        self,
        *,
        tracer_provider: Any = None,
        meter_provider: Any = None,
        include_user_id: bool = False,
    ) -> None:
        from opentelemetry import metrics, trace  # noqa: PLC0415 - optional extra, lazy

        self._tracer = trace.get_tracer("genai_guard", tracer_provider=tracer_provider)
        meter = metrics.get_meter("genai_guard", meter_provider=meter_provider)
        self._decisions = meter.create_counter(
            "genai_guard.decisions", unit="1", description="Guard decisions by action"
        )
        self._blocks = meter.create_counter(
            "genai_guard.blocks", unit="1", description="Blocked decisions by category"
        )
        self._latency = meter.create_histogram(
            "genai_guard.decision.duration", unit="ms", description="Time spent in guard steps"
        )
        self._include_user = include_user_id

    def emit(self, event: AuditEvent) -> None:
        """Record ``event`` as a span and metrics."""
        end = time.time_ns()
        start = end - int(event.elapsed_us * 1000)
        attrs: dict[str, Any] = {
            "genai_guard.direction": event.direction,
            "genai_guard.action": event.action,
            "genai_guard.risk": event.risk,
            "genai_guard.rule_ids": list(event.rule_ids),
            "genai_guard.text_hmac": event.text_hmac,
        }
        if event.pipeline:
            attrs["genai_guard.pipeline"] = event.pipeline
        if event.request_id:
            attrs["genai_guard.request_id"] = event.request_id
        if event.conversation_id:
            attrs["genai_guard.conversation_id"] = event.conversation_id
        if self._include_user and event.user_id:
            attrs["enduser.id"] = event.user_id
        span = self._tracer.start_span("genai_guard.decision", start_time=start, attributes=attrs)
        for s in event.steps:
            span.add_event(
                "genai_guard.step",
                attributes={
                    "name": s.name,
                    "action": s.action,
                    "rule_ids": list(s.rule_ids),
                    "elapsed_us": s.elapsed_us,
                },
            )
        span.end(end_time=end)
        base = {"direction": event.direction}
        self._decisions.add(1, {**base, "action": event.action})
        if event.blocked:
            for cat in event.blocked_categories or ("unknown",):
                self._blocks.add(1, {**base, "category": cat})
        self._latency.record(event.elapsed_us / 1000, base)
