"""Issue 26: the set-up a new user meets (README, Makefile, pyproject, benchmarks)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_keeps_exactly_the_two_set_up_commands() -> None:
    block = README.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]


def test_readme_has_a_pip_install_line_with_every_extra() -> None:
    extras = set(
        tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
            "optional-dependencies"
        ]
    ) - {"dev"}
    lines = [line for line in README.splitlines() if line.strip().startswith("pip install")]
    assert lines
    named = set(re.findall(r"\[([a-z,]+)\]", " ".join(lines)))
    assert extras <= {e for group in named for e in group.split(",")}


def test_readme_says_what_the_tests_need() -> None:
    for need in ("redis-server", "../shared/data", "chromium", "skip"):
        assert need in README, need


def test_readme_links_the_adapter_docs() -> None:
    for name in ("TransformerDetector", "LLMJudgeDetector"):
        assert name in (REPO / "docs" / "detectors.md").read_text(encoding="utf-8")
    assert "docs/detectors.md" in README


def test_no_placeholder_urls_in_the_package_metadata() -> None:
    assert "example.invalid" not in (REPO / "pyproject.toml").read_text(encoding="utf-8")


def _fake_python(path: Path, *, version_ok: bool) -> Path:
    # Answers the Makefile's version check, and refuses to build a venv (so nothing installs).
    path.write_text(
        "#!/bin/sh\n"
        f'case "$1" in -c) exit {0 if version_ok else 1};; esac\n'
        'echo "venv $*" >&2; exit 3\n',
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_refuses_an_old_python_with_the_fix(tmp_path: Path) -> None:
    fake = _fake_python(tmp_path / "python3.10", version_ok=False)
    done = subprocess.run(
        ["make", "-C", str(REPO), f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}", "demo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stdout
    assert "make PYTHON=python3.11 demo" in done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_rebuilds_a_stale_venv(tmp_path: Path) -> None:
    stale = tmp_path / "venv"
    (stale / "bin").mkdir(parents=True)
    _fake_python(stale / "bin" / "python", version_ok=False)  # the 3.10 left behind
    fake = _fake_python(tmp_path / "python3.11", version_ok=True)
    done = subprocess.run(
        ["make", "-C", str(REPO), f"PYTHON={fake}", f"VENV={stale}", "demo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "is stale" in done.stdout
    assert not (stale / "bin" / "python").exists()
    assert f"venv -m venv {stale}" in done.stderr  # then a fresh venv is made


def test_make_bench_says_what_it_skipped(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "GENAI_GUARD_SHARED_DATA": str(tmp_path / "absent"),
        "PYTHONPATH": str(REPO / "src"),
    }
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "bench_classifier",
            "bench_detect_rules",
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0
    assert "skipped (measured nothing): bench_classifier, bench_detect_rules" in done.stdout


def test_the_judge_example_of_docs_detectors_runs() -> None:
    text = (REPO / "docs" / "detectors.md").read_text(encoding="utf-8")
    example = text.split("## LLMJudgeDetector", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    exec(compile(example, "docs/detectors.md", "exec"), {})  # its asserts are the check
