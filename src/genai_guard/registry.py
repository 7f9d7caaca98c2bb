"""Registry of stage types that policies name.

A ``Registry`` is an immutable instance, never a global: ``Registry.builtin()`` holds the library's
own types, ``with_types()`` returns a copy with more, and unknown dotted names are resolved through
the ``genai_guard.stages`` entry points on first use (the entry point's object must be a
``StageType`` or a zero-argument callable returning one). Thread-safe.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from types import MappingProxyType

from genai_guard.errors import ConfigurationError
from genai_guard.protocols import StageType

__all__ = ["ENTRY_POINT_GROUP", "Registry"]

ENTRY_POINT_GROUP = "genai_guard.stages"

_BUILTIN_MODULES = (
    "genai_guard.sanitize._stage_types",
    "genai_guard.pii._stage_types",
    "genai_guard.secrets._stage_types",
    "genai_guard.detect._stage_types",
    "genai_guard.validate._stage_types",
    "genai_guard._limit_stage_types",
)


class Registry:
    """Stage types by name.

    Args:
        types: The stage types to hold; names must be unique.
        entry_points: Resolve unknown dotted names through the ``genai_guard.stages`` group.
    """

    __slots__ = ("_types", "use_entry_points")

    def __init__(self, types: Iterable[StageType] = (), *, entry_points: bool = True) -> None:
        table: dict[str, StageType] = {}
        for t in types:
            if t.name in table:
                raise ConfigurationError(f"stage type {t.name!r} registered twice")
            table[t.name] = t
        self._types: Mapping[str, StageType] = MappingProxyType(table)
        self.use_entry_points = entry_points

    @classmethod
    def builtin(cls, *, entry_points: bool = True) -> Registry:
        """The library's own stage types."""
        types: list[StageType] = []
        for module in _BUILTIN_MODULES:
            types.extend(importlib.import_module(module).STAGE_TYPES)
        return cls(types, entry_points=entry_points)

    def with_types(self, *types: StageType) -> Registry:
        """A copy that also holds ``types``."""
        return Registry([*self._types.values(), *types], entry_points=self.use_entry_points)

    @property
    def names(self) -> tuple[str, ...]:
        """Names of the registered types, sorted."""
        return tuple(sorted(self._types))

    def __contains__(self, name: object) -> bool:
        return name in self._types

    @property
    def types(self) -> tuple[StageType, ...]:
        """The registered types, in registration order."""
        return tuple(self._types.values())

    def get(self, name: str) -> StageType | None:
        """The type called ``name``: registered, or from an entry point for dotted names."""
        found = self._types.get(name)
        if found is None and self.use_entry_points and "." in name:
            found = _from_entry_point(name)
        return found


def _from_entry_point(name: str) -> StageType | None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            obj = ep.load()
            st = obj if isinstance(obj, StageType) else obj()
            if not isinstance(st, StageType):
                raise ConfigurationError(
                    f"entry point {name!r} did not give a StageType (got {type(st).__name__})"
                )
            if st.name != name:
                raise ConfigurationError(f"entry point {name!r} gave a StageType named {st.name!r}")
            return st
    return None
