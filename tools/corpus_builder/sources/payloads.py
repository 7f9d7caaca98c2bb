"""Sources: infrastructure payload lists (SQL, shell, SSRF, template injection)."""

from __future__ import annotations

from corpus_builder._spec import Source

SOURCES: list[Source] = []
