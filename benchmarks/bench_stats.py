"""Benchmark ``kgtool stats`` and ``kgtool describe`` on synthetic data, beside bare pyoxigraph.

    python benchmarks/bench_stats.py --triples 1000000 --work /tmp/bench-stats --repeat 3

For each size (a project made by ``benchmarks/generate.py``, kept in ``--work``; its store is
built once first, in ``--work/cache``), whole processes in turn, ``--repeat`` times:

- ``kgtool stats`` against **bare pyoxigraph**: a process that opens the same cached on-disk
  store read-only and runs plain SPARQL counts of the same figures over the union of the
  files' graphs (triples, resources per class, resources and facts per source, members per
  collaboration, municipalities and coverage). It counts triples as they are stored, without
  making them distinct, and follows blank nodes two levels deep (what the generated data
  holds), so on this data it gives the same numbers (checked) with less work than kgtool,
  which must stay exact for any data. Its per-query times are kept, so the table also gives
  the bare counts without the blank-node facts (``counts only``).
- ``kgtool describe`` of a collaboration, a municipality and a code against bare pyoxigraph
  opening the store and reading the resource's triples both ways.

Wall time (min, median), peak RSS of the process (``wait4``), load average before and after.
The machine may be shared: say so beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KGTOOL = Path(sys.executable).with_name("kgtool")

BARE_STATS = r"""
import json, sys, time, pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
P = '''PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
'''
PAIRS = "{ SELECT DISTINCT ?source ?s WHERE { ?s prov:wasDerivedFrom ?source } }"
QUERIES = {
 "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
 "classes": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
 "resources": "SELECT ?source (COUNT(?s) AS ?n) WHERE { " + PAIRS + " } GROUP BY ?source",
 "own facts": "SELECT ?source (COUNT(*) AS ?n) WHERE { " + PAIRS + " ?s ?p ?o } GROUP BY ?source",
 "blank facts": "SELECT ?source (COUNT(*) AS ?n) WHERE { " + PAIRS + '''
   ?s ?p ?b FILTER isBlank(?b)
   { ?b ?q ?o } UNION { ?b ?q ?c FILTER isBlank(?c) ?c ?r ?o } } GROUP BY ?source''',
 "members": '''SELECT ?c ?role (COUNT(DISTINCT ?m) AS ?n) WHERE { ?c a ks:Collaboration .
   ?m org:organization ?c ; org:member ?x ; org:role ?role . MINUS { ?m a ks:Chairmanship } }
   GROUP BY ?c ?role''',
 "municipalities": "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ks:Municipality }",
 "coverage": '''SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?c a ks:Collaboration .
   ?m org:organization ?c ; org:member ?x . ?x a ks:Municipality .
   MINUS { ?m a ks:Chairmanship } }''',
}
times, answers = {}, {}
for name, text in QUERIES.items():
    start = time.perf_counter()
    answer = store.query(P + text, use_default_graph_as_union=True)
    rows = [[term.value for term in row] for row in answer]
    times[name] = time.perf_counter() - start
    answers[name] = sorted(rows)
json.dump({"times": times, "answers": answers}, sys.stdout)
"""

BARE_DESCRIBE = r"""
import sys, pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
node = pyoxigraph.NamedNode(sys.argv[2])
out = list(store.quads_for_pattern(node, None, None, None))
into = list(store.quads_for_pattern(None, None, node, None))
print(len(out), len(into))
"""


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (``wait4``) and stdout of one whole process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{command[:4]} failed ({process.returncode}): {err.read()[-2000:]!r}")
        return wall, usage.ru_maxrss / 1024, out.read().decode()


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _project(triples: int, work: Path) -> Path:
    folder = work / f"gen-{triples}"
    if not (folder / "data").is_dir():
        extra = ["--per-kind", "20"] if triples > 2_000_000 else []
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--triples",
                str(triples),
                "--out",
                str(folder),
                *extra,
            ],
            check=True,
        )
    return folder


def _store_folder(cache: Path, project: Path, env: dict[str, str]) -> Path:
    """Build (or reuse) the project's cached store; the folder of its database."""
    subprocess.run(
        [str(KGTOOL), "--project", str(project), "sparql", "ASK {}"],
        env=env,
        check=True,
        capture_output=True,
    )
    stores = sorted(cache.glob("store-*"), key=lambda p: p.stat().st_mtime)
    return stores[-1] / "db"


