"""Bad input never gives a traceback: one line on stderr and the documented exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genai_guard import Context, Outcome, Pipeline, stage
from genai_guard.audit import Auditor, JsonlSink
from genai_guard.cli import EXIT_BLOCKED, EXIT_USAGE, main

DEEP = "[" * 100_000 + "]" * 100_000
LONG_INT = "1" * 5_000
BAD_JSONL = {
    "invalid_utf8": b'{"text": "caf\xe9"}\n',
    "utf16": '{"text": "hello"}\n'.encode("utf-16"),
    "deep_nesting": ('{"text": "a", "x": ' + DEEP + "}\n").encode(),
    "long_integer": ('{"text": "a", "n": ' + LONG_INT + "}\n").encode(),
    "bare_deep_nesting": (DEEP + "\n").encode(),
}


@pytest.fixture(scope="module")
def cheap_policy(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A policy that builds fast, so that many inputs can be tried."""
    path = tmp_path_factory.mktemp("policy") / "p.yaml"
    path.write_text("input:\n  - {type: length_limit, max_chars: 50}\n", encoding="utf-8")
    return str(path)


def _run(*argv: str) -> tuple[int, str]:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # strict, like a real stdout
    code = main(list(argv), out=out)
    out.flush()
    return code, out.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def _one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("genai-guard: ") and "Traceback" not in err


@pytest.mark.parametrize("case", sorted(BAD_JSONL))
def test_scan_jsonl_rejects_a_bad_file_in_one_line(
    case: str, tmp_path: Path, cheap_policy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(BAD_JSONL[case])
    code, _ = _run("scan", "--policy", cheap_policy, "--jsonl", str(path))
    err = capsys.readouterr().err
    assert (code, _one_line(err)) == (EXIT_USAGE, True)
    assert f"{path}:1" in err


@pytest.mark.parametrize("case", sorted(BAD_JSONL))
def test_eval_rejects_a_bad_file_in_one_line(
    case: str, tmp_path: Path, cheap_policy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(BAD_JSONL[case].replace(b'"text"', b'"label": "attack", "text"'))
    code, _ = _run("eval", "--policy", cheap_policy, str(path))
    assert (code, _one_line(capsys.readouterr().err)) == (EXIT_USAGE, True)


def test_scan_of_non_utf8_standard_input_is_a_usage_error(
    cheap_policy: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"caf\xe9"), encoding="utf-8"))
    code, _ = _run("scan", "--policy", cheap_policy, "-")
    assert (code, _one_line(capsys.readouterr().err)) == (EXIT_USAGE, True)


def test_show_text_of_a_lone_surrogate_prints_valid_json(tmp_path: Path, cheap_policy: str) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "a\\ud800b"}\n', encoding="utf-8")
    code, out = _run(
        "scan", "--policy", cheap_policy, "--json", "--show-text", "--jsonl", str(path)
    )
    assert code == 0
    assert json.loads(out)["text"] == "a\ud800b"


def test_eval_rejects_a_negative_limit(
    tmp_path: Path, cheap_policy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "a", "label": "benign"}\n', encoding="utf-8")
    code, out = _run("eval", "--policy", cheap_policy, "--limit", "-1", str(path))
    assert (code, out) == (EXIT_USAGE, "")
    assert "must not be negative" in capsys.readouterr().err


def test_policy_validate_of_a_non_utf8_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    code, _ = _run("policy", "validate", str(path))
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "not UTF-8" in err
    assert "Traceback" not in err


def _chain(tmp_path: Path) -> tuple[Path, Path]:
    path, head = tmp_path / "audit.jsonl", tmp_path / "audit.head"
    pipe = Pipeline([stage(lambda text, ctx: Outcome(), name="noop")])
    auditor = Auditor([JsonlSink(path, head=head)], text_key=b"t" * 32)
    for i in range(3):
        auditor.record(pipe.check_input(f"hello {i}", Context()))
    return path, head


@pytest.mark.parametrize(
    "content",
    [b"[1, 2]", b"\xff\xfe{", b'{"seq": {"a": 1}, "hash": []}', b"null", DEEP.encode()],
    ids=["list", "not_utf8", "wrong_types", "null", "deep"],
)
def test_audit_verify_reports_a_malformed_head_as_tampering(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path, head = _chain(tmp_path)
    head.write_bytes(content)
    code, out = _run("audit", "verify", str(path), "--head", str(head))
    assert (code, "head" in out) == (EXIT_BLOCKED, True)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "edit",
    [
        lambda line: line.replace(b'"noop"', b'"no\xffp"'),
        lambda line: line.replace(b'"hash": "', b'"hash": "\xc3\xa9'),
        lambda line: line.replace(b'"hash": "', b'"hash": "\\ud800'),
        lambda line: line.replace(b'"seq": 1', b'"seq": ' + LONG_INT.encode()),
    ],
    ids=["invalid_utf8", "non_ascii_hash", "lone_surrogate", "long_integer"],
)
def test_audit_verify_reports_a_tampered_line_as_tampering(
    tmp_path: Path, edit: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _chain(tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = edit(lines[1])  # type: ignore[operator]
    path.write_bytes(b"".join(lines))
    code, out = _run("audit", "verify", str(path))
    assert (code, "line 2" in out) == (EXIT_BLOCKED, True)
    assert capsys.readouterr().err == ""


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.lists(
        st.one_of(
            st.binary(max_size=60),
            st.sampled_from(
                [b'{"text": "', b'"}', b"\\ud800", b"\xff", b"[[[[", b"1" * 5000, b"\n", b"{}"]
            ),
        ),
        max_size=8,
    ).map(b"".join)
)
def test_any_bytes_as_a_jsonl_file_never_raise_out_of_the_cli(
    data: bytes, tmp_path: Path, cheap_policy: str
) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    code, _ = _run("scan", "--policy", cheap_policy, "--json", "--show-text", "--jsonl", str(path))
    assert code in (0, 1, 2, 3)
