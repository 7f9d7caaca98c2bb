"""Load a model once, on first use, from any thread (the learned detectors' weights)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Lazy"]

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
