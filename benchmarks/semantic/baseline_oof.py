"""Today's classifier recipe on the same 10 group folds: out-of-fold scores cached for A+.

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/semantic/baseline_oof.py

Writes $SEM_CACHE/baseline_oof.npy (corpus rows, scored by the fold without their family)
and baseline_full_{synthetic,probe2_dev,everyday_requests}.npy (model trained on every corpus row
plus the synthetic rows; the synthetic rows' own scores are in-sample).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from _paths import CACHE, CORPUS, EVAL

from genai_guard.training import synthetic_rows
from genai_guard.training._protocol import cross_family, load_corpus
from genai_guard.training._train import predict, train


def main() -> None:
    t0 = time.perf_counter()
    corpus = load_corpus(CORPUS)
    p, _ = cross_family(corpus, 10)
    np.save(CACHE / "baseline_oof.npy", p)
    print(f"oof done {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    own = synthetic_rows()
    model = train(corpus.rows + own)
    np.save(CACHE / "baseline_full_synthetic.npy", predict(model, [r.text for r in own]))
    for name in ("probe2_dev", "everyday_requests"):
        with (EVAL / f"{name}.jsonl").open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
        np.save(CACHE / f"baseline_full_{name}.npy", predict(model, texts))
    print(f"all done {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
