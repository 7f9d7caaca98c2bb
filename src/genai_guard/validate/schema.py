"""Structured output: find JSON in an answer, repair common faults, validate it against a schema.

``SchemaValidator`` takes a pydantic model (Python API) or a JSON Schema (policy or Python). It
finds the JSON (a fenced code block, the whole answer, or the outermost braces), optionally repairs
fences, trailing commas, single quotes and Python literals (reported as a ``modify`` whose text is
the clean JSON), validates it and returns the parsed object in ``Outcome.data``. Errors carry their
paths (``items[2].price``). The JSON Schema support is a documented subset implemented here.

The check needs the whole answer; in a stream it runs at the end (the stream is then held back).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import regex
from annotated_types import Ge

from genai_guard._results import Action, Category, Finding, Outcome
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import finding

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["SUPPORTED_KEYWORDS", "SchemaValidator"]

_FENCE = re.compile(r"```[ \t]*(?:json5?|javascript|js)?[ \t]*\r?\n(.*?)```", re.S | re.I)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_PY_LITERALS = re.compile(r"\b(True|False|None)\b")
_SINGLE_QUOTED = re.compile(r"'((?:[^'\\\n]|\\.){0,10000})'")
_MAX_ERRORS = 20
_PATTERN_TIMEOUT = 0.1

SUPPORTED_KEYWORDS = frozenset(
    {
        "type", "enum", "const", "properties", "required", "additionalProperties", "items",
        "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "anyOf", "oneOf",
        "allOf", "not", "$ref", "$defs", "definitions", "minProperties", "maxProperties",
        # annotations, accepted and ignored
        "$schema", "$id", "title", "description", "default", "examples", "format",
        "$comment", "deprecated", "readOnly", "writeOnly",
    }
)  # fmt: skip

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


@dataclass(frozen=True, slots=True, init=False)
class SchemaValidator:
    """Validates JSON in the output against a pydantic model or a JSON Schema.

    Findings (``OUTPUT_POLICY``, score 1.0): ``output.schema.no_json``,
    ``output.schema.invalid_json`` (message: the parser's error and position),
    ``output.schema.violation`` (one per error, at most 20; ``metadata.path`` is the dotted
    path). With no findings, ``Outcome.data`` is the parsed
    object (the model instance for a pydantic model). When ``repair`` changed anything, or the
    JSON was wrapped in prose or fences, ``Outcome.text`` is the clean JSON (a ``modify``).
    Thread-safe.

    Args:
        name: Stage name.
        model: A pydantic model class.
        schema: A JSON Schema (``dict``); see ``SUPPORTED_KEYWORDS``.
        repair: Repair fences, trailing commas, single quotes and Python literals.
        max_chars: Longest answer examined; longer answers are reported as invalid.
    """

    name: str
    model: type[BaseModel] | None
    schema: Mapping[str, Any] | None
    repair: bool
    max_chars: int
    default_on_fail = Action.BLOCK

    def __init__(
        self,
        name: str = "json_schema",
        *,
        model: type[BaseModel] | None = None,
        schema: Mapping[str, Any] | None = None,
        repair: bool = True,
        max_chars: Annotated[int, Ge(2)] = 1_000_000,
    ) -> None:
        if (model is None) == (schema is None):
            raise ConfigurationError("SchemaValidator needs exactly one of model= or schema=")
        if schema is not None:
            _check_schema(schema, "schema")
        if max_chars < 2:
            raise ConfigurationError("max_chars must be >= 2")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "schema", schema)
        object.__setattr__(self, "repair", repair)
        object.__setattr__(self, "max_chars", max_chars)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Find, repair, parse and validate the JSON of ``text``."""
        if len(text) > self.max_chars:
            return _fail("invalid_json", "the answer is longer than max_chars", {})
        candidate = _locate(text)
        if candidate is None:
            return _fail("no_json", "no JSON object or array in the answer", {})
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError as exc:
            repaired = _repair(candidate) if self.repair else None
            try:
                if repaired is None:
                    raise exc
                value = json.loads(repaired)
            except json.JSONDecodeError as final:
                return _fail(
                    "invalid_json",
                    f"invalid JSON: {final.msg} at line {final.lineno} column {final.colno}",
                    {"line": final.lineno, "column": final.colno},
                )
            candidate = repaired
        errors = self._validate(value)
        if errors:
            return Outcome(findings=tuple(errors[:_MAX_ERRORS]))
        data = value if self.model is None else self.model.model_validate(value)
        rewritten = candidate if self.repair and candidate != text else None
        return Outcome(text=rewritten, data=data)

    def _validate(self, value: Any) -> list[Finding]:
        if self.model is not None:
            from pydantic import ValidationError  # noqa: PLC0415 - pydantic only when used

            try:
                self.model.model_validate(value)
            except ValidationError as exc:
                return [
                    _violation(_path(tuple(e["loc"])), f"{e['type']}: {e['msg']}")
                    for e in exc.errors(include_input=False, include_url=False)
                ]
            return []
        schema = self.schema or {}
        problems: list[tuple[tuple[Any, ...], str]] = []
        _validate(schema, value, (), schema, problems)
        return [_violation(_path(p), m) for p, m in problems]


# -- locating and repairing -------------------------------------------------------------------


def _locate(text: str) -> str | None:
    for m in _FENCE.finditer(text):
        body = m.group(1).strip()
        if body[:1] in ("{", "["):
            return body
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
        return stripped
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    start = min(starts)
    end = text.rfind("}" if text[start] == "{" else "]")
    return text[start : end + 1] if end > start else None


def _repair(candidate: str) -> str | None:
    fixed = candidate
    if '"' not in fixed:
        fixed = _SINGLE_QUOTED.sub(lambda m: json.dumps(m.group(1).replace("\\'", "'")), fixed)
    fixed = _TRAILING_COMMA.sub(r"\1", fixed)
    fixed = _PY_LITERALS.sub(lambda m: {"True": "true", "False": "false"}.get(m[1], "null"), fixed)
    return fixed if fixed != candidate else None


# -- findings -----------------------------------------------------------------------------------


def _fail(reason: str, message: str, metadata: dict[str, Any]) -> Outcome:
    f = finding(
        f"output.schema.{reason}", Category.OUTPUT_POLICY, 1.0, message=message, metadata=metadata
    )
    return Outcome(findings=(f,))


def _violation(path: str, message: str) -> Finding:
    return finding(
        "output.schema.violation",
        Category.OUTPUT_POLICY,
        1.0,
        message=f"{path or '<root>'}: {message}",
        metadata={"path": path},
    )


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# -- JSON Schema subset -------------------------------------------------------------------------


def _check_schema(schema: Any, where: str) -> None:
    if isinstance(schema, bool):
        return
    if not isinstance(schema, Mapping):
        raise ConfigurationError(f"{where} must be an object or a boolean")
    unknown = sorted(set(schema) - SUPPORTED_KEYWORDS)
    if unknown:
        raise ConfigurationError(f"{where}: unsupported JSON Schema keywords {unknown}")
    types = schema.get("type")
    for t in [types] if isinstance(types, str) else (types or []):
        if t not in _TYPES:
            raise ConfigurationError(f"{where}.type: unknown type {t!r}")
    for key in ("properties", "$defs", "definitions"):
        for name, sub in (schema.get(key) or {}).items():
            _check_schema(sub, f"{where}.{key}.{name}")
    for key in ("items", "not"):
        if key in schema:
            _check_schema(schema[key], f"{where}.{key}")
    if isinstance(schema.get("additionalProperties"), Mapping):
        _check_schema(schema["additionalProperties"], f"{where}.additionalProperties")
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(schema.get(key) or []):
            _check_schema(sub, f"{where}.{key}[{i}]")
    if "pattern" in schema:
        try:
            regex.compile(schema["pattern"])
        except regex.error as exc:
            raise ConfigurationError(f"{where}.pattern: {exc}") from exc
    ref = schema.get("$ref")
    if ref is not None and not str(ref).startswith(("#/$defs/", "#/definitions/")):
        raise ConfigurationError(f"{where}.$ref: only local #/$defs/ references are supported")


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def _validate(
    schema: Any, value: Any, path: tuple[Any, ...], root: Mapping[str, Any], out: list[Any]
) -> None:
    if len(out) >= _MAX_ERRORS:
        return
    if schema is True:
        return
    if schema is False:
        out.append((path, "no value is allowed here"))
        return
    if "$ref" in schema:
        _, key, name = schema["$ref"].split("/", 2)
        target = root.get(key, {}).get(name)
        if target is None:
            out.append((path, "unresolved $ref"))
            return
        _validate(target, value, path, root, out)
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_is_type(value, t) for t in names):
            out.append((path, f"expected {' or '.join(names)}, got {_json_type(value)}"))
            return
    if "enum" in schema and value not in schema["enum"]:
        out.append((path, "value is not one of the allowed values"))
    if "const" in schema and value != schema["const"]:
        out.append((path, "value is not the required constant"))
    if isinstance(value, str):
        _validate_string(schema, value, path, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _validate_number(schema, value, path, out)
    elif isinstance(value, list):
        n = len(value)
        if n < schema.get("minItems", 0):
            out.append((path, f"fewer than {schema['minItems']} items"))
        if "maxItems" in schema and n > schema["maxItems"]:
            out.append((path, f"more than {schema['maxItems']} items"))
        if schema.get("uniqueItems"):
            seen = [json.dumps(v, sort_keys=True) for v in value]
            if len(set(seen)) != n:
                out.append((path, "items are not unique"))
        if "items" in schema:
            for i, item in enumerate(value):
                _validate(schema["items"], item, (*path, i), root, out)
    elif isinstance(value, dict):
        _validate_object(schema, value, path, root, out)
    for sub in schema.get("allOf", ()):
        _validate(sub, value, path, root, out)
    if "anyOf" in schema and not any(_ok(s, value, root) for s in schema["anyOf"]):
        out.append((path, "matches none of anyOf"))
    if "oneOf" in schema and sum(_ok(s, value, root) for s in schema["oneOf"]) != 1:
        out.append((path, "does not match exactly one of oneOf"))
    if "not" in schema and _ok(schema["not"], value, root):
        out.append((path, "matches a schema it must not match"))


def _ok(schema: Any, value: Any, root: Mapping[str, Any]) -> bool:
    probe: list[Any] = []
    _validate(schema, value, (), root, probe)
    return not probe


def _validate_string(schema: Any, value: str, path: tuple[Any, ...], out: list[Any]) -> None:
    if len(value) < schema.get("minLength", 0):
        out.append((path, f"shorter than {schema['minLength']} characters"))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append((path, f"longer than {schema['maxLength']} characters"))
    if (
        "pattern" in schema
        and regex.search(schema["pattern"], value, timeout=_PATTERN_TIMEOUT) is None
    ):
        out.append((path, "does not match the pattern"))


def _validate_number(schema: Any, value: float, path: tuple[Any, ...], out: list[Any]) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        out.append((path, f"less than {schema['minimum']}"))
    if "maximum" in schema and value > schema["maximum"]:
        out.append((path, f"greater than {schema['maximum']}"))
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        out.append((path, f"not greater than {schema['exclusiveMinimum']}"))
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        out.append((path, f"not less than {schema['exclusiveMaximum']}"))
    step = schema.get("multipleOf")
    if step and not math.isclose(value / step, round(value / step)):
        out.append((path, f"not a multiple of {step}"))


def _validate_object(
    schema: Any,
    value: dict[str, Any],
    path: tuple[Any, ...],
    root: Mapping[str, Any],
    out: list[Any],
) -> None:
    for key in schema.get("required", ()):
        if key not in value:
            out.append(((*path, key), "required property is missing"))
    if len(value) < schema.get("minProperties", 0):
        out.append((path, f"fewer than {schema['minProperties']} properties"))
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        out.append((path, f"more than {schema['maxProperties']} properties"))
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            _validate(props[key], item, (*path, key), root, out)
        elif extra is False:
            out.append(((*path, key), "additional property is not allowed"))
        elif isinstance(extra, Mapping):
            _validate(extra, item, (*path, key), root, out)


def _json_type(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is_type(value, name):
            return name
    return type(value).__name__
