from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genai_guard import Category, Outcome, Pipeline, Step, finding, stage
from genai_guard.errors import ConfigurationError, IntegrityError
from genai_guard.integrity import (
    DEFAULT_MAX_AGE_SECONDS,
    ResponseSignature,
    build_manifest,
    decision_digest,
    sha256_file,
    sign_response,
    verify_file,
    verify_manifest,
    verify_response,
)

KEY = b"k" * 32
TEXT = "The answer is 42."


def _ed_keys() -> tuple[object, object]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    return private, private.public_key()


# -- files --------------------------------------------------------------------------------------


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"weights" * 1000)
    assert sha256_file(path) == hashlib.sha256(b"weights" * 1000).hexdigest()


def test_verify_file_accepts_the_right_digest_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"abc")
    verify_file(path, hashlib.sha256(b"abc").hexdigest().upper())


def test_verify_file_rejects_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"abd")
    with pytest.raises(IntegrityError, match="mismatch"):
        verify_file(path, hashlib.sha256(b"abc").hexdigest())


def test_verify_file_reports_a_missing_file_as_integrity_error(tmp_path: Path) -> None:
    with pytest.raises(IntegrityError, match="cannot read"):
        verify_file(tmp_path / "nope", "0" * 64)


def test_verify_file_rejects_a_malformed_digest(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="64 hex"):
        verify_file(tmp_path / "x", "abc")


def _artifacts(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    (root / "sub").mkdir(parents=True)
    (root / "weights.bin").write_bytes(b"\x00\x01" * 100)
    (root / "sub" / "vocab.txt").write_text("a\nb\n", encoding="utf-8")
    return root


def test_manifest_round_trip(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    verify_manifest(root, build_manifest(root), allow_extra=False)


def test_manifest_names_the_changed_file(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    manifest = build_manifest(root)
    (root / "sub" / "vocab.txt").write_text("a\nc\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match=r"vocab\.txt: SHA-256 mismatch"):
        verify_manifest(root, manifest)


def test_manifest_names_a_missing_file(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    manifest = build_manifest(root)
    (root / "weights.bin").unlink()
    with pytest.raises(IntegrityError, match=r"weights\.bin: cannot read"):
        verify_manifest(root, manifest)


def test_manifest_rejects_unlisted_files_when_asked(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    manifest = build_manifest(root)
    (root / "extra.pkl").write_bytes(b"x")
    verify_manifest(root, manifest)
    with pytest.raises(IntegrityError, match=r"extra\.pkl: not in the manifest"):
        verify_manifest(root, manifest, allow_extra=False)


def test_manifest_rejects_paths_outside_the_directory(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    with pytest.raises(IntegrityError, match="unsafe path"):
        verify_manifest(root, {"../outside": "0" * 64})


def test_manifest_reads_json_files(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"files": build_manifest(root)}), encoding="utf-8")
    verify_manifest(root, path)


def test_manifest_reads_sha256sum_files(tmp_path: Path) -> None:
    root = _artifacts(tmp_path)
    lines = [f"{d}  {name}" for name, d in build_manifest(root).items()]
    path = tmp_path / "SHA256SUMS"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verify_manifest(root, path)


def test_empty_manifest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IntegrityError, match="no files"):
        verify_manifest(tmp_path, {})


# -- signed responses ---------------------------------------------------------------------------


def test_hmac_signature_verifies() -> None:
    sig = sign_response(TEXT, model_id="m1", key=KEY, now=100.0)
    verified = verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", now=101.0)
    assert verified.model_id == "m1"


def test_ed25519_signature_verifies_with_the_public_key() -> None:
    private, public = _ed_keys()
    sig = sign_response(TEXT, model_id="m1", key=private, algorithm="ed25519")
    verify_response(TEXT, sig.to_dict(), key=public, algorithm="ed25519")


def test_signature_binds_the_decision() -> None:
    decision = Pipeline().check_output(TEXT)
    flagging = stage(
        lambda text, ctx: Outcome(findings=(finding("output.t", Category.OUTPUT_POLICY, 0.5),)),
        name="flag",
    )
    other = Pipeline(output=[Step(flagging, on_fail="flag")]).check_output(TEXT)
    sig = sign_response(TEXT, model_id="m", key=KEY, decision=decision)
    assert sig.decision_digest == decision_digest(decision)
    verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", decision=decision)
    with pytest.raises(IntegrityError, match="decision digest"):
        verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", decision=other)


def test_wrong_key_fails() -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY)
    with pytest.raises(IntegrityError):
        verify_response(TEXT, sig, key=b"x" * 32, algorithm="hmac-sha256")


def test_verifier_chooses_the_algorithm() -> None:
    _, public = _ed_keys()
    sig = sign_response(TEXT, model_id="m", key=KEY)
    with pytest.raises(IntegrityError, match="algorithm"):
        verify_response(TEXT, sig, key=public, algorithm="ed25519")


def test_old_signature_fails_max_age() -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY, now=1000.0)
    verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", max_age_seconds=60, now=1030.0)
    with pytest.raises(IntegrityError, match="too old"):
        verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", max_age_seconds=60, now=1061.0)


def test_short_hmac_key_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        sign_response(TEXT, model_id="m", key=b"short")


def test_malformed_signature_dict_is_an_integrity_error() -> None:
    with pytest.raises(IntegrityError, match="malformed"):
        verify_response(TEXT, {"algorithm": "hmac-sha256"}, key=KEY, algorithm="hmac-sha256")


def _flip(data: bytes, index: int, bit: int) -> bytes:
    i = index % len(data)
    return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :]


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=200), index=st.integers(0, 10_000), bit=st.integers(0, 7))
def test_any_changed_byte_of_the_text_fails(text: str, index: int, bit: int) -> None:
    raw = text.encode("utf-8")
    changed = _flip(raw, index, bit).decode("utf-8", errors="surrogateescape")
    sig = sign_response(text, model_id="m", key=KEY, now=1.0)
    with pytest.raises(IntegrityError):
        verify_response(changed, sig, key=KEY, algorithm="hmac-sha256")


