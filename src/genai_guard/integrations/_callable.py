"""``guard_callable``: guard any sync or async callable, keeping its signature."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar, overload

from genai_guard.context import Context
from genai_guard.integrations._adapters import Adapter, TextAdapter
from genai_guard.integrations._guard import Guard, OnBlock
from genai_guard.validate.tool_calls import ToolPolicy

__all__ = ["guard_callable"]

P = ParamSpec("P")
R = TypeVar("R")


@overload
def guard_callable(
    fn: Callable[P, Coroutine[Any, Any, R]],
    pipeline: Any,
    *,
    adapter: Adapter | None = None,
    on_block: OnBlock | None = None,
    context: Context | None = None,
    untrusted_roles: frozenset[str] | None = None,
    tools: ToolPolicy | None = None,
) -> Callable[P, Coroutine[Any, Any, R]]: ...


@overload
def guard_callable(
    fn: Callable[P, R],
    pipeline: Any,
    *,
    adapter: Adapter | None = None,
    on_block: OnBlock | None = None,
    context: Context | None = None,
    untrusted_roles: frozenset[str] | None = None,
    tools: ToolPolicy | None = None,
) -> Callable[P, R]: ...


def guard_callable(
    fn: Callable[P, Any],
    pipeline: Any,
    *,
    adapter: Adapter | None = None,
    on_block: OnBlock | None = None,
    context: Context | None = None,
    untrusted_roles: frozenset[str] | None = None,
    tools: ToolPolicy | None = None,
) -> Callable[P, Any]:
    """Wrap ``fn`` so its request is checked before it runs and its answer after.

    The wrapper has ``fn``'s signature (``functools.wraps`` at run time, ``ParamSpec`` for type
    checkers) and is async exactly when ``fn`` is. A blocked request raises ``GuardBlocked`` before
    ``fn`` is called, or returns the adapter's refusal when ``on_block="refuse"``; the answer is
    checked by the output steps and comes back with placeholders restored.

    Args:
        fn: Any callable: ``str -> str`` with the default ``TextAdapter``, or an SDK method such as
            ``client.chat.completions.create`` with ``OpenAIChatAdapter()``.
        pipeline: The pipeline.
        adapter: Where the texts are in ``fn``'s arguments and result; default ``TextAdapter()``
            (the first positional argument, or the ``prompt`` keyword).
        on_block: ``raise`` or ``refuse``; default ``pipeline.settings.on_block`` or ``raise``.
        context: Base context of every call (user id, canaries, metadata).
        untrusted_roles: Override ``pipeline.settings.untrusted_roles``.
        tools: The tool policy for tool calls in answers; default ``pipeline.settings.tools``
            or ``ToolPolicy()`` (SSRF and unsafe-code checks on every call's arguments).

    Returns:
        The guarded callable. Thread-safe when ``fn`` is.
    """
    guard = Guard.build(
        pipeline,
        adapter if adapter is not None else TextAdapter(),
        on_block=on_block,
        context=context,
        untrusted_roles=untrusted_roles,
        tools=tools,
    )
    if inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(inspect.unwrap(fn)):

        @functools.wraps(fn)
        async def aguarded(*args: P.args, **kwargs: P.kwargs) -> Any:
            return await guard.acall(fn, args, kwargs)

        return aguarded

    @functools.wraps(fn)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> Any:
        return guard.call(fn, args, kwargs)

    return guarded
