"""Settings of the guard server: command-line flags, environment variables, defaults.

Every setting has a flag of ``genai-guard serve`` and an environment variable (``GENAI_GUARD_*``);
a flag wins over the variable, the variable over the default. Nothing here reads a file or opens a
socket; ``ServerConfig.validated`` checks the values and fails with one error naming the setting.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import urlsplit

from genai_guard.errors import ConfigurationError

__all__ = ["ENV_PREFIX", "ServerConfig"]

ENV_PREFIX = "GENAI_GUARD_"


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """What the server needs besides its pipeline.

    Attributes:
        upstream: Base URL of the OpenAI-compatible upstream, ``/v1`` included
            (``https://api.openai.com/v1``, ``http://127.0.0.1:8000/v1``).
        policy: Policy file, dict resource name or ``default`` (what ``build_pipeline`` takes).
        host: Bind address (loopback by default; say ``0.0.0.0`` to listen on every interface).
        port: Bind port.
        upstream_api_key_env: Environment variable holding the upstream key. When set, the
            server sends that key and ignores the caller's ``Authorization`` header; when not,
            the caller's header is passed through unchanged.
        max_request_bytes: Largest request body accepted (413 beyond).
        max_response_bytes: Largest upstream answer read, whole or streamed (502 or a stream
            error beyond).
        upstream_timeout_seconds: Connect and read time-out of upstream calls.
        max_connections: Most concurrent connections to the upstream.
        log_level: Level of the server's own logs (they never contain prompt or answer text).
        audit_log: JSON-lines audit trail of every decision (hash-chained; no raw text).
        audit_key_env: Environment variable holding the audit key (hex, >= 16 bytes): it keys the
            text hashes and the chain. Required with ``audit_log``.
    """

    upstream: str = ""
    policy: str = "default"
    host: str = "127.0.0.1"
    port: int = 8080
    upstream_api_key_env: str | None = None
    max_request_bytes: int = 1_048_576
    max_response_bytes: int = 8_388_608
    upstream_timeout_seconds: float = 60.0
    max_connections: int = 100
    log_level: str = "info"
    audit_log: str | None = None
    audit_key_env: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> ServerConfig:
        """Settings from ``GENAI_GUARD_<NAME>`` variables, then ``overrides`` (not ``None``).

        Raises:
            ConfigurationError: a variable that does not parse, naming it.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            name = ENV_PREFIX + f.name.upper()
            raw = env.get(name)
            if raw is None or raw == "":
                continue
            default = getattr(cls(), f.name)
            try:
                if isinstance(default, int):
                    values[f.name] = int(raw)
                elif isinstance(default, float):
                    values[f.name] = float(raw)
                else:
                    values[f.name] = raw
            except ValueError as exc:
                raise ConfigurationError(f"{name} must be a number") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values).validated()  # type: ignore[arg-type]

    def validated(self) -> ServerConfig:
        """Self, after checking every value.

        Raises:
            ConfigurationError: the first bad setting, named.
        """
        parts = urlsplit(self.upstream)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(
                "upstream must be an http(s) base URL such as https://api.openai.com/v1"
            )
        if not 0 <= self.port <= 65_535:
            raise ConfigurationError("port must be between 0 and 65535")
        if self.max_request_bytes < 1 or self.max_response_bytes < 1 or self.max_connections < 1:
            raise ConfigurationError(
                "max_request_bytes, max_response_bytes and max_connections must be positive"
            )
        if not (self.upstream_timeout_seconds > 0 and math.isfinite(self.upstream_timeout_seconds)):
            raise ConfigurationError("upstream_timeout_seconds must be positive and finite")
        if self.upstream_api_key_env is not None and not os.environ.get(self.upstream_api_key_env):
            raise ConfigurationError(
                f"upstream_api_key_env: environment variable {self.upstream_api_key_env} is not set"
            )
        if self.audit_log is not None and self.audit_key() is None:
            raise ConfigurationError("audit_log needs audit_key_env naming a variable that is set")
        if self.log_level.lower() not in ("critical", "error", "warning", "info", "debug"):
            raise ConfigurationError("log_level must be critical, error, warning, info or debug")
        return self

    @property
    def upstream_base(self) -> str:
        """The upstream base URL without a trailing slash."""
        return self.upstream.rstrip("/")

    def audit_key(self) -> bytes | None:
        """The audit key from ``audit_key_env`` (hex), or ``None`` when unset.

        Raises:
            ConfigurationError: the variable does not hold hex.
        """
        raw = os.environ.get(self.audit_key_env) if self.audit_key_env else None
        if not raw:
            return None
        try:
            return bytes.fromhex(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{self.audit_key_env} must hold a hex key") from exc

    def upstream_key(self) -> str | None:
        """The configured upstream key, or ``None`` to pass the caller's through."""
        if self.upstream_api_key_env is None:
            return None
        return os.environ.get(self.upstream_api_key_env) or None
