"""Validating the graph: pySHACL with the shapes in ``shapes/`` plus the Python checks.

The data graph is the union of the ontology and the data (SHACL follows ``rdfs:subClassOf``
only inside the data graph, and a Dataset would be checked graph by graph), validated with
inference ``none``. Every finding names the file and line where its resource is defined.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from kgtool.checks import CHECKS, as_findings, run_checks
from kgtool.graph import LoadedGraph, Location, load_project, new_graph, parse_turtle, subject_lines
from kgtool.namespaces import SH
from kgtool.project import Project
from kgtool.report import SHAPES_NS, Finding, Report

_LABELS = (RDFS.label, SKOS.prefLabel, FOAF.name, DCTERMS.title)
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def load_shapes(project: Project) -> Graph:
    """The shapes graph: every Turtle file under ``shapes/`` (syntax errors name file:line)."""
    graph = new_graph()
    graph.bind("kssh", SHAPES_NS)
    for path in project.shape_files():
        parse_turtle(path, graph, display=_relative(path, project.root))
    return graph


def rule_names(shapes: Graph) -> set[str]:
    """Short names of every rule: IRI'd shapes with a target, plus the Python checks."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    names = {
        str(shape).removeprefix(SHAPES_NS)
        for target in targets
        for shape in shapes.subjects(target, None)
        if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS)
    }
    return names | {check.name for check in CHECKS}


def validate_project(
    project: Project,
    extra_files: Sequence[Path] = (),
    use_shapes: Iterable[str] | None = None,
    python_checks: bool = True,
) -> Report:
    """Validate the project's ontology and data (plus ``extra_files``) against ``shapes/``.

    ``use_shapes`` restricts SHACL to the named shapes (short names or IRIs); ``python_checks``
    turns the Python checks off (benchmarks time them apart). Raises InputError on bad Turtle.
    """
    import logging

    # rdflib logs a traceback for every ill-typed literal it parses; the report says it better
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    shapes = load_shapes(project)
    loaded = load_project(project, extra=[Path(p) for p in extra_files])
    return validate_loaded(loaded, shapes, use_shapes=use_shapes, python_checks=python_checks)


def with_files(loaded: LoadedGraph, paths: Iterable[Path], root: Path | None = None) -> LoadedGraph:
    """A copy of ``loaded`` with more Turtle files in it; ``loaded`` itself is left unchanged.

    Lets a caller parse the project once and check many extra files against it.
    """
    graph = new_graph()
    graph += loaded.graph
    extended = LoadedGraph(graph, list(loaded.files), dict(loaded.locations))
    for path in paths:
        shown = _relative(path, root) if root is not None else path
        file_graph = parse_turtle(path, display=shown)
        graph += file_graph
        extended.files.append(shown)
        for subject, line in subject_lines(path, file_graph).items():
            extended.locations.setdefault(subject, Location(shown, line))
    return extended


def validate_loaded(
    loaded: LoadedGraph,
    shapes: Graph,
    use_shapes: Iterable[str] | None = None,
    python_checks: bool = True,
) -> Report:
    """Validate an already loaded union graph (ontology included) against ``shapes``."""
    chosen = None if use_shapes is None else list(use_shapes)
    findings = shacl_findings(loaded, shapes, chosen) if chosen is None or chosen else []
    if python_checks:
        findings += as_findings(
            run_checks(loaded.graph, shapes), lambda node: describe(loaded, node)
        )
    return Report(findings)


def shacl_findings(
    loaded: LoadedGraph, shapes: Graph, use_shapes: Iterable[str] | None = None
) -> list[Finding]:
    """Run pySHACL and turn each sh:ValidationResult into a Finding."""
    import pyshacl

    selected = None
    if use_shapes is not None:
        selected = [s if "://" in s else SHAPES_NS + s for s in use_shapes]
    _conforms, results, _text = pyshacl.validate(
        PreparedQueryGraph(loaded.graph),
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        do_owl_imports=False,
        use_shapes=selected,
    )
    return [
        _finding(results, result, loaded, shapes)
        for result in results.subjects(RDF.type, SH.ValidationResult)
    ]


_PREPARED: dict[str, object] = {}


class PreparedQueryGraph(Graph):
    """A view of a graph (same store) that parses each SPARQL text only once per process.

    pySHACL sends a SPARQL constraint's text again for every focus node, and rdflib would parse
    it every time (20-150 ms each); a prepared query is reused with new initial bindings.
    """

    def __init__(self, graph: Graph):
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = _PREPARED.get(query_object)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery

                prepared = prepareQuery(query_object, initNs=dict(self.namespaces()))
                _PREPARED[query_object] = prepared
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def _finding(results: Graph, result, loaded: LoadedGraph, shapes: Graph) -> Finding:
    """A Finding for one sh:ValidationResult; messages come from the shape, in every language
    (pySHACL copies only one of a SPARQL constraint's messages into the result)."""
    focus = results.value(result, SH.focusNode)
    value = results.value(result, SH.value)
    path = results.value(result, SH.resultPath)
    shape = results.value(result, SH.sourceShape)
    messages: dict[str, str] = {}
    for message in [*shapes.objects(shape, SH.message), *results.objects(result, SH.resultMessage)]:
        lang = message.language if isinstance(message, Literal) and message.language else "en"
        messages.setdefault(lang, str(message))
    component = results.value(result, SH.sourceConstraintComponent)
    return Finding(
        shape=str(shape),
        severity=_SEVERITY.get(results.value(result, SH.resultSeverity), "violation"),
        messages=messages,
        path=str(path) if isinstance(path, URIRef) else None,
        value=_show(value) if value is not None else None,
        value_n3=value.n3() if value is not None else None,
        component=str(component) if component is not None else None,
        **describe(loaded, focus),
    )


def describe(loaded: LoadedGraph, node) -> dict:
    """Focus, label, file and line for a focus node.

    A blank node (an interval's instant, say) is reported as the named resource that uses it,
    since that is what a person can find and fix; ``node`` keeps the blank node itself.
    """
    owner = _named_owner(loaded.graph, node)
    location = loaded.location(owner) if owner is not None else None
    label = _label(loaded.graph, node) or (
        _label(loaded.graph, owner) if owner is not None else None
    )
    return {
        "focus": _show(owner if owner is not None else node),
        "node": _show(node) if isinstance(node, BNode) else None,
        "label": label,
        "file": str(location.path) if location else None,
        "line": location.line if location else None,
    }


def _named_owner(graph: Graph, node, depth: int = 4):
    """``node`` itself when it is an IRI, else the nearest IRI that refers to it."""
    frontier = [node]
    for _ in range(depth + 1):
        for candidate in frontier:
            if isinstance(candidate, URIRef):
                return candidate
        frontier = [s for candidate in frontier for s in graph.subjects(None, candidate)]
    return None


def _label(graph: Graph, node) -> str | None:
    if node is None:
        return None
    for predicate in _LABELS:
        values = list(graph.objects(node, predicate))
        for value in sorted(values, key=lambda v: getattr(v, "language", None) != "sv"):
            return str(value)
    return None


def _show(term) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path
