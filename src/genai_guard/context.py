"""Per-call context: who is talking, what the system prompt is, and what earlier stages derived.

A ``Context`` is immutable; stages receive it and the pipeline hands later stages an evolved copy
(for example with the views a decoder produced). Build one per request. Thread-safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from genai_guard._results import Direction, View

__all__ = ["Context", "Direction", "Part"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a request with its role and trust, e.g. a retrieved document.

    Attributes:
        text: The content.
        role: ``system``, ``user``, ``assistant``, ``tool``, ``document`` or an app's own role.
        trusted: False for content an attacker may control (user input, documents, tool output).
        name: Optional label (document id, tool name).
    """

    text: str = field(repr=False)
    role: str = "document"
    trusted: bool = False
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Everything about a call that is not the text itself.

    Attributes:
        direction: Input or output.
        user_id: The end user (for limits and audit); optional.
        conversation_id: Groups turns (for pseudonym vaults and history); optional.
        request_id: Correlates input and output checks and audit events; optional.
        system_prompt: The application's system prompt, used by leakage validators. Never logged.
        canaries: Secret tokens planted in the system prompt; their appearance in output is a leak.
        parts: Other pieces of the request with their trust (documents, tool output).
        views: Derived readings of the text made by earlier stages of this run.
        restorations: Placeholder to original value, from the input decision, for the output side.
        metadata: Application-defined, JSON-safe values (model name, route).
    """

    direction: Direction = Direction.INPUT
    user_id: str | None = None
    conversation_id: str | None = None
    request_id: str | None = None
    system_prompt: str | None = field(default=None, repr=False)
    canaries: tuple[str, ...] = field(default=(), repr=False)
    parts: tuple[Part, ...] = field(default=(), repr=False)
    views: tuple[View, ...] = field(default=(), repr=False)
    restorations: Mapping[str, str] = field(default_factory=lambda: _EMPTY, repr=False)
    metadata: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def evolve(self, **changes: Any) -> Context:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)

    @property
    def untrusted_parts(self) -> tuple[Part, ...]:
        """The parts not marked trusted."""
        return tuple(p for p in self.parts if not p.trusted)
