"""Loading the project's Turtle files into one rdflib union graph, where rdflib is the right tool.

Queries run on the Oxigraph store (``kgtool.store.engine``); rdflib remains for pySHACL's input,
``describe``'s file:line and Turtle writing. Every file is first parsed by the store's strict
W3C parser (so a syntax error reads ``file:line:column: message`` everywhere and rdflib never
accepts what Oxigraph rejects), then by rdflib from the same bytes. Each subject remembers the
file and line where its block starts, so reports can say
``data/collaborations/malardalsradet.ttl:42``.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef

from kgtool.errors import InputError
from kgtool.project import shown_path
from kgtool.terms import PREFIXES

if TYPE_CHECKING:
    from kgtool.project import Project

_BASE_LINE = re.compile(r"^\s*(?:@base|BASE)\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_IRI = re.compile(r"^<([^>]*)>")
_SUBJECT_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.-]*)")


@dataclass(frozen=True)
class Location:
    """Where a subject's block starts: a file (relative to the project when possible) and line."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class LoadedGraph:
    """The union graph plus, for each subject IRI, the place it is defined."""

    graph: Graph
    files: list[Path] = field(default_factory=list)
    locations: dict[URIRef, Location] = field(default_factory=dict)

    def location(self, subject: URIRef) -> Location | None:
        return self.locations.get(subject)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


class _QuietIllTyped(logging.Filter):
    """Drops rdflib's warnings (with tracebacks) about ill-typed literals: such a literal is
    valid RDF, and the shapes report it as a finding with its file and line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to convert Literal lexical form" not in record.getMessage()


@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Neither rdflib's logged tracebacks for ill-typed literals nor its warnings about odd
    lexical forms ("Parsing weird boolean") reach the terminal while this lasts."""
    import warnings

    logger = logging.getLogger("rdflib.term")
    quiet = _QuietIllTyped()
    logger.addFilter(quiet)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"rdflib\..*")
            yield
    finally:
        logger.removeFilter(quiet)


def parse_turtle(path: Path, graph: Graph | None = None, display: Path | None = None) -> Graph:
    """Parse one Turtle (or N-Triples) file into ``graph`` (a new one by default).

    The file is checked by Oxigraph's strict parser first; errors name ``file:line:column``.
    """
    from rdflib.plugins.parsers.notation3 import BadSyntax

    from kgtool.store.files import check_file

    target = graph if graph is not None else new_graph()
    shown = display or path
    check_file(path, str(shown))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{shown}: cannot read: {error}") from error
    try:
        with quiet_rdflib():
            rdf_format = "nt" if path.suffix.lower() == ".nt" else "turtle"
            target.parse(data=text, format=rdf_format, publicID=path.resolve().as_uri())
    except BadSyntax as error:
        raise InputError(f"{shown}:{error.lines + 1}: {error._why}") from error
    # Any other exception is not the user's: Oxigraph's strict parser accepted the file, so a
    # failure here is a fault in rdflib (or kgtool) and reaches the CLI as an internal error
    # (exit 3, the traceback with --debug).
    return target


def subject_lines(path: Path, graph: Graph) -> dict[URIRef, int]:
    """Map each subject that opens a block at column 0 to its line number (1-based)."""
    namespaces = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    base = path.resolve().as_uri()
    found: dict[URIRef, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line or line[0] in " \t#@" or line.upper().startswith(("PREFIX", "BASE")):
            base_match = _BASE_LINE.match(line)
            if base_match:
                base = base_match.group(1)
            continue
        iri_match = _SUBJECT_IRI.match(line)
        if iri_match:
            from urllib.parse import urljoin

            subject = URIRef(urljoin(base, iri_match.group(1)))
        else:
            pname = _SUBJECT_PNAME.match(line)
            if not pname or (pname.group(1) or "") not in namespaces:
                continue
            subject = URIRef(namespaces[pname.group(1) or ""] + pname.group(2))
        found.setdefault(subject, number)
    return found


def load_files(paths: Iterable[Path], root: Path | None = None) -> LoadedGraph:
    """Load Turtle files into one union graph, recording each subject's file and line."""
    graph = new_graph()
    loaded = LoadedGraph(graph)
    for path in paths:
        shown = Path(shown_path(path, root))
        file_graph = parse_turtle(path, display=shown)
        graph += file_graph
        loaded.files.append(shown)
        for subject, line in subject_lines(path, file_graph).items():
            loaded.locations.setdefault(subject, Location(shown, line))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return loaded


def load_project(project: Project, extra: Iterable[Path] = ()) -> LoadedGraph:
    """Load the project's ontology and data (plus any extra files) into one graph."""
    return load_files([*project.graph_files(), *extra], root=project.root)
