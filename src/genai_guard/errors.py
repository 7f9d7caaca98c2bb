"""The genai-guard error tree.

::

    GuardError                      base of everything the library raises on purpose
    ├── ConfigurationError          a stage or pipeline got bad options (also ValueError)
    │   └── PolicyError             a policy has problems; lists each with its dotted path
    ├── InputError                  a text or request the library refuses (also ValueError)
    ├── StageError                  a stage failed and its step says ``on_error: raise``
    ├── StageContractError          a stage returned something other than a valid ``Outcome``
    ├── StageTimeout                an async stage overran its time budget (also TimeoutError)
    ├── IntegrityError              a file failed its SHA-256 or signature check
    ├── ResourceUnavailable         an offline resource (tokenizer file, model) is missing
    └── GuardBlocked                a decision blocked; carries the decision
        └── RateLimited             a rate or abuse limit blocked the request

Messages never contain raw prompt text, PII, keys or salts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from genai_guard._results import Decision

__all__ = [
    "ConfigurationError",
    "GuardBlocked",
    "GuardError",
    "InputError",
    "IntegrityError",
    "PolicyError",
    "RateLimited",
    "ResourceUnavailable",
    "StageContractError",
    "StageError",
    "StageTimeout",
]


class GuardError(Exception):
    """Base class of every error genai-guard raises on purpose."""


class ConfigurationError(GuardError, ValueError):
    """A stage, step or pipeline was constructed with invalid options."""


class PolicyError(ConfigurationError):
    """A policy failed validation.

    Attributes:
        problems: ``(dotted path, message)`` pairs, one per problem, in document order.
        source: Where the policy came from (a path or resource name), if known.
    """

    def __init__(self, problems: Sequence[tuple[str, str]], *, source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        head = f"invalid policy {source}" if source else "invalid policy"
        lines = [f"{head}: {len(self.problems)} problem(s)"]
        lines += [f"  {path or '<root>'}: {msg}" for path, msg in self.problems]
        super().__init__("\n".join(lines))


class InputError(GuardError, ValueError):
    """The library refuses to process an input (wrong type, too large, malformed)."""


class StageError(GuardError):
    """A stage raised and its step's ``on_error`` is ``raise``. The cause is chained."""

    def __init__(self, stage: str, cause: BaseException) -> None:
        self.stage = stage
        super().__init__(f"stage {stage!r} failed: {type(cause).__name__}")


class StageContractError(GuardError, TypeError):
    """A stage returned something that is not a valid ``Outcome``; handled by ``on_error``.

    The message names the stage and what was wrong (types and field names, never values).
    """


class StageTimeout(GuardError, TimeoutError):
    """An async stage overran its time budget and was cancelled; handled by ``on_error``."""

    def __init__(self, stage: str, budget_s: float) -> None:
        self.stage = stage
        self.budget_s = budget_s
        super().__init__(f"stage {stage!r} overran its time budget of {budget_s * 1000:.0f} ms")


class IntegrityError(GuardError):
    """A file or message did not match its recorded SHA-256 digest or signature."""


class ResourceUnavailable(GuardError):
    """An offline resource (tokenizer encoding, model weights) is not available."""


class GuardBlocked(GuardError):
    """A decision blocked the text.

    Attributes:
        decision: The blocking decision (its ``repr`` shows no text).
    """

    def __init__(self, decision: Decision, message: str | None = None) -> None:
        self.decision = decision
        if message is None:
            # The reason that blocked comes first; masking findings are listed as masking.
            reasons = decision.block_reasons
            message = f"blocked ({decision.direction}): {', '.join(reasons[:5]) or 'no rule'}"
            if masked := decision.masked:
                message += f"; masked: {', '.join(masked[:5])}"
        super().__init__(message)


class RateLimited(GuardBlocked):
    """A rate, token or abuse limit refused the request.

    Attributes:
        retry_after: Seconds until a retry may succeed.
    """

    def __init__(self, decision: Decision, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(decision, f"rate limited; retry after {retry_after:.1f}s")
