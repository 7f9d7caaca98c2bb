"""Threat model as code: assets, actors, trust boundaries, data flows, STRIDE threats, DREAD.

A threat model is a YAML file validated by the pydantic models below. Each threat carries a
structured statement ("A [threat source] with [prerequisites] can [threat action], which leads to
[threat impact], negatively impacting [impacted assets]"), its STRIDE classes, optionally the attack
category of our taxonomy, DREAD factors (0 to 10) and the mitigations that answer it. A mitigation
names a policy stage type (``attack_rules``, ``canary``...) or a control outside the library.
``coverage(model, pipeline)`` connects the model to the controls a pipeline actually runs.

Everything here is immutable once validated and safe to share between threads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from genai_guard._results import Category
from genai_guard.errors import ConfigurationError

if TYPE_CHECKING:
    from genai_guard.pipeline import Pipeline, Step
    from genai_guard.registry import Registry

__all__ = [
    "CIA",
    "STRIDE_NAMES",
    "AcceptedRisk",
    "Actor",
    "Asset",
    "Component",
    "Coverage",
    "DataFlow",
    "Dread",
    "Mitigation",
    "Scope",
    "StepRef",
    "Threat",
    "ThreatCoverage",
    "ThreatModel",
    "ThreatModelError",
    "ThreatStatement",
    "TrustBoundary",
    "coverage",
    "gaps",
    "load_threat_model",
    "mermaid",
    "report_dict",
    "report_html",
    "report_markdown",
    "starter_model_text",
    "threat_model_schema",
    "unknown_stage_types",
    "validate_threat_model",
]

Rating = Literal["low", "medium", "high", "critical"]
StrideClass = Literal[
    "spoofing",
    "tampering",
    "repudiation",
    "information_disclosure",
    "denial_of_service",
    "elevation_of_privilege",
]
Priority = Literal["low", "medium", "high", "critical"]

_ID = r"^[A-Za-z][A-Za-z0-9_.-]*$"
_RANK: Mapping[str, int] = {"low": 0, "medium": 1, "high": 2, "critical": 3}


class ThreatModelError(ConfigurationError):
    """A threat model failed validation.

    Attributes:
        problems: ``(dotted path, message)`` pairs, one per problem, in document order.
        source: Where the model came from, if known.
    """

    def __init__(self, problems: Sequence[tuple[str, str]], *, source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        head = f"invalid threat model {source}" if source else "invalid threat model"
        lines = [f"{head}: {len(self.problems)} problem(s)"]
        lines += [f"  {path or '<root>'}: {msg}" for path, msg in self.problems]
        super().__init__("\n".join(lines))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Strict):
    """What the model covers."""

    system: str = Field(description="The system under analysis.")
    description: str = ""
    in_scope: list[str] = Field(default_factory=list)
    out_of_scope: list[str] = Field(default_factory=list)


class CIA(_Strict):
    """How much an asset needs confidentiality, integrity and availability."""

    confidentiality: Rating
    integrity: Rating
    availability: Rating


class Asset(_Strict):
    """Something worth protecting."""

    id: str = Field(pattern=_ID)
    name: str
    description: str = ""
    cia: CIA
    priority: Priority


class Actor(_Strict):
    """Someone (or something) who interacts with the system."""

    id: str = Field(pattern=_ID)
    name: str
    description: str = ""
    trusted: bool = False


class Component(_Strict):
    """A running part of the system (the app server, the vector store, the LLM)."""

    id: str = Field(pattern=_ID)
    name: str
    description: str = ""


class TrustBoundary(_Strict):
    """A line that data crosses between different levels of trust.

    ``contains`` lists the ids of the actors, assets and components inside it.
    """

    id: str = Field(pattern=_ID)
    name: str
    description: str = ""
    contains: list[str] = Field(default_factory=list)


class DataFlow(_Strict):
    """Data moving from one node (actor, asset or component) to another."""

    id: str = Field(pattern=_ID)
    source: str
    target: str
    data: str = Field(description="What moves, in a few words.")
    crosses: list[str] = Field(default_factory=list, description="Trust boundary ids crossed.")


class ThreatStatement(_Strict):
    """The parts of a threat statement."""

    threat_source: str
    prerequisites: str
    threat_action: str
    threat_impact: str
    impacted_assets: list[str] = Field(min_length=1, description="Asset ids.")


class Dread(_Strict):
    """DREAD factors, each 0 (none) to 10 (worst)."""

    damage: int = Field(ge=0, le=10)
    reproducibility: int = Field(ge=0, le=10)
    exploitability: int = Field(ge=0, le=10)
    affected_users: int = Field(ge=0, le=10)
    discoverability: int = Field(ge=0, le=10)

    @property
    def score(self) -> float:
        """The mean of the five factors, 0 to 10."""
        total = (
            self.damage
            + self.reproducibility
            + self.exploitability
            + self.affected_users
            + self.discoverability
        )
        return total / 5

    @property
    def priority(self) -> Priority:
        """``critical`` from 8, ``high`` from 6, ``medium`` from 4, else ``low``."""
        s = self.score
        if s >= 8:
            return "critical"
        if s >= 6:
            return "high"
        if s >= 4:
            return "medium"
        return "low"


class Mitigation(_Strict):
    """What answers a threat: a policy stage type, or a control outside the library.

    Exactly one of ``stage`` and ``control`` is set. ``direction`` restricts a stage type that can
    run on both sides (``secrets``) to one of them.
    """

    stage: str | None = Field(None, description="Policy stage type, e.g. attack_rules.")
    control: str | None = Field(None, description="A control outside the guard pipeline.")
    direction: Literal["input", "output", "any"] = "any"
    note: str = ""


class Threat(_Strict):
    """One threat with its statement, classes, DREAD rating and mitigations."""

    id: str = Field(pattern=_ID)
    title: str
    stride: list[StrideClass] = Field(min_length=1)
    category: Category | None = Field(None, description="Attack category of the taxonomy.")
    statement: ThreatStatement
    dread: Dread
    mitigations: list[Mitigation] = Field(default_factory=list)

    @property
    def priority(self) -> Priority:
        """The DREAD priority."""
        return self.dread.priority

    def statement_text(self, assets: Mapping[str, Asset] | None = None) -> str:
        """The statement as one sentence; asset ids become names when ``assets`` is given."""
        s = self.statement
        names = [assets[a].name if assets and a in assets else a for a in s.impacted_assets]
        article = _article(s.threat_source)
        return (
            f"{article} {s.threat_source} with {s.prerequisites} can {s.threat_action}, "
            f"which leads to {s.threat_impact}, negatively impacting {_join(names)}."
        )


# Words whose first letter is a vowel but whose sound is not ("a user"), and the reverse.
_A_BEFORE = ("uni", "use", "usa", "usu", "uti", "ure", "uro", "eu", "one", "once")
_AN_BEFORE = ("hour", "honest", "honou", "honor", "heir")


def _article(phrase: str) -> str:
    word = phrase.strip().lower()
    if word.startswith(_AN_BEFORE):
        return "An"
    if word.startswith(_A_BEFORE):
        return "A"
    return "An" if word[:1] in tuple("aeiou") else "A"


class AcceptedRisk(_Strict):
    """A threat the owners chose not to mitigate in the pipeline, with why and who decided."""

    threat: str = Field(description="Id of the accepted threat.")
    reason: str = Field(min_length=1, description="Why the risk is accepted.")
    owner: str = Field(min_length=1, description="Who accepted it (a person or a team).")
    review_by: str | date | None = Field(
        None, description="When to look again (a date, or free text)."
    )


class ThreatModel(_Strict):
    """A whole threat model."""

    version: Literal[1] = 1
    name: str
    scope: Scope
    assets: list[Asset] = Field(min_length=1)
    actors: list[Actor] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    trust_boundaries: list[TrustBoundary] = Field(default_factory=list)
    data_flows: list[DataFlow] = Field(default_factory=list)
    threats: list[Threat] = Field(default_factory=list)
    accepted_risks: list[AcceptedRisk] = Field(
        default_factory=list,
        description="Threats left uncovered on purpose; --fail-on-gaps does not count them.",
    )

    @property
    def asset_map(self) -> dict[str, Asset]:
        """Assets by id."""
        return {a.id: a for a in self.assets}

    def threats_by_priority(self) -> list[Threat]:
        """Threats sorted by DREAD score, highest first (ties keep file order)."""
        return sorted(self.threats, key=lambda t: -t.dread.score)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- validation ---------------------------------------------------------------------------------


def _dotted(loc: Sequence[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _references(model: ThreatModel) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    nodes: dict[str, str] = {}
    for kind in ("assets", "actors", "components"):
        for i, item in enumerate(getattr(model, kind)):
            if item.id in nodes:
                problems.append((f"{kind}[{i}].id", f"duplicate id {item.id!r}"))
            nodes[item.id] = kind
    assets = {a.id for a in model.assets}
    boundaries: set[str] = set()
    for i, b in enumerate(model.trust_boundaries):
        if b.id in boundaries or b.id in nodes:
            problems.append((f"trust_boundaries[{i}].id", f"duplicate id {b.id!r}"))
        boundaries.add(b.id)
        for j, member in enumerate(b.contains):
            if member not in nodes:
                problems.append(
                    (f"trust_boundaries[{i}].contains[{j}]", f"unknown node {member!r}")
                )
    flow_ids: set[str] = set()
    for i, f in enumerate(model.data_flows):
        if f.id in flow_ids:
            problems.append((f"data_flows[{i}].id", f"duplicate id {f.id!r}"))
        flow_ids.add(f.id)
        for key in ("source", "target"):
            if getattr(f, key) not in nodes:
                problems.append((f"data_flows[{i}].{key}", f"unknown node {getattr(f, key)!r}"))
        for j, b_id in enumerate(f.crosses):
            if b_id not in boundaries:
                problems.append((f"data_flows[{i}].crosses[{j}]", f"unknown boundary {b_id!r}"))
    threat_ids: set[str] = set()
    for i, t in enumerate(model.threats):
        if t.id in threat_ids:
            problems.append((f"threats[{i}].id", f"duplicate id {t.id!r}"))
        threat_ids.add(t.id)
        for j, a_id in enumerate(t.statement.impacted_assets):
            if a_id not in assets:
                problems.append(
                    (f"threats[{i}].statement.impacted_assets[{j}]", f"unknown asset {a_id!r}")
                )
        for j, m in enumerate(t.mitigations):
            if (m.stage is None) == (m.control is None):
                problems.append(
                    (f"threats[{i}].mitigations[{j}]", "set exactly one of stage and control")
                )
    seen_accepted: set[str] = set()
    for i, r in enumerate(model.accepted_risks):
        if r.threat not in threat_ids:
            problems.append((f"accepted_risks[{i}].threat", f"unknown threat {r.threat!r}"))
        elif r.threat in seen_accepted:
            problems.append((f"accepted_risks[{i}].threat", f"{r.threat!r} accepted twice"))
        seen_accepted.add(r.threat)
    return problems


def validate_threat_model(raw: Any, *, source: str | None = None) -> ThreatModel:
    """Validate a mapping as a threat model.

    Raises:
        ThreatModelError: listing every problem with its dotted path (``threats[2].dread.damage``).
    """
    if not isinstance(raw, Mapping):
        raise ThreatModelError([("", "the document must be a mapping")], source=source)
    try:
        model = ThreatModel.model_validate(dict(raw))
    except ValidationError as exc:
        problems = [(_dotted(err["loc"]), err["msg"]) for err in exc.errors()]
        raise ThreatModelError(problems, source=source) from None
    problems = _references(model)
    if problems:
        raise ThreatModelError(problems, source=source)
    return model


def load_threat_model(path: str | Path) -> ThreatModel:
    """Read and validate a threat-model YAML file.

    Raises:
        ThreatModelError: the file is not valid YAML or not a valid model.
        OSError: the file cannot be read.
    """
    label = str(path)
    text = Path(path).read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise ThreatModelError(
            [("", f"not valid YAML{line}: {getattr(exc, 'problem', exc)}")], source=label
        ) from exc
    return validate_threat_model(raw if raw is not None else {}, source=label)


def threat_model_schema() -> dict[str, Any]:
    """JSON Schema of the threat-model format, for editors and CI linting."""
    return ThreatModel.model_json_schema()


def starter_model_text() -> str:
    """YAML text of the starting model for a retrieval-augmented chatbot (a package resource)."""
    from importlib import resources  # noqa: PLC0415 - only ``threatmodel init`` needs it

    res = resources.files("genai_guard").joinpath("threatmodels/rag-chatbot.yaml")
    return res.read_text(encoding="utf-8")


# -- coverage -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepRef:
    """A configured pipeline step: its side, its id and its policy stage type."""

    direction: Literal["input", "output"]
    name: str
    type_name: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"direction": self.direction, "name": self.name, "type": self.type_name}


@dataclass(frozen=True, slots=True)
class ThreatCoverage:
    """How one threat is answered.

    Attributes:
        threat_id: The threat.
        steps: Configured steps whose stage type the threat's mitigations name.
        missing: Stage types the mitigations name that the pipeline does not run.
        controls: Mitigations outside the pipeline (recorded, not verified).
    """

    threat_id: str
    steps: tuple[StepRef, ...]
    missing: tuple[str, ...]
    controls: tuple[str, ...]

    @property
    def covered(self) -> bool:
        """True when at least one configured step mitigates the threat."""
        return bool(self.steps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "threat": self.threat_id,
            "covered": self.covered,
            "steps": [s.to_dict() for s in self.steps],
            "missing_stage_types": list(self.missing),
            "controls": list(self.controls),
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which configured steps answer which threats, and the gaps both ways.

    Attributes:
        threats: One entry per threat, in model order.
        uncovered: Ids of threats no configured step mitigates.
        unused_steps: Steps that mitigate no threat of the model.
    """

    threats: tuple[ThreatCoverage, ...]
    uncovered: tuple[str, ...]
    unused_steps: tuple[StepRef, ...]

    def for_threat(self, threat_id: str) -> ThreatCoverage:
        """The entry of one threat.

        Raises:
            KeyError: no such threat.
        """
        for tc in self.threats:
            if tc.threat_id == threat_id:
                return tc
        raise KeyError(threat_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "threats": [t.to_dict() for t in self.threats],
            "uncovered": list(self.uncovered),
            "unused_steps": [s.to_dict() for s in self.unused_steps],
        }


