"""``SecretsDetector``: credentials in prompts and answers, rule ids ``secret.<KIND>``.

Kinds: cloud keys (AWS access key ids and secret keys, GCP API keys and service-account private
keys, Azure storage keys and connection strings), API tokens with documented prefixes (GitHub,
Slack, OpenAI-style ``sk-``, Anthropic-style ``sk-ant-``, Stripe-style ``sk_live_``/``rk_live_``),
private-key blocks, JWTs, passwords in connection strings, and high-entropy values assigned to
key-like names (``api_key = "..."``). Every pattern is anchored on a literal prefix or a key-like
name and has bounded repetition; each runs only when its literal prefix occurs in the text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, ClassVar, Final

from annotated_types import Gt

from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard.context import Context, Direction
from genai_guard.errors import ConfigurationError, InputError
from genai_guard.taxonomy import finding
from genai_guard.validate._scanning import LineScanner, run_whole, shift_spans

__all__ = ["SECRET_KINDS", "SecretsDetector"]


@dataclass(frozen=True, slots=True)
class _Secret:
    kind: str
    pattern: re.Pattern[str]
    score: float
    needles: tuple[str, ...]  # the pattern runs only if one of these occurs (case-insensitive)
    group: int = 0
    check: Callable[[str], bool] | None = None


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


def _c(p: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(p, flags)


_I = re.IGNORECASE
_SECRETS: Final = (
    _Secret(
        "AWS_ACCESS_KEY",
        _c(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b"),
        1.0,
        ("akia", "asia", "agpa", "aida", "aroa", "anpa"),
    ),
    _Secret(
        "AWS_SECRET_KEY",
        _c(r"aws.{0,20}?(?:secret|sk).{0,20}?['\"=:\s]([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])", _I),
        1.0,
        ("aws",),
        1,
    ),
    _Secret("GCP_API_KEY", _c(r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])"), 1.0, ("aiza",)),
    _Secret(
        "GCP_SERVICE_ACCOUNT", _c(r"\"type\"\s*:\s*\"service_account\""), 0.9, ("service_account",)
    ),
    _Secret("AZURE_STORAGE_KEY", _c(r"AccountKey=([A-Za-z0-9+/]{86}==)"), 1.0, ("accountkey",), 1),
    _Secret(
        "AZURE_CONNECTION_STRING",
        _c(
            r"\bEndpoint=sb://[^\s;]{1,200};SharedAccessKeyName=[^\s;]{1,100};"
            r"SharedAccessKey=[A-Za-z0-9+/=]{20,}"
        ),
        1.0,
        ("sharedaccesskey",),
    ),
    _Secret(
        "GITHUB_TOKEN",
        _c(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        1.0,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _Secret("SLACK_TOKEN", _c(r"\bxox[abposr]-[A-Za-z0-9-]{10,250}"), 1.0, ("xox",)),
    _Secret(
        "SLACK_WEBHOOK",
        _c(
            r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{16,40}"
        ),
        1.0,
        ("hooks.slack.com",),
    ),
    _Secret("ANTHROPIC_KEY", _c(r"\bsk-ant-[A-Za-z0-9_-]{20,200}"), 1.0, ("sk-ant-",)),
    _Secret(
        "OPENAI_KEY",
        _c(r"\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}"),
        1.0,
        ("sk-",),
        check=lambda v: sum(c.isdigit() for c in v) >= 2,
    ),
    _Secret(
        "STRIPE_KEY",
        _c(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,99}\b"),
        1.0,
        ("_live_", "_test_"),
    ),
    _Secret(
        "PRIVATE_KEY",
        _c(r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----"),
        1.0,
        ("private key",),
    ),
    _Secret(
        "JWT",
        _c(r"\beyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{8,2000}"),
        0.9,
        ("eyj",),
    ),
    _Secret(
        "CONNECTION_STRING_PASSWORD",
        _c(r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@]{1,100}:([^\s@/]{1,200})@[^\s/]{1,200}", _I),
        1.0,
        ("://",),
        1,
        check=lambda v: v not in ("password", "****", "<password>", "pass"),
    ),
    _Secret(
        "PASSWORD_ASSIGNMENT",
        _c(r"(?:password|passwd|pwd)[=:]\s{0,3}['\"]?([^\s'\";,]{6,200})", _I),
        0.9,
        ("password", "passwd", "pwd"),
        1,
    ),
    _Secret(
        "GENERIC_KEY_ASSIGNMENT",
        _c(
            r"(?:api[_-]?key|apikey|secret|token|access[_-]?key|auth|"
            r"credential|private[_-]?key)[\w.-]{0,20}['\"]?\s{0,3}[:=]{1,2}\s{0,3}['\"]?"
            r"([A-Za-z0-9_\-+/=.]{16,400})",
            _I,
        ),
        0.8,
        ("key", "secret", "token", "auth", "credential"),
        1,
        _high_entropy,
    ),
)

SECRET_KINDS: Final = tuple(s.kind for s in _SECRETS)


class SecretsDetector:
    """Find credentials in the text and in every view of the context.

    Args:
        name: Stage name.
        kinds: Which kinds to look for (default: all of ``SECRET_KINDS``).
        max_chars: Longer texts raise ``InputError`` (fail closed).

    Findings carry the kind and span, never the secret. Thread-safe: immutable.
    """

    default_on_fail: ClassVar[Action] = Action.BLOCK
    __slots__ = ("_secrets", "max_chars", "name")

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
        self.name = name
        self.max_chars = max_chars
        self._secrets = tuple(s for s in _SECRETS if s.kind in wanted)

    def __repr__(self) -> str:
        return f"SecretsDetector(name={self.name!r}, kinds={len(self._secrets)})"

    def find(self, text: str, *, view: str | None = None) -> list[Finding]:
        """Findings for one text."""
        if len(text) > self.max_chars:
            raise InputError(f"text of {len(text)} chars exceeds max_chars={self.max_chars}")
        lower = text.lower()
        out: list[Finding] = []
        taken: list[tuple[int, int]] = []
        for s in self._secrets:
            if not any(n in lower for n in s.needles):
                continue
            for m in s.pattern.finditer(text):
                start, end = m.span(s.group)
                if s.check is not None and not s.check(m.group(s.group)):
                    continue
                if any(start < b and a < end for a, b in taken):
                    continue
                taken.append((start, end))
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
        and the same answer checked whole get the same findings.
        """
        if ctx.direction is Direction.OUTPUT:
            return run_whole(self.open_stream(ctx), text)
        found = self.find(text)
        for v in ctx.views:
            found.extend(self.find(v.text, view=v.id))
        return Outcome(findings=tuple(found)) if found else Outcome()

    def open_stream(self, ctx: Context) -> LineScanner:
        """A scanner that checks a stream line by line (secrets never span a line break)."""
        return LineScanner(lambda unit, offset: shift_spans(self.find(unit), offset))
