"""``Entity``: one recognized PII entity (stdlib only, shared by every recognizer)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Entity"]


@dataclass(frozen=True, slots=True)
class Entity:
    """One recognized entity: a half-open span, its type and a score in ``[0, 1]``."""

    start: int
    end: int
    entity_type: str
    score: float
