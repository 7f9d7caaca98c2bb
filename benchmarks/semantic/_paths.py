"""Where the semantic experiment reads the corpus and keeps its caches (never the repository).

``SEM_CACHE`` (default ``~/.cache/genai-guard-semantic``) holds embeddings, scores and reports;
``GENAI_GUARD_CORPUS`` (default: the corpus builder's ``~/.cache/genai-guard-corpus/corpus.jsonl``)
is the built corpus.
"""

import os
from pathlib import Path

_HOME_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
CACHE = Path(os.environ.get("SEM_CACHE", _HOME_CACHE / "genai-guard-semantic"))
CORPUS = Path(
    os.environ.get("GENAI_GUARD_CORPUS", _HOME_CACHE / "genai-guard-corpus" / "corpus.jsonl")
)
EVAL = Path("tools/eval_text")
