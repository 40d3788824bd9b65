"""Shared fixtures: the project's own spectrum of rewrites and the fast model."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from retold.pair.compare import Comparer

FIXTURES = Path(__file__).parent / "fixtures"
SPECTRUM = FIXTURES / "spectrum"


def pytest_sessionstart(session: pytest.Session) -> None:
    """CI sets RETOLD_REQUIRE_BROWSER so that browser tests cannot silently skip there."""
    if not os.environ.get("RETOLD_REQUIRE_BROWSER"):
        return
    missing = []
    if shutil.which("chromium") is None:
        missing.append("Chromium (apt-get install chromium chromium-driver)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("playwright (pip install 'retold[dev]')")
    if missing:
        raise pytest.UsageError(
            f"RETOLD_REQUIRE_BROWSER is set but {' and '.join(missing)} missing"
        )


@pytest.fixture(scope="session")
def spectrum_gold() -> dict[str, Any]:
    """gold.json: expected verdict and sentence alignment of each version of source.txt."""
    return json.loads((SPECTRUM / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def spectrum_source() -> str:
    return (SPECTRUM / "source.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def comparer() -> Comparer:
    """One fast-model comparer for the whole session (the model loads once)."""
    return Comparer("fast")


@pytest.fixture(scope="session")
def imported_by() -> Callable[[str, tuple[str, ...]], list[str]]:
    """``imported_by(code, modules)``: which of ``modules`` a fresh interpreter has imported
    after running ``code`` (what a cold start pays for)."""

    def run(code: str, modules: tuple[str, ...]) -> list[str]:
        probe = (
            f"{code}\nimport json, sys\n"
            f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        return list(json.loads(out.stdout.strip().splitlines()[-1]))

    return run
