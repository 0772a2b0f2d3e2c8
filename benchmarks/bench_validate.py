"""Benchmark ``kgtool validate`` side by side on synthetic data with planted defects.

    python benchmarks/bench_validate.py                        # 10k, 100k and 1M triples
    python benchmarks/bench_validate.py --triples 10000 --bare shifty turbo
    python benchmarks/bench_validate.py --shipped              # the project's own data

For each size, in one run and on the same data and shapes: ``kgtool validate`` as a whole
process (fast engine; first run builds the store cache, the second finds it), ``kgtool validate
--engine pyshacl`` (only up to ``--pyshacl-max`` triples), and each bare engine asked for
(``shifty``: pyshifty, ``turbo``: pyshacl-turbo; pySHACL-compatible ``validate()`` on an rdflib
graph of the same files, their results placed by kgtool's own code so that they compare).
Each measurement is its own process: wall time, peak RSS (``os.wait4`` ru_maxrss), findings,
planted defects found, unexpected findings, and whether the findings equal the fast engine's.
The bare engines need ``pip install pyshifty pyshacl-turbo`` (not project dependencies).
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


def bench_scale(triples: int, bare: list[str], pyshacl_max: int, timeout: float) -> list[dict]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    rows = []
    with tempfile.TemporaryDirectory(prefix=f"kgtool-bench-{triples}-") as tmp:
        project = Path(tmp)
        planted = generate(triples, project)["planted"]
        candidates = [("kgtool (cold cache)", kgtool(project, "fast")),
                      ("kgtool (warm cache)", kgtool(project, "fast"))]  # fmt: skip
        if triples <= pyshacl_max:
            candidates.append(("kgtool --engine pyshacl", kgtool(project, "pyshacl")))
        for engine in bare:
            me = [sys.executable, str(Path(__file__)), "--bare-child", engine, str(project)]
            candidates.append((f"bare {engine}", me))
        reference = None
        for name, command in candidates:
            figures = run(command, timeout)
            row = {"triples": triples, "engine": name, **figures}
            if figures["timeout"] or figures["exit"] not in (0, 1) or not figures["stdout"]:
                row["error"] = True
            else:
                findings = json.loads(figures["stdout"])
                if name.startswith("bare"):  # SHACL only: the Python checks are kgtool's own
                    reference = [k for k in reference if k[0] not in PYTHON_CHECKS]
                row["findings"] = len(findings)
                row["planted"], row["found"], row["unexpected"] = score(planted, findings)
                keys = sorted(map(key, findings))
                reference = reference if reference is not None else keys
                row["same_as_fast"] = keys == reference
            row.pop("stdout", None)
            print(json.dumps(row), file=sys.stderr, flush=True)
            rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| triples | engine | wall | peak RSS | findings | planted found | unexpected "
        "| same as fast |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r["timeout"]:
            lines.append(f"| {r['triples']:,} | {r['engine']} | > {r['wall_s']:.0f} s (stopped) "
                         f"| {r['rss_mb']:.0f} MB | – | – | – | – |")  # fmt: skip
            continue
        if r.get("error"):
            lines.append(f"| {r['triples']:,} | {r['engine']} | failed (exit {r['exit']}) "
                         f"| {r['rss_mb']:.0f} MB | – | – | – | – |")  # fmt: skip
            continue
        lines.append(
            f"| {r['triples']:,} | {r['engine']} | {r['wall_s']:.1f} s | {r['rss_mb']:.0f} MB "
            f"| {r['findings']} | {r['found']}/{r['planted']} | {r['unexpected']} "
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
    parser.add_argument("--shipped", action="store_true", help="time the shipped data instead")
    parser.add_argument("--bare-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        print(json.dumps(bare_findings(Path(args.bare_child[1]), args.bare_child[0])))
    elif args.shipped:
        bench_shipped()
    else:
        rows = []
        for triples in args.triples:
            rows += bench_scale(triples, args.bare, args.pyshacl_max, args.timeout)
        print(f"{platform.node()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
        print("command: python " + " ".join(["benchmarks/bench_validate.py", *sys.argv[1:]]))
        print(table(rows))


if __name__ == "__main__":
    main()
