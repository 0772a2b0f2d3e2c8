"""Running a read-only SPARQL query locally (rdflib) or on an endpoint (SPARQLWrapper).

Both paths return one ``QueryResult``. Parameters arrive as RDF terms: locally they are passed
as ``initBindings``; remotely they become a ``VALUES`` block, written from the terms' ``n3()``
form, that opens the outermost WHERE group. User text is never spliced into a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kgtool.errors import EndpointError, InputError, QueryRefused

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Node

Row = dict[str, "Node | None"]


@dataclass
class QueryResult:
    """Rows of a SELECT, the answer of an ASK, or the graph of a CONSTRUCT/DESCRIBE."""

    kind: str  # 'SELECT' | 'ASK' | 'CONSTRUCT' (DESCRIBE results are 'CONSTRUCT' too)
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@lru_cache(maxsize=64)
def prepare(query_text: str) -> Query:
    """Parse a query (no implicit prefixes, so it runs the same on any endpoint).

    A malformed query is an InputError with the parser's message; an update is refused.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        return prepareQuery(query_text)
    except ParseException as error:
        try:
            parseUpdate(query_text)
        except Exception:
            raise InputError(
                f"malformed query: line {error.lineno}, column {error.col}: {error.msg}"
            ) from None
        raise QueryRefused(
            "updates are refused: kgtool runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)"
        ) from None
    except Exception as error:  # rdflib raises plain exceptions for e.g. unknown prefixes
        raise InputError(f"malformed query: {error}") from None


def _walk(node: Any):
    """Every CompValue inside a parsed query's algebra."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


ALLOW_REMOTE_HINT = "pass --allow-remote to allow it"


def check_read_only(
    query_text: str, allow_remote: bool = False, hint: str | None = ALLOW_REMOTE_HINT
) -> str:
    """Refuse updates always, and SERVICE or FROM/FROM NAMED unless ``allow_remote``.

    Works on the parsed algebra, not on the text. Returns the query form
    ('SELECT', 'ASK', 'CONSTRUCT' or 'DESCRIBE'). ``hint`` ends the refusal message; callers
    without an --allow-remote option (the server, saved queries) pass None.
    """
    suffix = f" ({hint})" if hint else ""
    query = prepare(query_text)
    algebra = query.algebra
    if not allow_remote:
        for clause in algebra.get("datasetClause") or []:
            keyword, iri = (
                ("FROM", clause["default"])
                if "default" in clause
                else (
                    "FROM NAMED",
                    clause["named"],
                )
            )
            raise QueryRefused(f"{keyword} <{iri}> loads data from a file or URL: refused{suffix}")
        for part in _walk(algebra):
            if part.name == "ServiceGraphPattern":
                raise QueryRefused(
                    f"SERVICE <{part.get('term')}> calls a remote endpoint: refused{suffix}"
                )
    return _FORMS[algebra.name]


def _normal(term: Node | None) -> Node | None:
    """One form per value: a simple literal never carries an explicit xsd:string."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def run_local(
    graph: Graph, query_text: str, bindings: dict[str, Node] | None = None
) -> QueryResult:
    """Run a read-only query on an rdflib graph, parameters passed as ``initBindings``."""
    from rdflib import Variable

    from kgtool import joinorder

    joinorder.install()
    query = prepare(query_text)
    init = {Variable(name): term for name, term in (bindings or {}).items()}
    try:
        result = graph.query(query, initBindings=init)
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult("CONSTRUCT", graph=result.graph)
        variables = [str(v) for v in result.vars or []]
        rows = [{name: _normal(row[i]) for i, name in enumerate(variables)} for row in result]
    except OSError as error:  # urllib's URLError from a SERVICE call (only with --allow-remote)
        raise service_error(query.algebra, error) from error
    return QueryResult("SELECT", variables=variables, rows=rows)


