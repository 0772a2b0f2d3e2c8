"""The foundation: the README's two commands, CI, project discovery, fast start-up."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kgtool import __version__
from kgtool.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", text, re.S)
    assert block, "README must open with a code block"
    return block.group(1).strip().splitlines()


def test_readme_opens_with_exactly_two_command_lines():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block_start = text.index("```")
    assert text[:first_block_start].count("\n") <= 2, "the commands come first in the README"
    commands = readme_commands()
    assert len(commands) == 2
    assert "kgtool" in commands[0] and "pytest" in commands[1]


def test_ci_runs_readme_command_two():
    """.ci/run extracts line 2 of the README's first block and runs it: same test command."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    extract = re.search(r"test_command=\$\(python3 - <<'PY'\n(.*?)\nPY\n\)", script, re.S)
    assert extract, ".ci/run must read the test command from the README"
    out = subprocess.run(
        [sys.executable, "-c", extract.group(1)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == readme_commands()[1]
    assert '"$status" -eq 5' in script, "pytest's 'no tests ran' (exit 5) must fail CI"


def test_version():
    result = CliRunner().invoke(cli, ["--project", str(ROOT), "--version"])
    assert result.exit_code == 0
    software, dataset = result.output.splitlines()
    assert software == f"kgtool {__version__}"
    pattern = r"dataset 20\d\d\.\d\d\.\d+ \(20\d\d-\d\d-\d\d\) content sha256:[0-9a-f]{16} in "
    assert re.fullmatch(pattern + re.escape(str(ROOT)), dataset), dataset


def test_help_lists_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "--project" in result.output and "info" in result.output


def test_project_found_from_repository(run_cli, project_dir):
    result = run_cli("info")
    assert result.exit_code == 0, result.output
    assert f"project: {project_dir}" in result.output


def test_project_option_not_a_project_is_usage_error(tmp_path):
    (tmp_path / "data").mkdir()
    result = CliRunner().invoke(cli, ["--project", str(tmp_path), "info"])
    assert result.exit_code == 2
    assert "not a kgtool project" in result.stderr
    assert "ontology/" in result.stderr and "shapes/" in result.stderr
    assert "data/" not in result.stderr.split("missing folder(s):")[1]
    assert "Traceback" not in result.output


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys; from kgtool.cli import cli; "
        "heavy = [m for m in ('rdflib', 'pyshacl', 'SPARQLWrapper', 'starlette', 'uvicorn', "
        "'jinja2') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_console_script_exit_code_for_bad_project(tmp_path):
    """The installed entry point maps a user error to exit 2 and one line, no traceback."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kgtool.cli import main; main()",
            "--project",
            str(tmp_path),
            "info",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: --project")
    assert "Traceback" not in proc.stderr
