"""Policy stage types of `genai_guard.validate`, read by `Registry.builtin()`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from genai_guard.context import Direction
from genai_guard.protocols import StageType
from genai_guard.validate.exfiltration import ExfiltrationValidator
from genai_guard.validate.leakage import CanaryValidator, SystemPromptLeakValidator
from genai_guard.validate.refusal import REFUSAL_PHRASES, RefusalValidator
from genai_guard.validate.schema import SchemaValidator
from genai_guard.validate.unsafe_code import UNSAFE_CODE_RULES, UnsafeCodeValidator

_OUTPUT = frozenset({Direction.OUTPUT})


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CanaryOptions(_Options):
    """``canary``: no options; canaries come from the request context."""


class SystemPromptLeakOptions(_Options):
    """``system_prompt_leak`` options."""

    min_run: int = Field(60, ge=16, description="Letters of shared text that count as a leak.")
    detect_base64: bool = Field(True, description="Also match base64 forms of the prompt.")
    max_prompt_chars: int = Field(50_000, ge=1, description="Longest system prompt indexed.")


class ExfiltrationOptions(_Options):
    """``exfiltration`` options."""

    allowed_hosts: list[str] = Field(default_factory=list, description="Trusted hosts.")
    mode: Literal["block", "rewrite"] = Field(
        "block", description="Report, or remove the offending links (use on_fail: modify)."
    )
    min_conversation_words: int = Field(2, ge=1, description="Conversation words in a URL.")


class SchemaOptions(_Options):
    """``json_schema`` options."""

    schema_: dict[str, Any] = Field(alias="schema", description="The JSON Schema (subset).")
    repair: bool = Field(True, description="Repair fences, trailing commas, quotes.")
    max_chars: int = Field(1_000_000, ge=2, description="Longest answer examined.")


class RefusalOptions(_Options):
    """``refusal`` options."""

    languages: list[Literal["en", "es", "fr", "de", "pt", "it", "ru", "zh", "ja"]] | None = Field(
        None, description=f"Languages to match (default all: {', '.join(REFUSAL_PHRASES)})."
    )
    window: int = Field(2000, ge=1, description="Lines starting within this many chars.")


class UnsafeCodeOptions(_Options):
    """``unsafe_code`` options."""

    rules: list[str] | None = Field(
        None, description=f"Rules to use (default all: {', '.join(UNSAFE_CODE_RULES)})."
    )


STAGE_TYPES: tuple[StageType, ...] = (
    StageType(
        name="canary",
        options=CanaryOptions,
        factory=lambda o, step_id: CanaryValidator(step_id),
        kind="validator",
        directions=_OUTPUT,
        description="Block output that contains a canary token planted in the system prompt.",
    ),
    StageType(
        name="system_prompt_leak",
        options=SystemPromptLeakOptions,
        factory=lambda o, step_id: SystemPromptLeakValidator(
            step_id,
            min_run=o.min_run,
            detect_base64=o.detect_base64,
            max_prompt_chars=o.max_prompt_chars,
        ),
        kind="validator",
        directions=_OUTPUT,
        description="Block output reproducing the system prompt (verbatim, reformatted, base64).",
    ),
    StageType(
        name="exfiltration",
        options=ExfiltrationOptions,
        factory=lambda o, step_id: ExfiltrationValidator(
            step_id,
            allowed_hosts=o.allowed_hosts,
            mode=o.mode,
            min_conversation_words=o.min_conversation_words,
        ),
        kind="validator",
        directions=_OUTPUT,
        description="Markdown/HTML images, links and URLs that carry data to outside hosts.",
    ),
    StageType(
        name="json_schema",
        options=SchemaOptions,
        factory=lambda o, step_id: SchemaValidator(
            step_id, schema=o.schema_, repair=o.repair, max_chars=o.max_chars
        ),
        kind="validator",
        directions=_OUTPUT,
        description="Find JSON in the output, repair common faults, validate it against a schema.",
    ),
    StageType(
        name="refusal",
        options=RefusalOptions,
        factory=lambda o, step_id: RefusalValidator(
            step_id, languages=o.languages, window=o.window
        ),
        kind="validator",
        directions=_OUTPUT,
        description="Flag answers that refuse (en, es, fr, de, pt, it, ru, zh, ja).",
    ),
    StageType(
        name="unsafe_code",
        options=UnsafeCodeOptions,
        factory=lambda o, step_id: UnsafeCodeValidator(step_id, rules=o.rules),
        kind="validator",
        directions=_OUTPUT,
        description="Destructive shell, download-and-run, reverse shells, disabled security, SQL.",
    ),
)