def _matches(m: Mitigation, ref: StepRef) -> bool:
    if m.direction not in ("any", ref.direction):
        return False
    # Hand-built steps carry no type name; their step id stands in for it.
    kind = ref.type_name if ref.type_name is not None else ref.name
    return kind == m.stage


def _refs(steps: Sequence[Step], direction: Literal["input", "output"]) -> list[StepRef]:
    return [StepRef(direction, s.name, s.type_name) for s in steps]


def coverage(model: ThreatModel, pipeline: Pipeline) -> Coverage:
    """Match the model's mitigations against the steps ``pipeline`` runs.

    A step mitigates a threat when one of the threat's mitigations names the step's stage type (or,
    for a step built by hand without a type, its id) on the step's side.
    """
    refs = _refs(pipeline.input_steps, "input") + _refs(pipeline.output_steps, "output")
    used: set[StepRef] = set()
    entries: list[ThreatCoverage] = []
    for t in model.threats:
        steps: list[StepRef] = []
        missing: list[str] = []
        controls: list[str] = []
        for m in t.mitigations:
            if m.stage is None:
                controls.append(m.control or "")
                continue
            hits = [r for r in refs if _matches(m, r)]
            if not hits and m.stage not in missing:
                missing.append(m.stage)
            for r in hits:
                if r not in steps:
                    steps.append(r)
        used.update(steps)
        entries.append(ThreatCoverage(t.id, tuple(steps), tuple(missing), tuple(controls)))
    return Coverage(
        threats=tuple(entries),
        uncovered=tuple(e.threat_id for e in entries if not e.covered),
        unused_steps=tuple(r for r in refs if r not in used),
    )


