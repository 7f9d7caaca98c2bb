"""Prompt-attack rules: the data format, its validation and compilation.

A rule file is YAML with a ``category`` and a list of ``rules``; each rule has a stable dotted id
``attack.<category>.<family>[.<name>]``, patterns for the ``regex`` module, a weight, a one-line
description, its taxonomy ids, the literal ``triggers`` that gate it (a cheap prefilter) and at
least two positive and two negative examples. The files shipped in ``genai_guard/detect/rules/`` are
package data, read when a detector is built, never at import time.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import regex
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from genai_guard._results import Category
from genai_guard.detect._pattern_words import WordGate, word_gate
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import ATLAS, OWASP_LLM_2025, STRIDE, Threat

__all__ = [
    "AnchoredPattern",
    "AttackCategory",
    "CompiledRule",
    "RuleExamples",
    "RuleFile",
    "RuleSpec",
    "SequenceTrigger",
    "builtin_rule_specs",
    "compile_rules",
    "expand_leading",
    "leading_literals",
    "literal_variants",
    "load_rule_file",
]

logger = logging.getLogger(__name__)

AttackCategory = Literal[
    "goal_hijacking", "guardrail_bypass", "information_leakage", "infrastructure_attack"
]

_ID = regex.compile(
    r"attack\.(goal_hijacking|guardrail_bypass|information_leakage|infrastructure_attack)"
    r"\.[a-z][a-z0-9_]{0,40}(?:\.[a-z][a-z0-9_]{0,40}){0,3}"
)
_WORD_TRIGGER = regex.compile(r"[a-z0-9]{1,40}")
_FLAGS = regex.IGNORECASE | regex.VERSION0
_ESCAPE = regex.compile(r"\\.")


_META = frozenset("()[]{}?*+|^$.\\")
_QUANT = frozenset("?*+{")
_LITERAL_ESCAPES = frozenset("./-'\"#:=<>!@%&,;~`")


def _structural(p: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """The group structure of ``p`` from index ``i`` on, for the pattern readers below.

    Yields each ``(``, ``)`` and ``|`` that is neither escaped nor inside a character class, with
    its group depth (for ``)``, the depth it closes back to).
    """
    depth = 0
    in_class = False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            yield i, c, depth
            depth += 1
        elif c == ")":
            depth -= 1
            yield i, c, depth
        elif c == "|":
            yield i, c, depth
        i += 1


def _skip_group(p: str, i: int) -> int:
    """Index just after the group that opens at ``p[i] == '('``; -1 if unbalanced."""
    return next((j + 1 for j, c, depth in _structural(p, i) if c == ")" and depth == 0), -1)


def _split_alternatives(body: str) -> list[str]:
    """The top-level alternatives of ``body``."""
    cuts = [j for j, c, depth in _structural(body) if c == "|" and depth == 0]
    starts = [0, *(j + 1 for j in cuts)]
    ends = [*cuts, len(body)]
    return [body[s:e] for s, e in zip(starts, ends, strict=True)]


def _ends_word(p: str, i: int) -> bool:
    r"""Whether what ``p`` has at ``i`` cannot continue a word.

    That is ``\b``, or whitespace or ``\s`` that must occur (``\s*``, ``\s?`` and ``\s{0,n}``
    may match nothing).
    """
    if p.startswith("\\b", i):
        return True
    if p.startswith("\\s", i):
        after = i + 2
    elif i < len(p) and p[i].isspace():
        after = i + 1
    else:
        return False
    return not (p.startswith(("?", "*", "{0"), after))


def _literal_prefix(alt: str, follow: str = "") -> tuple[str, bool]:
    """The literal an alternative starts with, and whether it is a whole word.

    ``follow`` is what the pattern has after the alternative (after its group): a literal that
    fills the whole alternative is a word only if ``follow`` cannot continue it.
    """
    lit: list[str] = []
    i = 0
    while i < len(alt):
        c = alt[i]
        if c == "\\" and i + 1 < len(alt) and alt[i + 1] in _LITERAL_ESCAPES:
            lit.append(alt[i + 1])
            i += 2
        elif c not in _META and not c.isspace():
            lit.append(c)
            i += 1
        else:
            break
    whole = _ends_word(follow, 0) if i == len(alt) else _ends_word(alt, i)
    if i < len(alt) and alt[i] in _QUANT and lit:
        lit.pop()  # the last character is optional or repeated
        whole = False
    text = "".join(lit).lower()
    return text, whole and _WORD_TRIGGER.fullmatch(text) is not None


def _assertions(p: str) -> int:
    r"""Length of the ``\b`` and lookbehind groups ``p`` starts with (zero-width, at its start)."""
    i = 0
    while True:
        if p.startswith("\\b", i):
            i += 2
        elif p.startswith(("(?<!", "(?<="), i):
            end = _skip_group(p, i)
            if end < 0:
                return i
            i = end
        else:
            return i


def _lead(pattern: str) -> tuple[str, str, list[str], str] | None:
    r"""Split ``pattern`` into ``(prefix, opener, alternatives, rest)``.

    ``prefix`` is the leading ``\b`` and lookbehinds, ``opener`` the ``(?:`` or ``(?-i:`` of a
    leading group (empty when the pattern is not led by a group, then ``alternatives`` is the rest
    of the pattern as one alternative) and ``rest`` what follows that group. ``None`` when the
    leading group is quantified or unbalanced. A pattern with a top-level ``|`` is read as one
    group of those alternatives, with an empty prefix.
    """
    if any(c == "|" and depth == 0 for _, c, depth in _structural(pattern)):
        # ``A|B`` reads as ``(?:A|B)``: each branch keeps its own ``\b`` and lookbehinds.
        return "", "(?:", _split_alternatives(pattern), ""
    skip = _assertions(pattern)
    prefix, p = pattern[:skip], pattern[skip:]
    if p.startswith(("(?:", "(?-i:")):
        end = _skip_group(p, 0)
        if end < 0 or (end < len(p) and p[end] in _QUANT):
            return None
        colon = p.index(":") + 1
        return prefix, p[:colon], _split_alternatives(p[colon : end - 1]), p[end:]
    return prefix, "", [p], ""


def _alternative_literal(prefix: str, alt: str, follow: str) -> tuple[str, bool]:
    r"""The literal ``alt`` starts with and whether the detector may look it up as a whole word.

    ``prefix`` holds the assertions before the leading group, ``follow`` what comes after it.
    Leading ``\b`` and lookbehinds of ``alt`` are skipped: they are tested where the literal
    starts, where the detector runs its anchored ``match``. A literal is a word only when a
    ``\b`` bounds it in front and nothing in the pattern can continue it behind.
    """
    skip = _assertions(alt)
    bounded = "\\b" in prefix or "\\b" in alt[:skip]
    lit, whole = _literal_prefix(alt[skip:], follow)
    return lit, whole and bounded


# Constructs whose meaning changes when part of a pattern is written out twice.
_NO_EXPANSION = regex.compile(r"\\[1-9]|\\g|\(\?(?:P|<[A-Za-z_]|'|\(|\||R|&|\d)")
# At most this many alternatives come out of ``expand_leading``.
_MAX_EXPANDED = 64


def _expand(alt: str, room: int) -> list[str] | None:
    """``alt`` as alternatives, tried in the same order, that each start with a literal."""
    skip = _assertions(alt)
    head, body = alt[:skip], alt[skip:]
    if len(_literal_prefix(body)[0]) >= 2:
        return [alt]
    if not body.startswith("(?:"):
        return None
    end = _skip_group(body, 0)
    if end < 0:
        return None
    inner, after = body[3 : end - 1], body[end:]
    if after.startswith("?"):
        after = after[1:]
        if after.startswith(("?", "+")):
            return None  # lazy or possessive
        choices = [f"(?:{inner}){after}", after]  # greedy: with the group first, then without
    elif after.startswith(("*", "+", "{")):
        return None
    else:
        choices = [a + after for a in _split_alternatives(inner)]
    out: list[str] = []
    for choice in choices:
        sub = _expand(head + choice, room - len(out))
        if sub is None:
            return None
        out.extend(sub)
        if len(out) > room:
            return None
    return out


def expand_leading(pattern: str) -> str | None:
    r"""``pattern`` rewritten so that every alternative of its leading group starts with a literal.

    A leading group or optional group is written out into the alternatives around it:
    ``\b(?:the\s+)?(?:above|prior)\s+x`` becomes ``\b(?:the\s+(?:above|prior)\s+x|above\s+x|
    prior\s+x)``, modulo grouping. Alternatives are tried in the same order as before, so the
    rewritten pattern matches exactly the same text at every position; the detector can then find
    its leading literals instead of searching for it. ``None`` when there is nothing to gain or
    the pattern holds a construct that writing part of it out twice would change
    (backreferences, named groups, conditionals, recursion) or a quantified group in the way.
    """
    if leading_literals(pattern) is not None or _NO_EXPANSION.search(pattern):
        return None
    lead = _lead(pattern)
    if lead is not None and lead[1] == "(?:":
        prefix, _, alts, rest = lead
    else:
        skip = _assertions(pattern)
        prefix, alts, rest = pattern[:skip], [pattern[skip:]], ""
    out: list[str] = []
    for alt in alts:
        sub = _expand(alt, _MAX_EXPANDED - len(out))
        if sub is None:
            return None
        out.extend(sub)
    expanded = f"{prefix}(?:{'|'.join(out)}){rest}"
    return expanded if leading_literals(expanded) is not None else None


def leading_literals(
    pattern: str, *, min_len: int = 2
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    r"""The literals one of which every match of ``pattern`` starts with, or ``None``.

    Returns ``(words, others)``: literals that are whole words (the detector first looks them up
    in the text's word set) and other literals (looked for as substrings).

    Understands an optional leading lookbehind, ``\b``, a scoped ``(?-i:`` group and one
    top-level alternation of literal-led branches. The detector finds these literals with
    ``str.find`` and runs an anchored ``match`` at each, instead of a ``search``.
    """
    lead = _lead(pattern)
    if lead is None:
        return None
    words: list[str] = []
    others: list[str] = []
    prefix, _, alts, rest = lead
    for alt in alts:
        lit, whole = _alternative_literal(prefix, alt, rest)
        if len(lit) < min_len:
            return None
        (words if whole else others).append(lit)
    return tuple(dict.fromkeys(words)), tuple(dict.fromkeys(others))


def literal_variants(pattern: str, *, min_len: int = 2) -> dict[str, str] | None:
    r"""For each leading literal of ``pattern``, a pattern that starts with that literal's branches.

    The variant of literal ``L`` keeps the prefix, the leading group and the rest of ``pattern``
    but only the alternatives whose literal is a prefix of ``L`` or starts with ``L``. At a
    position where ``L`` occurs it therefore matches exactly when ``pattern`` does (the other
    branches cannot match there), and every match of a variant is a match of ``pattern``. A
    variant led by one literal lets ``regex`` jump between occurrences of it inside one ``search``
    call. ``None`` when ``leading_literals`` is ``None``.
    """
    if leading_literals(pattern, min_len=min_len) is None:
        return None
    lead = _lead(pattern)
    if lead is None:  # pragma: no cover - leading_literals would have returned None
        return None
    prefix, opener, alts, rest = lead
    if not opener:
        return {_alternative_literal(prefix, alts[0], rest)[0]: pattern}
    lits = [_alternative_literal(prefix, a, rest)[0] for a in alts]
    out: dict[str, str] = {}
    for lit in lits:
        if lit in out:
            continue
        keep = [
            a for a, la in zip(alts, lits, strict=True) if la.startswith(lit) or lit.startswith(la)
        ]
        out[lit] = f"{prefix}{opener}{'|'.join(keep)}){rest}"
    return out


def _lowercase_only(pattern: str) -> bool:
    """True if ``pattern`` has no uppercase letter outside escapes and no scoped case flag."""
    if "(?-i" in pattern:
        return False
    return not any(c.isupper() for c in _ESCAPE.sub("", pattern))


class RuleExamples(BaseModel):
    """Texts a rule must match (``positive``) and must not match (``negative``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    positive: list[str] = Field(min_length=2)
    negative: list[str] = Field(min_length=2)


_KNOWN_IDS: dict[str, tuple[Any, str]] = {
    "stride": (STRIDE, "STRIDE class(es)"),
    "owasp": (OWASP_LLM_2025, "OWASP LLM 2025 id(s)"),
    "atlas": (ATLAS, "ATLAS id(s)"),
}


class RuleSpec(BaseModel):
    """One rule as written in a rule file or a policy.

    Attributes:
        id: Stable dotted id ``attack.<category>.<family>[.<name>]``.
        category: One of the four attack classes; must match the id.
        description: One line for humans; it becomes the finding message.
        weight: The score of a hit, in ``(0, 1]``.
        patterns: ``regex`` patterns, matched case-insensitively; a hit on any is a hit of the rule.
        triggers: Lowercase literals, at least one of which must occur in the text before the
            patterns run. A trigger made of word characters matches a whole word; several words
            joined by spaces, hyphens or apostrophes (``system prompt``, ``role-play``) match those
            words one after the other, whatever separates them in the text; any other trigger
            matches as a substring. Empty means the rule always runs over the whole text.
        reach: How far (in characters) a match may extend before or after a trigger; patterns run
            only within ``reach`` of each trigger occurrence, which keeps long texts cheap.
        stride: STRIDE classes; ``owasp``: OWASP LLM 2025 ids; ``atlas``: MITRE ATLAS ids.
        examples: Positive and negative examples, run by the tests.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: AttackCategory
    description: str = Field(min_length=1, max_length=200)
    weight: float = Field(gt=0.0, le=1.0)
    patterns: list[str] = Field(min_length=1)
    triggers: list[str] = Field(default_factory=list)
    reach: int = Field(240, ge=16, le=20_000)
    stride: list[str] = Field(default_factory=list)
    owasp: list[str] = Field(default_factory=list)
    atlas: list[str] = Field(default_factory=list)
    examples: RuleExamples

    @field_validator("description")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v.strip():
            raise ValueError("description must be one line")
        return v.strip()

    @field_validator("triggers")
    @classmethod
    def _lowercase(cls, v: list[str]) -> list[str]:
        for t in v:
            if not t or t != t.lower():
                raise ValueError(f"trigger {t!r} must be a non-empty lowercase literal")
        return v

    @field_validator("stride", "owasp", "atlas")
    @classmethod
    def _known_ids(cls, v: list[str], info: ValidationInfo) -> list[str]:
        known, what = _KNOWN_IDS[info.field_name or ""]
        bad = [s for s in v if s not in known]
        if bad:
            raise ValueError(f"unknown {what} {bad}")
        return v

    @model_validator(mode="after")
    def _id_matches(self) -> RuleSpec:
        if _ID.fullmatch(self.id) is None:
            raise ValueError(f"rule id {self.id!r} must look like attack.<category>.<family>")
        if self.id.split(".")[1] != self.category:
            raise ValueError(f"rule id {self.id!r} does not match category {self.category!r}")
        for p in self.patterns:
            try:
                regex.compile(p, _FLAGS)
            except regex.error as exc:
                raise ValueError(f"pattern of {self.id} does not compile: {exc}") from None
        return self

    @property
    def family(self) -> str:
        """``attack.<category>.<family>``: the first three parts of the id."""
        return ".".join(self.id.split(".")[:3])


class RuleFile(BaseModel):
    """A rule file: a category and its rules (a rule may omit its category)."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    category: AttackCategory
    rules: list[dict[str, Any]]

    def specs(self) -> list[RuleSpec]:
        """The validated rules, inheriting the file's category."""
        return [RuleSpec.model_validate({"category": self.category, **r}) for r in self.rules]


class CompiledOnUse(Mapping[str, "regex.Pattern[str]"]):
    """Patterns by key, each compiled the first time it is asked for.

    The per-literal variants of a pattern are needed only for a literal that occurs often in one
    text; compiling them all up front tripled the time to build the shipped rules.
    Thread-safe: two threads may compile the same variant at once, and both results are equal.
    """

    __slots__ = ("_compiled", "_flags", "_sources")

    def __init__(self, sources: Mapping[str, str], flags: int) -> None:
        self._sources = dict(sources)
        self._flags = flags
        self._compiled: dict[str, regex.Pattern[str]] = {}

    def __getitem__(self, key: str) -> regex.Pattern[str]:
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = regex.compile(self._sources[key], self._flags)
            self._compiled[key] = compiled
        return compiled

    def compile_all(self) -> int:
        """Compile every pattern not compiled yet; returns how many that was."""
        missing = [key for key in self._sources if key not in self._compiled]
        for key in missing:
            self[key]
        return len(missing)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


@dataclass(frozen=True, slots=True)
class AnchoredPattern:
    """A pattern every match of which starts with one of its leading literals. Immutable.

    Attributes:
        pattern: The compiled pattern, run with an anchored ``match`` at a literal occurrence.
        words: Leading literals that are whole words (looked up in the text's word set first).
        ascii_others: Other ASCII leading literals (looked for as substrings).
        other_others: Non-ASCII leading literals (looked for only in non-ASCII texts).
        by_literal: For each literal, the pattern reduced to that literal's branches (see
            ``literal_variants``), compiled on first use: one ``search`` with it visits every
            occurrence of the literal inside ``regex``, which beats many ``match`` calls when
            the literal is frequent.
        gate: Word groups and token pairs the pattern cannot match without (``word_gate``).
        literal_gates: For a leading literal whose variant needs more than ``gate``, the
            variant's gate: a text it rules out holds no match at any occurrence of the
            literal, which is then not even looked for.
    """

    pattern: regex.Pattern[str]
    words: tuple[str, ...]
    ascii_others: tuple[str, ...]
    other_others: tuple[str, ...]
    by_literal: CompiledOnUse
    gate: WordGate
    literal_gates: Mapping[str, WordGate] = field(default_factory=dict)


# Several words joined by spaces, hyphens or apostrophes: a trigger read as a word sequence.
_SEQUENCE = regex.compile(r"[ '-]*[a-z0-9]+(?:[ '-]+[a-z0-9]+)+[ '-]*")
_TOKEN = regex.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class SequenceTrigger:
    """A trigger of several words, which must occur one after the other in the text.

    Anything but letters and digits may separate them: ``system prompt`` also occurs across a line
    break, after two spaces or as ``system-prompt``.

    Attributes:
        words: Its words, in order.
        pairs: Its pairs of consecutive words.
        pattern: Finds its occurrences in lowercased text (where a window around one starts).
    """

    words: tuple[str, ...]
    pairs: frozenset[tuple[str, str]]
    pattern: regex.Pattern[str]


def sequence_trigger(trigger: str) -> SequenceTrigger | None:
    """``trigger`` as a word sequence, or ``None`` when it is a single word or holds other marks."""
    if _SEQUENCE.fullmatch(trigger) is None:
        return None
    words = tuple(_TOKEN.findall(trigger))
    # Linear: each separator run is a class that cannot hold the letter or digit after it.
    body = "[^a-z0-9]+".join(words)
    return SequenceTrigger(
        words,
        frozenset(pairwise(words)),
        regex.compile(f"(?<![a-z0-9]){body}(?![a-z0-9])", regex.VERSION0),
    )


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to run: compiled patterns and the finding metadata. Immutable."""

    id: str
    family: str
    category: Category
    weight: float
    description: str
    patterns: tuple[regex.Pattern[str], ...]
    anchored: tuple[AnchoredPattern, ...]
    floating: regex.Pattern[str] | None
    floating_each: tuple[tuple[regex.Pattern[str], WordGate], ...]
    on_lowercase: bool
    word_triggers: frozenset[str]
    sequence_triggers: tuple[SequenceTrigger, ...]
    substring_triggers: tuple[str, ...]
    reach: int
    threat: Threat | None

    def gates(self) -> list[WordGate]:
        """Every word gate the detector may consult: patterns', leading literals', floating ones."""
        out = [a.gate for a in self.anchored]
        out.extend(g for a in self.anchored for g in a.literal_gates.values())
        out.extend(g for _, g in self.floating_each)
        return out


def _validation_problems(where: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        parts.append(f"{where}{'.' + loc if loc else ''}: {err['msg']}")
    return "; ".join(parts)


def _parse_file(text: str, where: str) -> list[RuleSpec]:
    try:
        data = yaml.safe_load(text)
        return RuleFile.model_validate(data).specs()
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{where}: not valid YAML ({exc})") from None
    except ValidationError as exc:
        raise ConfigurationError(_validation_problems(where, exc)) from None


def builtin_rule_specs() -> list[RuleSpec]:
    """The rules shipped with genai-guard, read from package data (every call reads afresh)."""
    specs: list[RuleSpec] = []
    folder = resources.files("genai_guard.detect").joinpath("rules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            specs.extend(_parse_file(entry.read_text(encoding="utf-8"), f"rules/{entry.name}"))
    return specs


def load_rule_file(path: str | Path) -> list[RuleSpec]:
    """Read and validate an organisation's rule file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read rule file {p.name!r}: {exc.strerror}") from None
    return _parse_file(text, p.name)


def _threat(spec: RuleSpec) -> Threat | None:
    if not (spec.stride or spec.owasp or spec.atlas):
        return None  # taxonomy.threat_for decides
    return Threat(tuple(spec.stride), tuple(spec.owasp), tuple(spec.atlas))


@functools.lru_cache(maxsize=4096)
def _compile_cached(spec_json: str) -> CompiledRule:
    """Compiled form of one rule, shared by every detector in the process.

    Compiling the built-in rules (with their per-literal variants and word gates) takes most of a
    second; a ``CompiledRule`` is immutable, so detectors built from the same rule reuse it.
    """
    return _compile_one(RuleSpec.model_validate_json(spec_json))


_QUANTIFIER_BRACES = regex.compile(r"\{\d*(?:,\d*)?\}")


def _top_items(p: str) -> list[str] | None:
    """``p`` cut into its top-level items (an atom and its quantifier); ``None`` if unsure."""
    out: list[str] = []
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            j = i + 2
        elif c == "[":
            j = i + 1
            if p.startswith("^", j):
                j += 1
            if p.startswith("]", j):
                j += 1
            while j < len(p) and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            j += 1
        elif c == "(":
            j = _skip_group(p, i)
        elif c in "|)":
            return None
        else:
            j = i + 1
        if j < 0 or j > len(p):
            return None
        if j < len(p) and p[j] in "?*+":
            j += 1
        elif j < len(p) and p[j] == "{":
            m = _QUANTIFIER_BRACES.match(p, j)
            if m is None:
                return None
            j = m.end()
        if j > i + 1 and j < len(p) and p[j - 1] in "?*+}" and p[j] in "?+":
            j += 1  # lazy or possessive
        out.append(p[i:j])
        i = j
    return out


# A literal's gate reads its branches and this many items of what follows the leading group:
# the rest of the pattern is in the pattern's own gate, and reading it for every literal
# would make building the detector markedly slower.
_LITERAL_GATE_ITEMS = 3


def _literal_gates(
    pattern: str, variants: Mapping[str, str], gate: WordGate
) -> dict[str, WordGate]:
    """The gates of the variants that require something the pattern's own ``gate`` does not.

    A variant's gate is that of its start: the prefix, the leading group with the literal's
    branches and the first ``_LITERAL_GATE_ITEMS`` items after it. Every match of the variant
    begins with a match of that start, so what the start requires, the variant requires.
    """
    lead = _lead(pattern)
    items = _top_items(lead[3]) if lead is not None else None
    head_len = len(lead[3]) if lead is not None else 0
    cut = "".join(items[:_LITERAL_GATE_ITEMS]) if items is not None else None
    out: dict[str, WordGate] = {}
    for lit, variant in variants.items():
        if variant == pattern:
            continue  # a single branch: its gate is the pattern's
        start = variant if cut is None else variant[: len(variant) - head_len] + cut
        g = word_gate(start)
        extra = WordGate(
            tuple(x for x in g.groups if x not in gate.groups),
            tuple(x for x in g.pairs if x not in gate.pairs),
            tuple(x for x in g.substrings if x not in gate.substrings),
        )
        if extra != WordGate():
            out[lit] = extra
    return out


def _compile_one(spec: RuleSpec) -> CompiledRule:
    words = frozenset(t for t in spec.triggers if _WORD_TRIGGER.fullmatch(t))
    # One alternation per rule scans a span once. Without uppercase letters it can run
    # case-sensitively over the lowercased text, which is markedly faster than IGNORECASE.
    lower_ok = all(_lowercase_only(p) for p in spec.patterns)
    flags = regex.VERSION0 if lower_ok else _FLAGS
    anchored: list[AnchoredPattern] = []
    rest: list[str] = []
    for p in spec.patterns:
        # A pattern led by a group or an optional group is written out into literal-led
        # alternatives when it can be (same matches), so that it is anchored too.
        p = expand_leading(p) or p  # noqa: PLW2901 - the equivalent pattern replaces it
        lits = leading_literals(p)
        if lits is None:
            rest.append(p)
        else:
            words_, others = lits
            ascii_others = tuple(o for o in others if o.isascii())
            other_others = tuple(o for o in others if not o.isascii())
            variants = literal_variants(p) or {}
            gate = word_gate(p)
            anchored.append(
                AnchoredPattern(
                    regex.compile(p, flags),
                    words_,
                    ascii_others,
                    other_others,
                    CompiledOnUse(variants, flags),
                    gate,
                    _literal_gates(p, variants, gate),
                )
            )
    floating = regex.compile("|".join(f"(?:{p})" for p in rest), flags) if rest else None
    sequences = {t: sequence_trigger(t) for t in spec.triggers if t not in words}
    subs = tuple(t for t, seq in sequences.items() if seq is None)
    return CompiledRule(
        id=spec.id,
        family=spec.family,
        category=Category(spec.category),
        weight=spec.weight,
        description=spec.description,
        patterns=tuple(regex.compile(p, _FLAGS) for p in spec.patterns),
        anchored=tuple(anchored),
        floating=floating,
        floating_each=tuple((regex.compile(p, flags), word_gate(p)) for p in rest),
        on_lowercase=lower_ok,
        word_triggers=words,
        sequence_triggers=tuple(seq for seq in sequences.values() if seq is not None),
        substring_triggers=subs,
        reach=spec.reach,
        threat=_threat(spec),
    )


def compile_rules(
    specs: Iterable[RuleSpec | Mapping[str, Any]], *, disabled: Sequence[str] = ()
) -> tuple[CompiledRule, ...]:
    """Validate, de-duplicate and compile rules.

    Args:
        specs: Rules as ``RuleSpec`` or plain mappings (policy ``extra_rules``).
        disabled: Rule ids or id prefixes to leave out.

    Raises:
        ConfigurationError: A rule is invalid or an id occurs twice.
    """
    seen: set[str] = set()
    out: list[CompiledRule] = []
    for i, raw in enumerate(specs):
        try:
            spec = raw if isinstance(raw, RuleSpec) else RuleSpec.model_validate(raw)
        except ValidationError as exc:
            raise ConfigurationError(_validation_problems(f"rules[{i}]", exc)) from None
        if spec.id in seen:
            raise ConfigurationError(f"rule id {spec.id!r} defined twice")
        seen.add(spec.id)
        if any(spec.id == d or spec.id.startswith(d + ".") for d in disabled):
            continue
        out.append(_compile_cached(spec.model_dump_json()))
    logger.debug("compiled %d attack rules", len(out))
    return tuple(out)
