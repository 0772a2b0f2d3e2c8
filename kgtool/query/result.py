"""The shape of a query's answer and the names of its formats: a leaf every query module uses.

``QueryResult`` is what ``run`` returns and what ``formats`` and ``tables`` render; the media
type table names the formats for ``run``, ``remote``, ``formats`` and the web. Nothing here
imports another part of kgtool, so these modules never import each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union, cast

if TYPE_CHECKING:
    import pyoxigraph

Term = Union["pyoxigraph.NamedNode", "pyoxigraph.BlankNode", "pyoxigraph.Literal"]
"""An RDF term as pyoxigraph gives it (a result row's value or a bound parameter)."""

Row = dict[str, "Term | None"]

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""The one table of format name (and file extension) → media type."""
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
"""The SPARQL results formats of a SELECT or ASK answer."""
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
"""The RDF serialisations of a graph (a resource, a dump, a CONSTRUCT answer)."""


@dataclass
class QueryResult:
    """Rows of a SELECT, the answer of an ASK, or the triples of a CONSTRUCT/DESCRIBE.

    ``truncated`` is True when rows or triples were cut at the caller's ``max_rows``.
    """

    kind: str  # 'SELECT' | 'ASK' | 'CONSTRUCT' (DESCRIBE results are 'CONSTRUCT' too)
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[pyoxigraph.Triple] | None = None
    truncated: bool = False
    total: int | None = None  # every row or triple of the answer, when counted (``count``)

    def as_rows(self) -> QueryResult:
        """A graph result as subject/predicate/object rows (sorted), anything else unchanged."""
        if self.kind != "CONSTRUCT" or self.triples is None:
            return self
        names = ["subject", "predicate", "object"]
        ordered = sorted(
            self.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
        )
        # A subject or object is never a quoted triple: the project's data has no RDF-star.
        parts = (
            cast("tuple[Term, Term, Term]", (t.subject, t.predicate, t.object)) for t in ordered
        )
        rows: list[Row] = [dict(zip(names, triple, strict=True)) for triple in parts]
        return QueryResult("SELECT", variables=names, rows=rows)
