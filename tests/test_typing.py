"""The typed parts of the package pass mypy's strict mode (``kgtool/py.typed`` tells users'
type checkers to trust the annotations).

Strict here: the terms, loading the graph, asking it questions and checking it. A module of
these parts that cannot pass yet is listed in ``NOT_YET_STRICT`` (none today).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

STRICT = [
    "kgtool/terms.py",
    "kgtool/errors.py",
    "kgtool/store",
    "kgtool/query",
    "kgtool/checks",
]

NOT_YET_STRICT: list[str] = []


def test_the_package_says_it_is_typed():
    assert (ROOT / "kgtool" / "py.typed").is_file()


def test_every_module_of_the_strict_parts_is_listed():
    """A new module in store/, query/ or checks/ is either strict or listed as not yet."""
    listed = {ROOT / p for p in STRICT + NOT_YET_STRICT}
    for part in ("store", "query", "checks"):
        for path in (ROOT / "kgtool" / part).glob("*.py"):
            if path.name == "__init__.py":
                continue
            inside = path in listed or path.parent in listed
            assert inside, f"{path.relative_to(ROOT)}: add it to STRICT (or NOT_YET_STRICT)"


def test_strict_parts_pass_mypy_strict():
    if importlib.util.find_spec("mypy") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("mypy is missing: it is in the test extra (pip install -e '.[test]')")
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *STRICT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
