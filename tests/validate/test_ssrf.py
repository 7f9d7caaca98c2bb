"""SSRF targets in answers and tool arguments."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._streams import streamed_findings

from genai_guard import Action, Context, Direction
from genai_guard.validate import SSRFValidator
from genai_guard.validate.ssrf import internal_target

CTX = Context(direction=Direction.OUTPUT)
V = SSRFValidator()


@pytest.mark.parametrize(
    "text",
    [
        "fetch http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        '{"url": "http://localhost:8080/admin"}',
        "GET http://metadata.google.internal/computeMetadata/v1/",
        "http://10.0.0.5:9200/_cat/indices",
        "http://192.168.1.1/cgi-bin/",
        "http://[::1]:6379/",
        "http://[::ffff:127.0.0.1]/",
        "http://2852039166/latest/",  # 169.254.169.254 as one decimal number
        "http://0x7f000001/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "http://db.internal/",
    ],
)
def test_internal_targets_are_flagged(text: str) -> None:
    assert [f.rule_id for f in V.check(text, CTX).findings] == ["output.ssrf.internal_target"]


@pytest.mark.parametrize(
    "text",
    [
        "See https://docs.python.org/3/library/ipaddress.html",
        '{"url": "https://api.example.com/v1/items?id=10"}',
        "mailto:someone@example.com",
        "http://8.8.8.8/",
        "no url here, just 127.0.0.1 mentioned",
    ],
)
def test_public_targets_are_not_flagged(text: str) -> None:
    assert V.check(text, CTX).findings == ()


def test_default_action_is_flag() -> None:
    assert SSRFValidator.default_on_fail is Action.FLAG


@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4))
def test_an_ipv4_url_is_flagged_exactly_when_the_address_is_not_global(
    addr: ipaddress.IPv4Address,
) -> None:
    internal = (
        addr.is_loopback
        or addr.is_unspecified
        or addr.is_link_local
        or addr.is_private
        or addr.is_reserved
    )
    assert (internal_target(f"http://{addr}/x") is not None) == internal


@settings(max_examples=40, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            ["see http://169.254.169.254/x ", "https://example.com/a ", "text. ", "\n"]
        ),
        max_size=10,
    ),
    size=st.integers(min_value=1, max_value=23),
)
def test_streamed_answer_gives_the_whole_text_findings(parts: list[str], size: int) -> None:
    text = "".join(parts)
    assert streamed_findings(V, text, size, CTX) == V.check(text, CTX).findings
