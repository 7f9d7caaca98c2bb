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
import dataclasses
import difflib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from genai_guard._results import Action
from genai_guard.context import Direction
from genai_guard.errors import PolicyError
from genai_guard.pipeline import Pipeline, PipelineSettings, Step
from genai_guard.protocols import RewritingStage, StreamingStage
from genai_guard.registry import Registry
from genai_guard.validate.tool_calls import ToolPolicy, ToolRule

__all__ = [
    "POLICY_ENTRY_POINT_GROUP",
    "Policy",
    "PolicySettings",
    "StepSpec",
    "ValidatedPolicy",
    "build_pipeline",
    "load_policy",
    "policy_schema",
    "streaming_warnings",
    "validate_policy",
]

logger = logging.getLogger(__name__)

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
        "budget_ms",
        "before",
        "after",
    }
)


_D = PipelineSettings()  # the defaults are declared once, on the pipeline's settings


class PolicySettings(BaseModel):
    """Pipeline-wide settings; ``pipeline_settings()`` gives the ``PipelineSettings`` they set."""

    model_config = ConfigDict(extra="forbid")

    fail_fast: bool = Field(True, description="Stop at the first block.")
    max_input_chars: int | None = Field(
        _D.max_input_chars,
        ge=1,
        description="Longest input, measured on the raw text before any step; null: no limit.",
    )
    max_output_chars: int | None = Field(
        _D.max_output_chars,
        ge=1,
        description="Longest answer (also while it streams), measured the same way.",
    )
    oversize: Literal["block", "truncate"] = Field(
        _D.oversize, description="A text over the size limit: block it, or truncate and check."
    )
    max_findings: int = Field(_D.max_findings, ge=0, description="Most findings kept per call.")
    max_views: int = Field(_D.max_views, ge=0, description="Most views kept per call.")
    max_view_chars: int = Field(
        _D.max_view_chars, ge=0, description="Most characters of views kept per call."
    )
    on_findings_capped: Action = Field(
        _D.on_findings_capped, description="Action when a call's findings were capped."
    )
    on_views_capped: Action = Field(
        _D.on_views_capped, description="Action when a call's views were capped."
    )
    step_budget_ms: float | None = Field(
        _D.step_budget_ms,
        gt=0,
        allow_inf_nan=False,
        description="Time budget of one step: async stages are cancelled (on_error), sync "
        "stages report an overrun.",
    )
    call_budget_ms: float | None = Field(
        _D.call_budget_ms,
        gt=0,
        allow_inf_nan=False,
        description="Time budget of one call for its async stages.",
    )
    on_overrun: Action = Field(
        _D.on_overrun, description="Action of a sync stage's budget overrun finding."
    )
    expose_errors: bool = Field(
        _D.expose_errors, description="Show stage error messages in results (not just types)."
    )
    untrusted_roles: list[str] = Field(
        default_factory=lambda: list(_D.untrusted_roles),
        description="Message roles whose content is checked as untrusted input.",
    )
    on_block: Literal["raise", "refuse"] = Field(
        _D.on_block, description="What client wrappers do on a block: raise GuardBlocked or refuse."
    )
    refusal_message: str = Field(_D.refusal_message, description="Text of a refusal.")

    def pipeline_settings(self) -> PipelineSettings:
        """The ``PipelineSettings`` these settings describe (everything but ``fail_fast``)."""
        return PipelineSettings(
            max_input_chars=self.max_input_chars,
            max_output_chars=self.max_output_chars,
            oversize=self.oversize,
            max_findings=self.max_findings,
            max_views=self.max_views,
            max_view_chars=self.max_view_chars,
            on_findings_capped=self.on_findings_capped,
            on_views_capped=self.on_views_capped,
            step_budget_ms=self.step_budget_ms,
            call_budget_ms=self.call_budget_ms,
            on_overrun=self.on_overrun,
            expose_errors=self.expose_errors,
            untrusted_roles=tuple(self.untrusted_roles),
            on_block=self.on_block,
            refusal_message=self.refusal_message,
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
    budget_ms: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description="Time budget of this step; null takes settings.step_budget_ms.",
    )

    @property
    def step_id(self) -> str:
        """The id, defaulting to the type."""
        return self.id or self.type

    @property
    def options(self) -> dict[str, Any]:
        """The stage's own options."""
        return dict(self.model_extra or {})