def gaps(model: ThreatModel, cov: Coverage) -> tuple[str, ...]:
    """Threats that no configured step mitigates and that are not accepted risks."""
    accepted = {r.threat for r in model.accepted_risks}
    return tuple(t for t in cov.uncovered if t not in accepted)


def unknown_stage_types(model: ThreatModel, registry: Registry) -> dict[str, list[str]]:
    """Stage types the mitigations name that ``registry`` cannot build, with their threats.

    These are typos or plugins that are not installed; coverage treats them as not configured.
    """
    out: dict[str, list[str]] = {}
    for t in model.threats:
        for m in t.mitigations:
            if m.stage is not None and registry.get(m.stage) is None:
                ids = out.setdefault(m.stage, [])
                if t.id not in ids:
                    ids.append(t.id)
    return out


# -- report -------------------------------------------------------------------------------------


STRIDE_NAMES: Mapping[str, str] = {
    "spoofing": "Spoofing",
    "tampering": "Tampering",
    "repudiation": "Repudiation",
    "information_disclosure": "Information disclosure",
    "denial_of_service": "Denial of service",
    "elevation_of_privilege": "Elevation of privilege",
}
_STRIDE_LEGEND = (
    "STRIDE: Spoofing (pretending to be someone else), Tampering (changing data or code), "
    "Repudiation (denying an action), Information disclosure (exposing data), Denial of service "
    "(making the system unavailable), Elevation of privilege (doing what one may not)."
)
_DREAD_LEGEND = (
    "DREAD factors, 0 (none) to 10 (worst): Damage, Reproducibility, Exploitability, Affected "
    "users, Discoverability; the score is their mean."
)
_DREAD_HEAD = ("Damage", "Reproducibility", "Exploitability", "Affected users", "Discoverability")


