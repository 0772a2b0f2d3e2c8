"""Benchmark ``kgtool validate`` on synthetic data: wall time, peak memory, found/planted defects.

    python benchmarks/bench_validate.py                      # 10k and 100k triples
    python benchmarks/bench_validate.py --triples 10000 --per-shape
    python benchmarks/bench_validate.py --shipped            # the project's own data, via the CLI

Each measurement runs in a fresh Python process, so peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def measure(project_dir: Path, per_shape: bool) -> dict:
    """In this process: validate the project at ``project_dir``; return figures as a dict."""
    import resource

    from kgtool.checks.rules import CHECKS, run_checks
    from kgtool.project import Project
    from kgtool.store.graph import load_project
    from kgtool.checks.validate import load_shapes, rule_names, validate_loaded, validate_project

    project = Project(project_dir)
    started = time.perf_counter()
    report = validate_project(project)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result: dict = {
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "findings": [[f.shape_name, f.focus, f.severity] for f in report.findings],
    }
    started = time.perf_counter()
    loaded = load_project(project)
    result["load_s"] = round(time.perf_counter() - started, 2)
    result["triples"] = len(loaded.graph)
    if per_shape:
        shapes = load_shapes(project)
        timings = {}
        for name in sorted(rule_names(shapes) - {check.name for check in CHECKS}):
            started = time.perf_counter()
            validate_loaded(loaded, shapes, use_shapes=[name], python_checks=False)
            timings[name] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        list(run_checks(loaded.graph, shapes))
        timings["(Python checks)"] = round(time.perf_counter() - started, 3)
        result["per_shape_s"] = timings
    return result


def score(planted: list[dict], findings: list[list[str]]) -> dict[str, dict[str, int]]:
    """Per kind: planted, found (every expected focus reported), extra (unexpected findings)."""
    reported: dict[str, set[str]] = {}
    for shape, focus, _severity in findings:
        reported.setdefault(shape, set()).add(focus)
    table: dict[str, dict[str, int]] = {}
    expected: dict[str, set[str]] = {}
    for defect in planted:
        row = table.setdefault(defect["kind"], {"planted": 0, "found": 0, "extra": 0})
        row["planted"] += 1
        row["found"] += all(f in reported.get(defect["kind"], ()) for f in defect["focus"])
        expected.setdefault(defect["kind"], set()).update(defect["focus"])
    for shape, foci in reported.items():
        row = table.setdefault(shape, {"planted": 0, "found": 0, "extra": 0})
        row["extra"] += len(foci - expected.get(shape, set()))
    return table


def run_child(project_dir: Path, per_shape: bool) -> dict:
    command = [sys.executable, str(Path(__file__)), "--measure", str(project_dir)]
    if per_shape:
        command.append("--per-shape")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output)


def bench_scale(triples: int, per_shape: bool) -> None:
    sys.path.insert(0, str(HERE))
    from generate import generate

    with tempfile.TemporaryDirectory(prefix=f"kgtool-bench-{triples}-") as tmp:
        summary = generate(triples, Path(tmp))
        figures = run_child(Path(tmp), per_shape)
    table = score(summary["planted"], figures["findings"])
    planted = sum(row["planted"] for row in table.values())
    found = sum(row["found"] for row in table.values())
    extra = sum(row["extra"] for row in table.values())
    print(f"\n== {triples:,} triples requested: {figures['triples']:,} in the graph ==")
    print(
        f"validate (load + SHACL + Python checks): {figures['wall_s']:.2f} s wall "
        f"(load alone {figures['load_s']:.2f} s), peak RSS {figures['peak_rss_mb']:.0f} MB"
    )
    print(f"defects found/planted: {found}/{planted}, unexpected findings: {extra}")
    for kind, row in sorted(table.items()):
        print(f"  {kind:32} {row['found']:>4}/{row['planted']:<4} extra {row['extra']}")
    if per_shape:
        timings = sorted(figures["per_shape_s"].items(), key=lambda item: -item[1])
        print("time per rule (s), slowest first:")
        for name, seconds in timings:
            print(f"  {name:32} {seconds:8.3f}")


def bench_shipped() -> None:
    """Wall time of ``kgtool validate`` on the shipped data, start-up included."""
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kgtool.cli import main; main()",
            "--project",
            str(ROOT),
            "validate",
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    wall = time.perf_counter() - started
    print(f"kgtool validate on the shipped data: {wall:.2f} s wall, exit {proc.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="*", default=[10000, 100000])
    parser.add_argument("--per-shape", action="store_true", help="time each rule on its own")
    parser.add_argument("--shipped", action="store_true", help="time the shipped data instead")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.per_shape)))
    elif args.shipped:
        bench_shipped()
    else:
        for triples in args.triples:
            bench_scale(triples, args.per_shape)


if __name__ == "__main__":
    main()
