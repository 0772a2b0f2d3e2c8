"""Benchmark: wall time of ``kgtool query`` on the shipped data (not part of the test suite).

Run: ``.venv/bin/python benchmarks/bench_query.py [--runs N]``. Prints the wall time of the
console script (a fresh process each run, as a user sees it) with the graph cache warm and with
it turned off (``KGTOOL_NO_CACHE=1``), then where the time goes inside one process.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KGTOOL = Path(sys.executable).parent / "kgtool"
COMMAND = [str(KGTOOL), "query", "collaborations-of-municipality", "-p", "municipality=1980"]


def wall(runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(COMMAND, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    print(
        f"{label:<28} min {min(times):.3f} s  median {statistics.median(times):.3f} s  "
        f"max {max(times):.3f} s  ({len(times)} runs)"
    )


def phases() -> None:
    """Time each step of one query inside this process (cache warm)."""
    marks = [("start", time.perf_counter())]
    from kgtool.project import find_project
    from kgtool.query.catalogue import get_query
    from kgtool.query.formats import render
    from kgtool.query.run import check_read_only, run_local
    from kgtool.store.engine import open_project_store

    marks.append(("import kgtool", time.perf_counter()))
    project = find_project(ROOT)
    store = open_project_store(project)
    marks.append((f"open store ({store.triple_count()} triples)", time.perf_counter()))
    query = get_query(project, "collaborations-of-municipality")
    bindings = query.bind({"municipality": "1980"}, store=store)
    marks.append(("read header, bind", time.perf_counter()))
    check_read_only(query.text)
    marks.append(("parse query", time.perf_counter()))
    result = run_local(store, query.text, bindings)
    marks.append(("evaluate", time.perf_counter()))
    render(result, "table")
    marks.append(("render", time.perf_counter()))
    for (_, before), (label, after) in itertools.pairwise(marks):
        print(f"  {label:<34} {after - before:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("KGTOOL_NO_CACHE", None)
    subprocess.run(COMMAND, cwd=ROOT, env=env, check=True, capture_output=True)  # warm cache
    report("kgtool query (cache warm)", wall(args.runs, env))
    report("kgtool query (no cache)", wall(args.runs, {**env, "KGTOOL_NO_CACHE": "1"}))
    print("one process, cache warm:")
    phases()


if __name__ == "__main__":
    main()
