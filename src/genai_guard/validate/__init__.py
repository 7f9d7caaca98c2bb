"""Output validators: leakage, exfiltration, schema, refusal, unsafe code, SSRF; the tool policy.

Every validator except ``SchemaValidator`` streams (``open_stream``) and its whole-text ``check``
is its scanner run over the whole text, so streamed and whole-text findings agree.
"""

from genai_guard.validate.exfiltration import ExfiltrationValidator
from genai_guard.validate.leakage import (
    CanaryValidator,
    SystemPromptLeakValidator,
    add_canary,
    with_canary,
)
from genai_guard.validate.refusal import RefusalValidator
from genai_guard.validate.schema import SchemaValidator
from genai_guard.validate.ssrf import SSRFValidator
from genai_guard.validate.tool_calls import ToolCall, ToolPolicy, ToolRule
from genai_guard.validate.unsafe_code import UnsafeCodeValidator

__all__ = [
    "CanaryValidator",
    "ExfiltrationValidator",
    "RefusalValidator",
    "SSRFValidator",
    "SchemaValidator",
    "SystemPromptLeakValidator",
    "ToolCall",
    "ToolPolicy",
    "ToolRule",
    "UnsafeCodeValidator",
    "add_canary",
    "with_canary",
]
