"""The store cache never answers with content that is not in the files, whatever happens to
the files or to the cache folder: an edit during the build, a damaged or unwritable cache,
eviction by other runs while a store is in use, and a warm start that reads no file."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgtool.project import Project
from kgtool.query.run import run_local
from kgtool.store import engine, files
from kgtool.store.engine import open_project_store, open_read_only
from tests.store import fixtures

cache, project = fixtures.cache, fixtures.project  # the store tests' fixtures
ROOT = Path(__file__).resolve().parents[2]
KGTOOL = str(Path(sys.executable).parent / "kgtool")
MUNICIPALITIES = Path("data") / "reference" / "municipalities.ttl"
LABEL = (
    "SELECT ?l WHERE { <https://w3id.org/kommunsamverkan/id/municipality/1980> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)
ASK_LABEL = LABEL.replace("SELECT ?l WHERE", "SELECT (STR(?l) AS ?label) WHERE")


def label(store) -> str:
    return run_local(store, LABEL).rows[0]["l"].value


def kgtool(project: Path, cache: Path, *args: str, drop_root: bool = False):
    """The real CLI in a process of its own; ``drop_root`` takes away root's power to read
    and write what file permissions forbid (so that chmod means the same for root)."""
    command = [KGTOOL, "--project", str(project), *args]
    if drop_root and os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(cache)}
    env.pop("KGTOOL_NO_CACHE", None)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def query_label(project: Path, cache: Path, **options):
    return kgtool(project, cache, "sparql", ASK_LABEL, "-f", "tsv", **options)


def test_a_file_edited_while_the_first_build_runs_is_never_served(cache, project, monkeypatch):
    """The file changes after it was read (an editor saving mid-build): the store holds what was
    hashed, so writing the old text back gives the old answer, not the edit."""
    path = project / MUNICIPALITIES
    original = path.read_bytes()
    edited = original.replace('"Västerås"@sv'.encode(), '"Västeråx"@sv'.encode(), 1)
    real_check = files._check_utf8

    def edit_after_read(source, data):
        if source.path.name == path.name and path.read_bytes() == original:
            path.write_bytes(edited)  # lands after the read, before the parse
        return real_check(source, data)

    monkeypatch.setattr(files, "_check_utf8", edit_after_read)
    first = open_project_store(Project(project))
    assert label(first) == "Västerås"  # what was read when the build started
    monkeypatch.setattr(files, "_check_utf8", real_check)
    del first
    path.write_bytes(original)
    assert label(open_project_store(Project(project))) == "Västerås"
    path.write_bytes(edited)
    assert label(open_project_store(Project(project))) == "Västeråx"


def test_a_warm_start_reads_no_file_and_still_sees_every_edit(cache, project, monkeypatch):
    """The memo: unchanged files (size, mtime, inode, ctime) are not read again; an edit that
    keeps size and mtime (``cp -p``) changes the ctime and is read."""
    monkeypatch.setattr(engine, "RACY_NS", 0)  # the files were just copied: trust them at once
    assert label(open_project_store(Project(project))) == "Västerås"
    read: list[str] = []
    real_read = engine._read
    monkeypatch.setattr(
        engine, "_read", lambda source: read.append(source.shown) or real_read(source)
    )
    assert label(open_project_store(Project(project))) == "Västerås"
    assert read == []
    path = project / MUNICIPALITIES
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    edited_copy = project / "edited.tmp"
    edited_copy.write_text(text.replace('"Västerås"@sv', '"Västeråx"@sv', 1), encoding="utf-8")
    os.utime(edited_copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    subprocess.run(["cp", "-p", str(edited_copy), str(path)], check=True)
    assert path.stat().st_mtime_ns == info.st_mtime_ns and path.stat().st_size == info.st_size
    assert label(open_project_store(Project(project))) == "Västeråx"
    assert read[0] == MUNICIPALITIES.as_posix()  # the one file the memo found changed
    assert read.count(MUNICIPALITIES.as_posix()) == 1  # then the build reads the rest once


def test_a_file_changed_just_after_hashing_is_not_trusted_to_the_memo(cache, project):
    """Racily clean: a file hashed within the clock tick of its last write is hashed again."""
    open_project_store(Project(project))  # the copies are seconds old at most: no memo entries
    memo = next((cache / "memo").glob("*.json")).read_text(encoding="utf-8")
    assert MUNICIPALITIES.name not in memo


def damage_truncate(db: Path) -> None:
    sst = max(db.glob("*.sst"), key=lambda p: p.stat().st_size)
    os.truncate(sst, sst.stat().st_size // 2)


def damage_current(db: Path) -> None:
    (db / "CURRENT").unlink()


def damage_random_bytes(db: Path) -> None:
    sst = max(db.glob("*.sst"), key=lambda p: p.stat().st_size)
    with open(sst, "r+b") as handle:
        handle.seek(sst.stat().st_size // 3)
        handle.write(random.Random(1).randbytes(16 * 1024))


@pytest.mark.parametrize("damage", [damage_truncate, damage_current, damage_random_bytes])
def test_a_damaged_store_is_set_aside_with_one_warning_and_the_answer_is_right(
    cache, project, damage
):
    assert query_label(project, cache).returncode == 0
    (store,) = cache.glob("store-*")
    damage(store / "db")
    result = query_label(project, cache)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ['"Västerås"']
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "damaged" in warnings[0], result.stderr
    again = query_label(project, cache)  # rebuilt: no warning any more
    assert (again.returncode, again.stderr) == (0, "")


def test_a_read_only_cache_folder_gives_one_warning_and_the_right_answer(cache, project):
    cache.mkdir(mode=0o700)
    cache.chmod(0o500)
    result = query_label(project, cache, drop_root=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ['"Västerås"']
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "building the graph in memory" in result.stderr


def test_an_unreadable_store_gives_one_warning_and_the_right_answer(cache, project):
    assert query_label(project, cache).returncode == 0
    (store,) = cache.glob("store-*")
    (store / "db").chmod(0)
    try:
        result = query_label(project, cache, drop_root=True)
    finally:
        (store / "db").chmod(0o700)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ['"Västerås"']
    assert len(result.stderr.splitlines()) <= 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_other_runs_never_evict_a_store_in_use(cache, project):
    """A server holds its store; edits and other projects fill the cache past every cap; the
    store stays, and a new reader (a replacement worker) can still open it."""
    held = open_project_store(Project(project))
    path = project / MUNICIPALITIES
    text = path.read_text(encoding="utf-8")
    for number in range(engine.KEEP_STORES + 3):
        path.write_text(text.replace('"Västerås"@sv', f'"Västerås {number}"@sv', 1), "utf-8")
        open_project_store(Project(project))
    assert (held.location / "kgtool-store.json").is_file()
    assert label(held) == "Västerås"
    assert label(open_read_only(held.location)) == "Västerås"
    stores = list(cache.glob("store-*"))
    assert len(stores) == engine.KEEP_STORES + 1  # the cap, plus the one in use


def test_the_cap_is_per_project(cache, project, tmp_path):
    """Building stores for another project never removes this project's stores."""
    mine = open_project_store(Project(project)).location
    other = tmp_path / "other"
    shutil.copytree(project, other)
    path = other / MUNICIPALITIES
    text = path.read_text(encoding="utf-8")
    for number in range(engine.KEEP_STORES + 2):
        path.write_text(text.replace('"Västerås"@sv', f'"V {number}"@sv', 1), "utf-8")
        open_project_store(Project(other))
    assert mine.is_dir()
