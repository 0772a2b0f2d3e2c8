"""Benchmark ``kgtool publish`` on synthetic data, beside the floor: a bare pyoxigraph dump.

    python benchmarks/bench_publish.py                        # 10k, 100k and 1M triples
    python benchmarks/bench_publish.py --triples 10000 --repeat 3
    python benchmarks/bench_publish.py --out /dev/shm/bench   # output on a RAM disk

For each size (a project made by ``benchmarks/generate.py``, kept in ``--work``):

- ``kgtool publish -o OUT`` as a whole process: wall time, resource pages and files written,
  the peak memory of the process tree sampled every 0.1 s: the largest sum of the proportional
  set sizes (PSS: a page shared by n processes counts 1/n, so forked workers sharing the
  store's pages are not counted twice; this is the memory the tree really holds), the largest
  sum of the RSS (an upper bound that counts shared pages once per process) and the largest
  single process's RSS;
- ``kgtool publish -o OUT`` again after editing one label in one data file (an incremental
  publish: only the pages that show the label are rendered), its wall time, peak memory and
  the pages it rendered; the edit is undone after each round; kgtool deletes the old site in
  a detached process it does not wait for: the benchmark waits until it is gone before going
  on (nothing else runs beside it) and gives how long that took after kgtool exited;
- **the floor**: a process that loads the same files into an in-memory pyoxigraph store and
  dumps it as N-Triples, Turtle and JSON-LD (what the site's dumps hold, nothing else).

The generated data (one file) is split into ``--files`` files of whole subject blocks, as a
publisher keeps one file per collaboration or register.

The two run in turn ``--repeat`` times; the table gives min and median of each and the ratio.
The machine may be shared: say so beside the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FLOOR = """
import sys, pyoxigraph
from pathlib import Path
project, out = Path(sys.argv[1]), Path(sys.argv[2])
store = pyoxigraph.Store()
for folder in ("ontology", "data"):
    for path in sorted((project / folder).rglob("*.ttl")):
        store.bulk_load(path=path, format=pyoxigraph.RdfFormat.TURTLE,
                        base_iri=path.resolve().as_uri())
out.mkdir(parents=True, exist_ok=True)
for ext, fmt in (("nt", "N_TRIPLES"), ("ttl", "TURTLE"), ("jsonld", "JSON_LD")):
    store.dump(str(out / f"dump.{ext}"), getattr(pyoxigraph.RdfFormat, fmt),
               from_graph=pyoxigraph.DefaultGraph())
