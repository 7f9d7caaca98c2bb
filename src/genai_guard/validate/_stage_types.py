"""Policy stage types of `genai_guard.validate`, read by `Registry.builtin()`.

Options, defaults and bounds are the validators' constructor parameters (see
``genai_guard._options``).
"""

from __future__ import annotations

from genai_guard._options import stage_type
from genai_guard.context import Direction
from genai_guard.protocols import StageType
from genai_guard.validate.exfiltration import ExfiltrationValidator
from genai_guard.validate.leakage import CanaryValidator, SystemPromptLeakValidator
from genai_guard.validate.refusal import RefusalValidator
from genai_guard.validate.schema import SchemaValidator
from genai_guard.validate.ssrf import SSRFValidator
from genai_guard.validate.unsafe_code import UnsafeCodeValidator

_OUTPUT = frozenset({Direction.OUTPUT})

STAGE_TYPES: tuple[StageType, ...] = (
    stage_type(
        CanaryValidator,
        "canary",
        kind="validator",
        directions=_OUTPUT,
        description="Block output that contains a canary token planted in the system prompt.",
    ),
    stage_type(
        SystemPromptLeakValidator,
        "system_prompt_leak",
        kind="validator",
        directions=_OUTPUT,
        description="Block output reproducing the system prompt (verbatim, reformatted, base64).",
    ),
    stage_type(
        ExfiltrationValidator,
        "exfiltration",
        kind="validator",
        directions=_OUTPUT,
        description="Markdown/HTML images, links and URLs that carry data to outside hosts.",
    ),
    stage_type(
        SchemaValidator,
        "json_schema",
        kind="validator",
        directions=_OUTPUT,
        exclude={"model"},  # a Python class; policies give the schema itself
        required={"schema"},
        description="Find JSON in the output, repair common faults, validate it against a schema.",
    ),
    stage_type(
        RefusalValidator,
        "refusal",
        kind="validator",
        directions=_OUTPUT,
        description="Flag answers that refuse (en, es, fr, de, pt, it, ru, zh, ja).",
    ),
    stage_type(
        UnsafeCodeValidator,
        "unsafe_code",
        kind="validator",
        directions=_OUTPUT,
        description="Destructive shell, download-and-run, reverse shells, disabled security, SQL.",
    ),
    stage_type(
        SSRFValidator,
        "ssrf",
        kind="validator",
        directions=_OUTPUT,
        description="URLs to internal targets: metadata service, loopback, private hosts, file:.",
    ),
)
