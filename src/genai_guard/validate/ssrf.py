"""Server-side request forgery targets: URLs that point inside the network the tools run in.

A model that drives tools (an agent's ``fetch_url``, a browser, a webhook) can be steered into
requesting the cloud metadata service, ``localhost`` admin ports or private hosts.
``SSRFValidator`` finds URLs through one ``RuleSet`` (keyword ``://``, a bounded pattern) and judges
each host with the standard library: loopback, private, link-local, reserved and unspecified IP
addresses (also written as one decimal or hex number, or IPv4-mapped IPv6), ``localhost`` and the
``.localhost`` / ``.internal`` / ``.local`` names, the metadata host names, and schemes that reach
local files or raw sockets (``file``, ``gopher``, ``dict``, ``ldap``, ``tftp``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import regex

from genai_guard._lines import LineBlockScanner, run_whole
from genai_guard._results import Action, Category, Finding, Outcome, Span
from genai_guard._ruleset import Rule, RuleSet
from genai_guard.context import Context
from genai_guard.taxonomy import finding

__all__ = ["SSRFValidator", "internal_target"]

# A scheme, ``://`` and up to 300 characters of authority and path (bounded: reach 340).
_URL = r"\b[a-z][a-z0-9+.-]{0,15}://[^\s\"'<>\\`]{1,300}"
_RULES = RuleSet((Rule("url", _URL, ("://",), 340, regex.IGNORECASE | regex.VERSION0),))
_LOCAL_SCHEMES = frozenset({"file", "gopher", "dict", "ldap", "tftp", "jar", "netdoc"})
_WEB_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_LOCAL_NAMES = frozenset(
    {"localhost", "metadata", "metadata.google.internal", "instance-data", "metadata.azure.com"}
)
_LOCAL_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain")


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # One number (2852039166, 0xa9fea9fe): what inet_aton and the HTTP clients accept.
    try:
        value = int(host, 16) if host.lower().startswith("0x") else int(host, 10)
    except ValueError:
        return None
    return ipaddress.IPv4Address(value) if 0 <= value < 2**32 else None


def internal_target(url: str) -> str | None:
    """Why ``url`` points inside the network (a short reason), or ``None`` when it does not."""
    try:
        parts = urlsplit(url[:400])
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in _LOCAL_SCHEMES:
        return f"{scheme}: URL"
    if scheme not in _WEB_SCHEMES or not host:
        return None
    if host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES):
        return "internal host name"
    addr = _address(host)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr is None:
        return None
    if addr.is_loopback or addr.is_unspecified:
        return "loopback address"
    if addr.is_link_local:
        return "link-local address (cloud metadata)"
    if addr.is_private or addr.is_reserved:
        return "private address"
    return None


@dataclass(frozen=True, slots=True)
class SSRFValidator:
    """Flags (or blocks) URLs whose target is inside the network: ``output.ssrf.internal_target``.

    Category ``INFRASTRUCTURE_ATTACK``, score 0.9. The default action is ``flag`` (an answer may
    rightly mention ``http://localhost:8000``); tool-call arguments, which are executed, are
    checked by the tool policy, where any finding blocks the call. Streams line by line.
    Thread-safe.

    Args:
        name: Stage name.
    """

    name: str = "ssrf"
    default_on_fail = Action.FLAG

    def check(self, text: str, ctx: Context) -> Outcome:
        """Find internal targets in the whole text."""
        return run_whole(self.open_stream(ctx), text)

    def open_stream(self, ctx: Context) -> LineBlockScanner:
        """A line scanner for one stream."""
        return LineBlockScanner(_scan)


def _scan(unit: str, offset: int) -> list[Finding]:
    out: list[Finding] = []
    for _, m in _RULES.matches(unit):
        reason = internal_target(m.group(0))
        if reason is not None:
            out.append(
                finding(
                    "output.ssrf.internal_target",
                    Category.INFRASTRUCTURE_ATTACK,
                    0.9,
                    span=Span(offset + m.start(), offset + m.end()),
                    message=f"URL to an internal target ({reason})",
                )
            )
    return out
