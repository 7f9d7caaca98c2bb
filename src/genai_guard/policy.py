"""Policies: which stages run, in which order, with what options and actions.

A policy is a YAML file, a dict, or a resource in a package (``"default"`` or ``"pkg:path.yaml"``)::

    version: 1
    name: my-app
    extends: default            # optional: a resource name or a path relative to this file
    settings: {fail_fast: true}
    input:
      - {id: rules, type: attack_rules, threshold: 0.7, flag_threshold: 0.4}
    output:
      - {type: canary}

``extends`` merges by step id: a child step with a base step's id overrides its keys
(``enabled: false`` removes it); a new step is appended, or placed with ``before:``/``after:``.
Validation collects every problem, with a dotted path, into one ``PolicyError``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from genai_guard._results import Action
from genai_guard.context import Direction
from genai_guard.errors import PolicyError
from genai_guard.pipeline import Pipeline, Step
from genai_guard.registry import Registry

__all__ = [
    "Policy",
    "PolicySettings",
    "StepSpec",
    "build_pipeline",
    "load_policy",
    "policy_schema",
    "validate_policy",
]

_SIDES = ("input", "output")
_STEP_KEYS = frozenset(
    {
        "id",
        "type",
        "on_fail",
        "on_error",
        "threshold",
        "flag_threshold",
        "enabled",
        "before",
        "after",
    }
)


class PolicySettings(BaseModel):
    """Pipeline-wide settings."""

    model_config = ConfigDict(extra="forbid")

    fail_fast: bool = Field(True, description="Stop at the first block.")
    untrusted_roles: list[str] = Field(
        default_factory=lambda: ["user", "tool", "document"],
        description="Message roles whose content is checked as untrusted input.",
    )
    on_block: Literal["raise", "refuse"] = Field(
        "raise", description="What client wrappers do on a block: raise GuardBlocked or refuse."
    )
    refusal_message: str = Field(
        "Sorry, I can't help with that request.", description="Text of a refusal."
    )


class StepSpec(BaseModel):
    """One step. Keys other than the common ones are the stage type's own options."""

    model_config = ConfigDict(extra="allow")

    id: str | None = Field(None, description="Unique step id; defaults to the type.")
    type: str = Field(description="Stage type name (built-in or a dotted third-party name).")
    on_fail: Action | None = Field(None, description="Action when a finding reaches threshold.")
    on_error: Literal["block", "allow", "raise"] = Field(
        "block", description="What a stage exception does: block (fail closed), allow, raise."
    )
    threshold: float = Field(0.0, ge=0.0, le=1.0, description="Lowest failing finding score.")
    flag_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Lowest flagging score below threshold."
    )
    enabled: bool = Field(True, description="False removes the step (useful with extends).")

    @property
    def step_id(self) -> str:
        """The id, defaulting to the type."""
        return self.id or self.type

    @property
    def options(self) -> dict[str, Any]:
        """The stage's own options."""
        return dict(self.model_extra or {})


