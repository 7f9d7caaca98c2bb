"""The ``genai-guard`` command.

Exit status: 0 allowed (including modified), 1 flagged, 3 blocked, 2 usage or input error.
It prints decisions and figures, never a prompt's text unless asked to (``--show-text``).
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from genai_guard import __version__
from genai_guard._evaluation import (
    DEFAULT_TARGET_FPR,
    FieldMap,
    LabelledRow,
    Scored,
    misses,
    read_json_lines,
    read_labelled,
    summarize,
    threshold_at_fpr,
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


EXIT_CODES_HELP = """exit status:
  0  allowed (including modified) / success
  1  flagged
  2  usage or input error (one line on standard error)
  3  blocked (scan), tampering found (audit verify), gaps found (threatmodel --fail-on-gaps)"""

_INVALID_CHOICE = re.compile(r"invalid choice: '([^']{0,100})' \(choose from ([^)]{0,2000})\)")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a mistyped command or choice."""

    def error(self, message: str) -> NoReturn:
        found = _INVALID_CHOICE.search(message)
        if found:
            choices = [c.strip().strip("'") for c in found.group(2).split(",")]
            close = difflib.get_close_matches(found.group(1), choices, n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        super().error(message)


def _existing_file(name: str) -> Path:
    path = Path(name)
    if not path.exists():
        raise _UsageError(f"no such file: {name}")
    if not path.is_file():
        raise _UsageError(f"not a file: {name}")
    return path


def _looks_like_path(source: str) -> bool:
    return source.endswith((".yaml", ".yml", ".json")) and ":" not in source


def _pipeline(policy: str | None) -> Pipeline:
    from genai_guard.policy import build_pipeline  # noqa: PLC0415 - as in the commands below

    source = policy or "default"
    if _looks_like_path(source):
        _existing_file(source)
    return build_pipeline(source)


def _check(pipe: Pipeline, text: str, *, output: bool) -> Decision:
    return pipe.check_output(text) if output else pipe.check_input(text)


_HEADINGS = {
    Action.BLOCK: "blocked by",
    Action.FLAG: "flagged by",
    Action.MODIFY: "masked or rewritten",
    Action.ALLOW: "below threshold",
}


def describe(decision: Decision, *, verbose: bool = False) -> str:
    """A readable, text-free summary of a decision, the reason that decided first.

    Findings are grouped by what their step did (blocked by, flagged by, masked or rewritten);
    findings of steps that allowed the text are shown only with ``verbose``.
    """
    lines = [f"{decision.action.value.upper():<6} risk={decision.risk:.2f}"]
    for action in (Action.BLOCK, Action.FLAG, Action.MODIFY, Action.ALLOW):
        if action is Action.ALLOW and not verbose:
            continue
        group: list[str] = []
        for r in decision.results:
            if r.action is not action:
                continue
            if r.error is not None:
                group.append(f"    {r.stage}: stage error ({type(r.error).__name__})")
            for f in r.outcome.findings:
                where = f" at {f.span.start}-{f.span.end}" if f.span else ""
                view = f" in {f.view}" if f.view else ""
                group.append(f"    {f.rule_id} score={f.score:.2f}{where}{view} [{r.stage}]")
        if group:
            lines += [f"  {_HEADINGS[action]}:", *group]
    return "\n".join(lines)


# -- scan ---------------------------------------------------------------------------------------


def _cmd_scan(args: argparse.Namespace, out: TextIO) -> int:
    pipe = _pipeline(args.policy)
    texts: list[tuple[str, str]] = []
    if args.jsonl:
        _existing_file(args.jsonl)
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
        if args.quiet:
            continue
        if args.json:
            obj = decision.to_dict(include_text=args.show_text)
            if args.jsonl:
                obj["where"] = label
            out.write(_json_line(obj) + "\n")
        else:
            prefix = f"{label}: " if args.jsonl else ""
            out.write(_printable(prefix + describe(decision, verbose=args.verbose)) + "\n")
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


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _progress(done: int, total: int, elapsed_s: float, err: TextIO) -> None:
    """A progress bar with rows per second and the estimated time left."""
    width = 30
    filled = width * done // max(total, 1)
    rate = done / elapsed_s if elapsed_s > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else 0.0
    err.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
        f"{rate:.0f} rows/s, {_duration(elapsed_s)} elapsed, ETA {_duration(eta)}"
    )
    if done == total:
        err.write("\n")
    err.flush()


