r"""The tool policy: what a model may ask tools to do.

A tool call a model emits is executed by the application (an agent), so its arguments are checked
at least as strictly as an answer. The client wrappers check every call's arguments with the
pipeline's output steps (like an answer: leaks, exfiltration, secrets, restored pseudonyms) and
then with a ``ToolPolicy``:

* ``allowed``: the tool names the model may call (``None``: any);
* ``checks``: validators run on every call's arguments, where *any* finding blocks the call (by
  default ``SSRFValidator`` and ``UnsafeCodeValidator``: a fetch of the metadata service, a
  ``curl ... | sh``, a credentials file sent over the network);
* ``tools``: per tool, a JSON Schema for its arguments (violations carry dotted paths) and more
  validators;
* ``on_violation``: ``refuse`` the whole answer, or ``remove`` the blocked call and keep the rest.

The checks see the arguments text and, when it is JSON, its string values decoded (so escapes
such as ``\/`` hide nothing). Findings: ``tool.not_allowed``, ``tool.oversize``,
``tool.invalid_arguments``, ``output.schema.*`` and the validators' own. Tool *results* sent back
to the model are untrusted input (role ``tool``), checked by the input steps as before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from genai_guard._results import Category, Finding
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.protocols import Stage
from genai_guard.taxonomy import finding
from genai_guard.validate.schema import SchemaValidator
from genai_guard.validate.ssrf import SSRFValidator
from genai_guard.validate.unsafe_code import UnsafeCodeValidator

__all__ = ["ToolCall", "ToolPolicy", "ToolRule", "ToolViolation"]

ToolViolation = Literal["refuse", "remove"]

_MAX_STRINGS = 10_000  # decoded string values examined per call (the text itself is bounded)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call as the model emitted it.

    Attributes:
        name: The tool (function) name.
        arguments: The arguments as JSON text (Anthropic's ``input`` object is serialized).
        id: The call id, when the API gives one.
    """

    name: str
    arguments: str = field(repr=False)
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolRule:
    """What one tool accepts.

    Attributes:
        schema: JSON Schema of the arguments object (checked strictly, no repair), or ``None``.
        validators: More stages run on this tool's arguments; any finding blocks the call.
    """

    schema: Mapping[str, Any] | None = None
    validators: tuple[Stage, ...] = ()
    _schema_validator: SchemaValidator | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.schema is not None and self._schema_validator is None:
            # Raises ConfigurationError for an unsupported or malformed schema.
            checker = SchemaValidator("tool_schema", schema=self.schema, repair=False)
            object.__setattr__(self, "_schema_validator", checker)
        object.__setattr__(self, "validators", tuple(self.validators))


def _default_checks() -> tuple[Stage, ...]:
    return (SSRFValidator("tool_ssrf"), UnsafeCodeValidator("tool_unsafe_code"))


@dataclass(frozen=True, slots=True)
class ToolPolicy:
    """Which tools a model may call and how their arguments are checked. Immutable, thread-safe.

    Args:
        allowed: Tool names the model may call; ``None`` allows any name.
        tools: Per-tool rules (argument schema, validators), by tool name.
        checks: Stages run on every call's arguments; any finding blocks the call. Default:
            SSRF targets and unsafe code.
        on_violation: ``refuse`` the whole answer (default) or ``remove`` the blocked calls.
        max_argument_chars: Longest arguments text examined; longer calls are blocked.
    """

    allowed: frozenset[str] | None = None
    tools: Mapping[str, ToolRule] = field(default_factory=dict)
    checks: tuple[Stage, ...] = field(default_factory=_default_checks)
    on_violation: ToolViolation = "refuse"
    max_argument_chars: int = 100_000

    def __post_init__(self) -> None:
        if self.on_violation not in ("refuse", "remove"):
            raise ConfigurationError(
                f"on_violation must be 'refuse' or 'remove', not {self.on_violation!r}"
            )
        if self.max_argument_chars < 1:
            raise ConfigurationError("max_argument_chars must be >= 1")
        if self.allowed is not None:
            object.__setattr__(self, "allowed", frozenset(self.allowed))
        object.__setattr__(self, "tools", MappingProxyType(dict(self.tools)))
        object.__setattr__(self, "checks", tuple(self.checks))

    def check(self, call: ToolCall, ctx: Context | None = None) -> tuple[Finding, ...]:
        """The findings that block ``call`` (empty: the call may run)."""
        ctx = ctx if ctx is not None else Context()
        if len(call.arguments) > self.max_argument_chars:
            return (
                finding(
                    "tool.oversize",
                    Category.OUTPUT_POLICY,
                    1.0,
                    message=f"arguments of tool {call.name!r} exceed max_argument_chars",
                ),
            )
        out: list[Finding] = []
        if self.allowed is not None and call.name not in self.allowed:
            out.append(
                finding(
                    "tool.not_allowed",
                    Category.OUTPUT_POLICY,
                    1.0,
                    message=f"tool {call.name!r} is not in the allowed tools",
                )
            )
        value, views = _decoded(call.arguments)
        rule = self.tools.get(call.name)
        stages = (*self.checks, *(rule.validators if rule is not None else ()))
        for stage in stages:
            for view in views:
                out.extend(stage.check(view, ctx).findings)
        if rule is not None and rule._schema_validator is not None:
            if value is _INVALID:
                out.append(
                    finding(
                        "tool.invalid_arguments",
                        Category.OUTPUT_POLICY,
                        1.0,
                        message=f"arguments of tool {call.name!r} are not JSON",
                    )
                )
            else:
                out.extend(rule._schema_validator.check(call.arguments, ctx).findings)
        return tuple(out)


_INVALID = object()


def _decoded(arguments: str) -> tuple[Any, tuple[str, ...]]:
    """The parsed arguments (or ``_INVALID``) and the texts to check."""
    try:
        value = json.loads(arguments) if arguments.strip() else {}
    except (ValueError, RecursionError):
        return _INVALID, (arguments,)
    strings: list[str] = []
    stack: list[Any] = [value]
    while stack and len(strings) < _MAX_STRINGS:
        item = stack.pop()
        if isinstance(item, str):
            strings.append(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, Sequence):
            stack.extend(item)
    joined = "\n".join(reversed(strings))
    if not joined or joined == arguments:
        return value, (arguments,)
    return value, (arguments, joined)