class Policy(BaseModel):
    """A validated policy. Build a pipeline from it with ``build_pipeline``."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = Field(1, description="Policy format version.")
    name: str = Field("policy", description="Name, for logs and audit events.")
    description: str = ""
    extends: str | None = Field(None, description="Base policy (resource name or path).")
    settings: PolicySettings = Field(default_factory=PolicySettings)
    input: list[StepSpec] = Field(default_factory=list)
    output: list[StepSpec] = Field(default_factory=list)


# -- reading ------------------------------------------------------------------------------------


def _read_source(source: Any, base_dir: Path | None) -> tuple[dict[str, Any], str, Path | None]:
    """Return (raw mapping, label, directory for relative extends)."""
    if isinstance(source, Policy):
        return source.model_dump(exclude_none=True), source.name, None
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source)), "<dict>", base_dir
    if not isinstance(source, (str, Path)):
        raise PolicyError(
            [
                (
                    "",
                    f"a policy must be a dict, a path or a resource name, not {type(source).__name__}",  # noqa: E501
                )
            ]
        )
    text, label, where = _read_text(source, base_dir)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise PolicyError(
            [("", f"not valid YAML{line}: {getattr(exc, 'problem', exc)}")], source=label
        ) from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise PolicyError([("", "the document must be a mapping")], source=label)
    return raw, label, where


def _read_text(source: str | Path, base_dir: Path | None) -> tuple[str, str, Path | None]:
    name = str(source)
    if name == "default":
        return _resource_text("genai_guard", "policies/default.yaml"), "default", None
    path = Path(name)
    if base_dir is not None and not path.is_absolute():
        path = base_dir / path
    if path.is_file():
        return path.read_text(encoding="utf-8"), str(source), path.parent
    if ":" in name:
        package, _, res = name.partition(":")
        if package and res:
            try:
                return _resource_text(package, res), name, None
            except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError) as exc:
                raise PolicyError([("", f"no policy resource {name!r}")], source=name) from exc
    raise PolicyError([("", f"no policy file or resource {name!r}")], source=name)


def _resource_text(package: str, res: str) -> str:
    return resources.files(package).joinpath(res).read_text(encoding="utf-8")


def _resolve(
    source: Any, base_dir: Path | None, seen: tuple[str, ...]
) -> tuple[dict[str, Any], str]:
    raw, label, where = _read_source(source, base_dir)
    parent = raw.get("extends")
    if parent is None:
        return raw, label
    if not isinstance(parent, str):
        raise PolicyError([("extends", "must be a resource name or a path")], source=label)
    if parent in seen:
        raise PolicyError(
            [("extends", f"circular extends: {' -> '.join([*seen, parent])}")], source=label
        )
    base, _ = _resolve(parent, where, (*seen, parent))
    return _merge(base, raw), label


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in child.items():
        if key in _SIDES or key == "extends":
            continue
        if (
            key == "settings"
            and isinstance(value, Mapping)
            and isinstance(out.get("settings"), Mapping)
        ):
            out["settings"] = {**out["settings"], **value}
        else:
            out[key] = copy.deepcopy(value)
    out.pop("extends", None)
    for side in _SIDES:
        steps = [dict(s) for s in out.get(side) or [] if isinstance(s, Mapping)]
        for entry in child.get(side) or []:
            if not isinstance(entry, Mapping):
                steps.append(entry)
                continue
            item = dict(entry)
            sid = item.get("id") or item.get("type")
            idx = next(
                (i for i, s in enumerate(steps) if (s.get("id") or s.get("type")) == sid), None
            )
            if idx is not None:
                steps[idx] = {**steps[idx], **item}
                continue
            before, after = item.pop("before", None), item.pop("after", None)
            anchor = before or after
            pos = next(
                (i for i, s in enumerate(steps) if (s.get("id") or s.get("type")) == anchor), None
            )
            if pos is None:
                steps.append(item)
            else:
                steps.insert(pos if before else pos + 1, item)
        out[side] = [s for s in steps if not (isinstance(s, Mapping) and s.get("enabled") is False)]
    return out


# -- validation ---------------------------------------------------------------------------------


def _dotted(prefix: str, loc: tuple[Any, ...]) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def validate_policy(
    source: Any, *, registry: Registry | None = None
) -> tuple[Policy, list[list[Any]]]:
    """Validate fully; return the policy and the options model of every step, per side.

    Raises:
        PolicyError: listing every problem with its dotted path.
    """
    reg = registry if registry is not None else Registry.builtin()
    raw, label = _resolve(source, None, ())
    problems: list[tuple[str, str]] = []
    for side in _SIDES:
        for i, item in enumerate(raw.get(side) or []):
            if isinstance(item, Mapping):
                for key in ("before", "after"):
                    if key in item:
                        problems.append(
                            (f"{side}[{i}].{key}", "only allowed in a policy that extends another")
                        )
    policy: Policy | None = None
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append((_dotted("", tuple(err["loc"])), err["msg"]))
    options: list[list[Any]] = [[], []]
    for s, side in enumerate(_SIDES):
        items = raw.get(side)
        if not isinstance(items, list):
            continue
        seen: set[str] = set()
        for i, item in enumerate(items):
            try:
                spec = StepSpec.model_validate(item)
            except ValidationError:
                continue  # already reported by the policy model
            options[s].append(
                _check_step(spec, f"{side}[{i}]", side=side, seen=seen, reg=reg, problems=problems)
            )
    if problems or policy is None:
        raise PolicyError(problems, source=label)
    return policy, options


def _check_step(
    spec: StepSpec,
    where: str,
    *,
    side: str,
    seen: set[str],
    reg: Registry,
    problems: list[tuple[str, str]],
) -> Any:
    """Check one step's id, thresholds, type and options; return its options model or None."""
    if spec.step_id in seen:
        problems.append((f"{where}.id", f"duplicate step id {spec.step_id!r}"))
    seen.add(spec.step_id)
    if spec.flag_threshold is not None and spec.flag_threshold > spec.threshold:
        problems.append((f"{where}.flag_threshold", "must not exceed threshold"))
    try:
        st = reg.get(spec.type)
    except Exception as exc:  # noqa: BLE001 - a broken plugin is a policy problem
        problems.append((f"{where}.type", f"could not load stage type {spec.type!r}: {exc}"))
        return None
    if st is None:
        known = ", ".join(reg.names) or "none"
        problems.append((f"{where}.type", f"unknown stage type {spec.type!r} (known: {known})"))
        return None
    if Direction(side) not in st.directions:
        problems.append((f"{where}.type", f"stage type {spec.type!r} cannot run on {side}"))
    try:
        return st.options.model_validate(spec.options)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append((_dotted(where, tuple(err["loc"])), err["msg"]))
        return None