class ToolSpec(BaseModel):
    """What one tool accepts."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    arguments_schema: dict[str, Any] | None = Field(
        None,
        alias="schema",
        description="JSON Schema of the arguments object (the json_schema subset).",
    )
    validators: list[StepSpec] = Field(
        default_factory=list,
        description="More output validators run on this tool's arguments; any finding blocks.",
    )


class ToolPolicySpec(BaseModel):
    """The tool policy: which tool calls in answers may run and how arguments are checked."""

    model_config = ConfigDict(extra="forbid")

    allowed: list[str] | None = Field(
        None, description="Tool names the model may call; null or absent: any."
    )
    on_violation: Literal["refuse", "remove"] = Field(
        "refuse", description="A blocked call refuses the whole answer, or is removed from it."
    )
    checks: list[StepSpec] | None = Field(
        None,
        description="Validators run on every call's arguments (any finding blocks); null: "
        "ssrf and unsafe_code.",
    )
    tools: dict[str, ToolSpec] = Field(default_factory=dict, description="Per-tool rules.")
    max_argument_chars: int = Field(100_000, ge=1, description="Longest arguments examined.")


class Policy(BaseModel):
    """A validated policy. Build a pipeline from it with ``build_pipeline``."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = Field(1, description="Policy format version.")
    name: str = Field("policy", description="Name, for logs and audit events.")
    description: str = ""
    extends: str | None = Field(
        None,
        description="Base policy: a shipped or registered name, package:path.yaml of a package "
        "that registers policies, or a file in this policy's folder.",
    )
    settings: PolicySettings = Field(default_factory=PolicySettings)
    input: list[StepSpec] = Field(default_factory=list)
    output: list[StepSpec] = Field(default_factory=list)
    tools: ToolPolicySpec | None = Field(
        None, description="The tool policy client wrappers apply to tool calls in answers."
    )


# -- reading ------------------------------------------------------------------------------------

POLICY_ENTRY_POINT_GROUP = "genai_guard.policies"
_SHIPPED = {"default": "policies/default.yaml", "accurate": "policies/accurate.yaml"}
_OWN_PACKAGE = "genai_guard"


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where a policy came from, which bounds what its ``extends`` may read."""

    folder: Path | None = None  # a file's folder (resolved)
    package: str | None = None  # a package resource's package
    res_dir: str = ""  # the resource's folder inside its package


def _refused(name: str, label: str) -> PolicyError:
    return PolicyError(
        [
            (
                "extends",
                f"{name!r} is not a shipped policy, a policy registered in the "
                f"{POLICY_ENTRY_POINT_GROUP!r} entry points, or a file in this policy's folder "
                "or an allowed root",
            )
        ],
        source=label,
    )


def _load(source: Any) -> tuple[dict[str, Any], str, _Origin]:
    """Read the caller's own policy source: anything it names is trusted to be read."""
    if isinstance(source, Policy):
        return source.model_dump(exclude_none=True), source.name, _Origin()
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source)), "<dict>", _Origin()
    if not isinstance(source, (str, Path)):
        raise PolicyError(
            [
                (
                    "",
                    f"a policy must be a dict, a path or a resource name, not {type(source).__name__}",  # noqa: E501
                )
            ]
        )
    name = str(source)
    named = _named(name)
    if named is not None:
        return named
    path = Path(name)
    if path.is_file():
        return _parse(_read_file(path, name), name, _Origin(folder=path.resolve().parent))
    package, sep, res = name.partition(":")
    if sep and package and res:
        return _package_policy(package, res, name)
    raise PolicyError([("", f"no policy file or resource {name!r}")], source=name)


