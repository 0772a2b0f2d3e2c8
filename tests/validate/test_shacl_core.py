"""The W3C SHACL Core test suite through ``kgtool validate`` (the default, fast engine).

Each test's data file goes to ``data/`` and its shapes file to ``shapes/`` of a throw-away
project; ``kgtool validate -v -f ttl`` must give the suite's ``sh:conforms`` and its set of
results (see ``shacl_suite``). The Python checks of this project's own rules are left out of
the comparison (they are not SHACL). ``-v`` says on stderr which shapes ran on which engine:
every shape of the suite is either translated or handed to pySHACL, never skipped.

The suite is read from ``../shared/conformance/shacl-core`` and not copied here: its README
says the upstream repository states no licence and asks not to copy it into the project.
Without it these tests skip with the reason; ``test_fast_never_silent.py`` stands alone.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from shacl_suite import SUITE, description_graphs, load_tests, result_key

from kgtool.checks.report import SHAPES_NS

TESTS = load_tests()
if not TESTS and os.environ.get("CI"):  # in CI ../shared sits beside the clone: missing fails
    pytest.fail(f"the W3C SHACL Core suite is not at {SUITE}", pytrace=False)
pytestmark = pytest.mark.skipif(
    not TESTS, reason=f"the W3C SHACL Core suite is not at {SUITE} (see its README)"
)
SH = "http://www.w3.org/ns/shacl#"
# Where the reference engine is wrong and kgtool's report follows the suite. Each was checked
# against the suite's expected report; the fast engine translates these shapes itself.
PYSHACL_WRONG = {
    "property/uniqueLang-002": (
        'sh:uniqueLang "1"^^xsd:boolean is not the value true, so the constraint is not '
        "active (as the test's own comment says); pySHACL 0.40 reads it as true and reports "
        "the two @en values"
    ),
}


def run_suite_test(run_cli, test, tmp_path: Path, engine: str = "fast"):
    project = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        (project / folder).mkdir(parents=True)
    shutil.copy(test.data, project / "data" / test.data.name)
    shutil.copy(test.shapes, project / "shapes" / test.shapes.name)
    return run_cli("validate", "-v", "-f", "ttl", "--engine", engine, project=project)


def actual_results(test, output: str) -> tuple[bool, Counter]:
    report = Graph().parse(data=output, format="turtle")
    graphs = description_graphs(test.data, test.shapes)
    node = report.value(None, RDF.type, URIRef(SH + "ValidationReport"))
    results = [
        result
        for result in report.objects(node, URIRef(SH + "result"))
        if not str(report.value(result, URIRef(SH + "sourceShape"))).startswith(SHAPES_NS)
    ]
    keys = Counter(result_key(report, result, graphs) for result in results)
    return report.value(node, URIRef(SH + "conforms")).toPython(), keys


def test_the_suite_is_whole():
    """98 validation tests, as the issue counted them."""
    assert len(TESTS) == 98


@pytest.mark.parametrize("test", TESTS, ids=str)
def test_suite_test_through_kgtool_validate(run_cli, test, tmp_path):
    result = run_suite_test(run_cli, test, tmp_path)
    assert result.exit_code in (0, 1), result.output
    conforms, results = actual_results(test, result.stdout)
    assert conforms == test.conforms
    assert results == test.results
    assert result.exit_code == (0 if test.conforms else 1) or _only_warnings(results)
    assert not re.search(r"Traceback|Failed to convert|Warning", result.stderr)
    assert focus_shapes(test.shapes) <= engines_said(result.stderr), "a shape was skipped"


def focus_shapes(path: Path) -> set[str]:
    """The shapes with focus nodes, read apart from kgtool: a sh:target* or an implicit class
    target (a shape typed rdfs:Class); blank nodes only counted."""
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    targets = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
    found = {s for t in targets for s in graph.subjects(URIRef(SH + t), None)}
    for shape in graph.subjects(RDF.type, RDFS.Class):
        if any(str(p).startswith(SH) for p in graph.predicates(shape, None)) or any(
            (shape, RDF.type, URIRef(SH + k)) in graph for k in ("NodeShape", "PropertyShape")
        ):
            found.add(shape)
    return {f"<{s}>" if isinstance(s, URIRef) else "_:" for s in found}


def engines_said(stderr: str) -> set[str]:
    """The shapes ``-v`` says ran on an engine (a blank node as ``_:``)."""
    said = set()
    for line in stderr.splitlines():
        match = re.match(r"  (fast|pyshacl): (<[^>]*>|_:\S+)", line)
        if match:
            said.add("_:" if match.group(2).startswith("_:") else match.group(2))
    return said


@pytest.mark.parametrize("name", sorted(PYSHACL_WRONG))
def test_known_pyshacl_difference(run_cli, name, tmp_path):
    """pySHACL gets this test wrong (the reason is recorded above); kgtool's default engine
    gets it right (the test above) by translating the shape itself."""
    test = next(t for t in TESTS if t.name == name)
    result = run_suite_test(run_cli, test, tmp_path)
    assert "pyshacl:" not in result.stderr
    reference = run_suite_test(run_cli, test, tmp_path / "reference", engine="pyshacl")
    assert actual_results(test, reference.stdout) != (test.conforms, test.results)


def _only_warnings(results: Counter) -> bool:
    return all(key[5] != f"<{SH}Violation>" for key in results)
