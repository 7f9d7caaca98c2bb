"""Dangerous shell, scripts and SQL in a model's answer.

An answer may hand the user (or an agent that executes it) a command that destroys data, downloads
and runs code, opens a reverse shell, turns security off, or drops tables. ``UnsafeCodeValidator``
matches a curated set of such patterns line by line (case-insensitive, bounded patterns run by the
``regex`` module with a timeout).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import finding
from genai_guard.validate._scanning import LineScanner, run_whole

__all__ = ["UNSAFE_CODE_RULES", "UnsafeCodeValidator"]

_TIMEOUT = 0.25

# rule suffix -> (pattern, message). Patterns are bounded ({m,n}) and anchored on literals.
UNSAFE_CODE_RULES: dict[str, tuple[str, str]] = {
    "destructive_rm": (
        r"\brm\s+(?:-{1,2}[a-z-]{0,20}\s+){0,4}"
        r"(?:-[a-z]{0,5}r[a-z]{0,5}f[a-z]{0,5}|-[a-z]{0,5}f[a-z]{0,5}r[a-z]{0,5}"
        r"|--recursive\s+--force|--force\s+--recursive)\s+"
        r"(?:--no-preserve-root\s+)?(?:/\*?|~/?\*?|\$HOME/?\*?|\*|/(?:etc|usr|var|home|boot|bin)/?\*?)"
        r"(?=\s|$|[;&|'\"`)])",
        "recursive forced delete of a root, home or system directory",
    ),
    "disk_wipe": (
        r"\bmkfs(?:\.[a-z0-9]{1,10})?\s+/dev/|\bdd\s+[^\n]{0,200}\bof=/dev/(?:sd|nvme|hd|xvd|vd|disk)"
        r"|>\s*/dev/sd[a-z]\b|\bshred\s+[^\n]{0,100}/dev/",
        "overwrites a disk or device",
    ),
    "fork_bomb": (r":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:", "a fork bomb"),
    "pipe_to_shell": (
        r"\b(?:curl|wget|fetch|iwr|invoke-webrequest)\b[^\n|]{0,400}\|\s*(?:sudo\s+)?"
        r"(?:ba|z|k|da|fi)?sh\b|\b(?:curl|wget)\b[^\n|]{0,400}\|\s*(?:sudo\s+)?"
        r"(?:python[23]?|perl|ruby|node)\b|\biex\s*\(\s*(?:new-object\s+net\.webclient|iwr|"
        r"invoke-webrequest)|\b(?:ba)?sh\s+(?:-c\s+)?[\"']?\$\(\s*(?:curl|wget)\b",
        "downloads code and pipes it into an interpreter",
    ),
    "download_exec": (
        r"\b(?:wget|curl)\b[^\n]{1,400}(?:&&|;)\s*(?:sudo\s+)?chmod\s+(?:[+]x|[0-7]?[75][0-7]{2})"
        r"\s+[^\n]{1,200}(?:&&|;)\s*(?:sudo\s+)?(?:\./|/tmp/|sh\s|bash\s)",
        "downloads a file, makes it executable and runs it",
    ),
    "reverse_shell": (
        r"/dev/(?:tcp|udp)/[\w.-]{1,253}/\d{1,5}"
        r"|\b(?:nc|ncat|netcat)\b[^\n]{0,200}\s-[a-z]{0,3}[ec]\s+(?:/bin/)?(?:ba)?sh\b"
        r"|\bsocat\b[^\n]{0,200}\bexec:[^\n]{0,50}\bsh\b"
        r"|\bmkfifo\b[^\n]{0,200}\b(?:nc|ncat|netcat)\b"
        r"|socket\.socket\([^\n]{0,400}(?:os\.dup2|pty\.spawn|subprocess\.call)"
        r"|\bnew-object\s+system\.net\.sockets\.tcpclient\b",
        "opens a reverse shell",
    ),
    "disable_security": (
        r"\bsetenforce\s+0\b|\bufw\s+disable\b"
        r"|\bsystemctl\s+(?:stop|disable|mask)\s+(?:firewalld|apparmor|auditd|ufw|selinux)\b"
        r"|\bset-mppreference\b[^\n]{0,100}-disable(?:realtimemonitoring|behaviormonitoring|"
        r"ioavprotection|scriptscanning)\s+\$?(?:true|1)\b"
        r"|\bnetsh\s+advfirewall\s+set\s+\w{1,20}\s+state\s+off\b"
        r"|\biptables\s+-F\b|\bchmod\s+(?:-R\s+)?0?777\s+/(?:\s|$|etc\b)"
        r"|\bsed\s+[^\n]{0,50}SELINUX=disabled",
        "disables a security control",
    ),
    "destructive_sql": (
        r"\bdrop\s+(?:table|database|schema)\s+(?:if\s+exists\s+)?[\w.\"`\[\]]{1,128}"
        r"|\btruncate\s+(?:table\s+)?[\w.\"`\[\]]{1,128}\s*(?:;|$)"
        r"|\bdelete\s+from\s+[\w.\"`\[\]]{1,128}\s*(?:;|$)",
        "destructive SQL (DROP, TRUNCATE, DELETE without WHERE)",
    ),
}


# Cheap prefilter: a rule's regex runs on a unit only if the lower-cased unit contains one of these.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "destructive_rm": ("rm ", "rm\t"),
    "disk_wipe": ("mkfs", "/dev/", "shred"),
    "fork_bomb": (":(",),
    "pipe_to_shell": ("curl", "wget", "fetch", "iwr", "invoke-webrequest", "iex"),
    "download_exec": ("chmod",),
    "reverse_shell": ("/dev/tcp", "/dev/udp", "nc ", "ncat", "netcat", "socat", "mkfifo", "socket"),
    "disable_security": (
        "setenforce", "ufw", "systemctl", "mppreference", "netsh", "iptables", "chmod", "selinux",
    ),
    "destructive_sql": ("drop", "truncate", "delete"),
}  # fmt: skip


_ANY_KEYWORD = re.compile("|".join(re.escape(k) for ks in _KEYWORDS.values() for k in ks))


@dataclass(frozen=True, slots=True, init=False)
class UnsafeCodeValidator:
    """Flags (or blocks) dangerous commands and SQL in output.

    Findings: ``output.unsafe_code.<rule>`` (``INFRASTRUCTURE_ATTACK``, score 0.9) for the rules
    of ``UNSAFE_CODE_RULES``: ``destructive_rm``, ``disk_wipe``, ``fork_bomb``, ``pipe_to_shell``,
    ``download_exec``, ``reverse_shell``, ``disable_security``, ``destructive_sql``. The default
    action is ``flag`` (answers about administration legitimately contain some of these); make the
    step ``block`` where answers feed an executing agent. Streams line by line. Thread-safe.

    Args:
        name: Stage name.
        rules: Rule names to use; default all.
    """

    name: str
    rules: tuple[str, ...]
    _patterns: tuple[tuple[str, str, regex.Pattern[str], tuple[str, ...]], ...]
    default_on_fail = Action.FLAG

    def __init__(self, name: str = "unsafe_code", *, rules: Sequence[str] | None = None) -> None:
        chosen = tuple(UNSAFE_CODE_RULES) if rules is None else tuple(rules)
        unknown = [r for r in chosen if r not in UNSAFE_CODE_RULES]
        if unknown:
            raise ConfigurationError(f"unknown unsafe_code rules {unknown}")
        compiled = tuple(
            (
                r,
                UNSAFE_CODE_RULES[r][1],
                regex.compile(UNSAFE_CODE_RULES[r][0], regex.I | regex.M),
                _KEYWORDS[r],
            )
            for r in chosen
        )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "rules", chosen)
        object.__setattr__(self, "_patterns", compiled)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Find dangerous code in the whole text."""
        return run_whole(self.open_stream(ctx), text)

    def open_stream(self, ctx: Context) -> LineScanner:
        """A line scanner for one stream."""
        return LineScanner(self._scan)

    def _scan(self, unit: str, offset: int) -> list[Finding]:
        found: list[Finding] = []
        low = unit.lower()
        if _ANY_KEYWORD.search(low) is None:
            return found
        for rule, message, pattern, keywords in self._patterns:
            if not any(k in low for k in keywords):
                continue
            for m in pattern.finditer(unit, timeout=_TIMEOUT):
                found.append(
                    finding(
                        f"output.unsafe_code.{rule}",
                        Category.INFRASTRUCTURE_ATTACK,
                        0.9,
                        span=Span(offset + m.start(), offset + m.end()),
                        message=message,
                    )
                )
        return found
