"""Headless Chromium for the report tests: load a local page offline, collect console errors,
read the DOM after scripts ran, and take a screenshot.

Debian's ``chromium`` package (``.ci/run`` installs it); tests skip with a reason without it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

# Console messages of the page (errors and uncaught exceptions among them), as Chromium logs them.
_CONSOLE = re.compile(r"CONSOLE(?::\d{1,9}|\(\d{1,9}\))\] \"([^\n]{0,500})")


@dataclass(frozen=True)
class Rendered:
    """What Chromium made of a page."""

    dom: str
    console: list[str]
    requests: list[str]  # network URLs the page itself asked for (not the browser's own)
    screenshot: Path


def chromium() -> str:
    """The Chromium binary, or skip the test saying why."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    return found


def _page_requests(netlog: Path) -> list[str]:
    """URLs in Chromium's net log that the page requested (its network key is the file origin)."""
    events = json.loads(netlog.read_text(encoding="utf-8")).get("events", [])
    urls = []
    for event in events:
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        if url.startswith(("http:", "https:", "ws:", "wss:")) and "file://" in str(
            params.get("network_isolation_key", "")
        ):
            urls.append(url)
    return sorted(set(urls))


def _run(binary: str, page: Path, *extra: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    args = [
        binary,
        "--headless=new",
        "--no-sandbox",  # tests may run as root in a container
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={tmp / 'profile'}",
        # Offline: any attempt to reach the network fails and shows up as an error.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.resolve().as_uri(),
    ]
    env = {**os.environ, "HOME": str(tmp)}
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, check=False)


def render(page: Path, tmp: Path, *, width: int = 1200, height: int = 1600) -> Rendered:
    """Load ``page`` twice: once for the DOM and the console, once for a screenshot."""
    binary = chromium()
    netlog = tmp / f"{page.stem}.netlog.json"
    dumped = _run(binary, page, "--dump-dom", f"--log-net-log={netlog}", tmp=tmp)
    shot = tmp / f"{page.stem}.png"
    taken = _run(binary, page, f"--screenshot={shot}", f"--window-size={width},{height}", tmp=tmp)
    logs = dumped.stderr + taken.stderr
    assert shot.is_file(), f"no screenshot: {taken.stderr[-800:]}"
    return Rendered(
        dom=dumped.stdout,
        console=_CONSOLE.findall(logs),
        requests=_page_requests(netlog),
        screenshot=shot,
    )


def colour_count(png: Path, rgb: tuple[int, int, int], tolerance: int = 24) -> int:
    """Pixels of the screenshot within ``tolerance`` of ``rgb`` on every channel."""
    from PIL import Image

    with Image.open(png) as img:
        colours = img.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return sum(n for n, c in colours if all(abs(c[i] - rgb[i]) <= tolerance for i in range(3)))


def distinct_colours(png: Path) -> int:
    """How many colours the screenshot holds (1 for a blank page)."""
    from PIL import Image

    with Image.open(png) as img:
        return len(img.convert("RGB").getcolors(maxcolors=1 << 20) or [])
