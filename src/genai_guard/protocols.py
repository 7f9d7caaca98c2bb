"""Extension points: what a stage, a streaming scanner and a tokenizer look like.

Classes implement these structurally; nothing needs to inherit. A class may implement several.
The pipeline classifies each stage once, at construction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from genai_guard._results import Action, Outcome
from genai_guard.context import Context, Direction

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "AsyncStage",
    "PseudonymVault",
    "RewritingStage",
    "Stage",
    "StageKind",
    "StageType",
    "StreamRewriter",
    "StreamScanner",
    "StreamingStage",
    "Tokenizer",
]

StageKind = Literal["sanitizer", "detector", "masker", "validator", "restorer"]


@runtime_checkable
class Stage(Protocol):
    """A synchronous check. ``name`` is unique within a pipeline.

    Stages are immutable after construction and safe to share between threads.
    Optionally a stage class sets ``default_on_fail`` (an ``Action``) for steps that do not say,
    and defines ``warm_up()`` for one-time work it otherwise does on first use (loading weights,
    compiling patterns); ``Pipeline.warm_up`` calls it.
    """

    @property
    def name(self) -> str:
        """Unique name within a pipeline."""
        ...

    def check(self, text: str, ctx: Context) -> Outcome:
        """Examine ``text`` and report; never mutate the stage."""
        ...


@runtime_checkable
class AsyncStage(Protocol):
    """An I/O-bound check (a remote judge)."""

    @property
    def name(self) -> str:
        """Unique name within a pipeline."""
        ...

    async def acheck(self, text: str, ctx: Context) -> Outcome:
        """Asynchronous twin of ``Stage.check``."""
        ...


@runtime_checkable
class StreamScanner(Protocol):
    """Fresh per-stream state of a streaming stage.

    ``lookbehind`` is how many characters before the current end a future match may still start at
    (or reach back to rewrite); the driver releases text older than that.
    """

    @property
    def lookbehind(self) -> int:
        """Characters the driver must still hold back."""
        ...

    def feed(self, delta: str) -> Outcome:
        """Scan the next chunk; findings' spans are offsets into the whole stream so far."""
        ...

    def finish(self) -> Outcome:
        """The stream ended; report anything still pending."""
        ...


@runtime_checkable
class StreamingStage(Protocol):
    """A stage that can scan a stream incrementally."""

    @property
    def name(self) -> str:
        """Unique name within a pipeline."""
        ...

    def open_stream(self, ctx: Context) -> StreamScanner:
        """Return a scanner with fresh state for one stream."""
        ...


@runtime_checkable
class StreamRewriter(Protocol):
    """Fresh per-stream state of a stage that rewrites released stream text (a PII restorer).

    The streaming driver passes text that every scanner has already cleared through each rewriter
    in step order; a rewriter may hold back a partial token (a placeholder split across chunks).
    """

    def feed(self, released: str) -> str:
        """Rewrite the next piece of released text; return what may go to the caller now."""
        ...

    def finish(self) -> str:
        """The stream ended; return whatever is still held back, rewritten."""
        ...


@runtime_checkable
class RewritingStage(Protocol):
    """A stage that can rewrite a stream incrementally (in addition to ``check`` on whole text)."""

    @property
    def name(self) -> str:
        """Unique name within a pipeline."""
        ...

    def open_rewriter(self, ctx: Context) -> StreamRewriter:
        """Return a rewriter with fresh state for one stream."""
        ...


@runtime_checkable
class Tokenizer(Protocol):
    """Anything that turns text into token ids (a tiktoken ``Encoding`` qualifies)."""

    def encode(self, text: str) -> Sequence[int]:
        """Token ids of ``text``."""
        ...


@dataclass(frozen=True, slots=True)
class StageType:
    """A stage type that policies can name.

    Attributes:
        name: The policy ``type`` (``unicode``, ``attack_rules``, ``acme.profanity``).
        options: pydantic model of the stage's options (``extra="forbid"``).
        factory: Builds the stage from validated options and the step id.
        kind: Role; sets the default ``on_fail`` (sanitizers and maskers modify, others block).
        directions: Where the stage may run.
        description: One line for ``policy schema`` and docs.
    """

    name: str
    options: type[BaseModel]
    factory: Callable[[Any, str], Any]
    kind: StageKind = "detector"
    directions: frozenset[Direction] = field(
        default_factory=lambda: frozenset({Direction.INPUT, Direction.OUTPUT})
    )
    description: str = ""

    @property
    def default_on_fail(self) -> Action:
        """Sanitizers, maskers and restorers modify; detectors and validators block."""
        return Action.MODIFY if self.kind in ("sanitizer", "masker", "restorer") else Action.BLOCK


@runtime_checkable
class PseudonymVault(Protocol):
    """Where a masker keeps placeholders stable per conversation (``pii.Vault``, ``RedisVault``).

    Implementations are thread-safe; the same value in one conversation always gets the same
    placeholder; errors never quote a value, key or placeholder mapping.
    """

    def placeholder(self, conversation_id: str, entity: str, value: str) -> str:
        """The placeholder of ``value`` in the conversation, assigning the next one if new."""
        ...

    def lookup(self, conversation_id: str, placeholder: str) -> str | None:
        """The original value of a placeholder, or ``None``."""
        ...

    def restorations(self, conversation_id: str) -> dict[str, str]:
        """The conversation's placeholder-to-value mapping."""
        ...

    def forget(self, conversation_id: str) -> None:
        """Drop one conversation."""
        ...