def _stride(t: Threat) -> str:
    return ", ".join(STRIDE_NAMES[s] for s in t.stride)


def _gap_reason(tc: ThreatCoverage) -> str:
    if tc.controls and not tc.missing:
        return "only controls outside the pipeline"
    if tc.missing:
        return "named stage types not configured: " + ", ".join(tc.missing)
    return "no mitigation recorded"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _mermaid_id(node: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node)


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")


def mermaid(model: ThreatModel) -> str:
    """The data-flow diagram as Mermaid ``flowchart`` source (without the code fence)."""
    names: dict[str, tuple[str, str]] = {}
    for a in model.assets:
        names[a.id] = (a.name, "asset")
    for c in model.components:
        names[c.id] = (c.name, "component")
    for act in model.actors:
        names[act.id] = (act.name, "actor")

    def node(node_id: str) -> str:
        label, kind = names[node_id]
        mid, text = _mermaid_id(node_id), _mermaid_label(label)
        if kind == "actor":
            return f'{mid}(["{text}"])'
        if kind == "asset":
            return f'{mid}[("{text}")]'
        return f'{mid}["{text}"]'

    lines = ["flowchart LR"]
    placed: set[str] = set()
    for b in model.trust_boundaries:
        lines.append(f'  subgraph {_mermaid_id(b.id)}["{_mermaid_label(b.name)}"]')
        for member in b.contains:
            if member not in placed:
                lines.append(f"    {node(member)}")
                placed.add(member)
        lines.append("  end")
    lines.extend(f"  {node(n)}" for n in names if n not in placed)
    for f in model.data_flows:
        arrow = "-.->" if f.crosses else "-->"
        label = _mermaid_label(f.data)
        lines.append(f'  {_mermaid_id(f.source)} {arrow}|"{label}"| {_mermaid_id(f.target)}')
    return "\n".join(lines)


