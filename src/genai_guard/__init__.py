"""genai-guard: offline, fast guardrail primitives for LLM applications.

Importing this package loads no model, touches no network and imports neither presidio, spaCy nor
tiktoken; stages load what they need on first use.
"""

from genai_guard._results import (
    Action,
    Category,
    Decision,
    Finding,
    Outcome,
    Span,
    StageResult,
    View,
)
from genai_guard.context import Context, Direction, Part
from genai_guard.errors import (
    ConfigurationError,
    GuardBlocked,
    GuardError,
    InputError,
    IntegrityError,
    PolicyError,
    RateLimited,
    ResourceUnavailable,
    StageContractError,
    StageError,
    StageTimeout,
)
from genai_guard.pipeline import FunctionStage, Pipeline, PipelineSettings, Step, stage
from genai_guard.protocols import (
    AsyncStage,
    RewritingStage,
    Stage,
    StageType,
    StreamingStage,
    StreamRewriter,
    StreamScanner,
    Tokenizer,
)
from genai_guard.registry import Registry
from genai_guard.taxonomy import finding

__version__ = "0.1.0"

__all__ = [
    "Action",
    "AsyncStage",
    "Category",
    "ConfigurationError",
    "Context",
    "Decision",
    "Direction",
    "Finding",
    "FunctionStage",
    "GuardBlocked",
    "GuardError",
    "InputError",
    "IntegrityError",
    "Outcome",
    "Part",
    "Pipeline",
    "PipelineSettings",
    "PolicyError",
    "RateLimited",
    "Registry",
    "ResourceUnavailable",
    "RewritingStage",
    "Span",
    "Stage",
    "StageContractError",
    "StageError",
    "StageResult",
    "StageTimeout",
    "StageType",
    "Step",
    "StreamRewriter",
    "StreamScanner",
    "StreamingStage",
    "Tokenizer",
    "View",
    "__version__",
    "finding",
    "stage",
]
