"""An installed wheel carries ontology/, data/, shapes/ and queries/ and finds them on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("kgtool-*.whl")
    return built


def test_wheel_bundles_project_folders(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("ontology", "data", "shapes", "queries"):
        expected = {
            f"kgtool/_project/{p.relative_to(ROOT).as_posix()}"
            for p in (ROOT / folder).rglob("*")
            if p.is_file()
        }
        assert expected <= set(names), f"{folder}/ files missing from the wheel"


def test_installed_wheel_finds_bundled_project(wheel, tmp_path):
    """Run the packaged code outside the source tree, with no --project and no env var."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "KGTOOL_PROJECT"}
    env["PYTHONPATH"] = str(site)
    proc = subprocess.run(
        [sys.executable, "-c", "from kgtool.cli import main; main()", "info"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"project: {site / 'kgtool' / '_project'}" in proc.stdout
