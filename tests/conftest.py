"""Shared fixtures. Tests that need the labelled corpus read it from ../shared/data and skip only
when that folder is absent; nothing of it is copied into the repository."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.redis_server import start_redis_server

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("GENAI_GUARD_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_rows(name: str) -> Iterator[dict[str, Any]]:
    """Rows of one file of the shared corpus."""
    with (SHARED_DATA / name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def redis_server() -> Iterator[int]:
    """A shared redis-server for the session; yield its port."""
    port, proc = start_redis_server()
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
