"""``PIIMasker``: replaces PII by placeholders (or redacts, partially masks, hashes, encrypts).

Operators per entity type:

- ``placeholder``: ``<EMAIL_ADDRESS_1>``, stable within a conversation (through the ``Vault``) and
  restorable in the model's answer; the only operator that yields restorations.
- ``redact``: ``[EMAIL_ADDRESS]``.
- ``partial``: digits masked except the last four (``************4444``); text without digits keeps
  its first character.
- ``hash``: ``[EMAIL_ADDRESS:<16 hex>]``, an HMAC-SHA256 under the application's key; never
  unsalted, so values cannot be confirmed by hashing guesses without the key.
- ``encrypt``: ``[ENC:<base64url>]``, AES-GCM with the entity type as associated data; reversible
  with ``PIIMasker.decrypt`` and the key.
- ``surrogate``: a realistic fake value (``Maria Lopez``, ``egarrett@example.net``) from Faker,
  the same for the same value across a conversation's turns (through the ``Vault``), never equal
  to a value in the prompt, an original or another fake; restored in the answer like a
  placeholder. Entity types without a generator get placeholders.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal

from annotated_types import Gt, Interval

from genai_guard._results import Action, Category, Outcome, Span
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, IntegrityError
from genai_guard.pii._detector import (
    DEFAULT_MAX_CHARS,
    DEFAULT_PHONE_REGIONS,
    Engine,
    PIIDetector,
)
from genai_guard.pii._lists import AllowList, DenyList
from genai_guard.pii._placeholders import escape_forged
from genai_guard.pii._recognizers import DEFAULT_ENTITIES
from genai_guard.pii._surrogates import Surrogates, material
from genai_guard.pii._vault import Vault
from genai_guard.protocols import PseudonymVault
from genai_guard.secrets import SecretsDetector
from genai_guard.taxonomy import finding

__all__ = ["OPERATORS", "Operator", "PIIMasker"]

Operator = Literal["placeholder", "redact", "partial", "hash", "encrypt", "surrogate"]
OPERATORS: tuple[Operator, ...] = (
    "placeholder",
    "redact",
    "partial",
    "hash",
    "encrypt",
    "surrogate",
)
_SURROGATE_LABEL = b"genai-guard/pii/surrogate"
_NONCE = 12


class PIIMasker:
    """Mask PII before the prompt reaches the model; return the restorations for the answer.

    Args:
        name: Stage name.
        entities: Entity types to mask.
        operators: Operator per entity type; others use ``default_operator``.
        default_operator: Operator for entity types not in ``operators``.
        key: Application key (>= 16 bytes) for ``hash`` and ``encrypt``; required by them.
        vault: Pseudonym vault; placeholders are stable per ``ctx.conversation_id``. Without a
            conversation id, each call numbers its own placeholders.
        keep_secrets: Leave entities that overlap a credential (a Slack webhook URL, a connection
            string) unmasked, so the ``secrets`` step that follows still sees and blocks them.
        surrogate_locale: Faker locale of the ``surrogate`` operator's names, addresses, phone
            numbers and e-mail addresses. Fakes are drawn deterministically from the key (or a
            fixed label without one), the conversation id and the value's number in it.
        restore_scope: ``turn`` (default): the restorations hold the placeholders of this prompt
            only; ``conversation``: all of the conversation's placeholders (with a vault), so an
            answer may mention a value from an earlier turn.
        score_threshold, engine, phone_regions, languages, analyzer, spacy_model, max_chars:
            as for ``PIIDetector``.
        allow, deny: Allow and deny lists, applied after detection (see ``PIIDetector``).

    Thread-safe: immutable after construction (the vault has its own lock). The key, the vault's
    mapping and the restorations never appear in ``repr``, logs or error messages.
    """

    default_on_fail: ClassVar[Action] = Action.MODIFY
    __slots__ = (
        "_aead",
        "_detector",
        "_hash_key",
        "_ops",
        "_secrets",
        "_seed",
        "_surrogates",
        "default_operator",
        "name",
        "restore_scope",
        "vault",
    )

    def __init__(
        self,
        name: str = "pii",
        *,
        entities: Sequence[str] = DEFAULT_ENTITIES,
        operators: Mapping[str, Operator] | None = None,
        default_operator: Operator = "placeholder",
        key: bytes | None = None,
        vault: PseudonymVault | None = None,
        restore_scope: Literal["turn", "conversation"] = "turn",
        keep_secrets: bool = True,
        surrogate_locale: str = "en_US",
        score_threshold: Annotated[float, Interval(ge=0.0, le=1.0)] = 0.4,
        engine: Engine = "fast",
        phone_regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
        languages: Sequence[str] = ("en",),
        analyzer: Any = None,
        spacy_model: str | None = None,
        allow: AllowList | None = None,
        deny: Sequence[DenyList] = (),
        max_chars: Annotated[int, Gt(0)] = DEFAULT_MAX_CHARS,
    ) -> None:
        ops = dict(operators or {})
        for entity, op in [*ops.items(), ("*", default_operator)]:
            if op not in OPERATORS:
                raise ConfigurationError(f"operator for {entity} must be one of {OPERATORS}")
        used = set(ops.values()) | {default_operator}
        if used & {"hash", "encrypt"} and (key is None or len(key) < 16):
            raise ConfigurationError("the hash and encrypt operators need a key of >= 16 bytes")
        self.name = name
        self.default_operator: Operator = default_operator
        self._ops: Mapping[str, Operator] = MappingProxyType(ops)
        if restore_scope not in ("turn", "conversation"):
            raise ConfigurationError("restore_scope must be 'turn' or 'conversation'")
        self.vault = vault
        self.restore_scope = restore_scope
        self._secrets = (
            SecretsDetector(f"{name}.secrets", max_chars=max_chars) if keep_secrets else None
        )
        self._detector = PIIDetector(
            name,
            entities=entities,
            score_threshold=score_threshold,
            engine=engine,
            phone_regions=phone_regions,
            languages=languages,
            analyzer=analyzer,
            spacy_model=spacy_model,
            allow=allow,
            deny=deny,
            max_chars=max_chars,
        )
        self._surrogates: Surrogates | None = None
        if "surrogate" in used:
            if vault is not None and (not isinstance(vault, Vault) or vault.persisted):
                raise ConfigurationError(
                    "the surrogate operator needs an in-memory vault (fakes are not persisted)"
                )
            self._surrogates = Surrogates(locale=surrogate_locale)
        self._seed = (
            hmac.new(key, _SURROGATE_LABEL, hashlib.sha256).digest() if key else _SURROGATE_LABEL
        )
        self._hash_key = b""
        self._aead: Any = None
        if key is not None:
            self._hash_key = hmac.new(key, b"genai-guard/pii/hash", hashlib.sha256).digest()
            if "encrypt" in used:
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

                enc_key = hmac.new(key, b"genai-guard/pii/encrypt", hashlib.sha256).digest()
                self._aead = AESGCM(enc_key)

    def __repr__(self) -> str:
        return f"PIIMasker(name={self.name!r}, default_operator={self.default_operator!r})"

    def check(self, text: str, ctx: Context) -> Outcome:
        """Mask the text; findings point into the original text."""
        escaped, forged = escape_forged(text)
        entities = self._detector.analyze(escaped)
        if entities and self._secrets is not None:
            secret_spans = [f.span for f in self._secrets.find(escaped) if f.span is not None]
            if secret_spans:
                entities = [
                    e
                    for e in entities
                    if not any(e.start < sp.end and sp.start < e.end for sp in secret_spans)
                ]
        conv = ctx.conversation_id
        if not entities and not forged:
            # A turn without PII may still get an answer naming an earlier turn's value; the
            # engine keeps restorations of rewriting outcomes only, so the text is returned too.
            if self.restore_scope == "conversation" and conv is not None and self.vault is not None:
                held = self.vault.restorations(conv)
                if held:
                    return Outcome(text=text, restorations=MappingProxyType(held))
            return Outcome()
        local: dict[tuple[str, str], str] = {}
        counters: dict[str, int] = {}
        restorations: dict[str, str] = {}
        parts: list[str] = []
        pos = 0
        folded = escaped.casefold()
        call_vault: Vault | None = None
        for e in entities:
            value = escaped[e.start : e.end]
            op = self._ops.get(e.entity_type, self.default_operator)
            if op == "surrogate":
                if conv is not None and isinstance(self.vault, Vault):
                    fake = self._fake(self.vault, conv, e.entity_type, value, folded)
                else:
                    call_vault = call_vault or Vault()
                    fake = self._fake(call_vault, "", e.entity_type, value, folded)
                if fake is not None:
                    restorations[fake] = value
                    parts.append(escaped[pos : e.start])
                    parts.append(fake)
                    pos = e.end
                    continue
                op = "placeholder"  # no generator for this type, or every draw collided
            if op == "placeholder":
                if conv is not None and self.vault is not None:
                    rep = self.vault.placeholder(conv, e.entity_type, value)
                else:
                    rep = local.get((e.entity_type, value)) or ""
                    if not rep:
                        counters[e.entity_type] = counters.get(e.entity_type, 0) + 1
                        rep = f"<{e.entity_type}_{counters[e.entity_type]}>"
                        local[(e.entity_type, value)] = rep
                restorations[rep] = value
            else:
                rep = self._apply(op, e.entity_type, value)
            parts.append(escaped[pos : e.start])
            parts.append(rep)
            pos = e.end
        parts.append(escaped[pos:])
        if self.restore_scope == "conversation" and conv is not None and self.vault is not None:
            restorations = {**self.vault.restorations(conv), **restorations}
        findings = self._detector.findings(entities, action="masked")
        if forged:
            findings.append(
                finding(
                    "pii.forged_placeholder",
                    Category.PII,
                    0.5,
                    span=None,
                    message=f"{forged} placeholder-like token(s) escaped",
                    metadata={"count": forged},
                )
            )
        return Outcome(
            findings=tuple(findings),
            text="".join(parts),
            restorations=MappingProxyType(restorations),
        )

    def _fake(self, vault: Vault, conv: str, entity: str, value: str, folded: str) -> str | None:
        gen = self._surrogates
        if gen is None or not gen.supports(entity):
            return None

        def propose(number: int, attempt: int) -> str | None:
            return gen.propose(entity, material(self._seed, conv, entity, number, attempt)) or None

        def rejects(fake: str) -> bool:
            # Never a value of the prompt, never something the restorer or escaper reads.
            return fake.casefold() in folded or "<" in fake or ">" in fake

        return vault.surrogate(conv, entity, value, propose, rejects)

    def _apply(self, op: Operator, entity: str, value: str) -> str:
        if op == "redact":
            return f"[{entity}]"
        if op == "partial":
            return _partial(value)
        if op == "hash":
            digest = hmac.new(self._hash_key, f"{entity}\0{value}".encode(), hashlib.sha256)
            return f"[{entity}:{digest.hexdigest()[:16]}]"
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, value.encode(), entity.encode())
        token = base64.urlsafe_b64encode(sealed).decode().rstrip("=")
        return f"[ENC:{entity}:{token}]"

    def decrypt(self, token: str) -> str:
        """The original value of an ``[ENC:ENTITY:...]`` token made by this masker's key.

        Raises:
            IntegrityError: The token is malformed or fails authentication.
        """
        if self._aead is None:
            raise ConfigurationError("this masker has no encrypt operator")
        try:
            _, entity, body = token.strip("[]").split(":", 2)
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return str(self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], entity.encode()).decode())
        except Exception as exc:
            raise IntegrityError("token failed authentication") from exc


def _partial(value: str) -> str:
    ndigits = sum(c.isdigit() for c in value)
    if ndigits >= 5:
        keep = ndigits - 4
        out = []
        for c in value:
            if c.isdigit() and keep > 0:
                out.append("*")
                keep -= 1
            else:
                out.append(c)
        return "".join(out)
    return value[:1] + "".join("*" if c.isalnum() else c for c in value[1:])


_ = Span