def service_error(algebra: Any, error: OSError) -> EndpointError:
    """A one-line error naming the SERVICE endpoint(s) of a query that failed to reach one."""
    from kgtool.remote import endpoint_error

    found = [
        f"<{part.get('term')}>" for part in _walk(algebra) if part.name == "ServiceGraphPattern"
    ]
    where = ", ".join(dict.fromkeys(found)) or "a SERVICE endpoint"
    reason = endpoint_error("", error, 0).message.removeprefix("endpoint : ")
    return EndpointError(f"SERVICE {where}: {reason}")


_TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*|[{}]|\bWHERE\b",
    re.IGNORECASE,
)


def where_position(query_text: str) -> int:
    """The index just after the ``{`` that opens the query's outermost WHERE group."""
    depth = 0
    opens: list[int] = []
    after_where = False
    for match in _TOKEN.finditer(query_text):
        token = match.group(0)
        if token == "{":
            if depth == 0:
                if after_where:
                    return match.end()
                opens.append(match.end())
            depth += 1
        elif token == "}":
            depth -= 1
        elif token.upper() == "WHERE" and depth == 0:
            after_where = True
    form = check_read_only(query_text, allow_remote=True)
    index = 1 if form == "CONSTRUCT" else 0
    if len(opens) <= index:
        raise InputError("malformed query: no WHERE group")
    return opens[index]


def values_block(bindings: dict[str, Node]) -> str:
    """``VALUES (?a ?b) { (<…> "…") }`` written from RDF terms (their N-Triples form)."""
    names, terms = [], []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"not a variable name: {name!r}")
        names.append(f"?{name}")
        terms.append(term.n3())  # rdflib escapes quotes and refuses an IRI with < > " or spaces
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def with_values(query_text: str, bindings: dict[str, Node] | None) -> str:
    """The query with a VALUES block opening its outermost WHERE group (unchanged if none)."""
    if not bindings:
        return query_text
    position = where_position(query_text)
    return f"{query_text[:position]}\n  {values_block(bindings)}\n{query_text[position:]}"


def _json_term(value: dict[str, str]) -> Node:
    from rdflib import BNode, Literal, URIRef

    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    term = Literal(
        value["value"],
        lang=value.get("xml:lang"),
        datatype=URIRef(datatype) if datatype else None,
    )
    return _normal(term)


def result_from_json(data: dict[str, Any]) -> QueryResult:
    """A QueryResult from SPARQL 1.1 Query Results JSON."""
    if "boolean" in data:
        return QueryResult("ASK", boolean=bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        rows.append(
            {name: _json_term(binding[name]) if name in binding else None for name in variables}
        )
    return QueryResult("SELECT", variables=variables, rows=rows)


def run_remote(
    endpoint: str,
    query_text: str,
    bindings: dict[str, Node] | None = None,
    timeout: float = 30,
) -> QueryResult:
    """Run a read-only query on a SPARQL endpoint (the query URL or an Oxigraph base URL).

    Errors (refused connection, timeout, HTTP 4xx/5xx) raise EndpointError naming the URL.
    """
    from kgtool.remote import endpoints, send_query

    form = check_read_only(query_text, allow_remote=True)
    text = with_values(query_text, bindings)
    url = endpoints(endpoint).query
    if form in ("CONSTRUCT", "DESCRIBE"):
        from rdflib import Graph

        body = send_query(url, text, "application/n-triples", timeout=timeout, form=form)
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format="nt")
        except Exception as error:  # not UTF-8, or not N-Triples (an HTML page, an error text)
            from kgtool.errors import EndpointError

            raise EndpointError(f"endpoint {url}: answer is not N-Triples") from error
        return QueryResult("CONSTRUCT", graph=graph)
    import json

    body = send_query(url, text, "application/sparql-results+json", timeout=timeout, form=form)
    try:
        return result_from_json(json.loads(body))
    except (ValueError, AttributeError, KeyError, TypeError) as error:
        from kgtool.errors import EndpointError

        raise EndpointError(f"endpoint {url}: answer is not SPARQL JSON results") from error
