"""Ctrl-C stops a long query at once: the real CLI, a real SIGINT, exit 130 within 2 s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from terminal import ctrl_c_as_in_a_terminal

ROOT = Path(__file__).resolve().parents[2]
KGTOOL = str(Path(sys.executable).parent / "kgtool")
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_ctrl_c_on_a_long_count_exits_130_within_2_seconds(tmp_path):
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen(
        [KGTOOL, "--project", str(ROOT), "sparql", CROSS_JOIN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    try:
        time.sleep(6)  # the graph is loaded and the count is running
        assert process.poll() is None, process.communicate()
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "interrupted" in err
    assert took < 2.0, took
