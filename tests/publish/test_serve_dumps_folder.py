"""``kgtool serve`` writes its dumps into a private temporary folder: a server stopped by
SIGTERM or SIGINT removes it, and one killed outright leaves it to the next server, which
removes it (the folder's name holds the process id). Real server processes, TMPDIR a folder
of the test's own."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from publish_helpers import ROOT, Server

from kgtool.web.app.state import DUMPS_PREFIX


def _dump_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob(DUMPS_PREFIX + "*"))


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_server_leaves_no_dumps_folder(tmp_path, stop):
    running = Server(ROOT, env={"TMPDIR": str(tmp_path)})
    try:
        running.wait_ready()  # the front page gives the dumps' sizes: they are written
        response = httpx.get(running.url + "/dumps/kommunsamverkan.nt", timeout=60)
        assert response.status_code == 200
        [folder] = _dump_folders(tmp_path)
        assert folder.name.startswith(f"{DUMPS_PREFIX}{running.process.pid}-")
        assert (folder / "dumps" / "kommunsamverkan.nt").read_bytes() == response.content
        running.process.send_signal(stop)
        assert running.process.wait(30) == 128 + stop
    finally:
        running.stop()
    assert _dump_folders(tmp_path) == []


def test_a_killed_servers_dumps_folder_is_removed_by_the_next_server(tmp_path):
    killed = Server(ROOT, env={"TMPDIR": str(tmp_path)})
    try:
        killed.wait_ready()
        killed.process.kill()
        killed.process.wait(10)
    finally:
        killed.stop()
    [left] = _dump_folders(tmp_path)
    foreign = tmp_path / f"{DUMPS_PREFIX}not-a-server"  # not named by a process: left alone
    foreign.mkdir()
    running = Server(ROOT, env={"TMPDIR": str(tmp_path)})
    try:
        running.wait_ready()
        found = _dump_folders(tmp_path)
        assert left not in found and foreign in found
        assert [f for f in found if f.name.startswith(f"{DUMPS_PREFIX}{running.process.pid}-")]
    finally:
        running.stop()
    assert _dump_folders(tmp_path) == [foreign]
