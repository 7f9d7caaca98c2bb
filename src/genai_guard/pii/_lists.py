"""Allow and deny lists, applied after detection.

- ``AllowList``: a detected entity whose whole text equals an ``exact`` term, equals a
  ``case_insensitive`` term ignoring case, or fully matches a ``regex`` is dropped (your company's
  support address, a public figure's office number).
- ``DenyList``: every occurrence of its terms is reported as its ``entity`` (score 1.0), whether or
  not a recognizer found it (a project code name, an internal host name). Exact and
  case-insensitive terms match as whole words where they begin or end with a letter or digit.

Regular expressions must be linear-safe (``genai_guard._ruleset.unsafe_nesting``) and a deny
pattern's matches are confirmed within ``MAX_DENY_MATCH`` characters (the ``RuleSet`` contract), so
the work stays linear in the text. Terms and patterns are bounded in number and length.

Everything here is immutable after construction and thread-safe.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import regex

from genai_guard._ruleset import Rule, RuleSet, lower_same_length, unsafe_nesting
from genai_guard.pii._recognizers import Entity, resolve_overlaps

__all__ = ["MAX_DENY_MATCH", "MAX_TERM", "MAX_TERMS", "AllowList", "DenyList", "EntityLists"]

MAX_TERMS: Final = 10_000  # terms and patterns per list
MAX_TERM: Final = 256  # characters per term or pattern
MAX_DENY_MATCH: Final = 256  # longest match of a deny pattern
_ENTITY: Final = regex.compile(r"[A-Z][A-Z_]{0,39}")  # what a placeholder can carry


def _check_terms(field: str, terms: tuple[str, ...], *, patterns: bool) -> None:
    if len(terms) > MAX_TERMS:
        raise ValueError(f"{field}: at most {MAX_TERMS} entries")
    for i, term in enumerate(terms):
        if not isinstance(term, str) or not term or len(term) > MAX_TERM:
            raise ValueError(f"{field}[{i}]: must be a non-empty string of <= {MAX_TERM} chars")
        if not patterns:
            continue
        if unsafe_nesting(term):
            raise ValueError(
                f"{field}[{i}]: a repeated group holds an unbounded repetition "
                "(catastrophic backtracking); bound the inner or outer quantifier"
            )
        try:
            regex.compile(term, regex.V0)
        except regex.error as exc:
            raise ValueError(f"{field}[{i}]: not a valid regular expression ({exc})") from exc


@dataclass(frozen=True, slots=True)
class AllowList:
    """Values never reported or masked, checked against each detected entity's whole text.

    Attributes:
        exact: Terms equal to the entity's text.
        case_insensitive: Terms equal to it ignoring case.
        regex: Linear-safe patterns that match all of it.
    """

    exact: tuple[str, ...] = ()
    case_insensitive: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_terms("exact", self.exact, patterns=False)
        _check_terms("case_insensitive", self.case_insensitive, patterns=False)
        _check_terms("regex", self.regex, patterns=True)


@dataclass(frozen=True, slots=True)
class DenyList:
    """Values always reported (and masked) as ``entity``.

    Attributes:
        entity: Entity type of the matches (``A-Z`` and ``_``, as a placeholder carries it).
        exact: Terms matched as written.
        case_insensitive: Terms matched ignoring case.
        regex: Linear-safe patterns; a match is at most ``MAX_DENY_MATCH`` characters.
    """

    entity: str
    exact: tuple[str, ...] = ()
    case_insensitive: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.entity, str) or _ENTITY.fullmatch(self.entity) is None:
            raise ValueError("entity: must be 1-40 capital letters or underscores, like PROJECT")
        _check_terms("exact", self.exact, patterns=False)
        _check_terms("case_insensitive", self.case_insensitive, patterns=False)
        _check_terms("regex", self.regex, patterns=True)


def _literal(term: str) -> str:
    # Whole words where the term begins or ends with a word character.
    head = r"(?<!\w)" if term[0].isalnum() or term[0] == "_" else ""
    tail = r"(?!\w)" if term[-1].isalnum() or term[-1] == "_" else ""
    return f"{head}{regex.escape(term)}{tail}"


class EntityLists:
    """The compiled allow list and deny lists of one detector.

    Args:
        allow: Values to drop from what was detected.
        deny: Values to report whatever was detected.

    Thread-safe: immutable after construction.
    """

    __slots__ = ("_allow_ci", "_allow_exact", "_allow_re", "_deny", "_deny_entities", "entities")

    def __init__(self, *, allow: AllowList | None, deny: Iterable[DenyList] = ()) -> None:
        allow = allow or AllowList()
        self._allow_exact = frozenset(allow.exact)
        self._allow_ci = frozenset(t.casefold() for t in allow.case_insensitive)
        self._allow_re = tuple(regex.compile(p, regex.V0) for p in allow.regex)
        rules: list[Rule] = []
        entities: list[str] = []
        for d in deny:
            for term in d.exact:
                rules.append(
                    Rule(d.entity, _literal(term), (lower_same_length(term),), len(term), regex.V0)
                )
            for term in d.case_insensitive:
                rules.append(
                    Rule(
                        d.entity,
                        _literal(term),
                        (lower_same_length(term),),
                        len(term),
                        regex.IGNORECASE | regex.V0,
                    )
                )
            for pat in d.regex:
                rules.append(Rule(d.entity, pat, (), MAX_DENY_MATCH, regex.V0))
            entities.append(d.entity)
        self._deny = RuleSet(rules) if rules else None
        self._deny_entities = tuple(dict.fromkeys(entities))
        self.entities = self._deny_entities

    @property
    def empty(self) -> bool:
        """True when neither list holds anything (``apply`` returns its input)."""
        return self._deny is None and not (self._allow_exact or self._allow_ci or self._allow_re)

    def allowed(self, value: str) -> bool:
        """Whether ``value`` (an entity's whole text) is on the allow list."""
        return (
            value in self._allow_exact
            or (bool(self._allow_ci) and value.casefold() in self._allow_ci)
            or any(p.fullmatch(value) is not None for p in self._allow_re)
        )

    def apply(self, text: str, entities: Sequence[Entity]) -> list[Entity]:
        """``entities`` without the allowed ones, plus every deny-list match, non-overlapping."""
        kept = [e for e in entities if not self.allowed(text[e.start : e.end])]
        if self._deny is None:
            return kept
        denied = [
            Entity(m.start(), m.end(), self._deny.rules[i].key, 1.0)
            for i, m in self._deny.matches(text)
            if m.end() > m.start()
        ]
        if not denied:
            return kept
        # A deny-list match wins over a detection it overlaps (the list is the user's word).
        denied = resolve_overlaps(denied)
        starts = [d.start for d in denied]
        out = list(denied)
        for e in kept:
            i = bisect.bisect_left(starts, e.end)
            if i == 0 or denied[i - 1].end <= e.start:
                out.append(e)
        return sorted(out, key=lambda x: x.start)
