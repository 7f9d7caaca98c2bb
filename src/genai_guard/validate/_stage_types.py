"""Policy stage types of `genai_guard.validate`, read by `Registry.builtin()`."""

from __future__ import annotations

from genai_guard.protocols import StageType

STAGE_TYPES: tuple[StageType, ...] = ()
