"""Added latency of `genai-guard serve`: the real openai SDK straight to a fake upstream vs through
the guard server, loopback only.

Starts two processes (the fake OpenAI API of ``tests/integrations/fake_llm.py`` and
``genai-guard serve --policy default`` in front of it) and times, interleaved so drift hits both
sides alike:

* sequential short prompts, whole and streamed: p50/p99 per request, direct vs guarded, and the
  p50 added by the guard (its target: <= 5 ms on the project machine for short prompts);
* the same with one e-mail address in the prompt (masked on the way up, restored on the way down);
* 50 concurrent streams (AsyncOpenAI): p50/p99 per stream and throughput, direct vs guarded;
* the guard process's CPU time per request (from /proc), which a loaded machine inflates less
  than wall-clock latency;
* the guard's own work without sockets or processes: the ASGI app driven in-process by
  ``httpx.ASGITransport`` with an in-process upstream (``httpx.MockTransport``), default policy
  against an empty pipeline and against calling the mock upstream directly.

Figures on a shared 2-core machine are noisy (the client, the upstream and the guard share the
cores); compare p50 deltas, not absolute times.

    python benchmarks/bench_server.py [N] [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
import openai  # noqa: E402
from _timing import percentiles_us, report  # noqa: E402

PROMPT = "What are the opening hours of the Louvre on Sundays?"
# The tests' fake API, with a listen backlog large enough for 50 simultaneous connections.
_UPSTREAM = """
import socketserver, sys, threading
sys.path.insert(0, sys.argv[1])
socketserver.TCPServer.request_queue_size = 256
from integrations.fake_llm import FakeLLM
FakeLLM().start(int(sys.argv[2]))
threading.Event().wait()
"""
PII_PROMPT = "Please send the opening hours of the Louvre to jane.doe@example.com."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"process exited {proc.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def _messages(text: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You are a travel assistant."},
        {"role": "user", "content": text},
    ]


def _interleaved(a: Callable[[], Any], b: Callable[[], Any], n: int) -> tuple[list[int], list[int]]:
    for _ in range(20):
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


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pair(name: str, direct: list[int], guarded: list[int], cpu_seconds: float) -> dict[str, Any]:
    d, g = percentiles_us(direct), percentiles_us(guarded)
    return {
        f"{name} direct": d,
        f"{name} guarded": g,
        f"{name} added p50 ms": round((g["p50"] - d["p50"]) / 1000, 3),
        f"{name} added p99 ms": round((g["p99"] - d["p99"]) / 1000, 3),
        # The guard served the 20 warm-up requests too.
        f"{name} guard CPU ms per request": round(cpu_seconds * 1000 / (len(guarded) + 20), 3),
    }


async def _concurrent(base_url: str, streams: int, rounds: int) -> dict[str, Any]:
    async with openai.AsyncOpenAI(
        base_url=base_url,
        api_key="sk-bench",
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(
            limits=httpx.Limits(max_connections=streams, max_keepalive_connections=streams)
        ),
    ) as client:

        async def one() -> int:
            t = time.perf_counter_ns()
            stream = await client.chat.completions.create(
                model="bench", messages=_messages(PROMPT), stream=True
            )
            async for _ in stream:
                pass
            return time.perf_counter_ns() - t

        await asyncio.gather(*(one() for _ in range(streams)))  # warm-up, connections opened
        samples: list[int] = []
        start = time.perf_counter()
        for _ in range(rounds):
            samples.extend(await asyncio.gather(*(one() for _ in range(streams))))
        elapsed = time.perf_counter() - start
    stats: dict[str, Any] = dict(percentiles_us(samples))
    stats["streams_per_s"] = round(len(samples) / elapsed, 1)
    return stats


async def _in_process(pipeline: Any, n: int) -> list[int]:
    from genai_guard.server import ServerConfig, create_app

    answer = {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 0,
        "model": "bench",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": f"You said: {PROMPT}"},
            }
        ],
    }
    upstream = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    config = ServerConfig(upstream="http://upstream.invalid/v1")
    body = {"model": "bench", "messages": _messages(PROMPT)}
    samples: list[int] = []

    async def drive(transport: httpx.AsyncBaseTransport) -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://guard") as client:
            for i in range(n + 50):
                t = time.perf_counter_ns()
                r = await client.post("/v1/chat/completions", json=body)
                if i >= 50:
                    samples.append(time.perf_counter_ns() - t)
                if r.status_code != 200:
                    raise SystemExit(f"in-process guard answered {r.status_code}")

    if pipeline is None:  # the mock upstream alone: the floor of the client's own cost
        await drive(upstream)
        return samples
    app = create_app(pipeline, config, transport=upstream)
    async with app.router.lifespan_context(app):
        await drive(httpx.ASGITransport(app=app))
    return samples


def in_process_rows(n: int) -> dict[str, Any]:
    from genai_guard import Pipeline
    from genai_guard.policy import build_pipeline

    rows: dict[str, Any] = {}
    for name, pipe in (
        ("default policy", build_pipeline("default")),
        ("empty pipeline", Pipeline([])),
    ):
        rows[f"in-process guard, {name}"] = percentiles_us(asyncio.run(_in_process(pipe, n)))
    rows["in-process upstream alone"] = percentiles_us(asyncio.run(_in_process(None, n)))
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    streams = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    up_port, guard_port = _free_port(), _free_port()
    logs = Path(tempfile.mkdtemp(prefix="bench-server-"))
    with (logs / "upstream.log").open("wb") as up_log, (logs / "guard.log").open("wb") as g_log:
        upstream = subprocess.Popen(
            [sys.executable, "-c", _UPSTREAM, str(REPO / "tests"), str(up_port)],
            stdout=up_log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        guard = subprocess.Popen(
            [
                *(sys.executable, "-m", "genai_guard", "serve", "--policy", "default"),
                *("--upstream", f"http://127.0.0.1:{up_port}/v1", "--port", str(guard_port)),
                *("--log-level", "warning"),
            ],
            stdout=g_log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        _wait(f"http://127.0.0.1:{up_port}/", upstream)
        _wait(f"http://127.0.0.1:{guard_port}/readyz", guard)
        direct_url = f"http://127.0.0.1:{up_port}/v1"
        guard_url = f"http://127.0.0.1:{guard_port}/v1"
        direct = openai.OpenAI(base_url=direct_url, api_key="sk-bench", max_retries=0)
        guarded = openai.OpenAI(base_url=guard_url, api_key="sk-bench", max_retries=0)

        def whole(client: openai.OpenAI, text: str) -> Callable[[], Any]:
            return lambda: client.chat.completions.create(model="bench", messages=_messages(text))

        def streamed(client: openai.OpenAI, text: str) -> Callable[[], Any]:
            def run() -> None:
                for _ in client.chat.completions.create(
                    model="bench", messages=_messages(text), stream=True
                ):
                    pass

            return run

        rows: dict[str, Any] = {"requests per case": n, "policy": "default"}
        for name, make, text in (
            ("short prompt", whole, PROMPT),
            ("short prompt streamed", streamed, PROMPT),
            ("prompt with e-mail", whole, PII_PROMPT),
            ("prompt with e-mail streamed", streamed, PII_PROMPT),
        ):
            cpu = _cpu_seconds(guard.pid)
            d, g = _interleaved(make(direct, text), make(guarded, text), n)
            rows |= _pair(name, d, g, _cpu_seconds(guard.pid) - cpu)
        rounds = max(1, n // streams)
        cd = asyncio.run(_concurrent(direct_url, streams, rounds))
        cg = asyncio.run(_concurrent(guard_url, streams, rounds))
        rows[f"{streams} concurrent streams direct"] = cd
        rows[f"{streams} concurrent streams guarded"] = cg
        rows[f"{streams} concurrent streams added p50 ms"] = round(
            (cg["p50"] - cd["p50"]) / 1000, 3
        )
        rows[f"{streams} concurrent streams added p99 ms"] = round(
            (cg["p99"] - cd["p99"]) / 1000, 3
        )
        rows |= in_process_rows(n)
        report("genai-guard serve: added latency (loopback, openai SDK)", rows)
    finally:
        for proc in (guard, upstream):
            proc.terminate()
        for proc in (guard, upstream):
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
