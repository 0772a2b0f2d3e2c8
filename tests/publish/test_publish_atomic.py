"""``kgtool publish`` killed with SIGKILL: the output is the old site or the new, never a mix.

A re-publish under a new ``--base`` changes nearly every file, so a mix would show at once.
The output folder also holds a file of the user's own, which both sites must keep.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from publish_helpers import ROOT, kgtool_command, wait_for_no_leftovers

NEW_BASE = "https://data.example.org/kommunsamverkan/"
KILL_AT = (0.2, 0.5, 0.7, 0.85, 0.95)  # fractions of a whole publish's time


def snapshot(folder: Path) -> dict[str, object]:
    """Every file's bytes and every link's target, by relative path."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = ("link", os.readlink(path))
        elif path.is_file():
            found[relative] = path.read_bytes()
    return found


def publish_command(out: Path) -> list[str]:
    return [*kgtool_command(), "--project", str(ROOT), "publish", "-o", str(out)]


def run(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return time.monotonic() - started


def fresh_copy(old: Path, where: Path) -> Path:
    out = where / "site"
    shutil.copytree(old, out, symlinks=True)
    return out


def settled_leftovers(work: Path, timeout: float = 60) -> list[str]:
    """The folders beside ``work/site`` once the detached removals a publish started are done
    (e.g. a staging folder of links given up for a full publish: a slow disk takes seconds to
    delete it); what is still there after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = sorted(path.name for path in work.iterdir() if path.name != "site")
        if len(found) <= 1 or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_killed_republish_leaves_old_or_new_site(tmp_path):
    old = tmp_path / "old" / "site"
    run(publish_command(old))
    (old / "CNAME").write_text("data.example.org\n", encoding="utf-8")  # the user's own file
    old_site = snapshot(old)

    whole = fresh_copy(old, tmp_path / "whole")
    seconds = run([*publish_command(whole), "--base", NEW_BASE])
    new_site = snapshot(whole)
    assert new_site["CNAME"] == b"data.example.org\n"
    assert new_site != old_site and old_site.keys() & new_site.keys()

    outcomes = []
    recovered = False
    for index, fraction in enumerate(KILL_AT):
        work = tmp_path / f"kill-{index}"
        out = fresh_copy(old, work)
        process = subprocess.Popen(
            [*publish_command(out), "--base", NEW_BASE],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            process.wait(timeout=seconds * fraction)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.wait()
        now = snapshot(out)
        assert now in (old_site, new_site), f"killed at {fraction:.0%}: a mix of old and new"
        outcomes.append("new" if now == new_site else "old")
        leftovers = settled_leftovers(work)
        assert len(leftovers) <= 1 and all(name.startswith(".site.kgtool-") for name in leftovers)

        if leftovers and not recovered:  # the next run removes what was left
            run([*publish_command(out), "--base", NEW_BASE])
            assert snapshot(out) == new_site
            assert wait_for_no_leftovers(out) == []  # the old site: deleted in the background
            assert [path.name for path in work.iterdir()] == ["site"]
            recovered = True
    print("outcomes by kill point:", dict(zip(KILL_AT, outcomes, strict=True)))
    assert "old" in outcomes, "no kill landed before the switch: the test proves nothing"
    assert recovered, "no kill left a staging folder for the next run to remove"
