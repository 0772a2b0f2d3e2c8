"""What a publish does with the site it replaces: the old folder is deleted by a detached
process after the switch (the publish does not wait for it), a leftover of a removal that was
killed goes with the next publish, a user's own files are carried over by an incremental
publish, and a publish that fails leaves the old site as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from publish_helpers import ROOT, leftovers, wait_for_no_leftovers
from test_publish_atomic import snapshot

from kgtool import atomic
from kgtool.cli import cli

AREA = "data/collaborations/areas.ttl"


def publish(project: Path, out: Path, *extra: str) -> str:
    """``kgtool publish`` through the real CLI; its stderr."""
    result = CliRunner().invoke(cli, ["--project", str(project), "publish", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result.stderr


def edit_label(project: Path, new: str) -> None:
    area = project / AREA
    text = area.read_text(encoding="utf-8")
    area.write_text(text.replace('"räddningstjänst"@sv', f'"{new}"@sv'), "utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    copy = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, copy / folder)
    return copy


def test_the_old_site_is_deleted_after_the_publish_returns(project, tmp_path):
    site = tmp_path / "out" / "site"
    publish(project, site)
    old_page = site / "id/area/raddningstjanst/index.html"
    old_inode = old_page.stat().st_ino
    assert leftovers(site) == []  # a first publish renames its folder into place: nothing old
    edit_label(project, "räddningstjänsten")

    publish(project, site)

    assert "räddningstjänsten" in old_page.read_text(encoding="utf-8")
    assert old_page.stat().st_ino != old_inode
    assert wait_for_no_leftovers(site) == [], "the old site was never deleted"
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_a_leftover_of_a_killed_removal_goes_with_the_next_publish(project, tmp_path):
    site = tmp_path / "out" / "site"
    publish(project, site)
    # what a removal killed half-way leaves: part of an old site under a kgtool name
    killed = site.parent / ".site.kgtool-12345-0123abcd"
    shutil.copytree(site / "id", killed / "id")
    other = site.parent / ".other.kgtool-12345-0123abcd"  # another folder's: not ours to delete
    other.mkdir()

    said = publish(project, site)

    assert "resource pages rendered, the others unchanged" in said, said
    assert wait_for_no_leftovers(site) == []
    assert sorted(p.name for p in site.parent.iterdir()) == [other.name, "site"]
    assert (site / "id/municipality/0114/index.html").is_file()


def test_a_users_own_files_survive_an_incremental_publish(project, tmp_path):
    site = tmp_path / "site"
    publish(project, site)
    (site / "CNAME").write_text("data.example.org\n", encoding="utf-8")
    (site / "id/municipality/0114/notes.txt").write_text("mine", encoding="utf-8")
    (site / "extra/deep").mkdir(parents=True)
    (site / "extra/deep/data.csv").write_text("a,b\n", encoding="utf-8")
    (site / "latest").symlink_to("dumps")
    edit_label(project, "räddningstjänsten")

    said = publish(project, site)
    edit_label(project, "räddningstjänst")  # and back: a second incremental publish
    said += publish(project, site)

    assert said.count("resource pages rendered, the others unchanged") == 2, said
    assert (site / "CNAME").read_text(encoding="utf-8") == "data.example.org\n"
    assert (site / "id/municipality/0114/notes.txt").read_text(encoding="utf-8") == "mine"
    assert (site / "extra/deep/data.csv").read_text(encoding="utf-8") == "a,b\n"
    assert os.readlink(site / "latest") == "dumps"
    assert (site / "latest/kommunsamverkan.nt").is_file()


def test_a_failed_publish_leaves_the_old_site(project, tmp_path):
    site = tmp_path / "out" / "site"
    publish(project, site)
    # a folder of the user's own where the site writes a file: the publish cannot write it
    (site / "void.ttl").unlink()
    (site / "void.ttl").mkdir()
    (site / "void.ttl" / "mine.txt").write_text("mine", encoding="utf-8")
    before = snapshot(site)
    edit_label(project, "räddningstjänsten")

    result = CliRunner().invoke(cli, ["--project", str(project), "publish", "-o", str(site)])

    assert result.exit_code == 2, result.output
    assert "cannot write" in result.stderr, result.stderr
    assert snapshot(site) == before
    assert leftovers(site) == []  # the failed staging folder: deleted before the error


def test_copy_unrelated_copies_what_the_manifest_does_not_name(tmp_path):
    old, staging = tmp_path / "old", tmp_path / "staging"
    (old / "id/a").mkdir(parents=True)
    (old / "id/a/index.html").write_text("ours", encoding="utf-8")
    (old / "id/a/mine.txt").write_text("mine", encoding="utf-8")
    (old / "empty/of/ours").mkdir(parents=True)
    (old / "empty/of/ours/index.html").write_text("ours", encoding="utf-8")
    (old / "ours-as-link").symlink_to("id")
    staging.mkdir()

    copied = atomic.copy_unrelated(old, staging, ["id/a/index.html", "empty/of/ours/index.html",
                                                   "ours-as-link"])  # fmt: skip

    assert sorted(copied) == ["id/a/mine.txt", "ours-as-link"]
    assert (staging / "id/a/mine.txt").read_text(encoding="utf-8") == "mine"
    assert not (staging / "id/a/index.html").exists()
    assert not (staging / "empty").exists()  # no folder made for nothing
    assert os.readlink(staging / "ours-as-link") == "id"


def test_remove_in_background_deletes_folders_without_waiting(tmp_path):
    folders = [tmp_path / f".site.kgtool-1-{n}" for n in range(2)]
    for folder in folders:
        (folder / "a/b").mkdir(parents=True)
        (folder / "a/b/file.txt").write_text("x", encoding="utf-8")

    atomic.remove_in_background(folders)

    assert wait_for_no_leftovers(tmp_path / "site") == []
    assert list(tmp_path.iterdir()) == []
