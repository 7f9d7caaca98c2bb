"""``AttackRulesDetector``: fast, explainable prompt-attack rules over text and decoded views."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from genai_guard._results import Category, Finding, Outcome, Span
from genai_guard.context import Context
from genai_guard.detect._pattern_words import UNFOLDED, WordGate
from genai_guard.detect._rules import (
    CompiledRule,
    RuleSpec,
    SequenceTrigger,
    builtin_rule_specs,
    compile_rules,
    load_rule_file,
)
from genai_guard.taxonomy import finding

__all__ = ["AttackRulesDetector", "combine_scores"]

logger = logging.getLogger(__name__)

# The words the triggers are compared with: the [a-z0-9]+ runs of lowercased text. UTF-8 bytes of
# anything but [a-z0-9] become spaces (every byte of a multi-byte character is >= 0x80, so no part
# of one survives), then a plain ``split``: faster than a regex ``findall``.
_TOKEN_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def _tokens(low: str) -> list[str]:
    """The ``[a-z0-9]+`` runs of ``low``, in order."""
    raw = low.encode("utf-8", "surrogatepass").translate(_TOKEN_BYTES)
    return raw.decode("ascii").split()


_MAX_WINDOWS = 32
# Literals that share a punctuation character are found together in one pass over its
# occurrences, unless it occurs more than this many times per literal of the group.
_GROUP_SCAN_PER_LITERAL = 16
_GROUP_FROM = 2048
# From this length on a text's byte pairs are recorded (``pair_table``, a few microseconds):
# each absent literal then costs a few table reads instead of a search of the whole text.
_PAIR_TABLE_FROM = 1024
# A leading literal is matched at its first occurrences one by one; past this many, one search
# with the literal's variant of the pattern visits the rest inside ``regex``.
_MAX_MATCHES = 4
# Words of a text that talks about attacks (a security article, a question about detectors).
_DISCUSSION = re.compile(
    r"\b(?:prompt[- ]injections?|jailbreak(?:s|ing)?|injection\s+attacks?|attackers?|adversarial"
    r"|detect(?:or|ors|ion|s|ing)?|classifiers?|guardrails?|red[- ]team\w{0,3}|phrases?\s+like"
    r"|examples?\s+of|such\s+as|known\s+as|called)\b"
)
_QUOTES = '"“”«»„`'


def _quoted(text: str, span: Span) -> bool:
    """True when ``span`` starts inside a double-quoted (or backquoted) stretch of its line."""
    line_start = text.rfind("\n", 0, span.start) + 1
    before = text[line_start : span.start]
    return sum(before.count(q) for q in _QUOTES) % 2 == 1


UNMASKED_VIEW = "unmasked"


def _unmask(text: str, restorations: Mapping[str, str]) -> str:
    """``text`` with every placeholder it contains replaced by its original value."""
    if "<" not in text:
        return text
    for placeholder, value in restorations.items():
        if placeholder in text:
            text = text.replace(placeholder, value)
    return text


def combine_scores(weights: Iterable[float]) -> float:
    """Noisy-OR of independent pieces of evidence: ``1 - prod(1 - w)``.

    The detector feeds it the strongest hit of each rule family, so several families agreeing
    raise the score while near-duplicate rules of one family do not.
    """
    miss = 1.0
    for w in weights:
        miss *= 1.0 - min(1.0, max(0.0, w))
    return 1.0 - miss


# English letters from the most to the least frequent: a literal is first tested for its rarest
# character, a single-character search that is many times faster than a substring search.
_LETTER_ORDER = " etaoinsrhldcumfpgwybvkxjqz"


def _rarest_char(literal: str) -> str:
    """The character of ``literal`` least likely to occur in a text (a cheap presence test)."""

    def rank(c: str) -> int:
        if not c.isascii():
            return 0
        if c.isdigit():
            return 60
        i = _LETTER_ORDER.find(c)
        if i >= 0:
            return 100 - i  # space 100, e 99, ..., z 74
        return 80 if c in ".,'-:()" else 1

    return min(literal, key=rank)


class _Finder:
    """Occurrences of literals in one lowercased part, found once and shared by every rule.

    Every rule and pattern asks the same finder, so a literal (a trigger or a pattern's leading
    literal) is looked for at most once per text however many rules use it. A literal whose
    rarest character is absent is known absent after a single-character search; in a long text,
    one with a byte pair the text lacks (``table``) is known absent without any search.
    """

    __slots__ = (
        "_pairs",
        "codes",
        "done",
        "gated",
        "groups",
        "low",
        "pair_vocab",
        "rare",
        "seen",
        "sequences",
        "table",
        "tokens",
        "words",
    )

    def __init__(
        self,
        low: str,
        rare: Mapping[str, str],
        groups: Mapping[str, _Group] | None = None,
        table: bytearray | None = None,
        codes: Mapping[str, tuple[int, ...]] | None = None,
        *,
        pair_vocab: frozenset[tuple[str, str]] | None = None,
    ) -> None:
        self.low = low
        self.rare = rare
        # The byte pairs of a long text (``pair_table``) and those of each literal: a literal
        # with a pair the text lacks is absent, known without a search.
        self.table = table
        self.codes: Mapping[str, tuple[int, ...]] = codes or {}
        # In a short text a substring search is cheap: literals are grouped in long ones only.
        self.groups: Mapping[str, _Group] = (groups or {}) if len(low) >= _GROUP_FROM else {}
        self.seen: dict[str, list[int]] = {}
        self.done: set[str] = set()
        self.tokens = _tokens(low)
        self.words = set(self.tokens)
        # Only pairs the detector may ask about are kept (``None``: every pair).
        self.pair_vocab = pair_vocab
        self._pairs: frozenset[tuple[str, str]] | None = None
        self.sequences: dict[tuple[str, ...], list[int]] = {}
        # A letter that matches an ASCII letter case-insensitively but is no token character
        # would let a match hide from the tokens: such a text gets no word gate.
        self.gated = low.isascii() or not any(c in low for c in UNFOLDED)

    def possible(self, gate: WordGate) -> bool:
        """False when ``gate`` proves that its pattern cannot match in this part."""
        if not self.gated:
            return True
        words = self.words
        for group in gate.groups:
            if group.isdisjoint(words):
                return False
        for strings in gate.substrings:
            if not any(self.first(s, 1) for s in strings):
                return False
        if gate.pairs:
            pairs = self._pairs
            if pairs is None:
                pairs = self.pairs()
            for pair_group in gate.pairs:
                if pair_group.isdisjoint(pairs):
                    return False
        return True

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The pairs of consecutive tokens (those in ``pair_vocab``), built on first use."""
        pairs = self._pairs
        if pairs is None:
            vocab = self.pair_vocab
            consecutive = pairwise(self.tokens)
            pairs = frozenset(consecutive) if vocab is None else vocab.intersection(consecutive)
            self._pairs = pairs
        return pairs

    def occurrences(self, trigger: SequenceTrigger, timeout: float) -> list[int]:
        """Where a word-sequence trigger occurs: the first ``_MAX_WINDOWS + 1`` starts."""
        ps = self.sequences.get(trigger.words)
        if ps is None:
            ps = []
            for m in trigger.pattern.finditer(self.low, timeout=timeout):
                ps.append(m.start())
                if len(ps) > _MAX_WINDOWS:
                    break
            self.sequences[trigger.words] = ps
        return ps

    def first(self, lit: str, n: int) -> list[int]:
        """At least the first ``n`` positions of ``lit`` (all of them when there are fewer)."""
        ps = self.seen.get(lit)
        low = self.low
        if ps is None:
            table = self.table
            codes = None
            if table is not None:
                codes = self.codes.get(lit)
                if codes is not None:
                    for code in codes:
                        if not table[code]:
                            ps = self.seen[lit] = []
                            self.done.add(lit)
                            return ps
            group = self.groups.get(lit)
            if group is not None and self._find_group(group):
                return self.seen[lit]
            ps = self.seen[lit] = []
            c = self.rare.get(lit) if codes is None else None
            i = -1 if c is not None and c not in low else low.find(lit)
        elif len(ps) >= n or lit in self.done:
            return ps
        else:
            i = low.find(lit, ps[-1] + 1)
        while i >= 0:
            ps.append(i)
            if len(ps) >= n:
                return ps
            i = low.find(lit, i + 1)
        self.done.add(lit)
        return ps

    def _find_group(self, group: _Group) -> bool:
        """Find every literal of ``group`` in one pass over the occurrences of its character.

        All of them end (or start) with the same punctuation character; each occurrence of it
        is tested against all of them at once (``str.endswith`` with a tuple). False, and
        nothing recorded, when the character is too frequent for that to pay.
        """
        char, literals, at_end = group
        low = self.low
        hits: list[int] = []
        # One test per occurrence against one substring search per literal: past this many
        # occurrences the searches are cheaper.
        most = _GROUP_SCAN_PER_LITERAL * len(literals)
        j = low.find(char)
        while j >= 0:
            hits.append(j)
            if len(hits) > most:
                return False
            j = low.find(char, j + 1)
        found: dict[str, list[int]] = {lit: [] for lit in literals}
        for j in hits:
            if at_end:
                if low.endswith(literals, 0, j + 1):
                    for lit in literals:
                        if low.endswith(lit, 0, j + 1):
                            found[lit].append(j + 1 - len(lit))
            elif low.startswith(literals, j):
                for lit in literals:
                    if low.startswith(lit, j):
                        found[lit].append(j)
        for lit, ps in found.items():
            if lit not in self.seen:
                self.seen[lit] = ps
                self.done.add(lit)
        return True


