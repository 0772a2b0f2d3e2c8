"""The README stays true: its generated tables are current and list every command and query."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kgtool.cli import cli
from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent


def test_cog_sections_are_current():
    proc = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, "README is stale: run `cog -r README.md`\n" + proc.stdout


def test_every_command_and_saved_query_is_in_the_readme():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cli.commands if f"`kgtool {name}`" not in text]
    missing += [q.name for q in load_catalogue(Project(ROOT)) if f"`{q.name}`" not in text]
    assert not missing
