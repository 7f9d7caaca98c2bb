"""The shipped learned prompt-attack classifier.

numpy is imported lazily, when the weights are first needed; importing this module is cheap.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from annotated_types import Ge, Interval

from genai_guard._results import Action, Outcome
from genai_guard.detect._learned import Lazy, class_findings
from genai_guard.errors import ConfigurationError, IntegrityError, ResourceUnavailable
from genai_guard.integrity import verify_bytes

if TYPE_CHECKING:
    from genai_guard.context import Context

__all__ = ["AttackClassifierDetector", "ClassifierModel", "load_model"]


WEIGHTS_NAME = "attack_classifier.npz"
MANIFEST_NAME = "attack_classifier.json"


@dataclass(frozen=True, slots=True)
class ClassifierModel:
    """Loaded, verified weights and the feature function they were trained with. Immutable.

    Thread-safe. ``load_model`` builds it and binds the numpy-side functions once, so scoring
    imports nothing.

    Attributes:
        sha256: Digest of the weights file.
        ratios: Per-bucket weights, shape ``(2**HASH_BITS, 5)`` (attack, then the four classes).
        attack_w: Weights of the attack head over pooled and dense features.
        attack_b: Bias of the attack head.
        class_w: ``(4, 4)`` weights of the class softmax.
        class_b: Bias of the class softmax.
        attack_ratios: Column 0 of ``ratios``, as a contiguous 1-D array.
        class_ratios_t: Columns 1-4 of ``ratios`` transposed, shape ``(4, 2**HASH_BITS)``.
        features: The feature function (``_features.extract``).
        window: Characters of text one ``features`` call reads (``_features.MAX_CHARS``).
    """

    sha256: str
    ratios: Any
    attack_w: Any
    attack_b: float
    class_w: Any
    class_b: Any
    attack_ratios: Any
    class_ratios_t: Any
    features: Callable[[str], Any]
    window: int
    _pool: Callable[[Any, Any], Any] = field(repr=False)
    _pool_top: Callable[[Any, Any], Any] = field(repr=False)
    _n_pooled: int = field(repr=False)

    def attack_of(self, feats: Any) -> float:
        """Attack probability of one window, from its ``features``."""
        pooled = self._pool(feats.blocks, self.attack_ratios)
        n = self._n_pooled
        z = float(pooled @ self.attack_w[:n] + feats.dense @ self.attack_w[n:]) + self.attack_b
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def classes_of(self, feats: Any) -> tuple[float, ...]:
        """Distribution over the four attack classes, given that the window is an attack."""
        pooled = self._pool_top(feats.blocks, self.class_ratios_t).mean(axis=0)
        logits = [float(v) for v in pooled @ self.class_w + self.class_b]
        top = max(logits)
        q = [math.exp(v - top) for v in logits]
        total = sum(q)
        return tuple(v / total for v in q)

    def attack_probability(self, text: str) -> float:
        """Attack probability of one window of ``text``."""
        return self.attack_of(self.features(text))

    def class_distribution(self, text: str) -> tuple[float, ...]:
        """Distribution over the four attack classes, given that ``text`` is an attack."""
        return self.classes_of(self.features(text))

    def score(self, text: str) -> tuple[float, tuple[float, ...]]:
        """Attack probability of ``text`` and the class distribution given an attack."""
        feats = self.features(text)
        return self.attack_of(feats), self.classes_of(feats)


def _default_paths() -> tuple[Path, Path]:
    base = resources.files("genai_guard.detect") / "model"
    return Path(str(base / WEIGHTS_NAME)), Path(str(base / MANIFEST_NAME))


def load_model(path: Path | None = None, *, sha256: str | None = None) -> ClassifierModel:
    """Read and verify weights.

    Args:
        path: A weights file; defaults to the one shipped in the package.
        sha256: Expected digest; defaults to the one in the shipped manifest.

    Raises:
        ResourceUnavailable: The file or manifest is missing.
        IntegrityError: The file does not match its recorded SHA-256, or cannot be parsed.
    """
    import numpy as np  # noqa: PLC0415 - heavy, lazily imported

    weights_path, manifest_path = _default_paths()
    if path is not None:
        weights_path = Path(path)
    if sha256 is None:
        try:
            sha256 = str(json.loads(manifest_path.read_text(encoding="utf-8"))["sha256"])
        except (OSError, KeyError, ValueError) as exc:
            raise ResourceUnavailable("attack classifier manifest is missing or invalid") from exc
    try:
        blob = weights_path.read_bytes()
    except OSError as exc:
        raise ResourceUnavailable(f"attack classifier weights not found: {weights_path}") from exc
    try:
        digest = verify_bytes(blob, sha256, name=f"attack classifier weights {weights_path.name}")
    except ValueError as exc:
        raise IntegrityError("attack classifier manifest holds no valid SHA-256") from exc
    import io  # noqa: PLC0415

    from genai_guard.detect import _features  # noqa: PLC0415 - imports numpy

    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            ratios = npz["ratios"].astype(np.float32)
            return ClassifierModel(
                sha256=digest,
                ratios=ratios,
                attack_ratios=np.ascontiguousarray(ratios[:, 0]),
                class_ratios_t=np.ascontiguousarray(ratios[:, 1:].T),
                attack_w=npz["attack_w"].astype(np.float64),
                attack_b=float(npz["attack_b"][0]),
                class_w=npz["class_w"].astype(np.float64),
                class_b=npz["class_b"].astype(np.float64),
                features=_features.extract,
                window=_features.MAX_CHARS,
                _pool=_features.pool,
                _pool_top=_features.pool_top,
                _n_pooled=_features.N_POOLED,
            )
    except (KeyError, ValueError, OSError) as exc:
        raise IntegrityError("attack classifier weights are malformed") from exc


# Consecutive windows overlap by a quarter window (1,024 characters for the shipped model): an
# injection up to that long is read whole by one window wherever it sits in the text.
_OVERLAP_DIVISOR = 4


class AttackClassifierDetector:
    """Scores a text (and each decoded view) with the shipped learned model.

    Emits one finding per attack class whose score reaches ``floor``: rule id
    ``attack.<category>.classifier``, score = the attack probability scaled by the class's share
    relative to the most likely class (so the top class carries the attack probability itself,
    and ``Decision.risk`` equals the model's attack probability). Each finding's metadata holds
    the attack probability and every class's score. The text and every ``ctx.views`` item are
    scored; the reading with the highest attack probability wins, and its findings point to it.
    A text longer than the model's window is read whole: windows of the model's size slide over
    it with an overlap of a quarter window (so any stretch up to that long lies whole inside one
    window), and the highest attack probability counts. The work is linear in the text; a text
    that fits one window is scored exactly as before.

    Args:
        name: Stage name.
        floor: Lowest class score that yields a finding.
        max_views: At most this many views are scored (the rest are ignored and counted in
            metadata).
        weights: A weights file to use instead of the shipped one (with ``sha256``).
        sha256: Expected digest of ``weights``.

    Thread-safe: the weights load once, under a lock, on first use; everything else is immutable.
    """

    default_on_fail = Action.BLOCK

    def __init__(
        self,
        *,
        name: str = "attack_classifier",
        floor: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.05,
        max_views: Annotated[int, Ge(0)] = 8,
        weights: str | Path | None = None,
        sha256: str | None = None,
    ) -> None:
        if not 0.0 <= floor <= 1.0:
            raise ConfigurationError("floor must be in [0, 1]")
        if max_views < 0:
            raise ConfigurationError("max_views must be >= 0")
        if (weights is None) != (sha256 is None):
            raise ConfigurationError("weights and sha256 go together")
        self._name = name
        self.floor = floor
        self.max_views = max_views
        path = None if weights is None else Path(weights)
        self._model: Lazy[ClassifierModel] = Lazy(
            lambda: load_model(path, sha256=sha256), "attack classifier"
        )

    @property
    def name(self) -> str:
        """Stage name."""
        return self._name

    def load(self) -> ClassifierModel:
        """Load (once) and return the verified model; raises ``IntegrityError`` if corrupted."""
        return self._model.get()

    def warm_up(self) -> None:
        """Load and verify the weights now rather than on the first text (``Pipeline.warm_up``)."""
        self._model.get()

    @staticmethod
    def _windows(text: str, size: int) -> list[str]:
        """Windows of ``size`` covering ``text``, overlapping by a quarter, the last at its end."""
        if len(text) <= size:
            return [text]
        last = len(text) - size
        stride = size - size // _OVERLAP_DIVISOR
        return [text[s : s + size] for s in (*range(0, last, stride), last)]

    def _best_window(self, model: ClassifierModel, text: str) -> tuple[float, Any]:
        """Highest attack probability over the windows of ``text``, with that window's features."""
        best_p, best_f = -1.0, None
        for w in self._windows(text, model.window):
            feats = model.features(w)
            p = model.attack_of(feats)
            if p > best_p:
                best_p, best_f = p, feats
        return best_p, best_f

    def scores(self, text: str) -> tuple[float, tuple[float, ...]]:
        """Attack probability and class distribution of ``text`` alone (highest window)."""
        model = self._model.get()
        p, feats = self._best_window(model, text)
        return p, model.classes_of(feats)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Score the text and its views; report the classes above ``floor``."""
        model = self._model.get()
        p, feats = self._best_window(model, text)
        best_view: str | None = None
        views = ctx.views[: self.max_views]
        for view in views:
            pv, fv = self._best_window(model, view.text)
            if pv > p:
                p, feats, best_view = pv, fv, view.id
        if p < self.floor:
            return Outcome()
        extra = {"views_scored": len(views), "views_skipped": len(ctx.views) - len(views)}
        return class_findings(
            p,
            model.classes_of(feats),
            source="classifier",
            label="learned classifier",
            floor=self.floor,
            view=best_view,
            extra=extra,
        )