# A word-sequence trigger: its words, its pairs of consecutive words, the rules it gates.
_SequenceEntry = tuple[frozenset[str], frozenset[tuple[str, str]], frozenset[int]]
# A literal group: its shared punctuation character, its literals, whether they end with it.
_Group = tuple[str, tuple[str, ...], bool]


def _literal_groups(literals: Iterable[str]) -> dict[str, _Group]:
    """Literals that share a last (else first) punctuation character, grouped by it.

    Characters frequent in ordinary text (``.``, ``,``, ``-``, quotes, markdown marks) make poor
    anchors and are not used.
    """
    by_key: dict[tuple[str, bool], list[str]] = {}
    for lit in sorted(literals):
        if len(lit) < 2 or not lit.isascii():
            continue
        if _anchor_char(lit[-1]):
            by_key.setdefault((lit[-1], True), []).append(lit)
        elif _anchor_char(lit[0]):
            by_key.setdefault((lit[0], False), []).append(lit)
    out: dict[str, _Group] = {}
    for (char, at_end), lits in by_key.items():
        if len(lits) > 1:
            for lit in lits:
                out[lit] = (char, tuple(lits), at_end)
    return out


def _anchor_char(c: str) -> bool:
    return not c.isalnum() and not c.isspace() and c not in _FREQUENT_PUNCTUATION


