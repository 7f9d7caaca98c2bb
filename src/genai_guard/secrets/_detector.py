"""``SecretsDetector``: credentials in prompts and answers, rule ids ``secret.<KIND>``.

Kinds: cloud keys (AWS access key ids and secret keys, GCP API keys and service-account private
keys, Azure storage keys and connection strings), API tokens with documented prefixes (GitHub,
Slack, OpenAI-style ``sk-``, Anthropic-style ``sk-ant-``, Stripe-style ``sk_live_``/``rk_live_``),
private-key blocks, JWTs, passwords in connection strings, and high-entropy values assigned to
key-like names (``api_key = "..."``). Every pattern is anchored on a literal prefix or a key-like
name and has bounded repetition; all of them run through one ``RuleSet`` (keyword, window,
confirm).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, ClassVar, Final

import regex
from annotated_types import Gt

from genai_guard._lines import LineBlockScanner, run_whole, shift_spans
from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard._ruleset import Rule, RuleSet
from genai_guard.context import Context, Direction
from genai_guard.errors import ConfigurationError, InputError
from genai_guard.taxonomy import finding

__all__ = ["SECRET_KINDS", "SecretsDetector"]


@dataclass(frozen=True, slots=True)
class _Secret:
    kind: str
    pattern: str
    score: float
    keywords: tuple[str, ...]  # every match contains one of these (lowercase)
    reach: int  # the longest a match extends before or after a keyword
    group: int = 0
    check: Callable[[str], bool] | None = None
    case_sensitive: bool = True


def _entropy(s: str) -> float:
    counts: dict[str, int] = {}
    for c in s:
        counts[c] = counts.get(c, 0) + 1
    n = len(s)
    return -sum(k / n * math.log2(k / n) for k in counts.values())


def _high_entropy(value: str) -> bool:
    if len(value) < 16:
        return False
    kinds = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return kinds >= 2 and _entropy(value) >= 3.5


# Reach: the longest a match extends on either side of a keyword occurrence (from the pattern's
# bounded repetitions), so the keyword window of ``RuleSet`` holds every match whole.
_SECRETS: Final = (
    _Secret(
        "AWS_ACCESS_KEY",
        r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b",
        1.0,
        ("akia", "asia", "agpa", "aida", "aroa", "anpa"),
        24,
    ),
    _Secret(
        "AWS_SECRET_KEY",
        r"aws.{0,20}?(?:secret|sk).{0,20}?(?:['\"=:]|[^\S\n])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        1.0,
        ("aws",),
        96,
        1,
        case_sensitive=False,
    ),
    _Secret("GCP_API_KEY", r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])", 1.0, ("aiza",), 40),
    _Secret(
        "GCP_SERVICE_ACCOUNT",
        r"\"type\"[^\S\n]{0,20}:[^\S\n]{0,20}\"service_account\"",
        0.9,
        ("service_account",),
        80,
    ),
    _Secret("AZURE_STORAGE_KEY", r"AccountKey=([A-Za-z0-9+/]{86}==)", 1.0, ("accountkey",), 100, 1),
    _Secret(
        "AZURE_CONNECTION_STRING",
        r"\bEndpoint=sb://[^\s;]{1,200};SharedAccessKeyName=[^\s;]{1,100};"
        r"SharedAccessKey=[A-Za-z0-9+/=]{20,400}",
        1.0,
        ("sharedaccesskey",),
        760,
    ),
    _Secret(
        "GITHUB_TOKEN",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
        1.0,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        270,
    ),
    _Secret("SLACK_TOKEN", r"\bxox[abposr]-[A-Za-z0-9-]{10,250}", 1.0, ("xox",), 260),
    _Secret(
        "SLACK_WEBHOOK",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{16,40}",
        1.0,
        ("hooks.slack.com",),
        120,
    ),
    _Secret("ANTHROPIC_KEY", r"\bsk-ant-[A-Za-z0-9_-]{20,200}", 1.0, ("sk-ant-",), 210),
    _Secret(
        "OPENAI_KEY",
        r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}",
        1.0,
        ("sk-",),
        220,
        check=lambda v: sum(c.isdigit() for c in v) >= 2,
    ),
    _Secret(
        "STRIPE_KEY",
        r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,99}\b",
        1.0,
        ("_live_", "_test_"),
        120,
    ),
    _Secret(
        "PRIVATE_KEY",
        r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----",
        1.0,
        ("private key",),
        110,
    ),
    _Secret(
        "JWT",
        r"\beyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{8,2000}",
        0.9,
        ("eyj",),
        14_010,
    ),
    _Secret(
        "CONNECTION_STRING_PASSWORD",
        r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]{1,100}:([^\s@/]{1,200})@[^\s/]{1,200}",
        1.0,
        ("://",),
        530,
        1,
        check=lambda v: v not in ("password", "****", "<password>", "pass"),
        case_sensitive=False,
    ),
    _Secret(
        "PASSWORD_ASSIGNMENT",
        r"(?:password|passwd|pwd)[=:][^\S\n]{0,3}['\"]?([^\s'\";,]{6,200})",
        0.9,
        ("password", "passwd", "pwd"),
        215,
        1,
        case_sensitive=False,
    ),
    _Secret(
        "GENERIC_KEY_ASSIGNMENT",
        r"(?:api[_-]?key|apikey|secret|token|access[_-]?key|auth|"
        r"credential|private[_-]?key)[\w.-]{0,20}['\"]?[^\S\n]{0,3}[:=]{1,2}[^\S\n]{0,3}['\"]?"
        r"([A-Za-z0-9_\-+/=.]{16,400})",
        0.8,
        ("key", "secret", "token", "auth", "credential"),
        460,
        1,
        _high_entropy,
        case_sensitive=False,
    ),
)

SECRET_KINDS: Final = tuple(s.kind for s in _SECRETS)


def _rule(s: _Secret) -> Rule:
    flags = regex.VERSION0 if s.case_sensitive else regex.IGNORECASE | regex.VERSION0
    return Rule(s.kind, s.pattern, s.keywords, s.reach, flags)


class SecretsDetector:
    """Find credentials in the text and in every view of the context.

    The kinds' patterns run through one ``RuleSet``: a keyword pass finds where a kind can occur
    and its pattern confirms in a bounded window there, so the cost is linear in the text.

    Args:
        name: Stage name.
        kinds: Which kinds to look for (default: all of ``SECRET_KINDS``).
        max_chars: Longer texts (prompts, views and answers alike, whole or streamed) raise
            ``InputError``, a stage error handled by the step's ``on_error`` (fail closed).

    Findings carry the kind and span, never the secret. Thread-safe: immutable.
    """

    default_on_fail: ClassVar[Action] = Action.BLOCK
    __slots__ = ("_rules", "_secrets", "max_chars", "name")

    def __init__(
        self,
        name: str = "secrets",
        *,
        kinds: tuple[str, ...] | list[str] | None = None,
        max_chars: Annotated[int, Gt(0)] = 200_000,
    ) -> None:
        wanted = set(SECRET_KINDS if kinds is None else kinds)
        unknown = wanted - set(SECRET_KINDS)
        if unknown:
            raise ConfigurationError(f"unknown secret kinds {sorted(unknown)}")
        if max_chars < 1:
            raise ConfigurationError("max_chars must be positive")
        self.name = name
        self.max_chars = max_chars
        self._secrets = tuple(s for s in _SECRETS if s.kind in wanted)
        self._rules = RuleSet(_rule(s) for s in self._secrets)

    def __repr__(self) -> str:
        return f"SecretsDetector(name={self.name!r}, kinds={len(self._secrets)})"

    def find(self, text: str, *, view: str | None = None) -> list[Finding]:
        """Findings for one text.

        Raises:
            InputError: The text is longer than ``max_chars``.
        """
        if len(text) > self.max_chars:
            raise InputError(f"text of {len(text)} chars exceeds max_chars={self.max_chars}")
        return self._find(text, view)

    def _find(self, text: str, view: str | None = None) -> list[Finding]:
        out: list[Finding] = []
        # Spans taken so far: disjoint, sorted by start (a bisect keeps the overlap test cheap).
        starts: list[int] = []
        ends: list[int] = []
        secrets = self._secrets
        for i, m in self._rules.matches(text):
            s = secrets[i]
            start, end = m.span(s.group)
            if s.check is not None and not s.check(m.group(s.group)):
                continue
            at = bisect.bisect_left(starts, start)
            if (at and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
                continue
            starts.insert(at, start)
            ends.insert(at, end)
            out.append(
                finding(
                    f"secret.{s.kind}",
                    Category.SECRET,
                    s.score,
                    span=Span(start, end),
                    view=view,
                    message=f"{s.kind} found",
                    metadata={"kind": s.kind},
                )
            )
        return out

    def check(self, text: str, ctx: Context) -> Outcome:
        """Findings for the text and each view.

        On output the check is the streaming scan run over the whole text, so a streamed answer
        and the same answer checked whole get the same findings (and the same size limit).
        """
        if ctx.direction is Direction.OUTPUT:
            return run_whole(self.open_stream(ctx), text)
        found = self.find(text)
        for v in ctx.views:
            found.extend(self.find(v.text, view=v.id))
        return Outcome(findings=tuple(found)) if found else Outcome()

    def open_stream(self, ctx: Context) -> LineBlockScanner:
        """A scanner that checks a stream line by line (secrets never span a line break).

        A stream longer than ``max_chars`` raises ``InputError`` from the ``feed`` that crosses it.
        """
        return LineBlockScanner(
            lambda unit, offset: shift_spans(self._find(unit), offset), max_chars=self.max_chars
        )
