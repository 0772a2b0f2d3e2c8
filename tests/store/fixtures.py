"""Fixtures of the store's tests (imported by each): a private cache folder and a copy of the
shipped project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache folder of the test's own (``KGTOOL_CACHE_DIR``), the cache switched on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KGTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("KGTOOL_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the shipped project (ontology, data, shapes, queries) to change freely."""
    root = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    return root
