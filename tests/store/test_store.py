"""The store: built once per content, reused read-only, rebuilt on any change, never unsafe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgtool.errors import InputError
from kgtool.project import Project
from kgtool.query.run import run_local
from kgtool.store.engine import open_project_store
from tests.store import fixtures

cache, project = fixtures.cache, fixtures.project  # the store tests' fixtures
ROOT = Path(__file__).resolve().parents[2]
LABEL = (
    "SELECT ?l WHERE { <https://w3id.org/kommunsamverkan/id/municipality/1980> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)


def label(store) -> str:
    return run_local(store, LABEL).rows[0]["l"].value


def test_store_is_built_once_and_reused(cache, project):
    first = open_project_store(Project(project))
    assert first.location is not None and first.location.parent == cache
    inode = first.location.stat().st_ino
    second = open_project_store(Project(project))
    assert second.location == first.location
    assert second.location.stat().st_ino == inode
    assert [p.name for p in cache.glob("store-*")] == [first.location.name]
    assert second.triple_count() == first.triple_count() > 4000


def test_one_named_graph_per_file(cache, project):
    store = open_project_store(Project(project))
    graphs = {g.value for g in store.store.named_graphs()}
    files = Project(project).graph_files()
    assert graphs == {f.graph for f in store.files}
    assert len(graphs) == len(files)
    assert "urn:kgtool:file:data/collaborations/malardalsradet.ttl" in graphs


def test_same_size_edit_with_mtime_kept_is_seen(cache, project):
    """The key is the content: an edit that keeps size and mtime (``cp -p``) is a new store."""
    path = project / "data" / "reference" / "municipalities.ttl"
    before = open_project_store(Project(project))
    assert label(before) == "Västerås"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace('"Västerås"@sv', '"Västeråx"@sv', 1)
    assert len(edited.encode()) == len(text.encode()) and edited != text
    edited_copy = project / "edited.tmp"
    edited_copy.write_text(edited, encoding="utf-8")
    os.utime(edited_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    subprocess.run(["cp", "-p", str(edited_copy), str(path)], check=True)
    edited_copy.unlink()
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    after = open_project_store(Project(project))
    assert after.location != before.location
    assert label(after) == "Västeråx"


def test_cache_folder_writable_by_others_is_not_used(cache, project, capfd):
    cache.mkdir()
    cache.chmod(0o777)
    store = open_project_store(Project(project))
    assert store.location is None  # built in memory instead
    assert label(store) == "Västerås"
    assert list(cache.iterdir()) == []
    assert "is not used: others may write to it" in capfd.readouterr().err


def test_syntax_error_names_file_line_and_column_and_leaves_no_store(cache, project):
    broken = project / "data" / "sources.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<a> <b> .\n", encoding="utf-8")
    lines = broken.read_text(encoding="utf-8").count("\n")
    with pytest.raises(InputError) as raised:
        open_project_store(Project(project))
    assert raised.value.message.startswith(f"data/sources.ttl:{lines}:")
    assert [p for p in cache.iterdir() if p.name.startswith(("store-", ".build-"))] == []


BUILD = """
import sys, time
from pathlib import Path
from kgtool.project import Project
from kgtool.store.engine import open_project_store
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
store = open_project_store(Project(Path(sys.argv[1])))
print(store.location, store.triple_count())
"""


def test_two_processes_building_at_once_agree_and_leave_one_store(cache, project, tmp_path):
    """Both build in private folders; the first rename wins, the other uses the winner's."""
    go = tmp_path / "go"
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(cache)}
    builders = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD, str(project), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    go.touch()
    answers = [builder.communicate(timeout=120) for builder in builders]
    assert all(builder.returncode == 0 for builder in builders), answers
    outputs = {out.strip() for out, _ in answers}
    assert len(outputs) == 1, outputs
    assert [p.name for p in cache.glob("*store-*")] == [Path(outputs.pop().split()[0]).name]


def test_a_second_process_reads_while_the_first_holds_the_store(cache, project):
    held = open_project_store(Project(project))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "kgtool"), "--project", str(project), "query",
         "collaborations-of-municipality", "-f", "sparql-csv"],
        capture_output=True, text=True, env={**os.environ, "KGTOOL_CACHE_DIR": str(cache)},
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert label(held) == "Västerås"
