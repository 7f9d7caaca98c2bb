"""The whole PII path with sockets blocked: nothing may reach for the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from genai_guard import Context
from genai_guard.policy import build_pipeline


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return


@pytest.mark.usefixtures("no_network")
def test_default_policy_pii_path_offline() -> None:
    pipe = build_pipeline("default")
    ctx = Context(conversation_id="c")
    dec = pipe.check_input("I am bob@example.org, call +1 415 555 2671", ctx)
    assert dec.text == "I am <EMAIL_ADDRESS_1>, call <PHONE_NUMBER_1>"
    out = pipe.check_output("Hi <EMAIL_ADDRESS_1>!", prompt=dec)
    assert out.text == "Hi bob@example.org!"


@pytest.mark.usefixtures("no_network")
def test_presidio_engine_offline() -> None:
    from genai_guard.pii import PIIMasker

    masker = PIIMasker(engine="presidio", entities=["EMAIL_ADDRESS", "URL"])
    out = masker.check("write to bob@mail.example.org", Context())
    assert out.text == "write to <EMAIL_ADDRESS_1>"
