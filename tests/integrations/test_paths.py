"""Copy-on-write paths never mutate the caller's request."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from genai_guard.integrations._paths import lookup, replaced


@given(st.lists(st.text(max_size=5), min_size=1, max_size=5), st.data())
def test_replaced_sets_value_and_leaves_original(texts: list[str], data: Any) -> None:
    root = {"messages": [{"role": "user", "content": t} for t in texts]}
    i = data.draw(st.integers(0, len(texts) - 1))
    out = replaced(root, ("messages", i, "content"), "NEW")
    assert lookup(out, ("messages", i, "content")) == "NEW"
    assert [m["content"] for m in root["messages"]] == texts


def test_replaced_copies_attribute_objects() -> None:
    class Msg:
        def __init__(self) -> None:
            self.content = "old"

    msg = Msg()
    out = replaced([msg], (0, "content"), "new")
    assert (msg.content, out[0].content) == ("old", "new")


def test_lookup_of_missing_path_is_none() -> None:
    assert lookup({"a": [1]}, ("a", 3, "b")) is None


def test_integrations_import_no_vendor_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys, genai_guard.integrations; "
        "print(sorted(m for m in ('openai', 'anthropic', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=None
    )
    assert out.stdout.strip() == "[]"
