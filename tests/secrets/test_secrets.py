from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._streams import streamed_findings

from genai_guard import Category, Context
from genai_guard.secrets import SecretsDetector

DET = SecretsDetector()
A = "abcdEFGH1234ijklMNOP5678qrstUVWX90yzAB"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("key AKIAIOSFODNN7EXAMPLE here", "AWS_ACCESS_KEY"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_KEY"),
        ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "GCP_API_KEY"),
        ('{"type": "service_account", "project_id": "x"}', "GCP_SERVICE_ACCOUNT"),
        ("token ghp_" + A[:36], "GITHUB_TOKEN"),
        ("xoxb-123456789012-123456789012-" + A[:24], "SLACK_TOKEN"),
        ("OPENAI_API_KEY=sk-proj-" + A, "OPENAI_KEY"),
        ("sk-ant-api03-" + A, "ANTHROPIC_KEY"),
        ("stripe sk_live_" + A[:24], "STRIPE_KEY"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "PRIVATE_KEY"),
        (
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "JWT",
        ),
        ("postgres://app:S3cr3tPass@db.internal:5432/prod", "CONNECTION_STRING_PASSWORD"),
        ("password=hunter2hunter", "PASSWORD_ASSIGNMENT"),
        ('client_secret = "' + A + '"', "GENERIC_KEY_ASSIGNMENT"),
        (
            "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + "A" * 86 + "==;",
            "AZURE_STORAGE_KEY",
        ),
    ],
)
def test_finds_secret(text: str, kind: str) -> None:
    found = DET.find(text)
    assert f"secret.{kind}" in [f.rule_id for f in found]
    assert all(f.category is Category.SECRET for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "the sk-learn library is great",
        "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "api_key = <your key here>",
        "token_count = 1234567890123456",
        "see https://example.com/docs for details",
    ],
)
def test_benign_text_is_clean(text: str) -> None:
    assert DET.find(text) == []


def test_message_never_contains_the_secret() -> None:
    (f,) = DET.check("key AKIAIOSFODNN7EXAMPLE", Context()).findings
    assert "AKIAIOSFODNN7EXAMPLE" not in f.message
    assert "AML.T0055" in f.atlas


@settings(max_examples=40, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            [
                "key AKIAIOSFODNN7EXAMPLE here\n",
                "ghp_" + "a1B2" * 9 + " ",
                "db postgres://u:s3cr3tpw@db.example.com/x ",
                "plain words. ",
                "\n",
            ]
        ),
        max_size=10,
    ),
    size=st.integers(min_value=1, max_value=23),
)
def test_streamed_answer_gives_the_whole_text_findings(parts: list[str], size: int) -> None:
    from genai_guard import Direction

    text = "".join(parts)
    ctx = Context(direction=Direction.OUTPUT)
    whole = DET.check(text, ctx).findings
    assert streamed_findings(DET, text, size, ctx) == whole


def test_pii_package_still_exports_the_detector() -> None:
    from genai_guard import pii

    assert pii.SecretsDetector is SecretsDetector


def test_jwt_at_its_longest_is_found_whole() -> None:
    token = "eyJ" + "a" * 4000 + ".eyJ" + "b" * 8000 + "." + "c" * 2000
    (found,) = DET.find(f"token {token} end")
    assert found.span is not None and found.span.end - found.span.start == len(token)
