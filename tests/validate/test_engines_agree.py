"""The fast engine gives exactly pySHACL's findings: on every broken fixture and on generated
data with planted defects (focus node, rule, value, severity, and where each is placed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kgtool.checks.report import Finding
from kgtool.checks.validate import load_shapes, validate_loaded, validate_project, with_files
from kgtool.project import Project
from kgtool.store.graph import load_project

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "broken"
PROJECT = Project(ROOT)


def key(finding: Finding) -> tuple:
    """Everything a finding says, blank node labels aside (each engine names its own)."""
    blank = (finding.value or "").startswith("_:")
    return (
        finding.shape,
        finding.severity,
        finding.component,
        finding.focus,
        finding.path,
        None if blank else finding.value,
        finding.file,
        finding.line,
        finding.label,
        tuple(sorted(finding.messages.items())),
    )


@pytest.fixture(scope="module")
def project_graph():
    return load_project(PROJECT)


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(PROJECT)


@pytest.mark.parametrize(
    "fixture", [None, *sorted(FIXTURES.glob("*.ttl"))], ids=lambda p: p.stem if p else "shipped"
)
def test_engines_agree_on_fixture(fixture: Path | None, project_graph, shapes):
    extra = [fixture] if fixture else []
    reference = validate_loaded(with_files(project_graph, extra, ROOT), shapes, root=ROOT)
    fast = validate_project(PROJECT, extra_files=extra, engine="fast")
    assert sorted(map(key, fast.findings)) == sorted(map(key, reference.findings))
    if fixture is not None:
        assert fast.findings, "a broken fixture must give findings"


def test_engines_agree_on_generated_data_with_planted_defects(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import KINDS, generate

    summary = generate(10000, tmp_path)
    project = Project(tmp_path)
    reference = validate_project(project, engine="pyshacl")
    fast = validate_project(project, engine="fast")
    assert sorted(map(key, fast.findings)) == sorted(map(key, reference.findings))
    reported = {(f.shape_name, f.focus) for f in fast.findings}
    assert {defect["kind"] for defect in summary["planted"] if defect["focus"]} == set(KINDS)
    for defect in summary["planted"]:
        for focus in defect["focus"]:
            assert (defect["kind"], focus) in reported, defect
