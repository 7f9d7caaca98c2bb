"""``python -m genai_guard.training``: the command line of training and evaluation (``--help``)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genai_guard.training._protocol import protocol, write_protocol_card
from genai_guard.training._rows import Layout
from genai_guard.training._train import (
    _corpus_rows,
    leave_pair_out,
    lofo,
    own_rows,
    probe,
    save,
    train,
    validate,
    write_model_card,
)

__all__ = ["main"]


def _corpus_path(args: argparse.Namespace) -> Path | None:
    default = Path.home() / ".cache" / "genai-guard-corpus" / "corpus.jsonl"
    corpus = Path(args.corpus) if args.corpus else default
    if not corpus.is_file():
        print(f"no corpus at {corpus}: build it with `make corpus`", file=sys.stderr)
        return None
    return corpus


def _run_protocol(args: argparse.Namespace, layout: Layout) -> int:
    corpus = _corpus_path(args)
    if corpus is None:
        return 2
    started = time.perf_counter()
    report = protocol(corpus, layout, folds=args.folds)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_protocol_card(report, layout)
    print(json.dumps({k: v for k, v in report.items() if k != "cross_family"}, indent=1)[:6000])
    return 0


def _run_semantic(args: argparse.Namespace, layout: Layout) -> int:
    from genai_guard.training._semantic import train_semantic  # noqa: PLC0415 - optional extra

    corpus = _corpus_path(args)
    if corpus is None:
        return 2
    cache = Path(args.cache) if args.cache else Path.home() / ".cache" / "genai-guard-semantic"
    manifest = train_semantic(corpus, layout, cache=cache, folds=args.folds)
    print(json.dumps(manifest, indent=1))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m genai_guard.training")
    ap.add_argument(
        "data",
        nargs="?",
        default=None,
        help="corpus directory (default: $GENAI_GUARD_SHARED_DATA, else shared/data beside --root)",
    )
    ap.add_argument(
        "--root",
        default=".",
        help="the genai-guard checkout: tools/, docs/ and the model folder (default: .)",
    )
    ap.add_argument(
        "--model-dir",
        default=None,
        help="write the weights here (default: ROOT/src/genai_guard/detect/model)",
    )
    ap.add_argument(
        "--mode",
        choices=("validate", "lofo", "pairs", "ship", "all", "card", "protocol", "semantic"),
        default="ship",
    )
    ap.add_argument(
        "--corpus",
        default=None,
        help="protocol, semantic: the corpus builder's corpus.jsonl "
        "(default: ~/.cache/genai-guard-corpus)",
    )
    ap.add_argument(
        "--folds",
        type=int,
        default=10,
        help="protocol, semantic: group k-fold by source family (0: leave one family out)",
    )
    ap.add_argument(
        "--cache",
        default=None,
        help="semantic: embedding cache (default: ~/.cache/genai-guard-semantic)",
    )
    ap.add_argument("--threshold", type=float, default=None, help="threshold for lofo reports")
    ap.add_argument("--report", default=None, help="write the JSON report here")
    args = ap.parse_args(argv)
    layout = Layout(Path(args.root), None if args.model_dir is None else Path(args.model_dir))
    if args.mode == "protocol":
        return _run_protocol(args, layout)
    if args.mode == "semantic":
        return _run_semantic(args, layout)
    data = layout.default_data() if args.data is None else Path(args.data)
    if not any(data.glob("*.jsonl")):
        ap.error(f"no *.jsonl files in {data}")
    started = time.perf_counter()
    report: dict[str, Any] = {}
    if args.mode == "card":
        # Re-render docs/model-card.md from a saved --report, without training.
        report = json.loads(Path(args.report).read_text(encoding="utf-8"))
        write_model_card(report, _corpus_rows(data) + own_rows(layout), layout)
        return 0
    if args.mode in ("validate", "all"):
        report["validation"] = validate(data, layout)
        print(json.dumps(report["validation"], indent=1), file=sys.stderr)
    if args.mode in ("lofo", "all"):
        t = args.threshold
        if t is None:
            t = report.get("validation", {}).get("threshold_at_1pct_fpr", 0.5)
        report["lofo"] = {"threshold": t, **lofo(data, layout, threshold=t)}
    if args.mode in ("pairs", "all"):
        report["pairs"] = leave_pair_out(data, layout)
    if args.mode in ("ship", "all"):
        rows = _corpus_rows(data) + own_rows(layout)
        model = train(rows)
        digest = save(model, weights=layout.weights, manifest=layout.manifest)
        report["ship"] = {"rows": len(rows), "sha256": digest}
        report["probe"] = probe(model, layout.probe_dir)
        print(f"wrote {layout.weights} sha256={digest}", file=sys.stderr)
        write_model_card(report, rows, layout)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(
        json.dumps({k: v for k, v in report.items() if k not in ("lofo", "pairs")}, indent=1)[:4000]
    )
    return 0
