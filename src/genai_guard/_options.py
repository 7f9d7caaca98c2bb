"""Stage types whose policy options are read off the stage's constructor.

A stage declares its options once, in its constructor: names, types, defaults, and bounds as
``typing.Annotated`` metadata (``Annotated[int, annotated_types.Ge(1)]``), with one line each under
``Args:`` in its docstring. ``stage_type`` turns that signature into the pydantic model a policy
step is validated against (so the JSON schema and the dotted error paths come from it) and into
the factory that calls the constructor. Only the ``_stage_types`` modules import this module, so
``import genai_guard`` does not import pydantic.
"""

from __future__ import annotations

import functools
import inspect
import operator
import re
import sys
import types
from collections.abc import Callable, Collection
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from genai_guard.context import Direction
from genai_guard.protocols import StageKind, StageType

__all__ = ["PolicyOptions", "options_model", "stage_type"]

_BOTH = frozenset({Direction.INPUT, Direction.OUTPUT})
# Step keys that are not the stage's own options: the step id becomes ``name``.
_NOT_OPTIONS = frozenset({"self", "name"})
# ``name: text``, ``name (type): text`` or ``a, b, c: text`` (one text for several parameters).
_ARG_LINE = re.compile(r"^(\s*)(\*{0,2}\w+(?:,\s*\*{0,2}\w+)*)(?:\s*\([^)]*\))?:\s*(.*)$")

Build = Callable[[Any, str, dict[str, Any]], Any]
"""``build(options, step_id, kwargs)``: builds a stage whose policy options are not all its
constructor's (``kwargs`` holds the derived ones, keyed by constructor parameter)."""


class PolicyOptions(BaseModel):
    """Base of every options model: unknown keys are errors, values are frozen.

    Subclass it to declare options that exist only in policies (a key read from an environment
    variable rather than passed as bytes) and hand the subclass to ``stage_type(extra=...)``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


def _arg_docs(obj: object) -> dict[str, str]:
    """``name -> description`` from the ``Args:`` sections of a Google-style docstring."""
    docs: dict[str, str] = {}
    for text in (inspect.getdoc(obj), inspect.getdoc(getattr(obj, "__init__", None))):
        if not text:
            continue
        indent: int | None = None
        current: list[str] = []
        in_args = False
        for line in text.splitlines():
            stripped = line.strip()
            if stripped in ("Args:", "Arguments:"):
                in_args, indent, current = True, None, []
                continue
            if not in_args:
                continue
            if not stripped:
                current = []
                continue
            width = len(line) - len(line.lstrip())
            m = _ARG_LINE.match(line)
            if m and (indent is None or width == indent):
                indent = width
                current = [n.strip().lstrip("*") for n in m.group(2).split(",")]
                docs.update(dict.fromkeys(current, m.group(3).strip()))
            elif indent is not None and width > indent and current:
                docs.update({n: f"{docs[n]} {stripped}".strip() for n in current})
            else:
                in_args = False
    return docs


def _annotation(stage: Callable[..., Any], param: inspect.Parameter) -> Any:
    """The parameter's annotation, evaluated in the stage's module (annotations are strings)."""
    ann = param.annotation
    if ann is inspect.Parameter.empty:
        raise TypeError(f"{stage.__qualname__}: parameter {param.name!r} has no annotation")
    if not isinstance(ann, str):
        return ann
    module = sys.modules[stage.__module__]
    try:
        return eval(ann, vars(module))  # noqa: S307 - the stage's own annotation, not input
    except NameError as exc:
        raise TypeError(
            f"{stage.__qualname__}: annotation of {param.name!r} ({ann}) names something "
            f"{module.__name__} imports only for type checking"
        ) from exc


def _without_none(annotation: Any) -> Any:
    """``X | None`` -> ``X``: a required option cannot be null."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return annotation
    rest = [a for a in get_args(annotation) if a is not type(None)]
    return functools.reduce(operator.or_, rest)


