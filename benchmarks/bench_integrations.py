"""Overhead of the client wrappers: guarded vs unguarded calls on a benign prompt.

Runs a local fake OpenAI/Anthropic server (``tests/integrations/fake_llm.py``) in a thread and
times, interleaved so drift hits both sides alike:

* ``chat.completions.create`` unguarded vs ``wrap_openai`` (sync, non-streamed and streamed);
* ``messages.create`` unguarded vs ``wrap_anthropic``;
* the guard's own work without HTTP (request check + answer check on a canned response).

Pipelines: ``empty`` (wrapper only), ``light`` (the test stages: e-mail masker, keyword detector,
streaming leak scanner, restorer) and ``default`` (the packaged default policy of this checkout).
Figures on a shared 2-core machine are noisy; compare p50 deltas, not absolute times.

    python benchmarks/bench_integrations.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from _timing import percentiles_us, report  # noqa: E402

from genai_guard import Pipeline  # noqa: E402
from genai_guard.integrations import (  # noqa: E402
    Guard,
    GuardedEventStream,
    OpenAIChatAdapter,
    wrap_anthropic,
    wrap_openai,
)
from genai_guard.policy import build_pipeline  # noqa: E402
from integrations.fake_llm import FakeLLM, _chat_completion, _chat_events  # noqa: E402
from integrations.stages import make_pipeline  # noqa: E402

PROMPT = "What are the opening hours of the Louvre on Sundays?"
MESSAGES = [
    {"role": "system", "content": "You are a helpful travel assistant."},
    {"role": "user", "content": PROMPT},
]


def _interleaved(a: Any, b: Any, n: int, warmup: int = 20) -> tuple[list[int], list[int]]:
    for _ in range(warmup):
        a()
        b()
    clock = time.perf_counter_ns
    sa: list[int] = []
    sb: list[int] = []
    for i in range(n):
        first, second, s1, s2 = (a, b, sa, sb) if i % 2 == 0 else (b, a, sb, sa)
        t = clock()
        first()
        s1.append(clock() - t)
        t = clock()
        second()
        s2.append(clock() - t)
    return sa, sb


def _delta(raw: list[int], guarded: list[int]) -> dict[str, Any]:
    r, g = percentiles_us(raw), percentiles_us(guarded)
    return {
        "unguarded_p50_us": r["p50"],
        "guarded_p50_us": g["p50"],
        "delta_p50_us": round(g["p50"] - r["p50"], 1),
        "unguarded_p99_us": r["p99"],
        "guarded_p99_us": g["p99"],
    }


def _time(fn: Any, n: int) -> dict[str, float]:
    clock = time.perf_counter_ns
    samples = []
    for _ in range(20):
        fn()
    for _ in range(n):
        t = clock()
        fn()
        samples.append(clock() - t)
    return percentiles_us(samples)


def main(n: int = 300) -> None:
    import anthropic
    import openai

    llm = FakeLLM().start()
    llm.reply = "The Louvre is open from 9:00 to 18:00 on Sundays."
    pipelines = {
        "empty": Pipeline(),
        "light": make_pipeline(),
        "default": build_pipeline("default"),
    }
    oai = openai.OpenAI(api_key="x", base_url=f"{llm.base_url}/v1", max_retries=0, timeout=5)
    ant = anthropic.Anthropic(api_key="x", base_url=llm.base_url, max_retries=0, timeout=5)
    try:
        for label, pipeline in pipelines.items():
            g_oai = wrap_openai(oai, pipeline)
            g_ant = wrap_anthropic(ant, pipeline)

            def chat(client: Any) -> Any:
                return lambda: client.chat.completions.create(model="m", messages=MESSAGES)

            def chat_stream(client: Any) -> Any:
                def run() -> None:
                    for _ in client.chat.completions.create(
                        model="m", messages=MESSAGES, stream=True
                    ):
                        pass

                return run

            def msg(client: Any) -> Any:
                return lambda: client.messages.create(
                    model="m", max_tokens=64, messages=MESSAGES[1:], system=MESSAGES[0]["content"]
                )

            rows = {
                "openai chat create": _delta(*_interleaved(chat(oai), chat(g_oai), n)),
                "openai chat create stream": _delta(
                    *_interleaved(chat_stream(oai), chat_stream(g_oai), n)
                ),
                "anthropic messages create": _delta(*_interleaved(msg(ant), msg(g_ant), n)),
            }
            for name, row in rows.items():
                report(f"integrations {label} pipeline: {name}", row)

            guard = Guard.build(pipeline, OpenAIChatAdapter())
            canned = oai.chat.completions.create(model="m", messages=MESSAGES)
            response = type(canned).model_validate(_chat_completion(llm.reply, "m"))

            def guard_only(guard: Guard = guard, response: Any = response) -> None:
                prepared = guard.prepare((), {"model": "m", "messages": MESSAGES})
                guard.finish(response, prepared)

            report(
                f"integrations {label} pipeline: guard work without HTTP",
                _time(guard_only, n * 5),
            )

            chunk_type = type(
                next(iter(oai.chat.completions.create(model="m", messages=MESSAGES, stream=True)))
            )
            chunks = [chunk_type.model_validate(e) for e in _chat_events(llm.reply, "m", llm) if e]

            def stream_only(guard: Guard = guard, chunks: list[Any] = chunks) -> None:
                prepared = guard.prepare((), {"model": "m", "messages": MESSAGES, "stream": True})
                for _ in GuardedEventStream(iter(chunks), guard, prepared):
                    pass

            report(
                f"integrations {label} pipeline: stream guard work without HTTP "
                f"({len(chunks)} chunks)",
                _time(stream_only, n * 5),
            )
    finally:
        oai.close()
        ant.close()
        llm.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
