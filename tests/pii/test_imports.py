from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    code = (
        "import sys; import genai_guard.pii, genai_guard.pii._stage_types; "
        "heavy = ('presidio_analyzer', 'spacy', 'cryptography', 'phonenumbers', 'tldextract', 'faker', 'stdnum'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert out.stdout.strip() == "[]"


def test_building_the_default_pipeline_loads_neither_faker_nor_stdnum() -> None:
    code = (
        "import sys; from genai_guard.policy import build_pipeline; "
        "from genai_guard.pii import PIIMasker; "
        "build_pipeline('default'); PIIMasker(default_operator='surrogate'); "
        "heavy = ('faker', 'stdnum', 'presidio_analyzer', 'spacy'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert out.stdout.strip() == "[]"