def _field_map(args: argparse.Namespace) -> FieldMap:
    base = FieldMap()
    return FieldMap(
        text=args.text_field,
        label=args.label_field,
        category=args.category_field,
        attack_values=tuple(v.lower() for v in args.attack_label) or base.attack_values,
        benign_values=tuple(v.lower() for v in args.benign_label) or base.benign_values,
    )


def _fpr(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value[:20]!r}") from None
    if not 0 <= number < 1 or not math.isfinite(number):
        raise argparse.ArgumentTypeError("must be at least 0 and below 1 (0.01 is 1 %)")
    return number


def _unit(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value[:20]!r}") from None
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return number


def _cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    fields = _field_map(args)
    rows: list[LabelledRow] = []
    for name in args.files:
        path = _existing_file(name)
        file_rows = list(read_labelled(path, fields))
        if not file_rows:
            raise _UsageError(f"{name}: no rows (an empty file)")
        rows.extend(file_rows[: args.limit] if args.limit else file_rows)
    pipe = _pipeline(args.policy)
    # The cold start (lazy compilation, model loading) is paid here, outside the timed rows.
    pipe.warm_up()
    _check(pipe, "warm-up", output=args.output)
    show = sys.stderr.isatty() and not args.json and not args.quiet
    scored: list[Scored] = []
    clock = time.perf_counter_ns
    began = time.monotonic()
    for i, row in enumerate(rows, 1):
        start = clock()
        decision = _check(pipe, row.text, output=args.output)
        elapsed = clock() - start
        if args.threshold is not None:
            detected = decision.risk >= args.threshold
        else:
            detected = decision.action in (Action.FLAG, Action.BLOCK)
        scored.append(Scored(row, detected, decision.risk, elapsed, decision.rule_ids))
        if show and (i % 50 == 0 or i == len(rows)):
            _progress(i, len(rows), time.monotonic() - began, sys.stderr)
    summary = summarize(scored, target_fpr=args.target_fpr)
    summary["threshold"] = args.threshold
    missed = misses(scored, include_text=args.show_text)
    if args.misses:
        with Path(args.misses).open("w", encoding="utf-8") as fh:
            fh.writelines(_json_line(m) + "\n" for m in missed)
    if args.report:
        from genai_guard._eval_report import TARGET_FPRS, render_report  # noqa: PLC0415

        pos = [s.risk for s in scored if s.row.label == "attack"]
        neg = [s.risk for s in scored if s.row.label == "benign"]
        page = render_report(
            summary,
            missed,
            policy=args.policy or "default",
            files=[Path(f).name for f in args.files],
            thresholds=[threshold_at_fpr(pos, neg, t) for t in TARGET_FPRS],
        )
        Path(args.report).write_text(page, encoding="utf-8")
    if args.quiet:
        return EXIT_OK
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


def _threshold_line(s: dict[str, Any]) -> str:
    at = s.get("at_target_fpr")
    scored_at = (
        f"scored at risk >= {s['threshold']}"
        if s.get("threshold") is not None
        else "policy's verdicts"
    )
    if at is None:
        return f"({scored_at}; no threshold reaches the target FPR)"
    return (
        f"({scored_at}) threshold for {100 * at['target_fpr']:g}% fpr: {at['threshold']:.4f} "
        f"(recall {at['recall']:.3f}, fpr {at['fpr']:.3f}; use --threshold {at['threshold']:.4f})"
    )


