"""Resource pages of ``kgtool serve`` at scale: how long each page takes, and the memory.

    python benchmarks/bench_serve_pages.py --project /tmp/bench-1m --pages 10

Starts ``kgtool serve`` on a free port of 127.0.0.1 on a project (e.g. one made by
``benchmarks/generate.py``; its cached store is built first by a ``kgtool sparql`` run, so the
server start is a warm one), then, one request at a time (no other client):

1. the time until the server answers ``/sparql`` (``ASK {}``), and until the first resource
   page answers (that one waits for the site's model to be built);
2. ``--pages`` collaboration pages and as many municipality pages, each a different resource
   asked for the first time (the server keeps rendered pages: a second visit is not measured),
   in Swedish HTML: min, median and max of each kind;
3. the memory of the server and its query workers: the largest sum of their RSS seen while
   the pages were served (sampled every 0.1 s) and the proportional set size (PSS, shared
   pages divided among the processes that share them) at the end;
4. with ``--front``, then the front page (which needs the dumps' sizes, so the server writes
   the dumps first) and the gzipped N-Triples dump, with the peak memory including them.

The machine may be shared: the load average before and after is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_publish import _rss_mb, _tree  # noqa: E402
from bench_serve import HOST, KGTOOL, free_port, start_server  # noqa: E402


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler:
    """The largest RSS sum of a process tree, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, sum(_rss_mb(p) for p in _tree(self.pid)))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _timed(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    answer = client.get(path, headers={"Accept": "text/html"})
    took = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"{path}: HTTP {answer.status_code}: {answer.text[:300]}")
    return took


def _wait(client: httpx.Client, process: subprocess.Popen, path: str, seconds: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if process.poll() is not None:
            raise SystemExit(f"kgtool serve exited with {process.returncode}")
        try:
            if client.get(path, timeout=seconds).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{path}: no answer within {seconds:g} s")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _things(project: Path, kind: str, count: int) -> list[str]:
    """``count`` resources of ``kind`` spread over the data (their paths under /id/)."""
    found = subprocess.run(
        [KGTOOL, "--project", str(project), "sparql", "-f", "csv",
         f"SELECT ?s WHERE {{ ?s a <https://w3id.org/kommunsamverkan/def/{kind}> }} ORDER BY ?s"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()[1:]  # fmt: skip
    found = [line.split(",", 1)[0] for line in found if line]
    step = max(1, len(found) // count)
    return [iri.split("/id/", 1)[1] for iri in found[::step][:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=10, help="pages of each kind")
    parser.add_argument("--wait", type=float, default=900, help="seconds to wait for the site")
    parser.add_argument("--front", action="store_true", help="then the front page and a dump")
    parser.add_argument("--log", type=Path, default=Path("/tmp/kgtool-bench-serve-pages.log"))
    args = parser.parse_args()
    collaborations = _things(args.project, "Collaboration", args.pages + 1)
    municipalities = _things(args.project, "Municipality", args.pages)
    print(f"load before: {_load()}", flush=True)
    port = free_port()
    process = start_server(args.project, port, [], args.log)
    try:
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=args.wait) as client:
            up = _wait(client, process, "/sparql?query=ASK%20%7B%7D", 120)
            with Sampler(process.pid) as sampler:
                first = _timed(client, f"/id/{collaborations[0]}/")
                times: dict[str, list[float]] = {"collaboration": [], "municipality": []}
                for collaboration, municipality in zip(
                    collaborations[1:], municipalities, strict=False
                ):
                    times["collaboration"].append(_timed(client, f"/id/{collaboration}/"))
                    times["municipality"].append(_timed(client, f"/id/{municipality}/"))
                pages_peak = sampler.peak
                pss = sum(_pss_mb(p) for p in _tree(process.pid))
                processes = len(_tree(process.pid))
                front = _timed(client, "/") if args.front else None
                dump = _timed(client, "/dumps/kommunsamverkan.nt.gz") if args.front else None
            print(f"server answers /sparql after {up:.2f} s; first page after {first:.2f} s more")
            print("| page | n | min ms | median ms | max ms |")
            print("|---|---|---|---|---|")
            for kind, values in times.items():
                ms = [v * 1000 for v in values]
                print(
                    f"| {kind} | {len(ms)} | {min(ms):.0f} | {statistics.median(ms):.0f} "
                    f"| {max(ms):.0f} |"
                )
            print(
                f"memory: server and {processes - 1} workers, peak RSS sum {pages_peak:.0f} MB, "
                f"PSS sum at the end {pss:.0f} MB"
            )
            if front is not None:
                print(
                    f"front page (the dumps written first) {front:.2f} s, then the gzipped "
                    f"N-Triples dump {dump:.2f} s; peak RSS sum with them {sampler.peak:.0f} MB"
                )
    finally:
        process.terminate()
        process.wait(30)
    print(f"load after: {_load()}")


if __name__ == "__main__":
    main()
