"""Sources: more prompt-attack datasets (second round)."""

from __future__ import annotations

from corpus_builder._spec import Source

SOURCES: list[Source] = []