"""


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pss_mb(pid: int) -> float:
    """The process's proportional set size: pages shared with n processes count 1/n each, so
    the sum over a process tree is the memory it really holds (forked workers share the
    store's pages with the publishing process; their RSS counts those pages again)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(command: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run ``command``: wall time, peak tree RSS and PSS, largest single RSS (MB), its output."""
    started = time.perf_counter()
    tree_peak = single_peak = pss_peak = 0.0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        while proc.poll() is None:
            if time.perf_counter() - started > timeout:
                proc.kill()
                proc.wait()
                return {"wall_s": timeout, "timeout": True, "tree_mb": tree_peak}
            sampling = time.perf_counter()
            tree = _tree(proc.pid)
            sizes = [_rss_mb(p) for p in tree]
            tree_peak = max(tree_peak, sum(sizes))
            single_peak = max([single_peak, *sizes])
            pss_peak = max(pss_peak, sum(_pss_mb(p) for p in tree))
            # Reading smaps_rollup walks the page tables (tens of ms for a process of some
            # GB): keep the sampler under 5 % of one core, so it does not slow what it measures.
            time.sleep(max(0.1, 19 * (time.perf_counter() - sampling)))
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return {
        "wall_s": wall,
        "tree_mb": tree_peak,
        "single_mb": single_peak,
        "pss_mb": pss_peak,
        "code": proc.returncode,
        "output": text,
    }


def project_of(triples: int, work: Path, files: int = 1) -> Path:
    folder = work / f"publish-{triples}" if files <= 1 else work / f"publish-{triples}-{files}"
    if not (folder / "data").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", str(triples), "--out",
             str(folder)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        if files > 1:
            split(folder / "data" / "synthetic.ttl", files)
    return folder


def split(path: Path, files: int) -> None:
    """Split a generated Turtle file into ``files`` files of whole subject blocks (each with
    the prefixes), in order."""
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    head = [line for line in blocks[0].splitlines() if line.startswith(("BASE", "PREFIX"))]
    first = "\n".join(line for line in blocks[0].splitlines() if line not in head)
    blocks = [block for block in [first, *blocks[1:]] if block.strip()]
    size = -(-len(blocks) // files)
    for number in range(files):
        part = blocks[number * size : (number + 1) * size]
        if part:
            body = "\n\n".join(part)
            target = path.with_name(f"part-{number:04d}.ttl")
            target.write_text("\n".join(head) + "\n\n" + body + "\n", encoding="utf-8")
    path.unlink()


def edit_one_file(project: Path) -> tuple[Path, str]:
    """Change one label in the middle data file; (the file, its text before)."""
    files = sorted((project / "data").glob("*.ttl"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    found = re.search(r'rdfs:label "([^"]*)"@sv', text)
    assert found, f"no label to edit in {path}"
    edited = text[: found.start(1)] + found.group(1) + " (ändrad)" + text[found.end(1) :]
    path.write_text(edited, encoding="utf-8")
    return path, text


def bench(
    triples: int, work: Path, out_root: Path, repeat: int, timeout: float, files: int = 1
) -> dict:
    project = project_of(triples, work, files)
    kgtool = [str(Path(sys.executable).parent / "kgtool")]
    site = out_root / f"site-{triples}"
    floor_out = out_root / f"floor-{triples}"
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(work / "cache")}
    runs: dict[str, list[dict]] = {"publish": [], "floor": [], "incremental": []}
    for _ in range(repeat):
        shutil.rmtree(site, ignore_errors=True)
        wait_for_removal(site, timeout)  # an earlier run's old site: gone before timing
        command = [*kgtool, "--project", str(project), "publish", "-o", str(site)]
        runs["publish"].append(run(command, timeout, env))
        edited, text = edit_one_file(project)
        try:
            runs["incremental"].append(run(command, timeout, env))
            runs["incremental"][-1]["removal_s"] = wait_for_removal(site, timeout)
        finally:
            edited.write_text(text, encoding="utf-8")
        shutil.rmtree(floor_out, ignore_errors=True)
        floor = [sys.executable, "-c", FLOOR, str(project), str(floor_out)]
        runs["floor"].append(run(floor, timeout, env))
    last = runs["publish"][-1]
    found = re.search(r"published (\d+) resource pages, (\d+) files", last.get("output", ""))
    again = re.search(
        r"(\d+) of \d+ resource pages rendered", runs["incremental"][-1].get("output", "")
    )
    return {
        "rendered": int(again.group(1)) if again else None,
        "triples": triples,
        "runs": runs,
        "pages": int(found.group(1)) if found else None,
        "files": int(found.group(2)) if found else None,
        "ok": all(r.get("code") == 0 for r in runs["publish"] + runs["incremental"]),
        "output": last.get("output", "")[-500:],
    }


def wait_for_removal(site: Path, timeout: float) -> float:
    """Seconds until no ``.NAME.kgtool-…`` folder (the old site, deleted in the background)
    is left beside ``site``."""
    started = time.perf_counter()
    prefix = f".{site.name}.kgtool-"
    while any(p.name.startswith(prefix) for p in site.parent.iterdir()):
        if time.perf_counter() - started > timeout:
            break
        time.sleep(0.1)
    return time.perf_counter() - started


def _fmt(values: list[float]) -> str:
    return f"{min(values):.1f} / {median(values):.1f}"


def table(results: list[dict]) -> str:
    lines = [
        "| triples | pages | files | publish s (min / median) | floor s (min / median) "
        "| ratio (median) | tree PSS MB (max) | tree RSS MB (max) | largest process MB (max) "
        "| incremental s (min / median) | pages rendered | incremental PSS MB (max) "
        "| old site deleted, s after the incremental's exit (max) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        publish = [r["wall_s"] for r in result["runs"]["publish"]]
        floor = [r["wall_s"] for r in result["runs"]["floor"]]
        tree = max(r.get("tree_mb", 0) for r in result["runs"]["publish"])
        single = max(r.get("single_mb", 0) for r in result["runs"]["publish"])
        pss = max(r.get("pss_mb", 0) for r in result["runs"]["publish"])
        again = [r["wall_s"] for r in result["runs"]["incremental"]]
        again_mb = max(r.get("pss_mb", 0) for r in result["runs"]["incremental"])
        removal = max(r.get("removal_s", 0) for r in result["runs"]["incremental"])
        ok = "" if result["ok"] else " (failed)"
        lines.append(
            f"| {result['triples']:,} | {result['pages']} | {result['files']} | "
            f"{_fmt(publish)}{ok} | {_fmt(floor)} | {median(publish) / median(floor):.0f}x | "
            f"{pss:.0f} | {tree:.0f} | {single:.0f} | {_fmt(again)} | {result['rendered']} | "
            f"{again_mb:.0f} | {removal:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kgtool-bench")
    parser.add_argument("--out", type=Path, default=None, help="where the sites go")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--files", type=int, default=100, help="data files the data is split in")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    out_root = args.out or args.work
    out_root.mkdir(parents=True, exist_ok=True)  # the old-site wait lists it before a run
    print(f"# {platform.node()}: {os.cpu_count()} processors, Python {platform.python_version()}")
    results = []
    for triples in args.triples:
        result = bench(triples, args.work, out_root, args.repeat, args.timeout, args.files)
        results.append(result)
        if not result["ok"]:
            print(result["output"], file=sys.stderr)
        print(table(results[-1:]).splitlines()[-1], flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
