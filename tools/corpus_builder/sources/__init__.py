"""Every source of the corpus, in build order (an earlier source keeps a text two sources share)."""

from __future__ import annotations

from corpus_builder._spec import Source
from corpus_builder.sources import (
    composed,
    github_attacks,
    github_attacks2,
    github_benign,
    multilingual,
    payloads,
    registry_packages,
    shared_data,
    written,
)

_MODULES = (
    shared_data,
    github_attacks,
    github_attacks2,
    registry_packages,
    payloads,
    github_benign,
    multilingual,
    written,
)


def all_sources() -> list[Source]:
    """The sources of every module, in build order; composed sources (built from them) last."""
    base = [s for module in _MODULES for s in module.SOURCES]
    return base + composed.composed_sources(base)
