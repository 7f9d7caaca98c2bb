"""``python -m corpus_builder build|verify|list`` (run with ``tools`` on ``PYTHONPATH``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus_builder._build import build, manifest_of, write_corpus
from corpus_builder._fetch import Fetcher
from corpus_builder._formats import jsonl
from corpus_builder._spec import Source
from corpus_builder.sources import all_sources

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "src" / "genai_guard" / "detect" / "model" / "training_sources.json"
_XDG = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
DEFAULT_CACHE = _XDG / "genai-guard-corpus"
SHARED = Path(os.environ.get("GENAI_GUARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def eval_texts(root: Path) -> list[str]:
    """Every text of the evaluation files (``tools/eval_text`` and below): never trained on."""
    texts = []
    for path in sorted((root / "tools" / "eval_text").rglob("*.jsonl")):
        texts += [rec["text"] for rec in jsonl(path.read_bytes())]
    return texts


def _select(names: Sequence[str] | None) -> list[Source]:
    sources = all_sources()
    if not names:
        return sources
    unknown = set(names) - {s.name for s in sources}
    if unknown:
        raise SystemExit(f"unknown source(s): {', '.join(sorted(unknown))}")
    return [s for s in sources if s.name in names]


def _summary(manifest: dict[str, Any]) -> str:
    t = manifest["totals"]
    return (
        f"{t['rows']} rows ({t['attack']} attack, {t['benign']} benign) from {t['sources']} "
        f"sources in {t['distinct_families']} distinct families; "
        f"{t['languages_with_200_rows']} languages with >= 200 rows; "
        f"written share {t['written_share']:.1%}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="corpus_builder", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("build", "verify"):
        p = sub.add_parser(name)
        p.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache folder")
        p.add_argument(
            "--shared",
            type=Path,
            default=SHARED,
            help="the development corpus folder (shared/data)",
        )
        p.add_argument("--mirrors", type=Path, default=None, help="folder of git mirrors")
        p.add_argument("--offline", action="store_true", help="use only the cache and mirrors")
        p.add_argument("--only", nargs="*", help="build only these sources")
        p.add_argument("--manifest", type=Path, default=MANIFEST, help="manifest path")
    sub.add_parser("list")
    args = parser.parse_args(argv)
    if args.cmd == "list":
        for s in all_sources():
            print(f"{s.name:44s} {s.family:28s} {s.licence:14s} {s.files[0].key}")
        return 0
    sources = _select(args.only)
    fetcher = Fetcher(
        cache=args.cache,
        shared=args.shared,
        repo_root=REPO,
        mirrors=args.mirrors,
        offline=args.offline,
    )
    result = build(sources, fetcher, eval_texts(REPO), progress=True)
    manifest = manifest_of(sources, result)
    write_corpus(result, args.cache)
    (args.cache / "training_sources.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"built in {result.seconds:.0f} s: {_summary(manifest)}")
    print(f"corpus: {args.cache / 'corpus.jsonl'}")
    if args.cmd == "build":
        if not args.only:
            args.manifest.write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            print(f"manifest: {args.manifest}")
        return 0
    committed = json.loads(args.manifest.read_text(encoding="utf-8"))
    want = {e["name"]: e["rows"] for e in committed["sources"]}
    got = {e["name"]: e["rows"] for e in manifest["sources"]}
    if args.only:
        want = {k: v for k, v in want.items() if k in got}
    diffs = [
        f"{k}: manifest {want.get(k)} rebuilt {got.get(k)}"
        for k in sorted(set(want) | set(got))
        if want.get(k) != got.get(k)
    ]
    for line in diffs:
        print(line)
    print("row counts match the manifest" if not diffs else f"{len(diffs)} sources differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
