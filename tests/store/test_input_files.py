"""Every input file is read or refused with exit 2 naming it: unreadable folders and files,
FIFOs, symlinked folders (followed, loops ended), odd file names, huge literals, a BOM."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store import fixtures

project = fixtures.project  # the store tests' fixtures
ROOT = Path(__file__).resolve().parents[2]
KGTOOL = str(Path(sys.executable).parent / "kgtool")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EX = "http://example.org/"


def kgtool(project: Path, tmp_path: Path, *args: str, drop_root: bool = False, timeout=60):
    command = [KGTOOL, "--project", str(project), *args]
    if drop_root and os.geteuid() == 0:  # root reads anything: take that power away
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)


def count(project: Path, tmp_path: Path) -> int:
    result = kgtool(project, tmp_path, "sparql", COUNT, "-f", "tsv")
    assert result.returncode == 0, result.stderr
    return int(result.stdout.splitlines()[1].split("^^")[0].strip('"'))


@pytest.mark.parametrize("command", [("validate",), ("sparql", COUNT)])
def test_an_unreadable_data_subfolder_is_exit_2_naming_it(project, tmp_path, command):
    folder = project / "data" / "collaborations"
    folder.chmod(0)
    try:
        result = kgtool(project, tmp_path, *command, drop_root=True)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "data/collaborations: cannot read folder: Permission denied" in result.stderr
    assert "No findings" not in result.stdout


def test_an_unreadable_data_file_is_exit_2_naming_it(project, tmp_path):
    path = project / "data" / "sources.ttl"
    path.chmod(0)
    result = kgtool(project, tmp_path, "sparql", COUNT, drop_root=True)
    assert result.returncode == 2, result.stderr
    assert "data/sources.ttl: cannot read: Permission denied" in result.stderr


def test_a_fifo_is_refused_at_once(project, tmp_path):
    os.mkfifo(project / "data" / "x.ttl")
    result = kgtool(project, tmp_path, "sparql", COUNT, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "data/x.ttl: not a regular file" in result.stderr


def test_a_symlinked_folder_is_followed_and_a_loop_ends(project, tmp_path):
    before = count(project, tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "extra.ttl").write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n", encoding="utf-8")
    (outside / "loop").symlink_to(outside, target_is_directory=True)
    (project / "data" / "linked").symlink_to(outside, target_is_directory=True)
    assert count(project, tmp_path) == before + 1


def test_an_odd_file_name_is_loaded(project, tmp_path):
    before = count(project, tmp_path)
    (project / "data" / 'a>b {"c"}.ttl').write_text(f"<{EX}a> <{EX}b> 1 .\n", encoding="utf-8")
    assert count(project, tmp_path) == before + 1


def test_a_literal_larger_than_the_parsers_buffer_is_loaded(project, tmp_path):
    big = "x" * (17 * 1024 * 1024)  # Oxigraph's file reader stops at 16 MiB
    path = project / "data" / "big.ttl"
    path.write_text(f'<{EX}a> <{EX}b> "{big}" .\n', encoding="utf-8")
    result = kgtool(project, tmp_path, "sparql", f"SELECT (STRLEN(?o) AS ?n) {{ <{EX}a> ?p ?o }}")
    assert result.returncode == 0, result.stderr[-500:]
    assert str(len(big)) in result.stdout


def test_a_byte_order_mark_is_named_in_the_message(project, tmp_path):
    path = project / "data" / "bom.ttl"
    path.write_bytes(f"<{EX}a> <{EX}b> \ufeff<{EX}c> .\n".encode())
    result = kgtool(project, tmp_path, "sparql", COUNT)
    assert result.returncode == 2
    assert "data/bom.ttl:1:" in result.stderr
    assert "U+FEFF (byte order mark)" in result.stderr
    assert "\ufeff" not in result.stderr


def test_an_empty_project_option_is_a_usage_error(tmp_path):
    result = subprocess.run(
        [KGTOOL, "--project", "", "sparql", COUNT], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2
    assert "--project" in result.stderr
