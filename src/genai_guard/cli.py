"""The ``genai-guard`` command.

Exit status: 0 allowed (including modified), 1 flagged, 3 blocked, 2 usage or input error.
It prints decisions and figures, never a prompt's text unless asked to (``scan --show-text``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from genai_guard._evaluation import (
    LabelledRow,
    Scored,
    read_json_lines,
    read_labelled,
    summarize,
)
from genai_guard._results import Action, Decision
from genai_guard.errors import GuardError, PolicyError
from genai_guard.pipeline import Pipeline

__all__ = ["main"]

EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_BLOCKED = 0, 1, 2, 3
MAX_STDIN_CHARS = 10_000_000

_EXIT_FOR = {
    Action.ALLOW: EXIT_OK,
    Action.MODIFY: EXIT_OK,
    Action.FLAG: EXIT_FLAGGED,
    Action.BLOCK: EXIT_BLOCKED,
}


class _UsageError(Exception):
    pass


def _pipeline(policy: str | None) -> Pipeline:
    from genai_guard.policy import build_pipeline  # noqa: PLC0415 - as in the commands below

    return build_pipeline(policy or "default")


def _check(pipe: Pipeline, text: str, *, output: bool) -> Decision:
    return pipe.check_output(text) if output else pipe.check_input(text)


def describe(decision: Decision) -> str:
    """A readable, text-free summary of a decision."""
    lines = [f"{decision.action.value.upper():<6} risk={decision.risk:.2f}"]
    for r in decision.results:
        if r.error is not None:
            lines.append(f"  {r.stage}: {r.action.value} (error: {type(r.error).__name__})")
        for f in r.outcome.findings:
            where = f" at {f.span.start}-{f.span.end}" if f.span else ""
            view = f" in {f.view}" if f.view else ""
            lines.append(
                f"  {r.stage}: {r.action.value} {f.rule_id} score={f.score:.2f}{where}{view}"
                + (f" - {f.message}" if f.message else "")
            )
    return "\n".join(lines)


# -- scan ---------------------------------------------------------------------------------------


def _cmd_scan(args: argparse.Namespace, out: TextIO) -> int:
    pipe = _pipeline(args.policy)
    texts: list[tuple[str, str]] = []
    if args.jsonl:
        for n, row in enumerate(_read_text_rows(Path(args.jsonl)), 1):
            texts.append((f"{args.jsonl}:{n}", row))
    elif args.text is None or args.text == "-":
        try:
            data = sys.stdin.read(MAX_STDIN_CHARS + 1)
        except UnicodeDecodeError:
            raise _UsageError("standard input is not UTF-8 text") from None
        if len(data) > MAX_STDIN_CHARS:
            raise _UsageError(f"standard input is longer than {MAX_STDIN_CHARS} characters")
        texts.append(("<stdin>", data))
    else:
        texts.append(("<arg>", args.text))
    worst = EXIT_OK
    for label, text in texts:
        decision = _check(pipe, text, output=args.output)
        worst = max(worst, _EXIT_FOR[decision.action])
        if args.json:
            obj = decision.to_dict(include_text=args.show_text)
            if args.jsonl:
                obj["where"] = label
            out.write(_json_line(obj) + "\n")
        else:
            prefix = f"{label}: " if args.jsonl else ""
            out.write(_printable(prefix + describe(decision)) + "\n")
    return worst


def _read_text_rows(path: Path) -> list[str]:
    rows = []
    try:
        for n, obj in read_json_lines(path):
            text = obj.get("text")
            if not isinstance(text, str):
                raise _UsageError(f'{path}:{n}: expected an object with a string "text"')
            rows.append(text)
    except OSError as exc:
        raise _UsageError(f"cannot read {path}: {exc.strerror}") from None
    return rows


def _json_line(obj: dict[str, Any]) -> str:
    """One JSON line; escaped to ASCII when it holds text UTF-8 cannot encode (a lone surrogate)."""
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True)
    return line


def _printable(line: str) -> str:
    """``line`` with anything UTF-8 cannot encode (a lone surrogate) as a backslash escape."""
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


# -- eval ---------------------------------------------------------------------------------------


def _progress(done: int, total: int, err: TextIO) -> None:
    width = 30
    filled = width * done // max(total, 1)
    err.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        err.write("\n")
    err.flush()


def _cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    pipe = _pipeline(args.policy)
    rows: list[LabelledRow] = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise _UsageError(f"no such file: {name}")
        file_rows = list(read_labelled(path))
        rows.extend(file_rows[: args.limit] if args.limit else file_rows)
    show = sys.stderr.isatty() and not args.json
    scored: list[Scored] = []
    clock = time.perf_counter_ns
    for i, row in enumerate(rows, 1):
        start = clock()
        decision = _check(pipe, row.text, output=args.output)
        elapsed = clock() - start
        detected = decision.action in (Action.FLAG, Action.BLOCK)
        scored.append(Scored(row, detected, decision.risk, elapsed))
        if show and (i % 50 == 0 or i == len(rows)):
            _progress(i, len(rows), sys.stderr)
    summary = summarize(scored)
    if args.json:
        out.write(json.dumps(summary) + "\n")
    else:
        out.write(_table(summary))
    return EXIT_OK


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _table(s: dict[str, Any]) -> str:
    lines = [
        f"rows {s['n']}: {s['attack']['n']} attack, {s['benign']['n']} benign",
        f"recall {_fmt(s['attack']['recall'])}  fpr {_fmt(s['benign']['fpr'])}  "
        f"precision {_fmt(s['precision'])}  f1 {_fmt(s['f1'])}  auc {_fmt(s['auc'])}  "
        f"recall@1%fpr {_fmt(s['recall_at_1pct_fpr'])}",
        f"latency us: p50 {s['latency_us']['p50']}  p99 {s['latency_us']['p99']}  "
        f"mean {s['latency_us']['mean']}",
        "",
        f"{'file':<40} {'label':<7} {'n':>6} {'rate':>7}",
    ]
    for name, f in s["by_file"].items():
        lines.append(f"{name:<40} {f['label']:<7} {f['n']:>6} {f['rate']:>7.3f}")
    if s["by_category"]:
        lines += ["", f"{'category':<40} {'n':>6} {'recall':>7}"]
        for name, c in s["by_category"].items():
            lines.append(f"{name:<40} {c['n']:>6} {c['recall']:>7.3f}")
    return "\n".join(lines) + "\n"


# -- policy -------------------------------------------------------------------------------------


def _cmd_policy_validate(args: argparse.Namespace, out: TextIO) -> int:
    from genai_guard.policy import build_pipeline  # noqa: PLC0415 - only this command needs it

    pipe = build_pipeline(args.file)
    ins = ", ".join(s.name for s in pipe.input_steps) or "none"
    outs = ", ".join(s.name for s in pipe.output_steps) or "none"
    out.write(f"{args.file}: valid (input: {ins}; output: {outs})\n")
    return EXIT_OK


def _cmd_policy_schema(args: argparse.Namespace, out: TextIO) -> int:
    from genai_guard.policy import policy_schema  # noqa: PLC0415

    out.write(json.dumps(policy_schema(), indent=2) + "\n")
    return EXIT_OK


# -- threatmodel -------------------------------------------------------------------------------


def _cmd_threatmodel_init(args: argparse.Namespace, out: TextIO) -> int:
    from genai_guard.threatmodel import starter_model_text  # noqa: PLC0415

    path = Path(args.path)
    if path.exists() and not args.force:
        raise _UsageError(f"{path} exists (use --force to overwrite)")
    path.write_text(starter_model_text(), encoding="utf-8")
    out.write(f"wrote {path}\n")
    return EXIT_OK


def _cmd_threatmodel_report(args: argparse.Namespace, out: TextIO) -> int:
    from genai_guard import threatmodel as tm  # noqa: PLC0415
    from genai_guard.registry import Registry  # noqa: PLC0415

    model = tm.load_threat_model(args.file)
    cov = tm.coverage(model, _pipeline(args.policy))
    unknown = tm.unknown_stage_types(model, Registry.builtin())
    label = args.policy or "default"
    if args.format == "json":
        data = tm.report_dict(model, cov, policy=label, unknown=unknown)
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(tm.report_markdown(model, cov, policy=label, unknown=unknown))
    return EXIT_OK


def _cmd_threatmodel_schema(args: argparse.Namespace, out: TextIO) -> int:
    from genai_guard.threatmodel import threat_model_schema  # noqa: PLC0415

    out.write(json.dumps(threat_model_schema(), indent=2) + "\n")
    return EXIT_OK


# -- audit --------------------------------------------------------------------------------------


def _cmd_audit_verify(args: argparse.Namespace, out: TextIO) -> int:
    import os  # noqa: PLC0415

    from genai_guard.audit import verify_chain  # noqa: PLC0415

    key: bytes | None = None
    if args.key_env:
        value = os.environ.get(args.key_env)
        if not value:
            raise _UsageError(f"environment variable {args.key_env} is not set")
        key = value.encode("utf-8")
    report = verify_chain(args.file, head=args.head, key=key)
    if report.ok:
        out.write(f"{args.file}: OK ({report.events} events, head {report.last_hash[:16]})\n")
        return EXIT_OK
    for problem in report.problems:
        out.write(f"{args.file}: {problem}\n")
    return EXIT_BLOCKED


# -- main ---------------------------------------------------------------------------------------


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value[:20]!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="genai-guard", description="Guardrails for LLM applications, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    scan = sub.add_parser("scan", help="check one text, stdin, or a JSONL file")
    scan.add_argument("text", nargs="?", help="the text, or - for standard input")
    scan.add_argument("--jsonl", metavar="FILE", help='check every {"text": ...} line of FILE')
    scan.add_argument("--output", action="store_true", help="check as model output")
    scan.add_argument("--policy", metavar="FILE", help="policy file or resource (default: default)")
    scan.add_argument("--json", action="store_true", help="print Decision.to_dict() as JSON")
    scan.add_argument(
        "--show-text", action="store_true", help="include the final text and views in --json"
    )
    scan.set_defaults(func=_cmd_scan)

    ev = sub.add_parser("eval", help="score a policy on labelled JSONL files")
    ev.add_argument("files", nargs="+", metavar="FILE.jsonl")
    ev.add_argument("--policy", metavar="FILE")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument(
        "--limit",
        type=_non_negative,
        default=0,
        metavar="N",
        help="at most N rows per file (0: all)",
    )
    ev.add_argument("--output", action="store_true", help="check rows as model output")
    ev.set_defaults(func=_cmd_eval)

    pol = sub.add_parser("policy", help="validate a policy or print its JSON schema")
    pol_sub = pol.add_subparsers(dest="policy_command", required=True)
    val = pol_sub.add_parser("validate", help="validate a policy file")
    val.add_argument("file")
    val.set_defaults(func=_cmd_policy_validate)
    sch = pol_sub.add_parser("schema", help="print the policy JSON schema")
    sch.set_defaults(func=_cmd_policy_schema)

    tmp = sub.add_parser("threatmodel", help="write or report on a threat model")
    tm_sub = tmp.add_subparsers(dest="threatmodel_command", required=True)
    init = tm_sub.add_parser("init", help="write a starting model for a RAG chatbot")
    init.add_argument("path", nargs="?", default="threatmodel.yaml", metavar="PATH")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(func=_cmd_threatmodel_init)
    rep = tm_sub.add_parser("report", help="report a model and its coverage by a policy")
    rep.add_argument("file")
    rep.add_argument("--policy", metavar="FILE", help="policy file or resource (default: default)")
    rep.add_argument("--format", choices=("markdown", "json"), default="markdown")
    rep.set_defaults(func=_cmd_threatmodel_report)
    tms = tm_sub.add_parser("schema", help="print the threat-model JSON schema")
    tms.set_defaults(func=_cmd_threatmodel_schema)

    aud = sub.add_parser("audit", help="verify an audit trail")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True)
    ver = aud_sub.add_parser("verify", help="check the hash chain of a JSON-lines audit file")
    ver.add_argument("file")
    ver.add_argument(
        "--head", metavar="FILE", help="head file recorded by the sink (detects a cut tail)"
    )
    ver.add_argument(
        "--key-env", metavar="VAR", help="environment variable holding the chain's HMAC key"
    )
    ver.set_defaults(func=_cmd_audit_verify)

    from genai_guard.server._cli import add_serve_arguments, run_serve  # noqa: PLC0415 - light

    srv = sub.add_parser("serve", help="run the OpenAI-compatible guard server (server extra)")
    add_serve_arguments(srv)
    srv.set_defaults(func=run_serve)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    stream = out if out is not None else sys.stdout
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    func: Callable[[argparse.Namespace, TextIO], int] = args.func
    try:
        return func(args, stream)
    except PolicyError as exc:
        sys.stderr.write(_printable(f"genai-guard: {exc}") + "\n")
        return EXIT_USAGE
    except (_UsageError, GuardError, OSError) as exc:
        sys.stderr.write(_printable(f"genai-guard: {exc}") + "\n")
        return EXIT_USAGE
    except (ValueError, RecursionError) as exc:  # bad input that reached a library call
        sys.stderr.write(f"genai-guard: invalid input ({type(exc).__name__})\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