def _field_name(param: str) -> str:
    """A model field name for ``param``; names pydantic reserves (``schema``) get a ``_``."""
    return f"{param}_" if hasattr(BaseModel, param) else param


def options_model(
    stage: Callable[..., Any],
    *,
    type_name: str,
    exclude: Collection[str] = (),
    required: Collection[str] = (),
    extra: type[PolicyOptions] = PolicyOptions,
) -> tuple[type[PolicyOptions], dict[str, str]]:
    """The options model of ``stage`` and its map from field name to constructor parameter.

    Every parameter but ``self``, ``name``, ``*args``/``**kwargs`` and ``exclude`` (objects a
    policy cannot hold: analyzers, clients, key bytes) becomes a field with the parameter's
    annotation (``Annotated`` bounds included), default and docstring line.

    Args:
        stage: The stage class (or any callable with an annotated signature).
        type_name: The policy type, for the model's title.
        exclude: Constructor parameters that are not policy options.
        required: Parameters that policies must give although Python callers may omit them.
        extra: Base model declaring options that exist only in policies.

    Raises:
        TypeError: A parameter has no annotation, or its annotation cannot be evaluated.
    """
    docs = _arg_docs(stage)
    fields: dict[str, Any] = {}
    names: dict[str, str] = {}
    for param in inspect.signature(stage).parameters.values():
        if param.name in _NOT_OPTIONS or param.name in exclude:
            continue
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if param.name in extra.model_fields:
            raise TypeError(f"{type_name}: option {param.name!r} is declared twice")
        field_name = _field_name(param.name)
        annotation, default = _annotation(stage, param), param.default
        if param.name in required:
            annotation, default = _without_none(annotation), ...
        elif default is inspect.Parameter.empty:
            default = ...
        alias = param.name if field_name != param.name else None
        fields[field_name] = (
            annotation,
            Field(default, alias=alias, description=docs.get(param.name)),
        )
        names[field_name] = param.name
    unknown = set(exclude) | set(required)
    unknown -= set(inspect.signature(stage).parameters)
    if unknown:
        raise TypeError(f"{type_name}: {sorted(unknown)} are not parameters of {stage.__name__}")
    model_name = "".join(p.title() for p in re.split(r"[._]", type_name)) + "Options"
    doc = f"Options of ``{type_name}``."
    model = create_model(model_name, __base__=extra, __doc__=doc, **fields)
    return model, names


def stage_type(
    stage: Callable[..., Any],
    name: str,
    *,
    kind: StageKind,
    description: str,
    directions: frozenset[Direction] = _BOTH,
    exclude: Collection[str] = (),
    required: Collection[str] = (),
    extra: type[PolicyOptions] = PolicyOptions,
    build: Build | None = None,
) -> StageType:
    """A ``StageType`` whose options model and factory come from ``stage``'s constructor.

    Args:
        stage: The stage class; the step id is passed as its ``name``.
        name: The policy ``type``.
        kind: The stage's role (sets the default ``on_fail``).
        description: One line for the policy schema and docs.
        directions: Where the stage may run.
        exclude: Constructor parameters that are not policy options.
        required: Parameters that policies must give.
        extra: Options that exist only in policies (see ``PolicyOptions``); needs ``build``.
        build: Builds the stage from the options, the step id and the derived keyword arguments;
            by default ``stage(name=step_id, **kwargs)``.

    Raises:
        TypeError: ``extra`` without ``build``, or see ``options_model``.
    """
    if extra is not PolicyOptions and build is None:
        raise TypeError(f"{name}: policy-only options need a build function")
    model, names = options_model(
        stage, type_name=name, exclude=exclude, required=required, extra=extra
    )

    def factory(options: Any, step_id: str) -> Any:
        kwargs = {param: getattr(options, field) for field, param in names.items()}
        if build is not None:
            return build(options, step_id, kwargs)
        return stage(name=step_id, **kwargs)

    return StageType(
        name=name,
        options=model,
        factory=factory,
        kind=kind,
        directions=directions,
        description=description,
    )
