"""The same input gives the same site, byte for byte, whatever Python's hash seed.

Sets iterate in an order that depends on ``PYTHONHASHSEED``, which differs from process to
process; every ordering on the site must therefore come from the data alone.
"""

from __future__ import annotations

import filecmp
import os
import subprocess

from publish_helpers import ROOT, kgtool_command

BASE = "https://data.example.org/kommunsamverkan/"  # rebasing is where set order once leaked


def publish(out, seed: str) -> None:
    command = [*kgtool_command(), "--project", str(ROOT), "publish", "-o", str(out), "--base", BASE]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def differing(left, right) -> list[str]:
    """Relative paths that differ or exist on one side only, recursively."""
    found: list[str] = []
    stack = [filecmp.dircmp(left, right)]
    while stack:
        compared = stack.pop()
        where = os.path.relpath(compared.left, left)
        found += [os.path.join(where, n) for n in compared.left_only + compared.right_only]
        _, mismatch, errors = filecmp.cmpfiles(
            compared.left, compared.right, compared.common_files, shallow=False
        )
        found += [os.path.join(where, n) for n in mismatch + errors]
        stack.extend(compared.subdirs.values())
    return sorted(found)


def test_two_publishes_with_other_hash_seeds_are_identical(tmp_path):
    publish(tmp_path / "one", "1")
    publish(tmp_path / "two", "2")
    assert differing(tmp_path / "one", tmp_path / "two") == []
