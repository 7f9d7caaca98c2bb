"""PII and secrets: presidio-backed detection, masking, pseudonym vault, history store.

Importing this package imports neither presidio, spaCy, cryptography nor redis; they load on first
use.
"""

from genai_guard.pii._detector import PIIDetector, build_analyzer
from genai_guard.pii._history import HistoryStore, Turn
from genai_guard.pii._masker import OPERATORS, PIIMasker
from genai_guard.pii._names import NameRecognizer
from genai_guard.pii._national_ids import NATIONAL_ID_ENTITIES
from genai_guard.pii._presidio import build_name_recognizer
from genai_guard.pii._recognizers import (
    DEFAULT_ENTITIES,
    GENERIC_ENTITIES,
    OUTPUT_ENTITIES,
    RECOGNIZED_ENTITIES,
    Entity,
)
from genai_guard.pii._redis_vault import RedisVault
from genai_guard.pii._restorer import PIIRestorer, PlaceholderRewriter, restore
from genai_guard.pii._vault import Vault
from genai_guard.secrets import SECRET_KINDS, SecretsDetector

__all__ = [
    "DEFAULT_ENTITIES",
    "GENERIC_ENTITIES",
    "NATIONAL_ID_ENTITIES",
    "OPERATORS",
    "OUTPUT_ENTITIES",
    "RECOGNIZED_ENTITIES",
    "SECRET_KINDS",
    "Entity",
    "HistoryStore",
    "NameRecognizer",
    "PIIDetector",
    "PIIMasker",
    "PIIRestorer",
    "PlaceholderRewriter",
    "RedisVault",
    "SecretsDetector",
    "Turn",
    "Vault",
    "build_analyzer",
    "build_name_recognizer",
    "restore",
]
