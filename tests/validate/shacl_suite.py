"""Reading the W3C SHACL Core test suite: its tests, their files and their expected reports.

The suite (``../shared/conformance/shacl-core``, see the README there) is read with rdflib from
its manifests: each ``sht:Validate`` entry names a data graph and a shapes graph (often the
test file itself) and holds the expected ``sh:ValidationReport``. A result is compared as the
suite's README defines it: focus node, path, value, source shape, constraint component and
severity (messages aside). Blank nodes differ from one parse to the next, so a blank node is
compared by what can be seen of it: a path by its SPARQL form, a shape by its own non-blank
statements; a blank focus node or value only as being blank (the count of results still
has to match).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

SH = "http://www.w3.org/ns/shacl#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SUITE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "shacl-core"


def _sh(name: str) -> URIRef:
    return URIRef(SH + name)


@dataclass(frozen=True)
class SuiteTest:
    """One sht:Validate test: its name (``property/uniqueLang-002``), files and expectation."""

    name: str
    data: Path
    shapes: Path
    conforms: bool
    results: Counter

    def __str__(self) -> str:
        return self.name


def load_tests(suite: Path = SUITE) -> list[SuiteTest]:
    """Every sht:Validate test reached from the top manifest through mf:include (empty when
    the suite is absent)."""
    top = suite / "manifest.ttl"
    if not top.is_file():
        return []
    tests: list[SuiteTest] = []
    pending, seen = [top], set()
    while pending:
        manifest = pending.pop()
        if manifest in seen:
            continue
        seen.add(manifest)
        graph = _parse(manifest)
        pending += [_local(suite, i) for i in graph.objects(None, URIRef(MF + "include"))]
        for entries in graph.objects(None, URIRef(MF + "entries")):
            for entry in Collection(graph, entries):
                if (entry, RDF.type, URIRef(SHT + "Validate")) in graph:
                    tests.append(_test(suite, graph, entry))
    return sorted(tests, key=lambda t: t.name)


def _test(suite: Path, graph: Graph, test) -> SuiteTest:
    action = graph.value(test, URIRef(MF + "action"))
    data = _local(suite, graph.value(action, URIRef(SHT + "dataGraph")))
    shapes = _local(suite, graph.value(action, URIRef(SHT + "shapesGraph")))
    report = graph.value(test, URIRef(MF + "result"))
    conforms = graph.value(report, _sh("conforms")).toPython()
    graphs = description_graphs(data, shapes, graph)
    expected = [result_key(graph, r, graphs) for r in graph.objects(report, _sh("result"))]
    name = str(test).removeprefix(suite.as_uri() + "/")
    return SuiteTest(name, data, shapes, conforms, Counter(expected))


def description_graphs(data: Path, shapes: Path, *extra: Graph) -> list[Graph]:
    """The graphs a blank node of a report is described from: its own, the data, the shapes."""
    return [*extra, _parse(data), _parse(shapes)]


_PARSED: dict[Path, Graph] = {}


def _parse(path: Path) -> Graph:
    if path not in _PARSED:
        _PARSED[path] = Graph().parse(path, format="turtle", publicID=path.as_uri())
    return _PARSED[path]


def _local(suite: Path, iri) -> Path:
    text = str(iri).split("#")[0]
    return suite / text.removeprefix(suite.as_uri() + "/")


def result_key(report: Graph, result, graphs: list[Graph]) -> tuple:
    """(focus, path, value, source shape, component, severity) as comparable text."""

    def term(predicate: str, kind: str) -> str | None:
        value = report.value(result, _sh(predicate))
        if value is None:
            return None
        return describe(value, kind, [report, *graphs])

    return (
        term("focusNode", "node"),
        term("resultPath", "path"),
        term("value", "node"),
        term("sourceShape", "shape"),
        term("sourceConstraintComponent", "node"),
        term("resultSeverity", "node"),
    )


def describe(value, kind: str, graphs: list[Graph]) -> str:
    """A term as text; a blank node by what identifies it across parses (see the module)."""
    if not isinstance(value, BNode):
        return value.n3()
    graph = next((g for g in graphs if (value, None, None) in g), graphs[0])
    if kind == "path":
        return render_path(graph, value)
    if kind == "shape":
        statements = sorted(
            f"{p.n3()} {o.n3()}"
            for p, o in graph.predicate_objects(value)
            if not isinstance(o, BNode)
        )
        return "[" + "; ".join(statements) + "]"
    return "_:"  # a focus node or value: the same blank node cannot be named across parses


def render_path(graph: Graph, path) -> str:
    """A SHACL path as SPARQL property path text."""
    if isinstance(path, URIRef):
        return path.n3()
    if (path, RDF.first, None) in graph:
        return "(" + "/".join(render_path(graph, p) for p in Collection(graph, path)) + ")"
    for predicate, form in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = graph.value(path, _sh(predicate))
        if inner is not None:
            return form.format(render_path(graph, inner))
    alternatives = graph.value(path, _sh("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, p) for p in Collection(graph, alternatives)) + ")"
    return "?"
