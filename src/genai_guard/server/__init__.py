"""The OpenAI-compatible guard server (``genai-guard serve``; needs the ``server`` extra).

Put it between any OpenAI-compatible client, in any language, and an upstream OpenAI-compatible
API: requests are masked and checked before the upstream sees them, answers (whole or streamed)
are checked and unmasked before the client does. See ``docs/server.md``.

* ``create_app(pipeline, config)``: the ASGI application (starlette).
* ``ServerConfig``: its settings, from flags, ``GENAI_GUARD_*`` variables and defaults.

The names load on first use, so that the command line can read ``serve``'s flags without starlette.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genai_guard.server._app import create_app
    from genai_guard.server._config import ServerConfig
    from genai_guard.server._upstream import UpstreamError

__all__ = ["ServerConfig", "UpstreamError", "create_app"]

_WHERE = {
    "ServerConfig": "genai_guard.server._config",
    "UpstreamError": "genai_guard.server._upstream",
    "create_app": "genai_guard.server._app",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'genai_guard.server' has no attribute {name!r}")
    return getattr(import_module(module), name)
