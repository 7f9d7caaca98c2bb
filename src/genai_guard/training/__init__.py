"""Training and evaluation of the shipped attack classifier (never imported by the runtime).

``python -m genai_guard.training [DATA_DIR] [--root DIR] [--mode ...]`` trains, validates and
writes the weights and ``docs/model-card.md`` (``--help`` lists the modes). Users may import
this package to retrain on their own data: ``load_rows`` reads a labelled JSONL corpus, ``train``
fits a ``Model`` and ``save`` writes weights that ``AttackClassifierDetector(weights=...,
sha256=...)`` loads. Paths are always arguments (a ``Layout``, whose default root is the current
working directory); nothing here looks for the repository. Needs numpy.
"""

from genai_guard.training._cli import main
from genai_guard.training._rows import CLASSES, Layout, Row, load_rows
from genai_guard.training._text import synthetic_rows
from genai_guard.training._train import Model, save, train

__all__ = [
    "CLASSES",
    "Layout",
    "Model",
    "Row",
    "load_rows",
    "main",
    "save",
    "synthetic_rows",
    "train",
]
