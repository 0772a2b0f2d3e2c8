"""Benchmark: kgtool's Oxigraph engine against bare pyoxigraph, side by side, at several sizes.

    .venv/bin/python benchmarks/bench_engine.py --triples 10000 100000 1000000 [--reps 3]

For each size a synthetic project is generated (``benchmarks/generate.py``, with the project's
ontology and saved queries), then, alternating kgtool and the bare reference in each repetition:

* **build**: ``open_project_store`` into an empty cache (hash, strict parse, one named graph per
  file, rename into place) vs ``pyoxigraph.Store(dir).bulk_load`` of the same files, each in a
  fresh process; wall time and peak RSS;
* **queries**: four saved queries with joins, kgtool (parameters resolved and bound, check,
  union of the files' graphs, rows collected) vs bare pyoxigraph running the same text (with
  the same VALUES block) on its own store, in this process;
* **query process**: ``kgtool query`` as a whole process with a warm store vs a bare Python
  process that opens the store read-only and prints the same rows;
* **serve**: ``kgtool serve`` (store built) until ``/sparql`` answers, and the peak RSS of the
  server and its workers together after the four queries have run through ``/sparql``.

Prints a table with min and median of each figure and the ratio kgtool / bare, and writes it
to ``benchmarks/results/engine.md`` with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KGTOOL = str(Path(sys.executable).parent / "kgtool")
RESULTS = ROOT / "benchmarks" / "results" / "engine.md"
QUERIES = (
    "members-of-collaboration",
    "municipalities-in-both",
    "non-members-in-counties",
    "collaboration-overview",
)

BUILD_KGTOOL = """
import sys
from pathlib import Path
from kgtool.project import Project
from kgtool.store.engine import open_project_store
store = open_project_store(Project(Path(sys.argv[1])))
print(store.triple_count())
"""
BUILD_BARE = """
import sys
import pyoxigraph
store = pyoxigraph.Store(sys.argv[1])
named = sys.argv[2] == "named"
for number, path in enumerate(sys.argv[3:]):
    graph = pyoxigraph.NamedNode(f"urn:file:{number}") if named else None
    store.bulk_load(path=path, format=pyoxigraph.RdfFormat.TURTLE, to_graph=graph)
store.flush()
print(len(store))
"""
QUERY_BARE = """
import sys
import pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
answer = store.query(sys.stdin.read())
out = sys.stdout
out.write("\\t".join("?" + v.value for v in answer.variables) + "\\n")
for row in answer:
    out.write("\\t".join("" if t is None else str(t) for t in row) + "\\n")
"""


def timed_process(command: list[str], env: dict[str, str], stdin: str | None = None):
    """(seconds, stdout) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    out, err = process.communicate(stdin.encode() if stdin is not None else None)
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"{command[:3]} failed: {err.decode()[-500:]}")
    return elapsed, out.decode()


