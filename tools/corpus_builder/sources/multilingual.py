"""Sources: multilingual benign text (filled in by the corpus work)."""

from __future__ import annotations

from corpus_builder._spec import Source

SOURCES: list[Source] = []