@settings(max_examples=60, deadline=None)
@given(
    field=st.sampled_from(["model_id", "text_sha256", "decision_digest", "key_id", "signature"]),
    index=st.integers(0, 10_000),
    bit=st.integers(0, 6),
    algorithm=st.sampled_from(["hmac-sha256", "ed25519"]),
)
def test_any_changed_byte_of_the_signature_fails(
    field: str, index: int, bit: int, algorithm: str
) -> None:
    private, public = _ed_keys()
    signing, verifying = (KEY, KEY) if algorithm == "hmac-sha256" else (private, public)
    sig = sign_response(
        TEXT,
        model_id="model-1",
        key=signing,
        algorithm=algorithm,
        key_id="k1",
        now=5.0,  # type: ignore[arg-type]
        decision=Pipeline().check_output(TEXT),
    )
    if field == "signature":
        raw = base64.b64decode(sig.signature)
        value = base64.b64encode(_flip(raw, index, bit)).decode()
    else:
        raw = getattr(sig, field).encode()
        value = _flip(raw, index, bit).decode("utf-8", errors="surrogateescape")
    tampered = dataclasses.replace(sig, **{field: value})
    with pytest.raises(IntegrityError):
        verify_response(TEXT, tampered, key=verifying, algorithm=algorithm)  # type: ignore[arg-type]


def test_signature_survives_a_json_round_trip() -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY, now=12.5)
    again = ResponseSignature.from_dict(json.loads(json.dumps(sig.to_dict())))
    assert verify_response(TEXT, again, key=KEY, algorithm="hmac-sha256", now=13.0) == sig


# -- default maximum age ------------------------------------------------------------------------


def test_a_signature_older_than_the_default_maximum_age_fails() -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY, now=1000.0)
    with pytest.raises(IntegrityError, match="too old"):
        verify_response(
            TEXT, sig, key=KEY, algorithm="hmac-sha256", now=1000.0 + DEFAULT_MAX_AGE_SECONDS + 1
        )


def test_a_signature_within_the_default_maximum_age_verifies() -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY, now=1000.0)
    now = 1000.0 + DEFAULT_MAX_AGE_SECONDS
    assert verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", now=now) == sig


def test_the_default_maximum_age_is_short() -> None:
    assert 0 < DEFAULT_MAX_AGE_SECONDS <= 3600


def test_max_age_none_accepts_any_age() -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY, now=1.0)
    verified = verify_response(
        TEXT, sig, key=KEY, algorithm="hmac-sha256", max_age_seconds=None, now=1e9
    )
    assert verified == sig


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_a_bad_max_age_is_refused(bad: float) -> None:
    sig = sign_response(TEXT, model_id="m", key=KEY, now=1.0)
    with pytest.raises(ConfigurationError):
        verify_response(TEXT, sig, key=KEY, algorithm="hmac-sha256", max_age_seconds=bad, now=1.0)


# -- links out of the artifact folder -----------------------------------------------------------


def _artifacts_with_a_link_out(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"weights from elsewhere")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "weights.bin").symlink_to(outside)
    return folder, {"weights.bin": sha256_file(outside)}


def test_verify_manifest_refuses_a_file_link_out_of_the_folder(tmp_path: Path) -> None:
    folder, manifest = _artifacts_with_a_link_out(tmp_path)
    with pytest.raises(IntegrityError, match="links out of the artifact folder"):
        verify_manifest(folder, manifest)


def test_verify_manifest_refuses_a_folder_link_out_of_the_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "tok.json").write_bytes(b"{}")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "sub").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(IntegrityError, match="links out of the artifact folder"):
        verify_manifest(folder, {"sub/tok.json": sha256_file(elsewhere / "tok.json")})


def test_verify_manifest_accepts_a_link_that_stays_inside(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "real.bin").write_bytes(b"w")
    (folder / "alias.bin").symlink_to(folder / "real.bin")
    digest = sha256_file(folder / "real.bin")
    verify_manifest(folder, {"alias.bin": digest, "real.bin": digest})


def test_build_manifest_refuses_a_link_out_of_the_folder(tmp_path: Path) -> None:
    folder, _ = _artifacts_with_a_link_out(tmp_path)
    with pytest.raises(IntegrityError, match="links out of the artifact folder"):
        build_manifest(folder)