def peak_rss_child(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Like timed_process, with the peak RSS read from the kernel's accounting of the child."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{command[:3]} failed: {err.decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024, out.decode()


def generate(size: int, work: Path) -> Path:
    project = work / f"project-{size}"
    if not (project / "data").is_dir():
        subprocess.run(
            [PYTHON, str(ROOT / "benchmarks" / "generate.py"), "--triples", str(size),
             "--out", str(project)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    shutil.rmtree(project / "queries", ignore_errors=True)
    shutil.copytree(ROOT / "queries", project / "queries")
    return project


def graph_files(project: Path) -> list[str]:
    from kgtool.project import Project

    return [str(p) for p in Project(project).graph_files()]


def parameters(bare_store) -> dict[str, dict[str, str]]:
    """Parameter values that exist in the synthetic data: the two biggest collaborations."""
    rows = bare_store.query(
        "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?c (COUNT(*) AS ?n) "
        "WHERE { ?m org:organization ?c } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 2"
    )
    first, second = (row[0].value for row in rows)
    return {
        "members-of-collaboration": {"collaboration": first},
        "municipalities-in-both": {"first": first, "second": second},
        "non-members-in-counties": {"collaboration": first},
        "collaboration-overview": {},
    }


def summary(values: list[float]) -> tuple[float, float]:
    return min(values), statistics.median(values)


def serve_once(project: Path, env: dict[str, str], texts: list[str]) -> tuple[float, float]:
    """Seconds until /sparql answers, and the peak RSS (MB) of server + workers afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    process = subprocess.Popen(
        [KGTOOL, "--project", str(project), "serve", "--port", str(port), "--timeout", "600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("kgtool serve exited")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - started > 600:
                raise RuntimeError("kgtool serve did not answer in 600 s")
        ready = time.perf_counter() - started
        for text in texts:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/sparql",
                data=urllib.parse.urlencode({"query": text}).encode(),
                headers={"Accept": "application/sparql-results+json"},
            )
            with urllib.request.urlopen(request, timeout=120) as answer:
                answer.read()
        rss = sum(_peak_mb(pid) for pid in _tree(process.pid))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    return ready, rss


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(child) for child in children)
        except OSError:
            pass
    return found


def _peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def bench_size(
    size: int, reps: int, work: Path, queries: tuple[str, ...] = QUERIES
) -> list[tuple[str, list[float], list[float]]]:
    """Rows of (figure, kgtool values, bare values)."""
    import pyoxigraph

    from kgtool.project import Project
    from kgtool.query.catalogue import get_query
    from kgtool.query.names import NameIndex
    from kgtool.query.run import run_local, with_values
    from kgtool.store.engine import open_project_store

    project = generate(size, work)
    files = graph_files(project)
    rows: list[tuple[str, list[float], list[float]]] = _Noisy()
    build_k, build_b, rss_k, rss_b, build_n = [], [], [], [], []
    triples = 0
    warm_cache = work / f"cache-{size}"
    bare_dir = work / f"bare-{size}"
    for rep in range(reps):
        cache = Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
        env = {**os.environ, "KGTOOL_CACHE_DIR": str(cache)}
        env.pop("KGTOOL_NO_CACHE", None)
        seconds, rss, out = peak_rss_child([PYTHON, "-c", BUILD_KGTOOL, str(project)], env)
        build_k.append(seconds)
        rss_k.append(rss)
        triples = int(out)
        if rep == reps - 1:
            shutil.rmtree(warm_cache, ignore_errors=True)
            cache.rename(warm_cache)
        else:
            shutil.rmtree(cache)
        named_dir = work / f"bare-named-{size}"
        shutil.rmtree(named_dir, ignore_errors=True)
        command = [PYTHON, "-c", BUILD_BARE, str(named_dir), "named", *files]
        build_n.append(peak_rss_child(command, env)[0])
        shutil.rmtree(named_dir, ignore_errors=True)
        shutil.rmtree(bare_dir, ignore_errors=True)
        command = [PYTHON, "-c", BUILD_BARE, str(bare_dir), "default", *files]
        seconds, rss, out = peak_rss_child(command, env)
        build_b.append(seconds)
        rss_b.append(rss)
        assert int(out) == triples, (out, triples)
    rows.append(("build/load (s), bare into the default graph", build_k, build_b))
    rows.append(("build/load (s), bare into a named graph per file", build_k, build_n))
    rows.append(("build/load peak RSS (MB)", rss_k, rss_b))

    env = {**os.environ, "KGTOOL_CACHE_DIR": str(warm_cache)}
    env.pop("KGTOOL_NO_CACHE", None)
    os.environ["KGTOOL_CACHE_DIR"] = str(warm_cache)
    os.environ.pop("KGTOOL_NO_CACHE", None)
    store = open_project_store(Project(project))
    bare = pyoxigraph.Store.read_only(str(bare_dir))
    values = parameters(bare)
    names = NameIndex.from_store(store)
    texts = []
    for name in queries:
        saved = get_query(Project(project), name)
        kgtool_times, bare_times = [], []
        for _ in range(reps):
            started = time.perf_counter()
            bindings = saved.bind(values[name], store=names)
            result = run_local(store, saved.text, bindings)
            kgtool_times.append(time.perf_counter() - started)
            text = with_values(saved.text, bindings)
            started = time.perf_counter()
            bare_rows = list(bare.query(text))
            bare_times.append(time.perf_counter() - started)
        assert len(result.rows) == len(bare_rows), (name, len(result.rows), len(bare_rows))
        texts.append(text)
        rows.append((f"{name} ({len(bare_rows)} rows) (s)", kgtool_times, bare_times))

    process_k, process_b = [], []
    saved = get_query(Project(project), "members-of-collaboration")
    text = with_values(saved.text, saved.bind(values["members-of-collaboration"], store=names))
    command = [KGTOOL, "--project", str(project), "query", "members-of-collaboration",
               "-p", f"collaboration={values['members-of-collaboration']['collaboration']}",
               "-f", "tsv"]  # fmt: skip
    del store, bare
    for _ in range(reps):
        process_k.append(timed_process(command, env)[0])
        process_b.append(timed_process([PYTHON, "-c", QUERY_BARE, str(bare_dir)], env, text)[0])
    rows.append(("kgtool query, whole process, warm (s)", process_k, process_b))

    ready, rss = [], []
    for _ in range(reps):
        seconds, peak = serve_once(project, env, texts)
        ready.append(seconds)
        rss.append(peak)
    rows.append(("kgtool serve until /sparql answers (s)", ready, []))
    rows.append(("kgtool serve + workers peak RSS (MB)", rss, []))
    rows.insert(0, (f"triples: {triples}", [], []))
    return rows


class _Noisy(list):
    """A list of rows that says each row on stderr as it comes (long runs show progress)."""

    def append(self, row) -> None:
        super().append(row)
        print(f"  {row[0]}: {row[1]} vs {row[2]}", file=sys.stderr, flush=True)


def table(results: dict[int, list[tuple[str, list[float], list[float]]]]) -> str:
    lines = [
        "| size | figure | kgtool min / median | bare pyoxigraph min / median | ratio (median) |",
        "|---|---|---|---|---|",
    ]
    for size, rows in results.items():
        for figure, mine, bare in rows:
            if not mine:
                lines.append(f"| {size:,} | {figure} | | | |")
                continue
            k_min, k_med = summary(mine)
            cell = f"{k_min:.3f} / {k_med:.3f}"
            if bare:
                b_min, b_med = summary(bare)
                ratio = f"{k_med / b_med:.2f}×" if b_med else ""
                lines.append(
                    f"| {size:,} | {figure} | {cell} | {b_min:.3f} / {b_med:.3f} | {ratio} |"
                )
            else:
                lines.append(f"| {size:,} | {figure} | {cell} | | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep generated data here")
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    parser.add_argument(
        "--queries", nargs="+", default=list(QUERIES), choices=QUERIES, help="saved queries to time"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kgtool-bench-engine-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in args.triples:
        try:
            results[size] = bench_size(size, args.reps, work, tuple(args.queries))
        except Exception as error:  # report what happened and go on with the next size
            results[size] = [(f"failed: {type(error).__name__}: {error}"[:200], [], [])]
        print(table({size: results[size]}), flush=True)
    text = table(results)
    import pyoxigraph

    header = (
        "# Engine benchmark: kgtool vs bare pyoxigraph\n\n"
        f"Run on {datetime.date.today().isoformat()}: `python benchmarks/bench_engine.py "
        f"--triples {' '.join(map(str, args.triples))} --reps {args.reps}`; "
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}. Alternating kgtool and bare in each repetition; "
        "a shared, noisy machine (ratios matter more than seconds).\n\n"
    )
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(header + text, encoding="utf-8")
    print(json.dumps({"results": str(RESULTS), "work": str(work)}))


if __name__ == "__main__":
    main()