def _load_base(
    name: str, origin: _Origin, roots: tuple[Path, ...], label: str
) -> tuple[dict[str, Any], str, _Origin]:
    """Read what an ``extends`` names, only from the places a policy may reach."""
    named = _named(name)
    if named is not None:
        return named
    package, sep, res = name.partition(":")
    if sep and package and res and "/" not in package and "\\" not in package:
        if package == _OWN_PACKAGE and _clean_resource(res).startswith("policies/"):
            return _package_policy(package, res, name)
        if package == origin.package or package in _registered_packages():
            return _package_policy(package, res, name)
        raise _refused(name, label)
    if origin.package is not None:
        joined = f"{origin.res_dir}/{name}" if origin.res_dir else name
        return _package_policy(origin.package, joined, name)
    path = Path(name)
    candidates = [path] if path.is_absolute() else []
    if not path.is_absolute():
        bases = [origin.folder] if origin.folder is not None else list(roots)
        candidates = [b / path for b in bases]
    allowed = ([origin.folder] if origin.folder is not None else []) + list(roots)
    for candidate in candidates:
        real = candidate.resolve()
        if not any(real.is_relative_to(a) for a in allowed):
            raise _refused(name, label)
        if real.is_file():
            return _parse(_read_file(real, name), name, _Origin(folder=real.parent))
    if not candidates:
        raise _refused(name, label)
    raise PolicyError([("extends", f"no policy file {name!r}")], source=label)


def _named(name: str) -> tuple[dict[str, Any], str, _Origin] | None:
    """A shipped policy or one registered through the entry points, by its bare name."""
    if name in _SHIPPED:
        return _package_policy(_OWN_PACKAGE, _SHIPPED[name], name, label=name)
    if ":" in name or "/" in name or "\\" in name:
        return None
    for ep in entry_points(group=POLICY_ENTRY_POINT_GROUP):
        if ep.name == name:
            package, _, res = ep.value.partition(":")
            return _package_policy(package.strip(), res.strip(), name, label=name)
    return None


def _registered_packages() -> frozenset[str]:
    """Packages that hold a policy registered through the entry points."""
    return frozenset(
        ep.value.partition(":")[0].strip() for ep in entry_points(group=POLICY_ENTRY_POINT_GROUP)
    )


def _clean_resource(res: str) -> str:
    """A resource path with no way out of its package (no ``..``, no absolute path)."""
    parts = res.replace("\\", "/").split("/")
    if res.startswith("/") or any(p in ("", ".", "..") or ":" in p for p in parts):
        return ""
    return "/".join(parts)


def _package_policy(
    package: str, res: str, name: str, *, label: str | None = None
) -> tuple[dict[str, Any], str, _Origin]:
    """Read a YAML resource that stays inside ``package`` (also after following links)."""
    where = label or name
    clean = _clean_resource(res)
    if not clean:
        raise PolicyError([("", f"policy resource {name!r} leaves its package")], source=where)
    try:
        root = resources.files(package)
        target = root.joinpath(*clean.split("/"))
        if (
            isinstance(root, Path)
            and isinstance(target, Path)
            and not target.resolve().is_relative_to(root.resolve())
        ):
            raise PolicyError([("", f"policy resource {name!r} leaves its package")], source=where)
        data = target.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise PolicyError([("", f"no policy resource {name!r}")], source=where) from exc
    except TypeError as exc:  # a module, not a package
        raise PolicyError([("", f"no policy resource {name!r}")], source=where) from exc
    res_dir = clean.rpartition("/")[0]
    return _parse(_decode(data, where), where, _Origin(package=package, res_dir=res_dir))


