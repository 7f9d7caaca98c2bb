"""Signed responses and artifact integrity.

- ``sign_response`` / ``verify_response``: bind a model's answer to the digest of the guard's
  decision on it, the model id and the time, with HMAC-SHA256 (a shared key) or Ed25519 (a key
  pair; ``cryptography`` is imported only then). Any changed byte of the text or of the signature
  fails verification. The verifier states the algorithm it expects, so a signature cannot pick it.
- ``sha256_file``, ``verify_file`` and ``verify_manifest``: check model weights, tokenizer files and
  other artifacts against recorded SHA-256 digests before loading them.

Functions here keep no state and are thread-safe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from genai_guard.errors import ConfigurationError, IntegrityError

if TYPE_CHECKING:
    from genai_guard._results import Decision

__all__ = [
    "DEFAULT_MAX_AGE_SECONDS",
    "ResponseSignature",
    "build_manifest",
    "decision_digest",
    "sha256_file",
    "sign_response",
    "verify_bytes",
    "verify_file",
    "verify_manifest",
    "verify_response",
]

Algorithm = Literal["hmac-sha256", "ed25519"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20
_MIN_HMAC_KEY = 16

DEFAULT_MAX_AGE_SECONDS = 300.0
"""Signatures older than this (five minutes) fail ``verify_response`` unless the caller says
otherwise: long enough for an answer to reach its client, short enough to limit replays."""
_CLOCK_SKEW_SECONDS = 5.0


# -- files --------------------------------------------------------------------------------------


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks.

    Raises:
        OSError: the file cannot be read.
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: str | Path, expected_sha256: str) -> None:
    """Check that ``path`` has the SHA-256 ``expected_sha256`` (hex, any case).

    Raises:
        IntegrityError: the file is missing, unreadable or different.
        ValueError: ``expected_sha256`` is not 64 hex digits.
    """
    want = _expected(expected_sha256)
    try:
        got = sha256_file(path)
    except OSError as exc:
        raise IntegrityError(f"{Path(path).name}: cannot read ({type(exc).__name__})") from exc
    _compare(got, want, Path(path).name)


def verify_bytes(data: bytes, expected_sha256: str, *, name: str) -> str:
    """Check bytes already read (so what is checked is what gets used); return their digest.

    Raises:
        IntegrityError: the SHA-256 of ``data`` differs.
        ValueError: ``expected_sha256`` is not 64 hex digits.
    """
    got = hashlib.sha256(data).hexdigest()
    _compare(got, _expected(expected_sha256), name)
    return got


def _expected(expected_sha256: str) -> str:
    want = expected_sha256.strip().lower()
    if not _HEX64.fullmatch(want):
        raise ValueError("expected_sha256 must be 64 hex digits")
    return want


def _compare(got: str, want: str, name: str) -> None:
    if not hmac.compare_digest(got, want):
        raise IntegrityError(
            f"{name}: SHA-256 mismatch (expected {want[:12]}..., got {got[:12]}...); refusing it"
        )


def _read_manifest(manifest: Mapping[str, str] | str | Path) -> dict[str, str]:
    if isinstance(manifest, Mapping):
        return {str(k): str(v) for k, v in manifest.items()}
    text = Path(manifest).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        files = data.get("files", data) if isinstance(data, dict) else None
        if not isinstance(files, dict):
            raise IntegrityError("manifest: expected a JSON object of path -> sha256")
        return {str(k): str(v) for k, v in files.items()}
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2:
            raise IntegrityError(f"manifest line {n}: expected '<sha256>  <path>'")
        digest, name = parts
        out[name.lstrip("*").strip()] = digest  # sha256sum marks binary mode with '*'
    return out


def _safe_relative(name: str) -> PurePosixPath | None:
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        return None
    return rel


def verify_manifest(
    directory: str | Path,
    manifest: Mapping[str, str] | str | Path,
    *,
    allow_extra: bool = True,
) -> None:
    """Check every file a manifest lists under ``directory``.

    Args:
        directory: The artifact directory.
        manifest: ``{relative path: sha256}``, or a file: JSON (that mapping, or an object with a
            ``files`` key) or ``sha256sum`` output (``<digest>  <path>`` lines).
        allow_extra: When False, files in ``directory`` the manifest does not list are an error.

    Raises:
        IntegrityError: naming each missing, different, unlisted or unsafe path: absolute, with
            ``..``, or a link (of the file or a folder on its way) that leads out of ``directory``.
    """
    root = Path(directory)
    base = root.resolve()
    entries = _read_manifest(manifest)
    if not entries:
        raise IntegrityError("manifest lists no files")
    problems: list[str] = []
    for name, digest in sorted(entries.items()):
        rel = _safe_relative(name)
        if rel is None:
            problems.append(f"{name}: unsafe path in manifest")
            continue
        if not _inside(root / rel, base):
            problems.append(f"{rel}: links out of the artifact folder")
            continue
        try:
            verify_file(root / rel, digest)
        except (IntegrityError, ValueError) as exc:
            problems.append(f"{rel}: {exc}" if isinstance(exc, ValueError) else str(exc))
    if not allow_extra:
        listed = {str(_safe_relative(n)) for n in entries}
        for path in sorted(root.rglob("*")):
            rel_name = path.relative_to(root).as_posix()
            if path.is_file() and rel_name not in listed:
                problems.append(f"{rel_name}: not in the manifest")
    if problems:
        raise IntegrityError("artifact check failed:\n  " + "\n  ".join(problems))


def build_manifest(directory: str | Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``directory`` (to record a manifest).

    Raises:
        IntegrityError: a file under ``directory`` is a link that leads out of it.
    """
    root = Path(directory)
    base = root.resolve()
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    outside = [p.relative_to(root).as_posix() for p in files if not _inside(p, base)]
    if outside:
        raise IntegrityError("links out of the artifact folder: " + ", ".join(outside[:5]))
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in files}


