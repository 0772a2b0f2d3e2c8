"""Shared fixtures: the real project folder and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites tests/golden/ instead of comparing (review the diff)."""
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ files")


@pytest.fixture(scope="session")
def project_dir() -> Path:
    """The real project folder (no copies): ontology/, data/, shapes/, queries/."""
    return ROOT


@pytest.fixture
def run_cli(project_dir: Path):
    """Invoke the real CLI on the real project; returns click's Result (stdout/stderr apart)."""

    def invoke(*args: str, project: Path | None = None, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(cli, ["--project", str(project or project_dir), *args], input=input)

    return invoke
