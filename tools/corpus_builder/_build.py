"""Assemble the corpus: fetch, extract, sample, deduplicate, detect languages, write."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus_builder._dedup import Deduplicator
from corpus_builder._fetch import Fetcher
from corpus_builder._formats import MAX_CHARS
from corpus_builder._spec import CATEGORIES, RawRow, Source, SourceError, check_source

__all__ = ["BuildResult", "SourceStats", "build", "detect_language", "manifest_of"]

EVAL_OWNER = "<evaluation>"
COPY_SHARE = 0.5
"""A source with at least this share of its rows repeating one other source is a copy of it."""


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (py3langid, offline); ``und`` for text with no letters."""
    import py3langid

    if not any(ch.isalpha() for ch in text[:2000]):
        return "und"
    lang, _ = py3langid.classify(text[:2000])
    return str(lang)


@dataclass
class SourceStats:
    """What one source gave and what deduplication left."""

    extracted: int = 0
    sampled_out: int = 0
    invalid: int = 0
    exact_dups: int = 0
    near_dups: int = 0
    eval_overlap: int = 0
    dup_owners: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)

    @property
    def duplicate_of(self) -> str | None:
        """The source this one mostly copies, if any."""
        if not self.dup_owners or not self.extracted:
            return None
        owner, n = self.dup_owners.most_common(1)[0]
        if owner != EVAL_OWNER and n >= COPY_SHARE * (self.extracted - self.sampled_out):
            return owner
        return None


@dataclass
class BuildResult:
    """The corpus rows and the per-source statistics."""

    rows: list[dict[str, Any]]
    stats: dict[str, SourceStats]
    seconds: float


def _valid(row: RawRow) -> bool:
    if row.label == "attack":
        return row.category in CATEGORIES and bool(row.text.strip())
    return row.label == "benign" and row.category == "benign" and bool(row.text.strip())


def _sample_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sample(rows: list[RawRow], limit: int | None) -> list[RawRow]:
    """At most ``limit`` rows, chosen by hash (stable whatever the source's order)."""
    if limit is None or len(rows) <= limit:
        return rows
    keep = set(sorted(range(len(rows)), key=lambda i: _sample_key(rows[i].text))[:limit])
    return [r for i, r in enumerate(rows) if i in keep]


def build(
    sources: Sequence[Source],
    fetcher: Fetcher,
    eval_texts: Iterable[str] = (),
    *,
    progress: bool = False,
) -> BuildResult:
    """Build the corpus from ``sources`` in order (an earlier source keeps a shared text).

    Raises:
        SourceError: A source is reserved, unlicensed, unpinned, or two share a name.
        FetchError: A pinned file is unreachable or does not match its SHA-256.
    """
    started = time.perf_counter()
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise SourceError(f"two sources are named {dup!r}")
    for source in sources:
        check_source(source)
    dedup = Deduplicator()
    for text in eval_texts:
        dedup.add(text, EVAL_OWNER)
    rows: list[dict[str, Any]] = []
    stats: dict[str, SourceStats] = {}
    for source in sources:
        st = stats[source.name] = SourceStats()
        files = {art.path: fetcher.get(art) for art in source.files}
        raw = list(source.extract(files))
        st.extracted = len(raw)
        good = [r for r in raw if _valid(r)]
        st.invalid = len(raw) - len(good)
        chosen = _sample(good, source.max_rows)
        st.sampled_out = len(good) - len(chosen)
        for row in chosen:
            text = row.text.strip()[:MAX_CHARS]
            hit = dedup.check_and_add(text, source.name)
            if hit is not None:
                kind, owner = hit
                if owner == EVAL_OWNER:
                    st.eval_overlap += 1
                elif kind == "exact":
                    st.exact_dups += 1
                else:
                    st.near_dups += 1
                if owner != source.name:
                    st.dup_owners[owner] += 1
                continue
            lang = row.lang or detect_language(text)
            st.kept[row.label] += 1
            st.languages[lang] += 1
            st.categories[row.category] += 1
            rows.append(
                {
                    "text": text,
                    "label": row.label,
                    "category": row.category,
                    "lang": lang,
                    "source": source.name,
                    "family": source.family,
                    "kind": row.kind,
                    "written": source.written,
                }
            )
        if progress:
            print(
                f"{source.name:40s} extracted {st.extracted:6d} kept "
                f"attack {st.kept['attack']:6d} benign {st.kept['benign']:6d}",
                flush=True,
            )
    return BuildResult(rows=rows, stats=stats, seconds=time.perf_counter() - started)


MIN_LANGUAGE_ROWS = 5
"""Languages with fewer rows in one source are summed under ``other`` (mostly misidentified)."""


def _languages(counts: Counter[str]) -> dict[str, int]:
    out = {lang: n for lang, n in counts.most_common() if n >= MIN_LANGUAGE_ROWS}
    rest = sum(n for n in counts.values() if n < MIN_LANGUAGE_ROWS)
    if rest:
        out["other"] = rest
    return out


def _pin_of(source: Source) -> dict[str, Any]:
    first = source.files[0]
    pin: dict[str, Any] = {"kind": first.kind}
    if first.kind == "github":
        pin |= {"repository": first.ref, "commit": first.commit}
    elif first.kind in ("pypi", "npm"):
        name, _, version = first.ref.replace("==", "@").rpartition("@")
        pin |= {"package": name, "registry": first.kind, "version": version}
    else:
        pin |= {"location": first.kind}
    return pin


def manifest_of(sources: Sequence[Source], result: BuildResult) -> dict[str, Any]:
    """The provenance manifest (``training_sources.json``) of a build."""
    entries = []
    totals: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    written = 0
    for source in sources:
        st = result.stats[source.name]
        totals.update(st.kept)
        languages.update(st.languages)
        categories.update(st.categories)
        if source.written:
            written += sum(st.kept.values())
        entry: dict[str, Any] = {
            "name": source.name,
            "family": source.family,
            **_pin_of(source),
            "url": source.url,
            "licence": source.licence,
            "files": [{"path": a.path, "sha256": a.sha256} for a in source.files],
            "rows": {"attack": st.kept["attack"], "benign": st.kept["benign"]},
            "categories": dict(sorted(st.categories.items())),
            "languages": _languages(st.languages),
            "labels": dict(source.labels),
            "note": source.note,
            "written": source.written,
            "extracted": st.extracted,
            "removed": {
                "sampled_out": st.sampled_out,
                "invalid": st.invalid,
                "exact_duplicates": st.exact_dups,
                "near_duplicates": st.near_dups,
                "evaluation_overlap": st.eval_overlap,
            },
        }
        if st.duplicate_of:
            entry["duplicate_of"] = st.duplicate_of
        entries.append(entry)
    distinct = {s.family for s in sources if not result.stats[s.name].duplicate_of}
    big_langs = sorted(lang for lang, n in languages.items() if n >= 200 and lang != "und")
    total = sum(totals.values())
    return {
        "schema": 1,
        "built_by": "PYTHONPATH=tools python -m corpus_builder build",
        "totals": {
            "rows": total,
            "attack": totals["attack"],
            "benign": totals["benign"],
            "sources": len(sources),
            "distinct_families": len(distinct),
            "languages_with_200_rows": len(big_langs),
            "written_rows": written,
            "written_share": round(written / total, 4) if total else 0.0,
        },
        "categories": dict(sorted(categories.items())),
        "languages": dict(languages.most_common()),
        "sources": entries,
    }


def write_corpus(result: BuildResult, out: Path) -> None:
    """``corpus.jsonl`` (one row a line, build order) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for row in result.rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
