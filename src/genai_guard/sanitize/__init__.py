"""Input sanitizers: Unicode canonicalization, hidden-payload decoding, budgets, spotlighting.

Importing this package is light: no tiktoken, and the homoglyph table is built on first use.
"""

from genai_guard.sanitize._budget import CL100K_BASE_SHA256, LengthLimit, TokenBudget, load_encoding
from genai_guard.sanitize._decode import DECODER_KINDS, PayloadDecoder
from genai_guard.sanitize._spotlight import (
    Spotlighted,
    SpotlightedParts,
    SpotlightMode,
    SpotlightSanitizer,
    spotlight,
    unspotlight,
)
from genai_guard.sanitize._unicode import UnicodeSanitizer, canonicalize

__all__ = [
    "CL100K_BASE_SHA256",
    "DECODER_KINDS",
    "LengthLimit",
    "PayloadDecoder",
    "SpotlightMode",
    "SpotlightSanitizer",
    "Spotlighted",
    "SpotlightedParts",
    "TokenBudget",
    "UnicodeSanitizer",
    "canonicalize",
    "load_encoding",
    "spotlight",
    "unspotlight",
]