def _read_file(path: Path, label: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError([("", f"cannot read the file ({exc.strerror})")], source=label) from exc
    return _decode(data, label)


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError([("", f"not UTF-8 text (byte {exc.start})")], source=label) from exc


# libyaml's safe loader when PyYAML has it (the same documents, parsed several times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str, label: str, origin: _Origin) -> tuple[dict[str, Any], str, _Origin]:
    try:
        raw = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise PolicyError(
            [("", f"not valid YAML{line}: {getattr(exc, 'problem', None) or 'syntax error'}")],
            source=label,
        ) from exc
    except RecursionError as exc:
        raise PolicyError([("", "not valid YAML: nested too deeply")], source=label) from exc
    if raw is None:
        raise PolicyError([("", "the policy is empty (no version, name or steps)")], source=label)
    if not isinstance(raw, dict):
        raise PolicyError([("", "the document must be a mapping")], source=label)
    return raw, label, origin


def _resolve(source: Any, roots: tuple[Path, ...]) -> tuple[dict[str, Any], str]:
    raw, label, origin = _load(source)
    seen: tuple[str, ...] = ()
    chain: list[dict[str, Any]] = [raw]
    while (parent := chain[-1].get("extends")) is not None:
        if not isinstance(parent, str):
            raise PolicyError([("extends", "must be a resource name or a path")], source=label)
        if parent in seen:
            raise PolicyError(
                [("extends", f"circular extends: {' -> '.join([*seen, parent])}")], source=label
            )
        seen = (*seen, parent)
        base, _, origin = _load_base(parent, origin, roots, label)
        chain.append(base)
    if len(chain) > 1 and not isinstance(raw.get("name"), str):
        # Otherwise the child reports itself under its base's name in audit and telemetry.
        raise PolicyError(
            [("name", "a policy that extends another needs its own name")], source=label
        )
    merged = chain.pop()
    while chain:
        merged = _merge(merged, chain.pop())
    return merged, label


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


@dataclass(frozen=True, slots=True)
class ValidatedPolicy:
    """A policy that passed validation, with the validated options of every step.

    Attributes:
        policy: The policy (``extends`` already merged in).
        input_options: The options model of each ``input`` step, in order.
        output_options: The options model of each ``output`` step, in order.
        source: Where the policy came from (a path or resource name), for messages.
    """

    policy: Policy
    input_options: tuple[BaseModel, ...]
    output_options: tuple[BaseModel, ...]
    source: str | None = None
    tool_options: Mapping[str, tuple[BaseModel, ...]] = field(default_factory=dict)


def _roots(allowed_roots: Sequence[str | Path]) -> tuple[Path, ...]:
    return tuple(Path(r).resolve() for r in allowed_roots)


def validate_policy(
    source: Any,
    *,
    registry: Registry | None = None,
    allowed_roots: Sequence[str | Path] = (),
) -> ValidatedPolicy:
    """Validate fully; return the policy and the options model of every step.

    ``extends`` may name a shipped policy (``default``), a policy registered in the
    ``genai_guard.policies`` entry points (by name, or ``package:path.yaml`` of a package that
    registers one), or a file inside the extending policy's own folder or one of
    ``allowed_roots`` (links are followed and must stay inside). Nothing else is imported or read.

    Args:
        source: A dict, a ``Policy``, a YAML path, or a resource name (``default``,
            ``package:path.yaml``, a registered name).
        registry: Stage types; ``Registry.builtin()`` by default.
        allowed_roots: More folders whose files an ``extends`` may read.

    Raises:
        PolicyError: listing every problem with its dotted path.
    """
    reg = registry if registry is not None else Registry.builtin()
    policy, options, tool_options, problems, label = _validate(source, reg, _roots(allowed_roots))
    if problems or policy is None:
        raise PolicyError(problems, source=label)
    ins = tuple(o for o in options[0] if o is not None)
    outs = tuple(o for o in options[1] if o is not None)
    return ValidatedPolicy(policy, ins, outs, source=label, tool_options=tool_options)


_MODELS: Mapping[str, type[BaseModel]] = {"": Policy, "settings": PolicySettings}


def _suggest(word: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _message(err: Any, known: Sequence[str] = ()) -> str:
    """Pydantic's message, with a suggestion for an unknown key."""
    if err["type"] == "extra_forbidden" and err["loc"]:
        key = str(err["loc"][-1])
        return f"unknown key {key!r}{_suggest(key, known)}"
    return str(err["msg"])


def _validate(
    source: Any, reg: Registry, roots: tuple[Path, ...]
) -> tuple[
    Policy | None,
    list[list[BaseModel | None]],
    dict[str, tuple[BaseModel, ...]],
    list[tuple[str, str]],
    str,
]:
    """Every problem of a policy in one pass: top level, settings, steps, stage and tool options."""
    raw, label = _resolve(source, roots)
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
            loc = tuple(err["loc"])
            model = _MODELS.get(str(loc[0]) if len(loc) > 1 else "", Policy)
            problems.append((_dotted("", loc), _message(err, tuple(model.model_fields))))
    options: list[list[BaseModel | None]] = [[], []]
    for s, side in enumerate(_SIDES):
        items = raw.get(side)
        if not isinstance(items, list):
            continue
        seen: set[str] = set()
        for i, item in enumerate(items):
            if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
                options[s].append(None)
                continue  # reported by the policy model
            options[s].append(
                _check_step(item, f"{side}[{i}]", side=side, seen=seen, reg=reg, problems=problems)
            )
    tool_options = _check_tool_steps(raw.get("tools"), reg, problems)
    return policy, options, tool_options, problems, label


def _tool_step_lists(tools: Any) -> list[tuple[str, str, Any]]:
    """``(key, dotted path, steps)`` of the tool policy's step lists."""
    if not isinstance(tools, Mapping):
        return []
    out: list[tuple[str, str, Any]] = []
    if isinstance(tools.get("checks"), list):
        out.append(("checks", "tools.checks", tools["checks"]))
    per_tool = tools.get("tools")
    if isinstance(per_tool, Mapping):
        for name, spec in per_tool.items():
            if isinstance(spec, Mapping) and isinstance(spec.get("validators"), list):
                out.append((f"tool:{name}", f"tools.tools.{name}.validators", spec["validators"]))
    return out


def _check_tool_steps(
    tools: Any, reg: Registry, problems: list[tuple[str, str]]
) -> dict[str, tuple[BaseModel, ...]]:
    """Validate the step lists of the tool policy like output steps; their options by key."""
    found: dict[str, tuple[BaseModel, ...]] = {}
    for key, where, items in _tool_step_lists(tools):
        seen: set[str] = set()
        opts: list[BaseModel] = []
        for i, item in enumerate(items):
            if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
                continue  # reported by the policy model
            got = _check_step(
                item, f"{where}[{i}]", side="output", seen=seen, reg=reg, problems=problems
            )
            if got is not None:
                opts.append(got)
        found[key] = tuple(opts)
    return found


def _check_step(
    item: Mapping[str, Any],
    where: str,
    *,
    side: str,
    seen: set[str],
    reg: Registry,
    problems: list[tuple[str, str]],
) -> BaseModel | None:
    """Check one step's id, thresholds, type and options; return its options model or None.

    Runs even when the step's common keys are invalid (those are reported by the policy model),
    so stage-option problems appear in the same pass.
    """
    sid = str(item.get("id") if isinstance(item.get("id"), str) else item["type"])
    if sid in seen:
        problems.append((f"{where}.id", f"duplicate step id {sid!r}"))
    seen.add(sid)
    threshold, flag = item.get("threshold", 0.0), item.get("flag_threshold")
    if (
        isinstance(threshold, int | float)
        and isinstance(flag, int | float)
        and 0 <= threshold <= 1
        and 0 <= flag <= 1
        and flag > threshold
    ):
        problems.append((f"{where}.flag_threshold", "must not exceed threshold"))
    type_name = item["type"]
    try:
        st = reg.get(type_name)
    except Exception as exc:  # noqa: BLE001 - a broken plugin is a policy problem
        problems.append((f"{where}.type", f"could not load stage type {type_name!r}: {exc}"))
        return None
    if st is None:
        known = ", ".join(reg.names) or "none"
        problems.append(
            (
                f"{where}.type",
                f"unknown stage type {type_name!r}{_suggest(type_name, reg.names)} "
                f"(known: {known})",
            )
        )
        return None
    if Direction(side) not in st.directions:
        problems.append((f"{where}.type", f"stage type {type_name!r} cannot run on {side}"))
    own = {k: v for k, v in item.items() if k not in _STEP_KEYS}
    if type_name == "attack_rules" and isinstance(own.get("extra_rules"), list):
        own["extra_rules"] = _inline_rules(own["extra_rules"], f"{where}.extra_rules", problems)
    try:
        return st.options.model_validate(own)
    except ValidationError as exc:
        names = (*st.options.model_fields, *sorted(_STEP_KEYS))
        for err in exc.errors():
            problems.append((_dotted(where, tuple(err["loc"])), _message(err, names)))
        return None


def _inline_rules(rules: list[Any], where: str, problems: list[tuple[str, str]]) -> list[Any]:
    """Inline ``extra_rules``: the category defaults to the id's, each rule checked on its own.

    A rule's problems get their full path (``input[5].extra_rules[0].weight``) here, in the same
    pass as everything else, instead of an index into the combined rule list at construction.
    """
    from genai_guard.detect import RuleSpec  # noqa: PLC0415 - only inline rules need it

    out: list[Any] = []
    for j, rule in enumerate(rules):
        if not isinstance(rule, Mapping):
            problems.append((f"{where}[{j}]", "a rule must be a mapping"))
            continue
        item = dict(rule)
        rid = item.get("id")
        if "category" not in item and isinstance(rid, str) and rid.count(".") >= 2:
            item["category"] = rid.split(".")[1]
        try:
            RuleSpec.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                known = tuple(RuleSpec.model_fields)
                problems.append((_dotted(f"{where}[{j}]", tuple(err["loc"])), _message(err, known)))
            continue
        out.append(item)
    return out


def load_policy(
    source: Any,
    *,
    registry: Registry | None = None,
    allowed_roots: Sequence[str | Path] = (),
) -> Policy:
    """Load and validate a policy from a dict, a YAML path or a resource name.

    See ``validate_policy`` for what ``extends`` may reach and ``allowed_roots``.
    """
    return validate_policy(source, registry=registry, allowed_roots=allowed_roots).policy


def build_pipeline(
    source: Any,
    *,
    registry: Registry | None = None,
    allowed_roots: Sequence[str | Path] = (),
) -> Pipeline:
    """Build a pipeline from a policy source. Stage constructors' errors become policy problems.

    See ``validate_policy`` for what ``extends`` may reach and ``allowed_roots``.
    """
    reg = registry if registry is not None else Registry.builtin()
    policy, options, tool_options, problems, label = _validate(source, reg, _roots(allowed_roots))
    sides: list[list[Step]] = [[], []]
    for s, side in enumerate(_SIDES):
        specs = getattr(policy, side) if policy is not None else []
        for i, (spec, opts) in enumerate(zip(specs, options[s], strict=False)):
            if not spec.enabled or opts is None:
                continue
            st = reg.get(spec.type)
            if st is None:  # validated above; a registry that changed its answer
                problems.append((f"{side}[{i}].type", f"unknown stage type {spec.type!r}"))
                continue
            try:
                stage = st.factory(opts, spec.step_id)
            except (ValueError, TypeError) as exc:
                problems.append((_option_path(f"{side}[{i}]", str(exc), opts), str(exc)))
                continue
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
                    budget_ms=spec.budget_ms,
                )
            )
    tools = _build_tools(policy.tools, tool_options, reg, problems) if policy else None
    if problems or policy is None:
        raise PolicyError(problems, source=label)
    for where, message in streaming_warnings(sides[1]):
        logger.warning("policy %s: %s: %s", policy.name, where, message)
    settings = policy.settings.pipeline_settings()
    if tools is not None:
        settings = dataclasses.replace(settings, tools=tools)
    return Pipeline(
        sides[0],
        sides[1],
        fail_fast=policy.settings.fail_fast,
        name=policy.name,
        settings=settings,
    )


