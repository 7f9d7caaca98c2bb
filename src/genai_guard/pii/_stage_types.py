"""Policy stage types of `genai_guard.pii`, read by `Registry.builtin()`."""

from __future__ import annotations

from genai_guard.protocols import StageType

STAGE_TYPES: tuple[StageType, ...] = ()
