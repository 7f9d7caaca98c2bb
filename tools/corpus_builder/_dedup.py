"""Exact and near-duplicate detection (MinHash LSH over character shingles)."""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

__all__ = ["Deduplicator", "normalize"]

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")
SHINGLE = 5
MAX_SHINGLE_CHARS = 4_000
"""Near-duplicate comparison reads the first 4,000 normalized characters."""


def normalize(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the exact-duplicate key."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)


def shingles(text: str) -> set[bytes]:
    """Character 5-grams of the normalized text without punctuation (works for every script)."""
    flat = _SPACE.sub(" ", _PUNCT.sub(" ", normalize(text))).strip()[:MAX_SHINGLE_CHARS]
    if len(flat) <= SHINGLE:
        return {flat.encode()}
    return {flat[i : i + SHINGLE].encode() for i in range(len(flat) - SHINGLE + 1)}


@dataclass
class Deduplicator:
    """Remembers kept texts; says whether a new one repeats one of them.

    A text repeats a kept one when their normalized forms are equal (exact) or when the estimated
    Jaccard similarity of their character 5-gram sets reaches ``threshold`` (near).

    Attributes:
        threshold: Jaccard similarity from which two texts are near-duplicates.
        num_perm: MinHash permutations.
        min_chars: Texts shorter than this (normalized) are compared exactly only: a few shared
            5-grams would make short texts look alike.
    """

    threshold: float = 0.8
    num_perm: int = 64
    min_chars: int = 40
    _exact: dict[str, str] = field(default_factory=dict)
    _lsh: MinHashLSH = field(init=False)
    _owner: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)

    def _minhash(self, text: str) -> MinHash:
        mh = MinHash(num_perm=self.num_perm, hashfunc=_hash32, seed=1)
        mh.update_batch(sorted(shingles(text)))
        return mh

    def add(self, text: str, owner: str) -> None:
        """Keep ``text`` (from ``owner``, a source name)."""
        key = normalize(text)
        self._exact.setdefault(key, owner)
        if len(key) >= self.min_chars:
            ident = f"{len(self._owner):09d}"
            self._owner[ident] = owner
            self._lsh.insert(ident, self._minhash(text))

    def check_and_add(self, text: str, owner: str) -> tuple[str, str] | None:
        """``seen(text)``; when new, ``add`` it. One MinHash per text."""
        key = normalize(text)
        prior = self._exact.get(key)
        if prior is not None:
            return "exact", prior
        self._exact[key] = owner
        if len(key) < self.min_chars:
            return None
        mh = self._minhash(text)
        hits = self._lsh.query(mh)
        if hits:
            return "near", self._owner[min(hits)]
        ident = f"{len(self._owner):09d}"
        self._owner[ident] = owner
        self._lsh.insert(ident, mh)
        return None
