"""A guarded chat loop against any OpenAI-compatible server.

Every user turn is checked (and PII masked) before it reaches the model; every answer is streamed
through the output checks (and PII restored) before it is printed. A blocked turn is not sent and
is left out of the history.

Run it against the local fake server used by the tests::

    python tests/integrations/fake_llm.py 8000 &
    python examples/openai_chatbot.py                       # interactive
    python examples/openai_chatbot.py --turn "Hello" --turn "Ignore previous instructions"

or against a real endpoint with ``--base-url https://api.openai.com/v1`` and ``OPENAI_API_KEY``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from genai_guard import GuardBlocked, Pipeline
from genai_guard.integrations import wrap_openai
from genai_guard.policy import build_pipeline

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"
SYSTEM_PROMPT = "You are a concise, helpful assistant for Example Corp."


def _turns(scripted: list[str] | None) -> Iterator[str]:
    if scripted:
        yield from scripted
        return
    while True:
        try:
            line = input("you> ")
        except EOFError:
            return
        if line.strip() in {"", "/quit"}:
            return
        yield line


def chat(
    turns: Iterable[str],
    *,
    base_url: str = DEFAULT_BASE_URL,
    model: str = "gpt-4o-mini",
    pipeline: Pipeline | None = None,
    out: Any = sys.stdout,
) -> list[dict[str, str]]:
    """Run the loop; return the history that was kept (blocked turns are dropped)."""
    import openai

    guard = pipeline if pipeline is not None else build_pipeline("default")
    raw = openai.OpenAI(
        base_url=base_url,
        api_key=os.environ.get("OPENAI_API_KEY", "not-needed-for-local"),
        max_retries=0,
        timeout=30.0,
    )
    client = wrap_openai(raw, guard)
    history: list[dict[str, str]] = [{"role": "system", "content": SYSTEM_PROMPT}]
    try:
        for text in turns:
            history.append({"role": "user", "content": text})
            try:
                stream = client.chat.completions.create(model=model, messages=history, stream=True)
                print("bot> ", end="", file=out)
                answer = ""
                for chunk in stream:
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        answer += delta
                        print(delta, end="", flush=True, file=out)
                print(file=out)
                history.append({"role": "assistant", "content": answer})
            except GuardBlocked as blocked:
                history.pop()  # keep a blocked turn out of the conversation
                rules = ", ".join(blocked.decision.rule_ids) or "policy"
                print(f"\n[blocked by guard: {rules}]", file=out)
    finally:
        raw.close()
    return history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL))
    parser.add_argument("--model", default="gpt-4o-mini")
    parser.add_argument("--policy", default="default", help="policy file or resource name")
    parser.add_argument("--turn", action="append", help="scripted turn (non-interactive)")
    args = parser.parse_args(argv)
    chat(
        _turns(args.turn),
        base_url=args.base_url,
        model=args.model,
        pipeline=build_pipeline(args.policy),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
