"""Policy stage types of `genai_guard.sanitize`, read by `Registry.builtin()`.

Options, defaults and bounds are the stages' constructor parameters (see ``genai_guard._options``).
Importing this module imports no heavy dependency: the confusables table is built on the first
non-ASCII text, and tiktoken is imported only when a ``token_budget`` step is built.
"""

from __future__ import annotations

from genai_guard._options import stage_type
from genai_guard.context import Direction
from genai_guard.protocols import StageType
from genai_guard.sanitize._budget import LengthLimit, TokenBudget
from genai_guard.sanitize._decode import PayloadDecoder
from genai_guard.sanitize._spotlight import SpotlightSanitizer
from genai_guard.sanitize._unicode import UnicodeSanitizer

STAGE_TYPES: tuple[StageType, ...] = (
    stage_type(
        UnicodeSanitizer,
        "unicode",
        kind="sanitizer",
        description="NFKC, invisible/bidi/tag characters, homoglyphs, whitespace; smuggled text.",
    ),
    stage_type(
        PayloadDecoder,
        "payload_decoder",
        kind="sanitizer",
        description="Decode base64/hex/URL/entities/escapes/rot13/... into views for detectors.",
    ),
    stage_type(
        LengthLimit,
        "length_limit",
        kind="sanitizer",
        description="Block or truncate texts over a number of characters.",
    ),
    stage_type(
        TokenBudget,
        "token_budget",
        kind="sanitizer",
        exclude={"tokenizer"},  # an object; policies name an encoding file instead
        description="Block or truncate texts over a number of tokens (offline tiktoken).",
    ),
    stage_type(
        SpotlightSanitizer,
        "spotlight",
        kind="sanitizer",
        directions=frozenset({Direction.INPUT}),
        description="Spotlight untrusted context parts (delimit, datamark or encode).",
    ),
)
