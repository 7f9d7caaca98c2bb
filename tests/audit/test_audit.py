from __future__ import annotations

import io
import json
import logging
import threading
from pathlib import Path

import pytest

from genai_guard import Category, Context, Outcome, Pipeline, finding, stage
from genai_guard._results import Decision
from genai_guard.audit import (
    GENESIS,
    AuditEvent,
    Auditor,
    JsonlSink,
    LoggingSink,
    OpenTelemetrySink,
    verify_chain,
)
from genai_guard.cli import main
from genai_guard.errors import ConfigurationError, IntegrityError

TEXT_KEY = b"t" * 32
CHAIN_KEY = b"c" * 32
SECRET_TEXT = "my card is 4111 1111 1111 1111 and my name is Ada"


def _attack(text: str, ctx: Context) -> Outcome:
    if "ignore" in text:
        return Outcome(
            findings=(finding("attack.goal_hijacking.test", Category.GOAL_HIJACKING, 0.9),)
        )
    return Outcome()


def _pipeline() -> Pipeline:
    return Pipeline([stage(_attack, name="rules")], name="test-pipe")


def _decision(text: str = SECRET_TEXT, **ctx: str) -> Decision:
    return _pipeline().check_input(text, Context(**ctx))  # type: ignore[arg-type]


def _write_chain(tmp_path: Path, n: int = 5, *, key: bytes | None = None) -> tuple[Path, Path]:
    path, head = tmp_path / "audit.jsonl", tmp_path / "audit.head"
    auditor = Auditor([JsonlSink(path, key=key, head=head)], text_key=TEXT_KEY, clock=lambda: 1e9)
    for i in range(n):
        auditor.record(_decision(f"ignore {i}" if i % 2 else f"hello {i}", request_id=f"r{i}"))
    return path, head


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _rewrite(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


# -- events -------------------------------------------------------------------------------------


def test_event_records_ids_steps_and_risk() -> None:
    d = _decision("please ignore", request_id="r1", user_id="u1", conversation_id="c1")
    event = AuditEvent.from_decision(d, text_key=TEXT_KEY, pipeline="p", now=0.0)
    assert (event.request_id, event.user_id, event.conversation_id) == ("r1", "u1", "c1")
    assert event.action == "block"
    assert event.steps[0].rule_ids == ("attack.goal_hijacking.test",)
    assert event.blocked_categories == ("goal_hijacking",)
    assert event.risk == 0.9


def test_event_never_contains_the_text() -> None:
    event = AuditEvent.from_decision(_decision(), text_key=TEXT_KEY)
    dumped = json.dumps(event.to_dict())
    assert "4111" not in dumped
    assert "Ada" not in dumped


def test_text_hmac_is_keyed() -> None:
    d = _decision()
    a = AuditEvent.from_decision(d, text_key=TEXT_KEY).text_hmac
    b = AuditEvent.from_decision(d, text_key=b"k" * 32).text_hmac
    assert a != b
    assert Auditor([], text_key=TEXT_KEY).text_hmac(SECRET_TEXT) == a


def test_short_text_key_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        Auditor([], text_key=b"short")


def test_sink_errors_propagate() -> None:
    class Broken:
        def emit(self, event: AuditEvent) -> None:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        Auditor([Broken()], text_key=TEXT_KEY).record(_decision())


# -- the hash chain -----------------------------------------------------------------------------


def test_untouched_chain_verifies(tmp_path: Path) -> None:
    path, head = _write_chain(tmp_path)
    report = verify_chain(path, head=head)
    assert report.ok, report.problems
    assert report.events == 5


def test_first_line_links_to_genesis(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path, 1)
    assert json.loads(_lines(path)[0])["prev"] == GENESIS


def test_edited_line_is_detected(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path)
    lines = _lines(path)
    lines[2] = lines[2].replace('"action": "allow"', '"action": "block"')
    _rewrite(path, lines)
    report = verify_chain(path)
    assert any("line 3: hash mismatch" in p for p in report.problems)


def test_edit_with_recomputed_hash_breaks_the_next_link(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path)
    lines = _lines(path)
    record = json.loads(lines[1])
    record["event"]["action"] = "allow"
    from genai_guard.audit import _digest

    record["hash"] = _digest(record, None)
    lines[1] = json.dumps(record, sort_keys=True) + "\n"
    _rewrite(path, lines)
    report = verify_chain(path)
    assert any("line 3: does not link" in p for p in report.problems)


def test_deleted_line_is_detected(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path)
    lines = _lines(path)
    del lines[2]
    _rewrite(path, lines)
    assert not verify_chain(path).ok


def test_deleted_first_line_is_detected(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path)
    _rewrite(path, _lines(path)[1:])
    assert not verify_chain(path).ok


def test_inserted_line_is_detected(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path)
    lines = _lines(path)
    lines.insert(3, lines[1])
    _rewrite(path, lines)
    assert not verify_chain(path).ok


def test_reordered_lines_are_detected(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path)
    lines = _lines(path)
    lines[1], lines[2] = lines[2], lines[1]
    _rewrite(path, lines)
    assert not verify_chain(path).ok


def test_cut_tail_is_detected_with_the_head(tmp_path: Path) -> None:
    path, head = _write_chain(tmp_path)
    _rewrite(path, _lines(path)[:-2])
    assert verify_chain(path).ok  # without the head a cut tail looks like a shorter log
    report = verify_chain(path, head=head)
    assert any(p.startswith("head:") for p in report.problems)


def test_keyed_chain_rejects_a_chain_rebuilt_without_the_key(tmp_path: Path) -> None:
    keyed_dir, plain_dir = tmp_path / "k", tmp_path / "p"
    keyed_dir.mkdir()
    plain_dir.mkdir()
    _write_chain(keyed_dir, key=CHAIN_KEY)
    forged, _ = _write_chain(plain_dir)  # the same events, hashed without the key
    assert verify_chain(keyed_dir / "audit.jsonl", key=CHAIN_KEY).ok
    assert not verify_chain(forged, key=CHAIN_KEY).ok


def test_keyed_chain_without_the_key_is_not_reported_ok(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path, key=CHAIN_KEY)
    report = verify_chain(path)
    assert not report.ok
    assert "only be checked with the key" in report.problems[-1]


def test_keyed_chain_detects_an_edit(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path, key=CHAIN_KEY)
    lines = _lines(path)
    lines[4] = lines[4].replace('"r4"', '"rZ"')
    _rewrite(path, lines)
    report = verify_chain(path, key=CHAIN_KEY)
    assert report.problems == ("line 5: hash mismatch (line edited)",)


def test_keyed_head_signature_is_checked(tmp_path: Path) -> None:
    path, head = _write_chain(tmp_path, key=CHAIN_KEY)
    data = json.loads(head.read_text(encoding="utf-8"))
    data["sig"] = "0" * 64
    head.write_text(json.dumps(data), encoding="utf-8")
    report = verify_chain(path, head=head, key=CHAIN_KEY)
    assert "head: signature mismatch" in report.problems


def test_sink_continues_an_existing_chain(tmp_path: Path) -> None:
    path, head = _write_chain(tmp_path, 2)
    Auditor([JsonlSink(path, head=head)], text_key=TEXT_KEY).record(_decision())
    report = verify_chain(path, head=head)
    assert report.ok, report.problems
    assert report.events == 3


def test_sink_refuses_to_continue_a_damaged_file(tmp_path: Path) -> None:
    path, _ = _write_chain(tmp_path, 2)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with pytest.raises(IntegrityError, match="damaged"):
        JsonlSink(path)


def test_concurrent_writers_keep_the_chain_intact(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    auditor = Auditor([JsonlSink(path)], text_key=TEXT_KEY)
    decision = _decision()

    def work() -> None:
        for _ in range(25):
            auditor.record(decision)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify_chain(path)
    assert report.ok, report.problems
    assert report.events == 100


def test_cli_audit_verify_reports_ok_and_tampering(tmp_path: Path) -> None:
    path, head = _write_chain(tmp_path)
    assert main(["audit", "verify", str(path), "--head", str(head)], out=io.StringIO()) == 0
    lines = _lines(path)
    lines[0] = lines[0].replace('"r0"', '"rX"')
    _rewrite(path, lines)
    out = io.StringIO()
    assert main(["audit", "verify", str(path)], out=out) == 3
    assert "hash mismatch" in out.getvalue()


def test_cli_audit_verify_reads_the_key_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _write_chain(tmp_path, key=CHAIN_KEY)
    monkeypatch.setenv("AUDIT_KEY", CHAIN_KEY.hex())  # hex, as policies read keys
    assert main(["audit", "verify", str(path), "--key-env", "AUDIT_KEY"], out=io.StringIO()) == 0
    monkeypatch.setenv("AUDIT_KEY", CHAIN_KEY.decode())
    argv = ["audit", "verify", str(path), "--key-env", "AUDIT_KEY", "--key-format", "utf-8"]
    assert main(argv, out=io.StringIO()) == 0


# -- logging ------------------------------------------------------------------------------------


def test_logging_sink_logs_blocks_as_warnings(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.audit")
    with caplog.at_level(logging.INFO, logger="test.audit"):
        Auditor([LoggingSink(logger)], text_key=TEXT_KEY).record(_decision("ignore that"))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert record.audit["action"] == "block"  # type: ignore[attr-defined]


def test_logging_sink_never_logs_the_text(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.audit")
    with caplog.at_level(logging.INFO, logger="test.audit"):
        Auditor([LoggingSink(logger)], text_key=TEXT_KEY).record(_decision())
    assert "4111" not in caplog.text


# -- OpenTelemetry ------------------------------------------------------------------------------


def _otel() -> tuple[OpenTelemetrySink, object, object]:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    sink = OpenTelemetrySink(tracer_provider=tracer_provider, meter_provider=meter_provider)
    return sink, spans, reader


def _metric_points(reader: object) -> dict[str, list[tuple[dict[str, object], float]]]:
    data = reader.get_metrics_data()  # type: ignore[attr-defined]
    out: dict[str, list[tuple[dict[str, object], float]]] = {}
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                for p in m.data.data_points:
                    value = getattr(p, "value", None)
                    if value is None:
                        value = p.count
                    out.setdefault(m.name, []).append((dict(p.attributes), value))
    return out


def test_otel_sink_emits_a_span_per_decision() -> None:
    sink, spans, _ = _otel()
    Auditor([sink], text_key=TEXT_KEY).record(_decision("ignore", request_id="r9"))
    (span,) = spans.get_finished_spans()  # type: ignore[attr-defined]
    assert span.name == "genai_guard.decision"
    assert span.attributes["genai_guard.action"] == "block"
    assert span.attributes["genai_guard.request_id"] == "r9"


def test_otel_sink_counts_decisions_and_blocks_by_category() -> None:
    sink, _, reader = _otel()
    auditor = Auditor([sink], text_key=TEXT_KEY)
    auditor.record(_decision("ignore"))
    auditor.record(_decision("ignore again"))
    auditor.record(_decision("hello"))
    points = _metric_points(reader)
    blocks = points["genai_guard.blocks"]
    assert blocks == [({"direction": "input", "category": "goal_hijacking"}, 2)]
    decisions = {p[0]["action"]: p[1] for p in points["genai_guard.decisions"]}
    assert decisions == {"block": 2, "allow": 1}
    assert points["genai_guard.decision.duration"][0][1] == 3


def test_otel_span_leaves_out_the_user_by_default() -> None:
    sink, spans, _ = _otel()
    Auditor([sink], text_key=TEXT_KEY).record(_decision(user_id="alice"))
    (span,) = spans.get_finished_spans()  # type: ignore[attr-defined]
    assert "enduser.id" not in span.attributes


# -- the pipeline hook --------------------------------------------------------------------------


def test_pipeline_observer_records_every_decision(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    auditor = Auditor([JsonlSink(path)], text_key=TEXT_KEY)
    pipe = _pipeline().with_observers(auditor)
    pipe.check_input("hello")
    pipe.check_output("ignore")
    events = [json.loads(line)["event"] for line in _lines(path)]
    assert [e["direction"] for e in events] == ["input", "output"]


async def _acheck(pipe: Pipeline) -> Decision:
    return await pipe.acheck_input("ignore")


def test_pipeline_observer_sees_async_decisions() -> None:
    import asyncio

    seen: list[Decision] = []
    pipe = _pipeline().with_observers(seen.append)
    decision = asyncio.run(_acheck(pipe))
    assert seen == [decision]


def test_pipeline_observer_errors_propagate() -> None:
    def broken(decision: Decision) -> None:
        raise RuntimeError("sink down")

    pipe = _pipeline().with_observers(broken)
    with pytest.raises(RuntimeError, match="sink down"):
        pipe.check_input("hello")


def test_with_steps_keeps_observers() -> None:
    seen: list[Decision] = []
    pipe = _pipeline().with_observers(seen.append).with_steps(input=[])
    pipe.check_input("hello")
    assert len(seen) == 1


def _output_pipeline(seen: list[Decision]) -> Pipeline:
    return Pipeline(output=[stage(_attack, name="rules")], name="test-pipe").with_observers(
        seen.append
    )


def test_streamed_decision_reaches_the_observers() -> None:
    seen: list[Decision] = []
    stream = _output_pipeline(seen).stream_output(iter(["all ", "fine ", "here"]))
    assert "".join(stream) == "all fine here"
    assert seen == [stream.decision]
    assert stream.decision is not None and not stream.decision.blocked


def test_blocked_stream_decision_reaches_the_observers() -> None:
    from genai_guard import GuardBlocked

    seen: list[Decision] = []
    stream = _output_pipeline(seen).stream_output(iter(["please ", "ignore ", "that"]))
    with pytest.raises(GuardBlocked) as info:
        "".join(stream)
    assert seen == [info.value.decision]
    assert seen[0].blocked and seen[0].direction == "output"


def test_async_streamed_decision_reaches_the_observers() -> None:
    import asyncio
    from collections.abc import AsyncIterator

    async def deltas() -> AsyncIterator[str]:
        for d in ("all ", "fine"):
            yield d

    async def consume(pipe: Pipeline) -> tuple[str, Decision | None]:
        stream = pipe.astream_output(deltas())
        return "".join([d async for d in stream]), stream.decision

    seen: list[Decision] = []
    text, decision = asyncio.run(consume(_output_pipeline(seen)))
    assert text == "all fine"
    assert seen == [decision]


def test_stream_stopped_early_reports_nothing() -> None:
    seen: list[Decision] = []
    pipe = Pipeline(name="no-output-steps").with_observers(seen.append)
    stream = pipe.stream_output(iter(["first ", "second"]), batch=1)
    assert next(stream) == "first "
    stream.close()
    assert seen == []