def load_policy(source: Any, *, registry: Registry | None = None) -> Policy:
    """Load and validate a policy from a dict, a YAML path or a resource name."""
    return validate_policy(source, registry=registry)[0]


def build_pipeline(source: Any, *, registry: Registry | None = None) -> Pipeline:
    """Build a pipeline from a policy source. Stage constructors' errors become policy problems."""
    reg = registry if registry is not None else Registry.builtin()
    policy, options = validate_policy(source, registry=reg)
    problems: list[tuple[str, str]] = []
    sides: list[list[Step]] = [[], []]
    for s, side in enumerate(_SIDES):
        for i, (spec, opts) in enumerate(zip(getattr(policy, side), options[s], strict=True)):
            if not spec.enabled:
                continue
            st = reg.get(spec.type)
            assert st is not None  # validated above
            try:
                stage = st.factory(opts, spec.step_id)
                sides[s].append(
                    Step(
                        stage,
                        # A stage instance may know its own default (a limit in block or
                        # truncate mode); the kind's default applies otherwise.
                        on_fail=spec.on_fail
                        or getattr(stage, "default_on_fail", None)
                        or st.default_on_fail,
                        on_error=spec.on_error,
                        threshold=spec.threshold,
                        flag_threshold=spec.flag_threshold,
                        name=spec.step_id,
                        type_name=spec.type,
                    )
                )
            except (ValueError, TypeError) as exc:
                problems.append((f"{side}[{i}]", str(exc)))
    if problems:
        raise PolicyError(problems, source=policy.name)
    return Pipeline(
        sides[0],
        sides[1],
        fail_fast=policy.settings.fail_fast,
        name=policy.name,
        settings=policy.settings,
    )


def policy_schema(registry: Registry | None = None) -> dict[str, Any]:
    """JSON Schema of the policy format, with one step shape per known stage type."""
    reg = registry if registry is not None else Registry.builtin()
    schema = Policy.model_json_schema()
    defs = schema.setdefault("$defs", {})
    common = StepSpec.model_json_schema()["properties"]
    variants = []
    for st in reg.types:
        opt = st.options.model_json_schema()
        for k, v in opt.pop("$defs", {}).items():
            defs.setdefault(k, v)
        props = {**common, **opt.get("properties", {}), "type": {"const": st.name}}
        props["before"] = {"type": "string"}
        props["after"] = {"type": "string"}
        key = f"Step_{st.name.replace('.', '_')}"
        defs[key] = {
            "type": "object",
            "title": st.name,
            "description": st.description,
            "properties": props,
            "required": ["type", *opt.get("required", [])],
            "additionalProperties": False,
        }
        variants.append({"$ref": f"#/$defs/{key}"})
    step_schema: dict[str, Any] = {"anyOf": variants} if variants else {"$ref": "#/$defs/StepSpec"}
    for side in _SIDES:
        schema["properties"][side] = {"type": "array", "items": step_schema}
    if variants:
        defs.pop("StepSpec", None)
    return schema