def _table(s: dict[str, Any]) -> str:
    lines = [
        f"rows {s['n']}: {s['attack']['n']} attack, {s['benign']['n']} benign",
        f"recall {_fmt(s['attack']['recall'])}  fpr {_fmt(s['benign']['fpr'])}  "
        f"precision {_fmt(s['precision'])}  f1 {_fmt(s['f1'])}  auc {_fmt(s['auc'])}  "
        f"recall@1%fpr {_fmt(s['recall_at_1pct_fpr'])}",
        _threshold_line(s),
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
    from genai_guard.policy import (  # noqa: PLC0415 - only this command needs them
        build_pipeline,
        streaming_warnings,
    )

    if _looks_like_path(args.file):
        _existing_file(args.file)
    pipe = build_pipeline(args.file)
    ins = ", ".join(s.name for s in pipe.input_steps) or "none"
    outs = ", ".join(s.name for s in pipe.output_steps) or "none"
    out.write(f"{args.file}: valid (input: {ins}; output: {outs})\n")
    for where, message in streaming_warnings(pipe.output_steps):
        sys.stderr.write(_printable(f"genai-guard: warning: {where} {message}") + "\n")
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

    _existing_file(args.file)
    model = tm.load_threat_model(args.file)
    cov = tm.coverage(model, _pipeline(args.policy))
    unknown = tm.unknown_stage_types(model, Registry.builtin())
    label = args.policy or "default"
    if args.format == "json":
        data = tm.report_dict(model, cov, policy=label, unknown=unknown)
        out.write(json.dumps(data, indent=2) + "\n")
    elif args.format == "html":
        out.write(tm.report_html(model, cov, policy=label, unknown=unknown))
    else:
        out.write(tm.report_markdown(model, cov, policy=label, unknown=unknown))
    gaps = tm.gaps(model, cov)
    if args.fail_on_gaps and gaps:
        sys.stderr.write(
            f"genai-guard: {len(gaps)} threat(s) not covered by {label} and not accepted: "
            f"{', '.join(gaps)}\n"
        )
        return EXIT_BLOCKED
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
    _existing_file(args.file)
    if args.key_env:
        value = os.environ.get(args.key_env)
        if not value:
            raise _UsageError(f"environment variable {args.key_env} is not set")
        if args.key_format == "hex":
            try:
                key = bytes.fromhex(value.strip())
            except ValueError:
                raise _UsageError(
                    f"environment variable {args.key_env} must hold a hex key "
                    "(or pass --key-format utf-8)"
                ) from None
        else:
            key = value.encode("utf-8")
    report = verify_chain(args.file, head=args.head, key=key)
    if report.ok:
        out.write(f"{args.file}: OK ({report.events} events, head {report.last_hash[:16]})\n")
        return EXIT_OK
    mismatches = sum(1 for p in report.problems if p.endswith("hash mismatch (line edited)"))
    if key is not None and report.events > 1 and mismatches == report.events:
        out.write(
            f"{args.file}: no line's hash matches under this key: wrong key (or key format), "
            "or every line edited\n"
        )
        return EXIT_BLOCKED
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
    fmt = argparse.RawDescriptionHelpFormatter
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing; only the exit status tells"
    )
    parser = _Parser(
        prog="genai-guard",
        description="Guardrails for LLM applications, offline.",
        epilog=EXIT_CODES_HELP,
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"genai-guard {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(parent: Any, name: str, text: str) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = parent.add_parser(
            name,
            help=text,
            description=text,
            epilog=EXIT_CODES_HELP,
            formatter_class=fmt,
            parents=[common],
        )
        return made

    scan = command(sub, "scan", "check one text, stdin, or a JSONL file")
    scan.add_argument("text", nargs="?", help="the text, or - for standard input")
    scan.add_argument("--jsonl", metavar="FILE", help='check every {"text": ...} line of FILE')
    scan.add_argument("--output", action="store_true", help="check as model output")
    scan.add_argument("--policy", metavar="P", help="policy file or resource (default: default)")
    scan.add_argument("--json", action="store_true", help="print Decision.to_dict() as JSON")
    scan.add_argument(
        "--show-text", action="store_true", help="include the final text and views in --json"
    )
    scan.add_argument(
        "-v", "--verbose", action="store_true", help="also list findings below their threshold"
    )
    scan.set_defaults(func=_cmd_scan)

    ev = command(sub, "eval", "score a policy on labelled JSONL files")
    ev.add_argument(
        "files",
        nargs="+",
        metavar="FILE.jsonl",
        help="labelled JSON-lines files (one object per line, text and label fields)",
    )
    ev.add_argument("--policy", metavar="P", help="policy file or resource (default: default)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument(
        "--limit",
        type=_non_negative,
        default=0,
        metavar="N",
        help="at most N rows per file (0: all)",
    )
    ev.add_argument("--output", action="store_true", help="check rows as model output")
    ev.add_argument(
        "--threshold",
        type=_unit,
        metavar="T",
        help="count a row as detected when its risk >= T (default: the policy's verdict)",
    )
    ev.add_argument(
        "--target-fpr",
        type=_fpr,
        default=DEFAULT_TARGET_FPR,
        metavar="F",
        help="report the threshold that keeps the false-positive rate <= F (default: 0.01)",
    )
    ev.add_argument(
        "--misses", metavar="FILE", help="write false negatives and false positives as JSONL"
    )
    ev.add_argument(
        "--report", metavar="FILE.html", help="write a self-contained HTML report (curves, misses)"
    )
    ev.add_argument(
        "--show-text", action="store_true", help="include each miss's text in --misses/--report"
    )
    ev.add_argument("--text-field", default="text", metavar="NAME", help="field of the text")
    ev.add_argument("--label-field", default="label", metavar="NAME", help="field of the label")
    ev.add_argument(
        "--category-field", default="category", metavar="NAME", help="field of the category"
    )
    ev.add_argument(
        "--attack-label",
        action="append",
        default=[],
        metavar="VALUE",
        help="a label value meaning attack (repeatable; default: attack, 1, true, ...)",
    )
    ev.add_argument(
        "--benign-label",
        action="append",
        default=[],
        metavar="VALUE",
        help="a label value meaning benign (repeatable; default: benign, 0, false, ...)",
    )
    ev.set_defaults(func=_cmd_eval)

    pol = command(sub, "policy", "validate a policy or print its JSON schema")
    pol_sub = pol.add_subparsers(dest="policy_command", required=True, metavar="COMMAND")
    val = command(pol_sub, "validate", "validate a policy file (every problem, one per line)")
    val.add_argument("file", metavar="FILE", help="policy file or resource name")
    val.set_defaults(func=_cmd_policy_validate)
    sch = command(pol_sub, "schema", "print the policy JSON schema")
    sch.set_defaults(func=_cmd_policy_schema)

    tmp = command(sub, "threatmodel", "write or report on a threat model")
    tm_sub = tmp.add_subparsers(dest="threatmodel_command", required=True, metavar="COMMAND")
    init = command(tm_sub, "init", "write a starting model for a RAG chatbot")
    init.add_argument(
        "path",
        nargs="?",
        default="threatmodel.yaml",
        metavar="PATH",
        help="where to write it (default: threatmodel.yaml)",
    )
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(func=_cmd_threatmodel_init)
    rep = command(tm_sub, "report", "report a model and its coverage by a policy")
    rep.add_argument("file", metavar="FILE", help="the threat model (YAML)")
    rep.add_argument("--policy", metavar="P", help="policy file or resource (default: default)")
    rep.add_argument(
        "--format",
        choices=("markdown", "json", "html"),
        default="markdown",
        help="output format (default: markdown)",
    )
    rep.add_argument(
        "--fail-on-gaps",
        action="store_true",
        help="exit 3 naming the threats neither covered nor accepted (for CI)",
    )
    rep.set_defaults(func=_cmd_threatmodel_report)
    tms = command(tm_sub, "schema", "print the threat-model JSON schema")
    tms.set_defaults(func=_cmd_threatmodel_schema)

    aud = command(sub, "audit", "verify an audit trail")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    ver = command(aud_sub, "verify", "check the hash chain of a JSON-lines audit file")
    ver.add_argument("file", metavar="FILE", help="the JsonlSink file")
    ver.add_argument(
        "--head", metavar="FILE", help="head file recorded by the sink (detects a cut tail)"
    )
    ver.add_argument(
        "--key-env", metavar="VAR", help="environment variable holding the chain's HMAC key"
    )
    ver.add_argument(
        "--key-format",
        choices=("hex", "utf-8"),
        default="hex",
        help="how the variable holds the key: hex, as policies read keys (default), or raw UTF-8",
    )
    ver.set_defaults(func=_cmd_audit_verify)

    from genai_guard.server._cli import add_serve_arguments, run_serve  # noqa: PLC0415 - light

    srv = command(sub, "serve", "run the OpenAI-compatible guard server (server extra)")
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
    if getattr(args, "quiet", False):
        stream = io.StringIO()  # errors still go to standard error
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
