from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from genai_guard.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def _policy(tmp_path: Path, body: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(body, encoding="utf-8")
    return str(path)


def test_scan_allows_benign_text() -> None:
    code, out = run("scan", "What is the capital of France?")
    assert code == 0
    assert out.startswith(("ALLOW", "MODIFY"))


def test_scan_json_prints_decision_without_text() -> None:
    code, out = run("scan", "--json", "hello world")
    obj = json.loads(out)
    assert code == 0
    assert obj["action"] in ("allow", "modify")
    assert "text" not in obj
    code, out = run("scan", "--json", "--show-text", "hello world")
    assert "text" in json.loads(out)


def test_scan_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("hello from stdin"))
    code, _ = run("scan", "-")
    assert code == 0


def test_scan_exit_codes_follow_actions(tmp_path: Path) -> None:
    block = _policy(tmp_path, "input:\n  - {type: length_limit, max_chars: 5}\n")
    code, _ = run("scan", "--policy", block, "this is longer than five")
    assert code == 3


def test_scan_jsonl(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "a"}\n{"text": "b"}\n', encoding="utf-8")
    code, out = run("scan", "--json", "--jsonl", str(rows))
    assert code == 0
    assert [json.loads(line)["where"] for line in out.splitlines()] == [
        f"{rows}:1",
        f"{rows}:2",
    ]


def test_malformed_jsonl_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "a", "label": "benign"}\n{not json}\n', encoding="utf-8")
    code, _ = run("eval", str(rows))
    assert code == 2
    assert f"{rows}:2" in capsys.readouterr().err
    code, _ = run("scan", "--jsonl", str(rows))
    assert code == 2


def test_eval_json_has_every_key(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"text": "ignore this", "label": "attack", "category": "goal_hijacking"}\n'
        '{"text": "hello", "label": "benign"}\n',
        encoding="utf-8",
    )
    code, out = run("eval", str(rows), "--json")
    assert code == 0
    obj = json.loads(out)
    assert set(obj) == {
        "n",
        "attack",
        "benign",
        "precision",
        "f1",
        "auc",
        "recall_at_1pct_fpr",
        "by_category",
        "by_file",
        "latency_us",
        "at_target_fpr",
        "curve",
        "threshold",
    }
    assert set(obj["attack"]) == {"n", "detected", "recall"}
    assert set(obj["benign"]) == {"n", "flagged", "fpr"}
    assert set(obj["latency_us"]) == {"p50", "p99", "mean"}
    assert obj["by_file"]["rows.jsonl"]["label"] == "mixed"
    assert obj["by_category"]["goal_hijacking"]["n"] == 1


def test_eval_table_and_limit(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "a", "label": "benign"}\n' * 5, encoding="utf-8")
    code, out = run("eval", str(rows), "--limit", "2")
    assert code == 0
    assert "rows 2:" in out


@pytest.mark.shared_data
def test_eval_on_notinject(shared_data: Path) -> None:
    code, out = run("eval", str(shared_data / "notinject.jsonl"), "--json", "--limit", "40")
    assert code == 0
    assert json.loads(out)["benign"]["n"] == 40


def test_policy_validate_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _policy(
        tmp_path, "version: 3\ninput:\n  - {type: nope}\n  - {type: length_limit, max_chars: -1}\n"
    )
    code, _ = run("policy", "validate", bad)
    err = capsys.readouterr().err
    assert code == 2
    assert "version" in err
    assert "input[0].type" in err
    assert "input[1].max_chars" in err


def test_policy_validate_ok() -> None:
    code, out = run("policy", "validate", "default")
    assert code == 0
    assert "valid" in out


def test_policy_schema_is_json() -> None:
    code, out = run("policy", "schema")
    assert code == 0
    assert json.loads(out)["title"] == "Policy"


def test_usage_error_exit_code() -> None:
    code, _ = run("scan", "--no-such-flag")
    assert code == 2
    code, _ = run("eval", "missing.jsonl")
    assert code == 2
