"""Benchmark ``kgtool validate`` side by side on synthetic data with planted defects.

    python benchmarks/bench_validate.py                        # 10k, 100k and 1M triples
    python benchmarks/bench_validate.py --triples 10000 --bare shifty turbo
    python benchmarks/bench_validate.py --shipped              # the project's own data
    python benchmarks/bench_validate.py --triples 10000000 --per-kind 5 --repeat 1 --bare \
        --no-bare-oxigraph --timeout 3000

For each size, in one run and on the same data and shapes:

- ``kgtool validate`` as a whole process (fast engine, every rule, findings placed in files),
  and **bare pyoxigraph**: a process that loads the same files into a pyoxigraph store and runs
  the same compiled queries, nothing else (no Python checks, no placing, no report). The two run
  in turn ``--repeat`` times (A B A B ...); the table gives the min and median wall time of
  each and the ratio kgtool / bare, min and median of the pairs;
- ``kgtool validate --engine pyshacl`` (the reference, only up to ``--pyshacl-max`` triples)
  and each bare SHACL engine asked for (``shifty``: pyshifty, ``turbo``: pyshacl-turbo;
  pySHACL-compatible ``validate()`` on an rdflib graph of the same files, their results placed
  by kgtool's own code so that they compare), once each.

Each measurement is its own process: wall time, peak RSS (``os.wait4`` ru_maxrss), findings,
planted defects found, unexpected findings, and whether the findings equal the fast engine's.
The bare SHACL engines need ``pip install pyshifty pyshacl-turbo`` (not project dependencies).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BARE = {"shifty": "shifty", "turbo": "pyshacl_turbo"}
PYTHON_CHECKS = {"OrganisationNumberCheckDigit", "DateLiteralWellFormed", "TermIsDeclared"}


def run(command: list[str], timeout: float) -> dict:
    """Run ``command``; wall time, peak RSS (MB), exit code and stdout (None on timeout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                return {"wall_s": timeout, "rss_mb": usage.ru_maxrss / 1024, "timeout": True}
            time.sleep(0.05)
        out.seek(0)
        return {
            "wall_s": time.perf_counter() - started,
            "rss_mb": usage.ru_maxrss / 1024,
            "exit": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode(),
            "timeout": False,
        }


def kgtool(project: Path, engine: str) -> list[str]:
    cli = "from kgtool.cli import main; main()"
    return [sys.executable, "-c", cli, "--project", str(project), "validate", "--quiet",
            "--format", "json", "--engine", engine]  # fmt: skip


def bare_findings(project_dir: Path, engine: str) -> list[dict]:
    """In this process: a bare engine's results, placed as kgtool places pySHACL's."""
    import importlib

    from rdflib import RDF

    from kgtool.checks.validate import GraphView, _from_raw, _locator_for, _raw, load_shapes
    from kgtool.project import Project
    from kgtool.store.graph import load_project
    from kgtool.terms import SH

    project = Project(project_dir)
    loaded = load_project(project)
    shapes = load_shapes(project)
    module = importlib.import_module(BARE[engine])
    if engine == "shifty":
        _conforms, results, _text = module.validate(loaded.graph, shacl_graph=shapes, infer=False)
    else:
        _conforms, results, _text = module.validate(
            loaded.graph, shacl_graph=shapes, inference="none", allow_warnings=True,
            allow_infos=True,
        )  # fmt: skip
    view, locator = GraphView(loaded.graph), _locator_for(loaded, project.root)
    findings = [
        _from_raw(_raw(results, r), shapes, view, locator)
        for r in results.subjects(RDF.type, SH.ValidationResult)
    ]
    return [f.as_dict() for f in findings]


def key(finding: dict) -> tuple:
    blank = str(finding.get("value") or "").startswith("_:")
    return (
        finding["shape"],
        finding["focus"],
        finding["path"],
        None if blank else finding["value"],
    )


def score(planted: list[dict], findings: list[dict]) -> tuple[int, int, int]:
    """(planted, found, unexpected): a defect is found when each of its foci is reported by its
    rule; a finding is unexpected when no planted defect of its rule names its focus."""
    reported = {(f["shape"], f["focus"]) for f in findings}
    expected = {(d["kind"], focus) for d in planted for focus in d["focus"]}
    found = sum(all((d["kind"], f) in reported for f in d["focus"]) for d in planted)
    unexpected = sum((f["shape"], f["focus"]) not in expected for f in findings)
    return len(planted), found, unexpected


def bare_oxigraph(project_dir: Path) -> int:
    """In this process: load the files into pyoxigraph and run the compiled queries; rows."""
    import pyoxigraph

    from kgtool.checks.fastshacl import compile_shapes, fill_ill_typed, ill_typed_literals
    from kgtool.checks.validate import load_shapes
    from kgtool.project import Project

    project = Project(project_dir)
    plan = compile_shapes(load_shapes(project))
    store = pyoxigraph.Store()
    for path in project.graph_files():
        store.bulk_load(path=path, format=pyoxigraph.RdfFormat.TURTLE,
                        base_iri=path.resolve().as_uri())  # fmt: skip
    fill_ill_typed(plan, ill_typed_literals(store, plan.datatypes))
    return sum(sum(1 for _ in store.query(q.text)) for q in plan.queries)


def _scored(row: dict, stdout: str, planted: list[dict], reference: list | None) -> list:
    """Fill the findings columns of ``row``; the findings' keys (the reference when first)."""
    findings = json.loads(stdout)
    if row["engine"].startswith("bare") and reference is not None:
        reference = [k for k in reference if k[0] not in PYTHON_CHECKS]  # SHACL only
    row["findings"] = len(findings)
    row["planted"], row["found"], row["unexpected"] = score(planted, findings)
    keys = sorted(map(key, findings))
    row["same_as_fast"] = keys == (reference if reference is not None else keys)
    return keys


def _failed(figures: dict) -> bool:
    return figures["timeout"] or figures["exit"] not in (0, 1) or not figures["stdout"]


def bench_scale(
    triples: int,
    bare: list[str],
    pyshacl_max: int,
    timeout: float,
    repeat: int,
    per_kind: int | None = None,
    bare_oxigraph_too: bool = True,
) -> list[dict]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    rows = []
    me = [sys.executable, str(Path(__file__))]
    with tempfile.TemporaryDirectory(prefix=f"kgtool-bench-{triples}-") as tmp:
        project = Path(tmp)
        planted = generate(triples, project, per_kind=per_kind)["planted"]
        # kgtool and bare pyoxigraph, in turn
        fast = {"triples": triples, "engine": "kgtool", "runs": []}
        oxigraph = {"triples": triples, "engine": "bare pyoxigraph (same queries)", "runs": []}
        reference = None
        pairs = [(fast, kgtool(project, "fast"))]
        if bare_oxigraph_too:
            pairs.append((oxigraph, [*me, "--oxigraph-child", str(project)]))
        for _ in range(repeat):
            for row, command in pairs:
                figures = run(command, timeout)
                row["runs"].append(figures)
                if _failed(figures):
                    row["error"] = True
                elif row is fast and reference is None:
                    reference = _scored(fast, figures["stdout"], planted, None)
                elif row is oxigraph:
                    oxigraph["findings"] = int(figures["stdout"])
        for row, _command in pairs:
            _summarise(row)
        if bare_oxigraph_too and not (fast.get("error") or oxigraph.get("error")):
            runs = zip(fast["runs"], oxigraph["runs"], strict=True)
            ratios = [a["wall_s"] / b["wall_s"] for a, b in runs]
            fast["ratio"] = (min(ratios), median(ratios))
        rows += [row for row, _command in pairs]
        # the reference engine and the bare SHACL engines, once each
        others = []
        if triples <= pyshacl_max:
            others.append(("kgtool --engine pyshacl", kgtool(project, "pyshacl")))
        for engine in bare:
            others.append((f"bare {engine}", [*me, "--bare-child", engine, str(project)]))
        for name, command in others:
            figures = run(command, timeout)
            row = {"triples": triples, "engine": name, "runs": [figures]}
            if _failed(figures):
                row["error"] = True
            else:
                _scored(row, figures["stdout"], planted, reference)
            _summarise(row)
            rows.append(row)
    for row in rows:
        print(json.dumps({k: v for k, v in row.items() if k != "runs"}), file=sys.stderr)
    return rows


def _summarise(row: dict) -> None:
    runs = row["runs"]
    row["timeout"] = any(r["timeout"] for r in runs)
    walls = [r["wall_s"] for r in runs]
    row["wall_min"], row["wall_median"] = min(walls), median(walls)
    row["rss_mb"] = max(r["rss_mb"] for r in runs)
    row["exit"] = runs[-1].get("exit")
    for r in runs:
        r.pop("stdout", None)


def table(rows: list[dict]) -> str:
    lines = [
        "| triples | engine | wall min / median | kgtool ÷ bare pyoxigraph | peak RSS | findings "
        "| planted found | unexpected | same as kgtool |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        start = f"| {r['triples']:,} | {r['engine']} "
        if r["timeout"]:
            lines.append(start + f"| > {r['wall_min']:.0f} s (stopped) | | {r['rss_mb']:.0f} MB "
                         "| – | – | – | – |")  # fmt: skip
            continue
        if r.get("error"):
            lines.append(start + f"| failed (exit {r['exit']}) | | {r['rss_mb']:.0f} MB "
                         "| – | – | – | – |")  # fmt: skip
            continue
        n = len(r["runs"])
        wall = f"{r['wall_min']:.1f} / {r['wall_median']:.1f} s" + (f" ({n} runs)" if n > 1 else "")
        ratio = "{:.2f} / {:.2f}".format(*r["ratio"]) if "ratio" in r else ""
        if "planted" not in r:  # bare pyoxigraph: rows of the compiled queries only
            lines.append(start + f"| {wall} | | {r['rss_mb']:.0f} MB | {r['findings']} rows "
                         "| – | – | – |")  # fmt: skip
            continue
        lines.append(
            start + f"| {wall} | {ratio} | {r['rss_mb']:.0f} MB | {r['findings']} "
            f"| {r['found']}/{r['planted']} | {r['unexpected']} "
            f"| {'yes' if r['same_as_fast'] else '**no**'} |"
        )
    return "\n".join(lines)


def bench_shipped() -> None:
    """Wall time of ``kgtool validate`` on the shipped data, start-up included."""
    figures = run(kgtool(ROOT, "fast"), 120)
    print(f"kgtool validate on the shipped data: {figures['wall_s']:.2f} s wall, "
          f"exit {figures.get('exit')}, peak RSS {figures['rss_mb']:.0f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="*", default=[10000, 100000, 1000000])
    parser.add_argument("--bare", nargs="*", default=["shifty"], choices=sorted(BARE))
    parser.add_argument("--pyshacl-max", type=int, default=100000)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="kgtool / bare pyoxigraph pairs")
    parser.add_argument("--per-kind", type=int, default=None, help="defects planted per kind")
    parser.add_argument(
        "--no-bare-oxigraph", action="store_true",
        help="time kgtool only (bare pyoxigraph holds every triple in memory: ~7 GB at 10 M)",
    )  # fmt: skip
    parser.add_argument("--shipped", action="store_true", help="time the shipped data instead")
    parser.add_argument("--oxigraph-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bare-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.oxigraph_child:
        print(bare_oxigraph(args.oxigraph_child))
    elif args.bare_child:
        print(json.dumps(bare_findings(Path(args.bare_child[1]), args.bare_child[0])))
    elif args.shipped:
        bench_shipped()
    else:
        rows = []
        for triples in args.triples:
            rows += bench_scale(
                triples, args.bare, args.pyshacl_max, args.timeout, args.repeat, args.per_kind,
                not args.no_bare_oxigraph,
            )  # fmt: skip
        print(f"{platform.node()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
        print("command: python " + " ".join(["benchmarks/bench_validate.py", *sys.argv[1:]]))
        print(table(rows))


if __name__ == "__main__":
    main()
