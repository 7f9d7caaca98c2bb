"""Dangerous shell, scripts and SQL in a model's answer.

An answer may hand the user (or an agent that executes it) a command that destroys data, downloads
and runs code, opens a reverse shell, turns security off, or drops tables. ``UnsafeCodeValidator``
matches a curated set of such patterns line by line through one ``RuleSet`` (case-insensitive,
bounded patterns confirmed around their keywords; no time-out decides anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from genai_guard._lines import LineBlockScanner, run_whole
from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard._ruleset import Rule, RuleSet
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError
from genai_guard.taxonomy import finding

__all__ = ["UNSAFE_CODE_RULES", "UnsafeCodeValidator"]

# rule suffix -> (pattern, message). Every repetition is bounded ({m,n}), so a match has a
# bounded length (the rule's reach below).
UNSAFE_CODE_RULES: dict[str, tuple[str, str]] = {
    "destructive_rm": (
        r"\brm[^\S\n]{1,20}(?:-{1,2}[a-z-]{0,20}[^\S\n]{1,20}){0,4}"
        r"(?:-[a-z]{0,5}r[a-z]{0,5}f[a-z]{0,5}|-[a-z]{0,5}f[a-z]{0,5}r[a-z]{0,5}"
        r"|--recursive[^\S\n]{1,20}--force|--force[^\S\n]{1,20}--recursive)[^\S\n]{1,20}"
        r"(?:--no-preserve-root[^\S\n]{1,20})?"
        r"(?:/\*?|~/?\*?|\$HOME/?\*?|\*|/(?:etc|usr|var|home|boot|bin)/?\*?)"
        r"(?=[^\S\n]|$|[;&|'\"`)])",
        "recursive forced delete of a root, home or system directory",
    ),
    "disk_wipe": (
        r"\bmkfs(?:\.[a-z0-9]{1,10})?[^\S\n]{1,20}/dev/"
        r"|\bdd[^\S\n]{1,20}[^\n]{0,200}\bof=/dev/(?:sd|nvme|hd|xvd|vd|disk)"
        r"|>[^\S\n]{0,20}/dev/sd[a-z]\b|\bshred[^\S\n]{1,20}[^\n]{0,100}/dev/",
        "overwrites a disk or device",
    ),
    "fork_bomb": (
        r":\(\)[^\S\n]{0,20}\{[^\S\n]{0,20}:[^\S\n]{0,20}\|[^\S\n]{0,20}:[^\S\n]{0,20}&[^\S\n]{0,20}\}[^\S\n]{0,20};[^\S\n]{0,20}:",
        "a fork bomb",
    ),
    "pipe_to_shell": (
        r"\b(?:curl|wget|fetch|iwr|invoke-webrequest)\b[^\n|]{0,400}\|[^\S\n]{0,20}(?:sudo[^\S\n]{1,20})?"
        r"(?:ba|z|k|da|fi)?sh\b|\b(?:curl|wget)\b[^\n|]{0,400}\|[^\S\n]{0,20}(?:sudo[^\S\n]{1,20})?"
        r"(?:python[23]?|perl|ruby|node)\b|\biex[^\S\n]{0,20}\([^\S\n]{0,20}(?:new-object[^\S\n]{1,20}"
        r"net\.webclient|iwr|invoke-webrequest)"
        r"|\b(?:ba)?sh[^\S\n]{1,20}(?:-c[^\S\n]{1,20})?[\"']?\$\([^\S\n]{0,20}(?:curl|wget)\b"
        # An earlier pipe on the line (inside $(...)) must not hide the final "| sh".
        r"|\b(?:curl|wget)\b[^\n]{0,400}?\|[^\S\n]{0,20}(?:sudo[^\S\n]{1,20})?"
        r"(?:ba|z|k|da|fi)?sh\b(?![\w.-])",
        "downloads code and pipes it into an interpreter",
    ),
    "credential_exfil": (
        r"\b(?:curl|wget|nc|ncat|scp|ftp|sftp|rsync|invoke-webrequest|iwr)\b[^\n]{0,400}?"
        r"(?:\.aws/credentials|\.ssh/id_[a-z0-9]{1,10}|\.netrc|\.kube/config|/etc/shadow"
        r"|\.docker/config\.json|\.git-credentials|\.npmrc|\.pypirc)"
        r"|(?:\.aws/credentials|\.ssh/id_[a-z0-9]{1,10}|\.netrc|\.kube/config|/etc/shadow"
        r"|\.docker/config\.json|\.git-credentials|\.npmrc|\.pypirc)[^\n]{0,400}?"
        r"\b(?:curl|wget|nc|ncat|scp|ftp|sftp|rsync|invoke-webrequest|iwr)\b",
        "sends a credentials file over the network",
    ),
    "download_exec": (
        r"\b(?:wget|curl)\b[^\n]{1,400}(?:&&|;)[^\S\n]{0,20}(?:sudo[^\S\n]{1,20})?chmod[^\S\n]{1,20}"
        r"(?:[+]x|[0-7]?[75][0-7]{2})"
        r"[^\S\n]{1,20}[^\n]{1,200}(?:&&|;)[^\S\n]{0,20}(?:sudo[^\S\n]{1,20})?(?:\./|/tmp/|sh[^\S\n]|bash[^\S\n])",
        "downloads a file, makes it executable and runs it",
    ),
    "reverse_shell": (
        r"/dev/(?:tcp|udp)/[\w.-]{1,253}/\d{1,5}"
        r"|\b(?:nc|ncat|netcat)\b[^\n]{0,200}[^\S\n]-[a-z]{0,3}[ec][^\S\n]{1,20}(?:/bin/)?(?:ba)?sh\b"
        r"|\bsocat\b[^\n]{0,200}\bexec:[^\n]{0,50}\bsh\b"
        r"|\bmkfifo\b[^\n]{0,200}\b(?:nc|ncat|netcat)\b"
        r"|socket\.socket\([^\n]{0,400}(?:os\.dup2|pty\.spawn|subprocess\.call)"
        r"|\bnew-object[^\S\n]{1,20}system\.net\.sockets\.tcpclient\b",
        "opens a reverse shell",
    ),
    "disable_security": (
        r"\bsetenforce[^\S\n]{1,20}0\b|\bufw[^\S\n]{1,20}disable\b"
        r"|\bsystemctl[^\S\n]{1,20}(?:stop|disable|mask)[^\S\n]{1,20}"
        r"(?:firewalld|apparmor|auditd|ufw|selinux)\b"
        r"|\bset-mppreference\b[^\n]{0,100}-disable(?:realtimemonitoring|behaviormonitoring|"
        r"ioavprotection|scriptscanning)[^\S\n]{1,20}\$?(?:true|1)\b"
        r"|\bnetsh[^\S\n]{1,20}advfirewall[^\S\n]{1,20}set[^\S\n]{1,20}\w{1,20}[^\S\n]{1,20}state[^\S\n]{1,20}off\b"
        r"|\biptables[^\S\n]{1,20}-F\b|\bchmod[^\S\n]{1,20}(?:-R[^\S\n]{1,20})?0?777[^\S\n]{1,20}/(?:[^\S\n]|$|etc\b)"
        r"|\bsed[^\S\n]{1,20}[^\n]{0,50}SELINUX=disabled",
        "disables a security control",
    ),
    "destructive_sql": (
        r"\bdrop[^\S\n]{1,20}(?:table|database|schema)[^\S\n]{1,20}(?:if[^\S\n]{1,20}exists[^\S\n]{1,20})?"
        r"[\w.\"`\[\]]{1,128}"
        r"|\btruncate[^\S\n]{1,20}(?:table[^\S\n]{1,20})?[\w.\"`\[\]]{1,128}[^\S\n]{0,20}(?:;|$)"
        r"|\bdelete[^\S\n]{1,20}from[^\S\n]{1,20}[\w.\"`\[\]]{1,128}[^\S\n]{0,20}(?:;|$)",
        "destructive SQL (DROP, TRUNCATE, DELETE without WHERE)",
    ),
}


# Per rule: literals every match contains (lowercase; the RuleSet's keyword step) and the reach
# (the longest a match extends on either side of one, from the bounded repetitions above).
_WHERE: dict[str, tuple[tuple[str, ...], int]] = {
    "destructive_rm": (("rm",), 320),
    "disk_wipe": (("mkfs", "/dev/"), 260),
    "fork_bomb": ((":(",), 200),
    "pipe_to_shell": (("curl", "wget", "fetch", "iwr", "invoke-webrequest", "iex"), 500),
    "credential_exfil": (
        (".aws/credentials", ".ssh/id_", ".netrc", ".kube/config", "/etc/shadow",
         ".docker/config.json", ".git-credentials", ".npmrc", ".pypirc"),
        460,
    ),
    "download_exec": (("chmod",), 900),
    "reverse_shell": (("/dev/tcp", "/dev/udp", "nc", "netcat", "socat", "mkfifo", "socket"), 480),
    "disable_security": (
        ("setenforce", "ufw", "systemctl", "mppreference", "netsh", "iptables", "chmod",
         "selinux"),
        260,
    ),
    "destructive_sql": (("drop", "truncate", "delete"), 340),
}  # fmt: skip

_FLAGS = regex.IGNORECASE | regex.MULTILINE | regex.VERSION0


@dataclass(frozen=True, slots=True, init=False)
class UnsafeCodeValidator:
    """Flags (or blocks) dangerous commands and SQL in output.

    Findings: ``output.unsafe_code.<rule>`` (``INFRASTRUCTURE_ATTACK``, score 0.9) for the rules
    of ``UNSAFE_CODE_RULES``: ``destructive_rm``, ``disk_wipe``, ``fork_bomb``, ``pipe_to_shell``,
    ``credential_exfil`` (a credentials file and a network command on one line),
    ``download_exec``, ``reverse_shell``, ``disable_security``, ``destructive_sql``. The default
    action is ``flag`` (answers about administration legitimately contain some of these); make the
    step ``block`` where answers feed an executing agent. Streams line by line. Thread-safe.

    Args:
        name: Stage name.
        rules: Rule names to use; default all.
    """

    name: str
    rules: tuple[str, ...]
    _ruleset: RuleSet
    default_on_fail = Action.FLAG

    def __init__(self, name: str = "unsafe_code", *, rules: Sequence[str] | None = None) -> None:
        chosen = tuple(UNSAFE_CODE_RULES) if rules is None else tuple(rules)
        unknown = [r for r in chosen if r not in UNSAFE_CODE_RULES]
        if unknown:
            raise ConfigurationError(f"unknown unsafe_code rules {unknown}")
        ruleset = RuleSet(
            Rule(r, UNSAFE_CODE_RULES[r][0], _WHERE[r][0], _WHERE[r][1], _FLAGS) for r in chosen
        )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "rules", chosen)
        object.__setattr__(self, "_ruleset", ruleset)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Find dangerous code in the whole text."""
        return run_whole(self.open_stream(ctx), text)

    def open_stream(self, ctx: Context) -> LineBlockScanner:
        """A line scanner for one stream."""
        return LineBlockScanner(self._scan)

    def _scan(self, unit: str, offset: int) -> list[Finding]:
        rules = self.rules
        return [
            finding(
                f"output.unsafe_code.{rules[i]}",
                Category.INFRASTRUCTURE_ATTACK,
                0.9,
                span=Span(offset + m.start(), offset + m.end()),
                message=UNSAFE_CODE_RULES[rules[i]][1],
            )
            for i, m in self._ruleset.matches(unit)
        ]
