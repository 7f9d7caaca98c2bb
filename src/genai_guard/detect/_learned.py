"""What the learned detectors share: weights loaded once on first use, findings per class."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from genai_guard._results import Category, Finding, Outcome
from genai_guard.taxonomy import finding

__all__ = ["CLASS_CATEGORIES", "Lazy", "class_findings"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Lazy(Generic[T]):
    """Calls ``load`` once, on the first ``get``; thread-safe (double-checked under a lock)."""

    __slots__ = ("_load", "_lock", "_name", "_value")

    def __init__(self, load: Callable[[], T], name: str) -> None:
        self._load = load
        self._name = name
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self) -> T:
        """The loaded value (loading it now if this is the first call)."""
        value = self._value
        if value is None:
            with self._lock:
                value = self._value
                if value is None:
                    value = self._load()
                    self._value = value
                    logger.debug("%s loaded", self._name)
        return value

    def set(self, value: T) -> None:
        """Use ``value`` instead of loading (for sharing an already loaded model)."""
        with self._lock:
            self._value = value


CLASS_CATEGORIES = (
    Category.GOAL_HIJACKING,
    Category.GUARDRAIL_BYPASS,
    Category.INFORMATION_LEAKAGE,
    Category.INFRASTRUCTURE_ATTACK,
)


def class_findings(
    p: float,
    shares: Sequence[float],
    *,
    source: str,
    label: str,
    floor: float,
    view: str | None,
    extra: Mapping[str, Any],
) -> Outcome:
    """Findings of a learned detector: one per attack class whose score reaches ``floor``.

    ``p`` is the attack probability and ``shares`` the class distribution given an attack. The
    most likely class scores ``p`` itself (so ``Decision.risk`` is the probability); the others
    are scaled by their share relative to it. Rule id ``attack.<category>.<source>``; metadata:
    the probability, every class's score and ``extra``.
    """
    top = max(shares)
    meta: Mapping[str, Any] = {
        "attack": round(p, 4),
        "classes": {
            c.value: round(p * float(v) / top, 4)
            for c, v in zip(CLASS_CATEGORIES, shares, strict=True)
        },
        **extra,
    }
    findings: list[Finding] = []
    for cat, share in zip(CLASS_CATEGORIES, shares, strict=True):
        score = p * float(share) / top
        if score >= floor:
            findings.append(
                finding(
                    f"attack.{cat.value}.{source}",
                    cat,
                    score,
                    view=view,
                    message=f"{label}: {cat.value.replace('_', ' ')} score {score:.2f}",
                    metadata=meta,
                )
            )
    findings.sort(key=lambda f: -f.score)
    return Outcome(findings=tuple(findings))
