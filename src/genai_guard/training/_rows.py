"""Training rows, where they come from, and where training writes (no numpy here)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CAT_MAP",
    "CLASSES",
    "EXCLUDED",
    "PROTOCOL_END",
    "PROTOCOL_START",
    "Layout",
    "Row",
    "load_rows",
    "row_of",
    "written_rows",
    "written_rows_of",
]

CLASSES = ("goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure_attack")
CAT_MAP = {
    "goal_hijacking": 0,
    "guardrail_bypass": 1,
    "information_leakage": 2,
    "infrastructure": 3,
    "infrastructure_attack": 3,
}
"""Corpus category -> index into ``CLASSES``."""
EXCLUDED = ("review_needed.jsonl",)

PROTOCOL_START = "<!-- protocol:start -->"
PROTOCOL_END = "<!-- protocol:end -->"
"""``--mode protocol`` writes its section between these markers; ``ship`` keeps it."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where training reads the project's own text and writes the weights and the model card.

    Every path is under ``root``, a checkout of the genai-guard repository; the default root is the
    current working directory (``python -m genai_guard.training --root DIR`` sets another). The
    package never looks for the repository itself.

    Attributes:
        root: The repository checkout.
        model_dir: Where ``ship`` writes the weights and their manifest (default: the package's
            ``src/genai_guard/detect/model`` in ``root``).
    """

    root: Path = Path()
    model_dir: Path | None = None

    @property
    def written_dir(self) -> Path:
        """Hand-written training rows, ``tools/training_text/*.jsonl``."""
        return self.root / "tools" / "training_text"

    @property
    def probe_dir(self) -> Path:
        """The written probe, ``tools/eval_text/*.jsonl`` (never trained on)."""
        return self.root / "tools" / "eval_text"

    @property
    def model_folder(self) -> Path:
        """Where weights and manifests go (``model_dir``, else the package's model folder)."""
        return self.model_dir or self.root / "src" / "genai_guard" / "detect" / "model"

    @property
    def weights(self) -> Path:
        """The weights file ``ship`` writes."""
        return self.model_folder / "attack_classifier.npz"

    @property
    def manifest(self) -> Path:
        """The weights' manifest (SHA-256, classes), next to them."""
        return self.weights.with_suffix(".json")

    @property
    def model_card(self) -> Path:
        """``docs/model-card.md``."""
        return self.root / "docs" / "model-card.md"

    def default_data(self) -> Path:
        """``$GENAI_GUARD_SHARED_DATA``, else ``shared/data`` beside ``root``."""
        env = os.environ.get("GENAI_GUARD_SHARED_DATA")
        return Path(env) if env else self.root.resolve().parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Row:
    """One training or evaluation row."""

    text: str
    attack: bool
    cls: int  # index into CLASSES, -1 for benign or unknown
    group: str
    file: str


def row_of(obj: dict[str, Any], group: str, file: str) -> Row:
    """A ``Row`` from one JSONL object (keys text, label, category)."""
    attack = obj["label"] == "attack"
    cls = CAT_MAP.get(obj.get("category") or "", -1) if attack else -1
    return Row(obj["text"], attack, cls, group, file)


def load_rows(data: Path, files: Sequence[str] | None = None) -> list[Row]:
    """Rows of the corpus files (all but ``EXCLUDED`` when ``files`` is None)."""
    rows: list[Row] = []
    for path in sorted(data.glob("*.jsonl")):
        if path.name in EXCLUDED or (files is not None and path.name not in files):
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                obj = json.loads(line)
                src = str(obj.get("source") or path.name)
                rows.append(row_of(obj, f"{path.name}|{src}", path.name))
    return rows


def written_rows_of(path: Path) -> list[Row]:
    """Hand-written rows of one JSONL file (keys text, label, category, genre).

    Every row was written on its own, so every row is its own family.
    """
    rows: list[Row] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if not line.strip():
                continue
            rows.append(row_of(json.loads(line), f"{path.stem}|{i}", "written"))
    return rows


def written_rows(directory: Path) -> list[Row]:
    """The hand-written training rows of ``directory`` (``Layout.written_dir``)."""
    return [r for path in sorted(directory.glob("*.jsonl")) for r in written_rows_of(path)]