def _inside(path: Path, base: Path) -> bool:
    """True when ``path``, with every link on the way followed, stays under ``base``."""
    try:
        return path.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a link loop
        return False


# -- signed responses ---------------------------------------------------------------------------


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def decision_digest(decision: Decision) -> str:
    """Hex SHA-256 of the decision's JSON form (no text, no restorations)."""
    return hashlib.sha256(_canonical(decision.to_dict())).hexdigest()


@dataclass(frozen=True, slots=True)
class ResponseSignature:
    """A detached signature over a response.

    Attributes:
        algorithm: ``hmac-sha256`` or ``ed25519``.
        model_id: The model that produced the text.
        time: POSIX seconds when it was signed.
        text_sha256: SHA-256 of the UTF-8 text, hex.
        decision_digest: ``decision_digest`` of the guard's decision, or ``""``.
        key_id: Label of the key, for rotation; signed too.
        signature: Base64 of the MAC or signature over all the other fields.
        version: Format version.
    """

    algorithm: Algorithm
    model_id: str
    time: float
    text_sha256: str
    decision_digest: str
    key_id: str
    signature: str
    version: int = 1

    def payload(self) -> bytes:
        """The bytes that are signed: canonical JSON of every field but ``signature``."""
        fields = asdict(self)
        fields.pop("signature")
        return _canonical(fields)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (for a response header or body)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponseSignature:
        """Parse the ``to_dict`` form.

        Raises:
            IntegrityError: fields are missing or of the wrong type.
        """
        try:
            sig = cls(
                algorithm=data["algorithm"],
                model_id=str(data["model_id"]),
                time=float(data["time"]),
                text_sha256=str(data["text_sha256"]),
                decision_digest=str(data["decision_digest"]),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
                version=int(data.get("version", 1)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IntegrityError(f"malformed response signature ({type(exc).__name__})") from exc
        if sig.algorithm not in ("hmac-sha256", "ed25519"):
            raise IntegrityError("unknown signature algorithm")
        return sig


def _hmac_key(key: Any) -> bytes:
    if not isinstance(key, bytes) or len(key) < _MIN_HMAC_KEY:
        raise ConfigurationError(f"an HMAC key must be at least {_MIN_HMAC_KEY} bytes")
    return key


def _ed_private(key: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415 - lazy
        Ed25519PrivateKey,
    )

    if isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, bytes) and len(key) == 32:
        return Ed25519PrivateKey.from_private_bytes(key)
    raise ConfigurationError("an Ed25519 signing key must be an Ed25519PrivateKey or 32 raw bytes")


def _ed_public(key: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: PLC0415 - lazy
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    if isinstance(key, bytes) and len(key) == 32:
        return Ed25519PublicKey.from_public_bytes(key)
    raise ConfigurationError("an Ed25519 verify key must be an Ed25519PublicKey or 32 raw bytes")


def sign_response(
    text: str,
    *,
    model_id: str,
    key: Any,
    decision: Decision | None = None,
    algorithm: Algorithm = "hmac-sha256",
    key_id: str = "",
    now: float | None = None,
) -> ResponseSignature:
    """Sign ``text`` with the decision digest, model id and time.

    Args:
        text: The response as delivered.
        model_id: The model that produced it.
        key: HMAC: a secret of at least 16 bytes. Ed25519: an ``Ed25519PrivateKey`` or its
            32-byte raw form.
        decision: The guard's output decision on the text, if any.
        algorithm: ``hmac-sha256`` or ``ed25519``.
        key_id: Label of the key.
        now: POSIX time; defaults to the current time.
    """
    unsigned = ResponseSignature(
        algorithm=algorithm,
        model_id=model_id,
        time=time.time() if now is None else now,
        text_sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        decision_digest="" if decision is None else decision_digest(decision),
        key_id=key_id,
        signature="",
    )
    payload = unsigned.payload()
    if algorithm == "hmac-sha256":
        raw = hmac.new(_hmac_key(key), payload, hashlib.sha256).digest()
    elif algorithm == "ed25519":
        raw = _ed_private(key).sign(payload)
    else:
        raise ConfigurationError(f"unknown algorithm {algorithm!r}")
    return ResponseSignature(**{**asdict(unsigned), "signature": base64.b64encode(raw).decode()})


def verify_response(
    text: str,
    signature: ResponseSignature | Mapping[str, Any],
    *,
    key: Any,
    algorithm: Algorithm,
    decision: Decision | None = None,
    max_age_seconds: float | None = DEFAULT_MAX_AGE_SECONDS,
    now: float | None = None,
) -> ResponseSignature:
    """Check a response against its signature; return the parsed signature.

    Args:
        text: The response as received.
        signature: The signature or its ``to_dict`` form.
        key: HMAC: the shared secret. Ed25519: the public key (or its 32 raw bytes).
        algorithm: The algorithm the verifier expects; a signature made otherwise fails.
        decision: When given, the signature must carry this decision's digest.
        max_age_seconds: Signatures older than this fail, and so do ones more than 5 s in the
            future (clock skew). Five minutes by default (``DEFAULT_MAX_AGE_SECONDS``); pass
            ``None`` to accept any age, e.g. when checking archived answers.
        now: POSIX time for the age check.

    Raises:
        IntegrityError: the text, a signed field or the signature differs, or it is too old.
        ConfigurationError: ``max_age_seconds`` is negative or not a number.
    """
    if max_age_seconds is not None and not max_age_seconds >= 0:
        raise ConfigurationError("max_age_seconds must be a non-negative number or None")
    sig = (
        signature
        if isinstance(signature, ResponseSignature)
        else ResponseSignature.from_dict(signature)
    )
    if sig.algorithm != algorithm:
        raise IntegrityError(f"signature algorithm {sig.algorithm!r}, expected {algorithm!r}")
    try:
        raw = base64.b64decode(sig.signature, validate=True)
    except ValueError as exc:
        raise IntegrityError("signature is not valid base64") from exc
    payload = sig.payload()
    if algorithm == "hmac-sha256":
        want = hmac.new(_hmac_key(key), payload, hashlib.sha256).digest()
        if not hmac.compare_digest(raw, want):
            raise IntegrityError("response signature does not verify")
    else:
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - lazy

        try:
            _ed_public(key).verify(raw, payload)
        except InvalidSignature as exc:
            raise IntegrityError("response signature does not verify") from exc
    text_digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if not hmac.compare_digest(text_digest, sig.text_sha256):
        raise IntegrityError("response text differs from the signed text")
    if decision is not None and not hmac.compare_digest(
        decision_digest(decision), sig.decision_digest
    ):
        raise IntegrityError("decision digest differs from the signed one")
    if max_age_seconds is not None:
        age = (time.time() if now is None else now) - sig.time
        if not math.isfinite(age) or age < -_CLOCK_SKEW_SECONDS or age > max_age_seconds:
            raise IntegrityError("response signature is too old or from the future")
    return sig
