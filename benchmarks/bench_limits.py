"""Limiter, audit and signing costs: p50/p99 per call.

Run: ``PYTHONPATH=src python benchmarks/bench_limits.py``. The Redis figures need a
``redis-server`` binary; the script starts one on a free local port and stops it afterwards.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import report, time_each

from genai_guard import Context, Pipeline
from genai_guard.audit import Auditor, JsonlSink
from genai_guard.integrity import sign_response, verify_response
from genai_guard.limits import MemoryBackend, Rate, RateLimiter, RedisBackend

N = 5000


def _limiter(backend: object) -> RateLimiter:
    return RateLimiter(
        requests=Rate(1e9, 1),
        tokens=Rate(1e12, 1),
        backend=backend,  # type: ignore[arg-type]
    )


def _throughput(limiter: RateLimiter, keys: list[str]) -> dict[str, float]:
    stats = time_each(lambda k: limiter.acquire(k, tokens=100), keys)
    start = time.perf_counter()
    for k in keys:
        limiter.acquire(k, tokens=100)
    stats["ops_per_s"] = round(len(keys) / (time.perf_counter() - start))
    return stats


def _redis() -> tuple[subprocess.Popen[bytes], int] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return proc, port
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    return None


def main() -> None:
    keys = [f"user-{i % 100}" for i in range(N)]
    rows: dict[str, object] = {
        "memory acquire": _throughput(_limiter(MemoryBackend()), keys),
    }
    started = _redis()
    if started is not None:
        proc, port = started
        try:
            import redis

            client = redis.Redis(host="127.0.0.1", port=port)
            rows["redis acquire (local server, Lua)"] = _throughput(
                _limiter(RedisBackend(client)), keys
            )
            client.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    else:
        rows["redis acquire"] = "skipped: no redis-server"

    decision = Pipeline().check_input("hello", Context(user_id="u", request_id="r"))
    with tempfile.TemporaryDirectory() as tmp:
        auditor = Auditor([JsonlSink(Path(tmp) / "a.jsonl", key=b"c" * 32)], text_key=b"t" * 32)
        rows["audit record (jsonl, hmac chain)"] = time_each(
            lambda _: auditor.record(decision), range(2000)
        )
    text = "An answer of moderate length. " * 20
    sig = sign_response(text, model_id="m", key=b"k" * 32)
    rows["sign hmac-sha256"] = time_each(
        lambda _: sign_response(text, model_id="m", key=b"k" * 32, decision=decision), range(2000)
    )
    rows["verify hmac-sha256"] = time_each(
        lambda _: verify_response(text, sig, key=b"k" * 32, algorithm="hmac-sha256"), range(2000)
    )
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    ed_sig = sign_response(text, model_id="m", key=private, algorithm="ed25519")
    rows["sign ed25519"] = time_each(
        lambda _: sign_response(text, model_id="m", key=private, algorithm="ed25519"), range(1000)
    )
    rows["verify ed25519"] = time_each(
        lambda _: verify_response(text, ed_sig, key=private.public_key(), algorithm="ed25519"),
        range(1000),
    )
    report("limits, audit and signing (microseconds per call)", rows)


if __name__ == "__main__":
    main()