def _row(name: str, a: list[float], b: list[float] | None = None) -> str:
    cells = f"{min(a):.2f} / {median(a):.2f}"
    if b is None:
        return f"| {name} | {cells} | | |"
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return f"| {name} | {cells} | {min(b):.2f} / {median(b):.2f} | {median(ratios):.2f}x |"


def bench(triples: int, work: Path, repeat: int, things: list[str]) -> list[str]:
    project = _project(triples, work)
    cache = work / "cache"
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(cache)}
    db = _store_folder(cache, project, env)
    lines = [f"### {triples:,} triples (load before: {_load()})", ""]
    kg_stats = [str(KGTOOL), "--project", str(project), "stats"]
    bare_stats = [sys.executable, "-c", BARE_STATS, str(db)]
    kg, bare, counts, kg_rss, bare_rss = [], [], [], [], []
    for _ in range(repeat):
        wall, rss, out = _run(kg_stats, env)
        kg.append(wall)
        kg_rss.append(rss)
        wall, rss, answer = _run(bare_stats, env)
        bare.append(wall)
        bare_rss.append(rss)
        times = json.loads(answer)["times"]
        counts.append(wall - times["blank facts"])
    same = _same_figures(json.loads(answer)["answers"], out)
    lines += [
        "| command | kgtool s (min / median) | bare s (min / median) | ratio (median of pairs) |",
        "|---|---|---|---|",
        _row("`kgtool stats` vs bare SPARQL counts (same figures)", kg, bare),
        _row("`kgtool stats` vs bare counts only (no blank-node facts)", kg, counts),
        "",
        f"Peak RSS: kgtool {max(kg_rss):.0f} MB, bare {max(bare_rss):.0f} MB. "
        f"Bare per query (last run): "
        + ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
        + f". Same triple count and facts per source as bare: {same}.",
        "",
    ]
    for thing in things:
        iri = thing if thing.startswith("http") else None
        kg_d, bare_d, rss_d = [], [], []
        for _ in range(repeat):
            wall, rss, out = _run([str(KGTOOL), "--project", str(project), "describe", thing], env)
            kg_d.append(wall)
            rss_d.append(rss)
            iri = iri or _iri_of(out)
            wall, _, _ = _run([sys.executable, "-c", BARE_DESCRIBE, str(db), iri], env)
            bare_d.append(wall)
        lines.append(_row(f"`kgtool describe {thing}` ({max(rss_d):.0f} MB)", kg_d, bare_d))
    lines += ["", f"Load after: {_load()}.", ""]
    return lines


def _same_figures(answers: dict, out: str) -> bool:
    """Whether kgtool printed bare's triple count and resources and facts per source."""
    import re

    facts: dict[str, int] = {}
    for key in ("own facts", "blank facts"):
        for source, count in answers[key]:
            facts[source] = facts.get(source, 0) + int(count)
    bare = {
        source.rsplit("/", 1)[1]: (int(count), facts.get(source, 0))
        for source, count in answers["resources"]
    }
    printed = {
        name: (int(resources), int(total))
        for name, resources, total in re.findall(r"^  id:source/(\S+)\s+(\d+)\s+(\d+)", out, re.M)
    }
    return f"triples: {answers['triples'][0][0]}" in out.splitlines() and printed == bare


def _iri_of(text: str) -> str:
    first = text.split()[0].strip("<>")
    return first.replace("id:", "https://w3id.org/kommunsamverkan/id/", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kgtool-bench-stats"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--describe",
        nargs="*",
        default=["collaboration/c00000", "municipality/0105", "0105"],
        help="things to describe (empty: none)",
    )
    args = parser.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for triples in args.triples:
        print("\n".join(bench(triples, args.work, args.repeat, args.describe)), flush=True)


if __name__ == "__main__":
    main()