_FREQUENT_PUNCTUATION = frozenset(".,-'\"*#_`")


def _trigger_positions(
    rule: CompiledRule, finder: _Finder, words: set[str], timeout: float
) -> list[int]:
    """Where the rule's triggers occur; stops early past ``_MAX_WINDOWS``."""
    out: list[int] = []
    needles = [w for w in rule.word_triggers if w in words]
    needles.extend(rule.substring_triggers)  # absent ones add nothing
    for needle in needles:
        room = _MAX_WINDOWS + 1 - len(out)
        out.extend(finder.first(needle, room)[:room])
        if len(out) > _MAX_WINDOWS:
            return out
    for seq in rule.sequence_triggers:
        if words.issuperset(seq.words):
            room = _MAX_WINDOWS + 1 - len(out)
            out.extend(finder.occurrences(seq, timeout)[:room])
            if len(out) > _MAX_WINDOWS:
                return out
    return out


def _windows(positions: list[int], reach: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """Merged ``[p - reach, p + reach]`` ranges in text coordinates; the whole part if none.

    Many occurrences make one whole-part range: a single linear scan beats many small ones.
    """
    if not positions or len(positions) > _MAX_WINDOWS:
        return [(lo, hi)]
    out: list[tuple[int, int]] = []
    for p in sorted(positions):
        start, end = max(lo, lo + p - reach), min(hi, lo + p + reach)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _run_rule(  # noqa: PLR0917 - private hot-path helper; keywords would cost per call
    rule: CompiledRule,
    target: str,
    finder: _Finder,
    words: set[str],
    is_ascii: bool,
    lo: int,
    hi: int,
    timeout: float,
) -> tuple[Span, bool] | None:
    """First match of ``rule`` in ``target[lo:hi]``; a timeout is a hit (fail closed).

    ``finder`` looks up literals in the lowercased part ``[lo, hi)`` of the text (part
    coordinates); ``target`` is the string the patterns run on, whose offset ``lo`` is the part's
    start.
    """
    try:
        for anchored in rule.anchored:
            if not finder.possible(anchored.gate):
                continue
            present = [w for w in anchored.words if w in words]
            present.extend(anchored.ascii_others)
            if anchored.other_others and not is_ascii:
                present.extend(anchored.other_others)
            pattern = anchored.pattern
            literal_gates = anchored.literal_gates
            for lit in present:
                lit_gate = literal_gates.get(lit)
                if lit_gate is not None and not finder.possible(lit_gate):
                    continue  # no match can start at this literal: not looked for
                for k, i in enumerate(finder.first(lit, _MAX_MATCHES + 1)):
                    start = lo + i
                    # The timeout is passed by position: keywords cost a parse per call.
                    if k == _MAX_MATCHES:
                        # A frequent literal: one search visits the remaining occurrences.
                        variant = anchored.by_literal[lit]
                        m = variant.search(target, start, hi, None, False, timeout)
                        if m is not None:
                            return Span(m.start(), m.end()), False
                        break
                    m = pattern.match(target, start, hi, None, False, timeout)
                    if m is not None:
                        return Span(m.start(), m.end()), False
        if rule.floating is not None:
            each = rule.floating_each
            live = [pattern for pattern, gate in each if finder.possible(gate)]
            if live:
                if len(live) == len(each):
                    live = [rule.floating]  # one alternation scans a window once
                positions = _trigger_positions(rule, finder, words, timeout)
                for start, end in _windows(positions, rule.reach, lo, hi):
                    # The leftmost match in the window, as the alternation would find it.
                    best = None
                    for pattern in live:
                        m = pattern.search(target, start, end, None, False, timeout)
                        if m is not None and (best is None or m.start() < best.start()):
                            best = m
                    if best is not None:
                        return Span(best.start(), best.end()), False
    except TimeoutError:
        logger.warning("attack rule %s timed out; counted as a hit", rule.id)
        return Span(lo, hi), True
    return None


@dataclass(frozen=True, slots=True)
class _Hit:
    rule: CompiledRule
    span: Span
    view: str | None
    timed_out: bool = False


class AttackRulesDetector:
    """Prompt-attack rules in four categories, with a combined score per category.

    Every rule runs over the checked text and over every ``ctx.views`` item (decoded payloads from
    the sanitizers). A rule runs only when one of its trigger literals occurs in the lowercased
    text (one word split, a set intersection and a few substring tests per text). Each pattern is
    first checked against its word gate (words, consecutive word pairs and punctuation literals
    that every match contains, see ``word_gate``), which rules out most patterns of a long benign
    text without running them. A literal-led pattern is then matched only where its leading
    literals occur (one ``search`` of the literal's branches past a few occurrences), and a
    literal whose own branches' gate rules the text out is not looked for; any other
    pattern is searched within ``reach`` characters of each trigger occurrence. Literals and
    triggers are looked up once per text for all rules. At most
    ``max_scan_chars`` characters (head and tail halves) of a text are scanned; the outcome's
    ``data`` reports truncation. Each match runs with a ``regex`` timeout; a rule that times out
    counts as a hit (fail closed) and its finding says so in ``metadata``.

    Findings: one per rule hit (``rule_id`` = the rule's id, ``score`` = its weight, ``span`` in the
    text or the view) and one per category hit, ``attack.<category>``, whose score is the noisy-OR
    of the strongest hit of each family in that category (see ``combine_scores``).

    Args:
        name: Stage name (the policy step id).
        builtin: Load the rules shipped with genai-guard.
        extra_rules: More rules, as mappings in the rule format.
        rule_files: Paths of YAML rule files to add.
        disabled: Rule ids or id prefixes to leave out.
        timeout_s: Timeout of one regex match, in seconds.
        max_scan_chars: Most characters scanned per text or view (head and tail halves).
        quoted_discount: Factor applied to a hit that sits inside double quotes in a text that
            talks about attacks (a document quoting an attack to discuss it); 1.0 turns it off.

    Thread-safe: immutable after construction.
    """

    __slots__ = (
        "_always",
        "_codes",
        "_groups",
        "_other_subs",
        "_pair_table",
        "_pair_vocab",
        "_rare",
        "_seq_keys",
        "_seqs_by_key",
        "_sub_keys",
        "_subs_by_key",
        "_word_index",
        "_word_set",
        "_wordless_subs",
        "max_scan_chars",
        "name",
        "quoted_discount",
        "rules",
        "timeout_s",
    )

    def __init__(
        self,
        *,
        name: str = "attack_rules",
        builtin: bool = True,
        extra_rules: Sequence[RuleSpec | Mapping[str, Any]] = (),
        rule_files: Sequence[str | Path] = (),
        disabled: Sequence[str] = (),
        timeout_s: float = 0.05,
        max_scan_chars: int = 65_536,
        quoted_discount: float = 0.5,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if not 0.0 <= quoted_discount <= 1.0:
            raise ValueError("quoted_discount must be in [0, 1]")
        if max_scan_chars < 256:
            raise ValueError("max_scan_chars must be at least 256")
        specs: list[RuleSpec | Mapping[str, Any]] = []
        if builtin:
            specs.extend(builtin_rule_specs())
        for path in rule_files:
            specs.extend(load_rule_file(path))
        specs.extend(extra_rules)
        self.rules: tuple[CompiledRule, ...] = compile_rules(specs, disabled=disabled)
        self.name = name
        self.timeout_s = timeout_s
        self.max_scan_chars = max_scan_chars
        self.quoted_discount = quoted_discount
        words: dict[str, list[int]] = {}
        ascii_subs: dict[str, list[int]] = {}
        other_subs: dict[str, list[int]] = {}
        sequences: dict[tuple[str, ...], tuple[SequenceTrigger, list[int]]] = {}
        always: list[int] = []
        for i, rule in enumerate(self.rules):
            if not (rule.word_triggers or rule.substring_triggers or rule.sequence_triggers):
                always.append(i)
            for w in rule.word_triggers:
                words.setdefault(w, []).append(i)
            for seq in rule.sequence_triggers:
                sequences.setdefault(seq.words, (seq, []))[1].append(i)
            for s in rule.substring_triggers:
                (ascii_subs if s.isascii() else other_subs).setdefault(s, []).append(i)
        self._word_index: Mapping[str, tuple[int, ...]] = {k: tuple(v) for k, v in words.items()}
        self._word_set = frozenset(words)
        by_key: dict[str, list[tuple[str, frozenset[str], frozenset[int]]]] = {}
        wordless: list[tuple[str, frozenset[str], frozenset[int]]] = []
        for k, v in ascii_subs.items():
            tokens = _tokens(k)
            entry = (k, frozenset(tokens), frozenset(v))
            if tokens:
                by_key.setdefault(max(tokens, key=len), []).append(entry)
            else:
                wordless.append(entry)
        self._subs_by_key: Mapping[str, tuple[tuple[str, frozenset[str], frozenset[int]], ...]] = {
            k: tuple(v) for k, v in by_key.items()
        }
        self._sub_keys = frozenset(by_key)
        self._wordless_subs = tuple(wordless)
        self._other_subs = tuple(
            (k, frozenset(_tokens(k)), frozenset(v)) for k, v in other_subs.items()
        )
        self._always = tuple(always)
        # Word-sequence triggers, filed under their longest word like the substring triggers.
        seqs_by_key: dict[str, list[_SequenceEntry]] = {}
        for seq, idx in sequences.values():
            seq_entry = (frozenset(seq.words), seq.pairs, frozenset(idx))
            seqs_by_key.setdefault(max(seq.words, key=len), []).append(seq_entry)
        self._seqs_by_key: Mapping[str, tuple[_SequenceEntry, ...]] = {
            k: tuple(v) for k, v in seqs_by_key.items()
        }
        self._seq_keys = frozenset(seqs_by_key)
        # Every pair of consecutive words a gate or a trigger asks about: a text's pairs are
        # reduced to these (a smaller set, built faster, with the same answers).
        pair_vocab: set[tuple[str, str]] = set()
        for seq, _ in sequences.values():
            pair_vocab.update(seq.pairs)
        # Every literal the finder may be asked for: triggers, leading literals, gate strings.
        literals = set(ascii_subs) | set(other_subs)
        for rule in self.rules:
            for a in rule.anchored:
                literals.update(a.ascii_others, a.other_others)
            for gate in rule.gates():
                pair_vocab.update(*gate.pairs)
                literals.update(*gate.substrings)
        self._pair_vocab = frozenset(pair_vocab)
        self._rare: Mapping[str, str] = {lit: _rarest_char(lit) for lit in literals if len(lit) > 1}
        self._groups = _literal_groups(literals)
        from genai_guard.detect import _byte_pairs  # noqa: PLC0415 - imports numpy

        self._pair_table = _byte_pairs.pair_table
        self._codes: Mapping[str, tuple[int, ...]] = {
            lit: _byte_pairs.pair_codes(lit) for lit in literals if len(lit) > 1
        }

    def _candidates(self, finder: _Finder, words: set[str]) -> list[int]:
        """Indices of the rules whose triggers occur in the part (``words`` are its words)."""
        low = finder.low
        found: set[int] = set(self._always)
        index = self._word_index
        for w in self._word_set.intersection(words):
            found.update(index[w])
        # A word sequence occurs when its words do and each of its pairs is a pair of consecutive
        # words of the text: no search of the text.
        for key in self._seq_keys.intersection(words):
            for seq_words, seq_pairs, idx in self._seqs_by_key[key]:
                if (
                    not found.issuperset(idx)
                    and words.issuperset(seq_words)
                    and finder.pairs().issuperset(seq_pairs)
                ):
                    found.update(idx)
        # A substring trigger is looked for only when all its words are words of the text;
        # triggers are filed under one of their words, so most are never looked at.
        for key in self._sub_keys.intersection(words):
            for s, tokens, idx in self._subs_by_key[key]:
                if words.issuperset(tokens) and not found.issuperset(idx) and finder.first(s, 1):
                    found.update(idx)
        for s, _, idx in self._wordless_subs:
            if not found.issuperset(idx) and finder.first(s, 1):
                found.update(idx)
        if not low.isascii():
            for s, tokens, idx in self._other_subs:
                if words.issuperset(tokens) and not found.issuperset(idx) and finder.first(s, 1):
                    found.update(idx)
        return sorted(found)

    def _scan(self, text: str, view: str | None, hits: list[_Hit]) -> None:
        if len(text) > self.max_scan_chars:
            half = self.max_scan_chars // 2
            self._scan_part(text, 0, half, view, hits)
            self._scan_part(text, len(text) - half, len(text), view, hits)
        else:
            self._scan_part(text, 0, len(text), view, hits)

    def _scan_part(self, text: str, lo: int, hi: int, view: str | None, hits: list[_Hit]) -> None:
        part = text[lo:hi]
        low = part.lower()
        if len(low) != len(part):
            # Only U+0130 (dotted capital I) lowercases to two characters; keep the first, "i",
            # so that offsets in ``low`` and ``part`` agree.
            low = part.replace("\u0130", "i").lower()
        rules = self.rules
        timeout = self.timeout_s
        is_ascii = low.isascii()
        table = self._pair_table(low) if len(low) >= _PAIR_TABLE_FROM else None
        finder = _Finder(
            low, self._rare, self._groups, table, self._codes, pair_vocab=self._pair_vocab
        )
        words = finder.words
        for i in self._candidates(finder, words):
            rule = rules[i]
            # Lowercase rules run over ``low`` (same length, so offsets agree) without IGNORECASE.
            target, shift = (low, lo) if rule.on_lowercase else (text, 0)
            hit = _run_rule(rule, target, finder, words, is_ascii, lo - shift, hi - shift, timeout)
            if hit is not None:
                span = Span(hit[0].start + shift, hit[0].end + shift)
                hits.append(_Hit(rule, span, view, hit[1]))

    def warm_up(self) -> None:
        """Compile every per-literal variant now rather than on the first text that needs it.

        The variants compile on first use so that building the detector stays fast; a service
        calls this (or ``Pipeline.warm_up``) at start-up so that no request pays for a compile.
        """
        for rule in self.rules:
            for anchored in rule.anchored:
                anchored.by_literal.compile_all()

    def check(self, text: str, ctx: Context) -> Outcome:
        """Run the rules over ``text`` and ``ctx.views``.

        When an earlier masker replaced values with placeholders (``ctx.restorations``), the rules
        also run over the text with those values put back (view id ``unmasked``): a masked URL or
        IP address must not hide a server-side request forgery or an exfiltration target. The
        model still receives only the masked text.
        """
        hits: list[_Hit] = []
        sources: dict[str | None, str] = {None: text}
        self._scan(text, None, hits)
        for v in ctx.views:
            sources[v.id] = v.text
            self._scan(v.text, v.id, hits)
        if ctx.restorations:
            unmasked = _unmask(text, ctx.restorations)
            if unmasked != text:
                sources[UNMASKED_VIEW] = unmasked
                self._scan(unmasked, UNMASKED_VIEW, hits)
        truncated = len(text) > self.max_scan_chars or any(
            len(v.text) > self.max_scan_chars for v in ctx.views
        )
        data = {"truncated": True, "max_scan_chars": self.max_scan_chars} if truncated else None
        if not hits:
            return Outcome(data=data)
        findings: list[Finding] = []
        best: dict[Category, dict[str, float]] = {}
        discussed: dict[str | None, bool] = {}
        for h in hits:
            meta: dict[str, Any] = {"family": h.rule.family}
            weight = h.rule.weight
            if h.timed_out:
                meta["timeout"] = True
            elif self.quoted_discount < 1.0:
                src = sources[h.view]
                # Whether the text talks about attacks matters only for a quoted hit.
                if _quoted(src, h.span):
                    talks = discussed.get(h.view)
                    if talks is None:
                        talks = _DISCUSSION.search(src.lower()) is not None
                        discussed[h.view] = talks
                    if talks:
                        weight *= self.quoted_discount
                        meta["quoted"] = True
            findings.append(
                finding(
                    h.rule.id,
                    h.rule.category,
                    weight,
                    span=h.span,
                    message=h.rule.description,
                    view=h.view,
                    threat=h.rule.threat,
                    metadata=meta,
                )
            )
            fam = best.setdefault(h.rule.category, {})
            fam[h.rule.family] = max(fam.get(h.rule.family, 0.0), weight)
        for category, families in best.items():
            score = combine_scores(families.values())
            findings.append(
                finding(
                    f"attack.{category.value}",
                    category,
                    score,
                    message=(
                        f"{category.value}: {len(families)} rule "
                        f"{'family' if len(families) == 1 else 'families'} matched"
                    ),
                    metadata={"families": sorted(families)},
                )
            )
        return Outcome(findings=tuple(findings), data=data)