def report_dict(
    model: ThreatModel,
    cov: Coverage | None = None,
    *,
    policy: str | None = None,
    unknown: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The report as a JSON-safe dict."""
    assets = model.asset_map
    out: dict[str, Any] = {
        "name": model.name,
        "scope": model.scope.model_dump(),
        "assets": [a.model_dump() for a in model.assets],
        "threats": [
            {
                "id": t.id,
                "title": t.title,
                "stride": list(t.stride),
                "category": None if t.category is None else t.category.value,
                "dread": {**t.dread.model_dump(), "score": t.dread.score},
                "priority": t.priority,
                "statement": t.statement_text(assets),
            }
            for t in model.threats_by_priority()
        ],
        "data_flow_mermaid": mermaid(model),
    }
    if cov is not None:
        out["policy"] = policy
        out["coverage"] = cov.to_dict()
    if unknown is not None:
        out["unknown_stage_types"] = {k: list(v) for k, v in unknown.items()}
    return out


def report_markdown(
    model: ThreatModel,
    cov: Coverage | None = None,
    *,
    policy: str | None = None,
    unknown: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The report as Markdown: asset matrix, threats by priority, coverage and gaps, diagram."""
    assets = model.asset_map
    out = [f"# Threat model: {model.name}", "", f"**System:** {model.scope.system}", ""]
    if model.scope.description:
        out += [model.scope.description.strip(), ""]
    if model.scope.in_scope:
        out += ["In scope: " + "; ".join(model.scope.in_scope), ""]
    if model.scope.out_of_scope:
        out += ["Out of scope: " + "; ".join(model.scope.out_of_scope), ""]
    out += [
        "## Assets",
        "",
        "| Asset | Confidentiality | Integrity | Availability | Priority |",
        "|---|---|---|---|---|",
    ]
    for a in sorted(model.assets, key=lambda a: -_RANK[a.priority]):
        c = a.cia
        out.append(
            f"| {_cell(a.name)} (`{a.id}`) | {c.confidentiality} | {c.integrity} "
            f"| {c.availability} | {a.priority} |"
        )
    out += [
        "",
        "## Threats by DREAD priority",
        "",
        _STRIDE_LEGEND,
        "",
        _DREAD_LEGEND,
        "",
        "| Threat | STRIDE | Category | " + " | ".join(_DREAD_HEAD) + " | Score | Priority |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    ranked = model.threats_by_priority()
    for t in ranked:
        d = t.dread
        cat = t.category.value if t.category else "-"
        out.append(
            f"| {_cell(t.title)} (`{t.id}`) | {_stride(t)} | {cat} | {d.damage} "
            f"| {d.reproducibility} | {d.exploitability} | {d.affected_users} "
            f"| {d.discoverability} | {d.score:.1f} | {t.priority} |"
        )
    out += ["", "### Threat statements", ""]
    out += [f"- **{t.id}**: {t.statement_text(assets)}" for t in ranked]
    if cov is not None:
        out += [
            "",
            f"## Coverage by policy `{policy or 'pipeline'}`",
            "",
            "| Threat | Mitigating steps | Named but not configured | Other controls |",
            "|---|---|---|---|",
        ]
        for tc in cov.threats:
            steps = ", ".join(f"{s.direction}:`{s.name}`" for s in tc.steps) or "**none**"
            missing = ", ".join(f"`{m}`" for m in tc.missing) or "-"
            controls = "; ".join(_cell(c) for c in tc.controls) or "-"
            out.append(f"| `{tc.threat_id}` | {steps} | {missing} | {controls} |")
        out += ["", "### Gaps", ""]
        open_gaps = gaps(model, cov)
        accepted = {r.threat: r for r in model.accepted_risks}
        if open_gaps:
            out.append("Threats no configured step mitigates (not accepted):")
            out += [f"- `{tid}` ({_gap_reason(cov.for_threat(tid))})" for tid in open_gaps]
        else:
            out.append("Every threat has a mitigating step or is an accepted risk.")
        taken = [tid for tid in cov.uncovered if tid in accepted]
        if taken:
            out += ["", "Accepted risks:"]
            for tid in taken:
                r = accepted[tid]
                review = f", review: {r.review_by}" if r.review_by else ""
                out.append(
                    f"- `{tid}` ({_gap_reason(cov.for_threat(tid))}): {_cell(r.reason)} "
                    f"(owner: {_cell(r.owner)}{review})"
                )
        out.append("")
        if cov.unused_steps:
            out.append("Steps that mitigate no threat in the model:")
            out += [f"- {s.direction}:`{s.name}` (type `{s.type_name}`)" for s in cov.unused_steps]
        else:
            out.append("Every configured step mitigates at least one threat.")
    if unknown:
        out += ["", "### Stage types this installation does not know", ""]
        out += [f"- `{name}` (named by {', '.join(ids)})" for name, ids in unknown.items()]
    out += ["", "## Data flows", "", "```mermaid", mermaid(model), "```", ""]
    return "\n".join(out)


# -- HTML report ----------------------------------------------------------------------------------


def _flow_svg(model: ThreatModel) -> str:
    """The data-flow diagram drawn as inline SVG: one column per trust boundary, then the rest.

    Actors are rounded boxes, assets have a double border, components plain boxes; a flow that
    crosses a boundary is dashed. Drawn here so the page needs no script from the network.
    """
    from html import escape  # noqa: PLC0415 - only the HTML report needs it

    names: dict[str, tuple[str, str]] = {}
    for a in model.assets:
        names[a.id] = (a.name, "asset")
    for c in model.components:
        names[c.id] = (c.name, "component")
    for act in model.actors:
        names[act.id] = (act.name, "actor")
    columns: list[tuple[str, list[str]]] = []
    placed: set[str] = set()
    for b in model.trust_boundaries:
        members = [m for m in b.contains if m in names and m not in placed]
        placed.update(members)
        columns.append((b.name, members))
    rest = [n for n in names if n not in placed]
    if rest:
        columns.append(("", rest))
    box_w, box_h, col_w, row_h, top = 200, 40, 240, 70, 50
    pos: dict[str, tuple[float, float]] = {}
    boxes: list[str] = []
    height = top + max((len(m) for _, m in columns), default=0) * row_h + 30
    width = max(len(columns), 1) * col_w + 20
    for ci, (title, _members) in enumerate(columns):
        x0 = 10 + ci * col_w
        if title:
            boxes.append(
                f'<rect x="{x0}" y="10" width="{col_w - 20}" height="{height - 20}" '
                'fill="#f7f9fc" stroke="#7a8ca3" stroke-dasharray="6 4"/>'
                f'<text x="{x0 + 8}" y="30" font-weight="bold">{escape(title)}</text>'
            )
    nodes: list[str] = []
    for ci, (_, members) in enumerate(columns):
        x0 = 10 + ci * col_w
        for ri, node_id in enumerate(members):
            x, y = x0 + (col_w - 20 - box_w) / 2, top + ri * row_h
            pos[node_id] = (x, y)
            label, kind = names[node_id]
            shown = label if len(label) <= 30 else label[:29] + "\u2026"
            rx = 18 if kind == "actor" else 2
            stroke = 'stroke="#333" stroke-width="3"' if kind == "asset" else 'stroke="#333"'
            nodes.append(
                f'<rect class="node" x="{x:.0f}" y="{y:.0f}" width="{box_w}" height="{box_h}" '
                f'rx="{rx}" fill="#fff" {stroke}/>'
                f'<text x="{x + box_w / 2:.0f}" y="{y + 25:.0f}" text-anchor="middle">'
                f"{escape(shown)}</text>"
            )

    def border(cx: float, cy: float, dx: float, dy: float) -> tuple[float, float]:
        # Where the line from a box's centre towards (dx, dy) leaves the box.
        scale = min(
            (box_w / 2 + 3) / abs(dx) if dx else float("inf"),
            (box_h / 2 + 3) / abs(dy) if dy else float("inf"),
        )
        return cx + dx * scale, cy + dy * scale

    flows: list[str] = []
    for f in model.data_flows:
        if f.source not in pos or f.target not in pos or f.source == f.target:
            continue
        (sx, sy), (tx, ty) = pos[f.source], pos[f.target]
        c1 = (sx + box_w / 2, sy + box_h / 2)
        c2 = (tx + box_w / 2, ty + box_h / 2)
        dx, dy = c2[0] - c1[0], c2[1] - c1[1]
        x1, y1 = border(*c1, dx, dy)
        x2, y2 = border(*c2, -dx, -dy)
        dash = ' stroke-dasharray="5 3"' if f.crosses else ""
        flows.append(
            f'<line class="flow" x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
            f'stroke="#1f6fb2" stroke-width="2" marker-end="url(#arrow)"{dash}>'
            f"<title>{escape(f.data)}</title></line>"
        )
    parts = [*boxes, *flows, *nodes]  # boxes hide a flow passing behind them
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#1f6fb2"/></marker></defs>'
    )
    return (
        f'<svg class="dataflow" role="img" aria-label="data flows" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"{defs}{''.join(parts)}</svg>"
    )


def report_html(
    model: ThreatModel,
    cov: Coverage | None = None,
    *,
    policy: str | None = None,
    unknown: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The report as one self-contained HTML page (no network resources).

    The Markdown report's tables and the data-flow diagram drawn as inline SVG; the Mermaid
    source is kept in a collapsed block.
    """
    from html import escape  # noqa: PLC0415 - only the HTML report needs it

    def table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        cells = "".join(f"<th>{escape(h)}</th>" for h in head)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
        )
        return f"<table><tr>{cells}</tr>{body}</table>"

    assets = model.asset_map
    ranked = model.threats_by_priority()
    html = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Threat model: {escape(model.name)}</title><style>",
        "body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}",
        "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;",
        "padding:.2rem .5rem;vertical-align:top}th{background:#f2f2f2}svg text{font-size:12px}",
        ".gap{color:#b00020;font-weight:600}</style></head><body>",
        f"<h1>Threat model: {escape(model.name)}</h1>",
        f"<p><b>System:</b> {escape(model.scope.system)}</p>",
        "<h2>Data flows</h2>",
        "<p>Dashed arrows cross a trust boundary; hover an arrow for what it carries.</p>",
        _flow_svg(model),
        "<details><summary>Mermaid source</summary><pre>",
        escape(mermaid(model)),
        "</pre></details>",
        "<h2>Assets</h2>",
        table(
            ["Asset", "Confidentiality", "Integrity", "Availability", "Priority"],
            [
                [
                    f"{a.name} ({a.id})",
                    a.cia.confidentiality,
                    a.cia.integrity,
                    a.cia.availability,
                    a.priority,
                ]
                for a in sorted(model.assets, key=lambda a: -_RANK[a.priority])
            ],
        ),
        "<h2>Threats by DREAD priority</h2>",
        f"<p>{escape(_STRIDE_LEGEND)}</p><p>{escape(_DREAD_LEGEND)}</p>",
        table(
            ["Threat", "STRIDE", "Category", *_DREAD_HEAD, "Score", "Priority"],
            [
                [
                    f"{t.title} ({t.id})",
                    _stride(t),
                    t.category.value if t.category else "-",
                    str(t.dread.damage),
                    str(t.dread.reproducibility),
                    str(t.dread.exploitability),
                    str(t.dread.affected_users),
                    str(t.dread.discoverability),
                    f"{t.dread.score:.1f}",
                    t.priority,
                ]
                for t in ranked
            ],
        ),
        "<h3>Threat statements</h3><ul>",
        *(f"<li><b>{escape(t.id)}</b>: {escape(t.statement_text(assets))}</li>" for t in ranked),
        "</ul>",
    ]
    if cov is not None:
        open_gaps = gaps(model, cov)
        accepted = {r.threat: r for r in model.accepted_risks}
        html += [
            f"<h2>Coverage by policy {escape(policy or 'pipeline')}</h2>",
            table(
                ["Threat", "Mitigating steps", "Named but not configured", "Other controls"],
                [
                    [
                        tc.threat_id,
                        ", ".join(f"{s.direction}:{s.name}" for s in tc.steps) or "none",
                        ", ".join(tc.missing) or "-",
                        "; ".join(tc.controls) or "-",
                    ]
                    for tc in cov.threats
                ],
            ),
            "<h3>Gaps</h3>",
        ]
        if open_gaps:
            html.append("<ul>")
            html += [
                f"<li class='gap'>{escape(t)} ({escape(_gap_reason(cov.for_threat(t)))})</li>"
                for t in open_gaps
            ]
            html.append("</ul>")
        else:
            html.append("<p>Every threat has a mitigating step or is an accepted risk.</p>")
        taken = [t for t in cov.uncovered if t in accepted]
        if taken:
            html.append("<h3>Accepted risks</h3>")
            html.append(
                table(
                    ["Threat", "Reason", "Owner", "Review by"],
                    [
                        [
                            t,
                            accepted[t].reason,
                            accepted[t].owner,
                            str(accepted[t].review_by or "-"),
                        ]
                        for t in taken
                    ],
                )
            )
    if unknown:
        html.append("<h3>Stage types this installation does not know</h3><ul>")
        html += [
            f"<li>{escape(name)} (named by {escape(', '.join(ids))})</li>"
            for name, ids in unknown.items()
        ]
        html.append("</ul>")
    html.append("</body></html>")
    return "\n".join(html) + "\n"
