"""Reading and copy-on-write of nested request and response values (dicts, lists, SDK objects).

A *path* is a tuple of keys (``str``) and indices (``int``) leading from a root value to a text.
``replaced`` returns a new root in which only the containers along the path are shallow-copied, so a
caller's request objects are never mutated and untouched branches are shared, not deep-copied.
Works on plain dicts/lists/tuples (the SDKs' ``TypedDict`` params) and on attribute objects (the
SDKs' pydantic models, or any object with ``model_copy`` or that ``copy.copy`` can duplicate).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Path", "get", "lookup", "replaced"]

Path = tuple[str | int, ...]

_MISSING = object()


def get(obj: Any, key: str | int, default: Any = None) -> Any:
    """``obj[key]`` for mappings and sequences, ``getattr(obj, key)`` otherwise."""
    if isinstance(key, int):
        if isinstance(obj, Sequence) and not isinstance(obj, str) and -len(obj) <= key < len(obj):
            return obj[key]
        return default
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def lookup(obj: Any, path: Path) -> Any:
    """The value at ``path`` or ``None``."""
    for key in path:
        obj = get(obj, key, _MISSING)
        if obj is _MISSING:
            return None
    return obj


def _with(obj: Any, key: str | int, value: Any) -> Any:
    if isinstance(key, int):
        items = list(obj)
        items[key] = value
        return items
    if isinstance(obj, Mapping):
        out = dict(obj)
        out[key] = value
        return out
    model_copy = getattr(obj, "model_copy", None)
    if callable(model_copy):
        return model_copy(update={key: value})
    dup = copy.copy(obj)
    setattr(dup, key, value)
    return dup


def replaced(obj: Any, path: Path, value: Any) -> Any:
    """A copy of ``obj`` with the value at ``path`` set to ``value``; ``obj`` is not changed."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    return _with(obj, key, replaced(get(obj, key), rest, value))