def _build_stages(
    specs: Sequence[StepSpec],
    options: Sequence[BaseModel],
    where: str,
    reg: Registry,
    problems: list[tuple[str, str]],
) -> tuple[Any, ...]:
    out: list[Any] = []
    for i, (spec, opts) in enumerate(zip(specs, options, strict=False)):
        st = reg.get(spec.type)
        if st is None or not spec.enabled:
            continue
        try:
            out.append(st.factory(opts, spec.step_id))
        except (ValueError, TypeError) as exc:
            problems.append((f"{where}[{i}]", str(exc)))
    return tuple(out)


def _build_tools(
    spec: ToolPolicySpec | None,
    options: Mapping[str, tuple[BaseModel, ...]],
    reg: Registry,
    problems: list[tuple[str, str]],
) -> ToolPolicy | None:
    """The runtime ``ToolPolicy`` of a policy's ``tools`` section (None when it has none)."""
    if spec is None:
        return None
    rules: dict[str, ToolRule] = {}
    for name, tool in spec.tools.items():
        where = f"tools.tools.{name}"
        validators = _build_stages(
            tool.validators, options.get(f"tool:{name}", ()), f"{where}.validators", reg, problems
        )
        try:
            rules[name] = ToolRule(schema=tool.arguments_schema, validators=validators)
        except (ValueError, TypeError) as exc:
            problems.append((f"{where}.schema", str(exc)))
    kwargs: dict[str, Any] = {}
    if spec.checks is not None:
        kwargs["checks"] = _build_stages(
            spec.checks, options.get("checks", ()), "tools.checks", reg, problems
        )
    return ToolPolicy(
        allowed=frozenset(spec.allowed) if spec.allowed is not None else None,
        tools=rules,
        on_violation=spec.on_violation,
        max_argument_chars=spec.max_argument_chars,
        **kwargs,
    )


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _option_path(where: str, message: str, opts: BaseModel) -> str:
    """The step's path, plus the option a constructor's message names (when it names one)."""
    fields = type(opts).model_fields
    named = [w for w in dict.fromkeys(_WORD.findall(message[:500])) if w in fields]
    return f"{where}.{named[0]}" if len(named) == 1 else where


def streaming_warnings(output_steps: Sequence[Step]) -> list[tuple[str, str]]:
    """Output steps that make ``stream_output`` hold the whole answer back (whole-text mode).

    A scanning step after a rewriting one (``pii_restore``) must see rewritten text, and a step
    with no streaming form that can block or rewrite must see the whole text: either way nothing
    is released before the end. Returns ``(output.<step id>, message)`` pairs.
    """
    out: list[tuple[str, str]] = []
    rewriter: str | None = None
    for step in output_steps:
        stage = step.stage
        if isinstance(stage, RewritingStage):
            rewriter = rewriter or step.name
        elif isinstance(stage, StreamingStage) and getattr(stage, "streamable", True):
            if rewriter is not None:
                out.append(
                    (
                        f"output.{step.name}",
                        f"comes after the rewriting step {rewriter!r}, so streams are held back "
                        f"to the end (whole-text mode); place it with before: {rewriter}",
                    )
                )
        elif step.on_fail in (Action.BLOCK, Action.MODIFY) or step.on_error != "allow":
            out.append(
                (
                    f"output.{step.name}",
                    "has no streaming form and can block or rewrite, so streams are held back "
                    "to the end (whole-text mode)",
                )
            )
    return out


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
