"""An OpenAPI 3.1 description of ``/api/<name>``: one GET path per saved query.

Built from the queries' ``#+`` headers: each parameter becomes a query parameter with a JSON
Schema for its type, its default, an example that the shipped data answers, and the values a
form can offer (``choices``); each path lists the result formats the server can send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgtool.query.formats import GRAPH_FORMATS, MEDIA_TYPES, RESULT_FORMATS

if TYPE_CHECKING:
    from rdflib import Graph

    from kgtool.query.catalogue import Param, SavedQuery

SELECT_MEDIA = {fmt: MEDIA_TYPES[fmt] for fmt in RESULT_FORMATS}
GRAPH_MEDIA = {fmt: MEDIA_TYPES[fmt] for fmt in GRAPH_FORMATS}
DATE_PATTERN = "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
SCHEMAS: dict[str, dict[str, Any]] = {
    # a day, a month or a year (meaning at any time during it), as kgtool.query.catalogue accepts
    "xsd:date": {"type": "string", "pattern": DATE_PATTERN},
    "xsd:gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    "xsd:integer": {"type": "integer"},
    "iri": {"type": "string", "format": "iri-reference"},
}
# The class and the code property (if any) of each parameter type found in the graph.
KINDS = {
    "municipality": ("Municipality", "municipalityCode"),
    "collaboration": ("Collaboration", None),
    "county": ("County", "countyCode"),
    "area": (None, None),
    "source": ("SourceDocument", None),
}


@dataclass(frozen=True)
class Choice:
    """One value a parameter accepts, and the name shown for it."""

    value: str
    label: str


def _label(graph: Graph, subject, lang: str, fallback: str) -> str:
    from rdflib import URIRef

    from kgtool.terms import LABEL_PROPERTIES, pick_label

    candidates = [
        (prop, str(value), getattr(value, "language", None))
        for prop in LABEL_PROPERTIES
        for value in graph.objects(subject, URIRef(prop))
    ]
    return pick_label(candidates, lang) or fallback


def choices(param: Param, graph: Graph, lang: str = "sv") -> list[Choice]:
    """The values of a graph-typed parameter (code or slug, with its label), sorted by label."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kgtool.terms import ID, KS

    if param.type not in KINDS:
        return []
    class_name, code_property = KINDS[param.type]
    folder = str(ID) + param.type + "/"
    found = []
    if class_name:
        subjects = graph.subjects(RDF.type, KS[class_name])
    else:
        subjects = _subjects_under(graph, folder)
    for subject in set(subjects):
        if not isinstance(subject, URIRef) or not str(subject).startswith(folder):
            continue
        rest = str(subject)[len(folder) :]
        if "/" in rest or not rest:
            continue
        code = graph.value(subject, KS[code_property]) if code_property else None
        value = str(code) if code is not None else rest
        found.append(Choice(value, _label(graph, subject, lang, rest)))
    return sorted(found, key=lambda c: (c.label.casefold(), c.value))


def _subjects_under(graph: Graph, folder: str) -> set:
    """The subjects whose IRI starts with ``folder``: asked of the store where ``graph`` reads
    one (a scan in Oxigraph, not every triple made an rdflib term: 5 s at 1 M triples)."""
    store = getattr(graph, "project_store", None)
    if store is None:
        return {s for s in graph.subjects() if str(s).startswith(folder)}
    import json

    text = json.dumps(folder)  # a JSON string is a SPARQL string literal
    answer = store.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(ISIRI(?s) && STRSTARTS(STR(?s), {text})) }}"
    )
    return {graph.published(row[0]) for row in answer}


def example(param: Param, graph: Graph, as_of: str) -> str | None:
    """A value the shipped data answers: the default, else the first choice, else None."""
    if param.default is not None:
        return str(param.default)
    if param.type == "xsd:date":
        return as_of
    if param.type == "xsd:gYear":
        return as_of[:4]
    found = choices(param, graph)
    return found[0].value if found else None


def _parameter(param: Param, graph: Graph, as_of: str) -> dict[str, Any]:
    schema = dict(SCHEMAS.get(param.type, {"type": "string"}))
    if param.default is not None:
        schema["default"] = int(param.default) if param.type == "xsd:integer" else param.default
    found = choices(param, graph)
    if found:
        schema["examples"] = [c.value for c in found[:20]]
    described = param.description or param.type
    out: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": param.default is None and not param.optional,
        "description": f"{described} (type {param.type})",
        "schema": schema,
    }
    shown = example(param, graph, as_of)
    if shown is not None:
        out["example"] = int(shown) if param.type == "xsd:integer" else shown
    return out


def _format_parameter(formats: dict[str, str]) -> dict[str, Any]:
    return {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "Result format; without it the Accept header decides.",
        "schema": {"type": "string", "enum": list(formats)},
    }


def _text(message: str) -> dict[str, Any]:
    return {"description": message, "content": {"text/plain": {"schema": {"type": "string"}}}}


def openapi_document(
    queries: list[SavedQuery],
    graph: Graph,
    as_of: str,
    version: str,
    server: str = "/",
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``queries`` (examples looked up in ``graph``)."""
    from kgtool.web.site.metadata import DESCRIPTION_EN, TITLE_EN

    paths: dict[str, Any] = {}
    for query in queries:
        graph_form = query.query_type in ("CONSTRUCT", "DESCRIBE")
        formats = GRAPH_MEDIA if graph_form else SELECT_MEDIA
        content = {
            media: {"schema": {"type": "object"} if "json" in media else {"type": "string"}}
            for media in formats.values()
        }
        operation = {
            "operationId": query.name,
            "summary": query.summary or query.name,
            "description": query.description or query.summary or "",
            "tags": list(query.tags or []),
            "parameters": [_parameter(p, graph, as_of) for p in query.params]
            + [_format_parameter(formats)],
            "responses": {
                "200": {"description": f"The answer ({query.query_type})", "content": content},
                "400": _text("A parameter value is not of its type or not in the graph"),
                "406": _text("None of the accepted media types is offered"),
                "503": _text("The query ran past the time limit or the server is busy"),
            },
        }
        paths[f"/api/{query.name}"] = {"get": operation}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE_EN + " – saved queries",
            "description": DESCRIPTION_EN
            + " Each path runs one saved SPARQL query with typed parameters, bound as RDF"
            " terms (never pasted into the query text). Read only.",
            "version": version,
            "license": {"name": "CC0 1.0", "identifier": "CC0-1.0"},
        },
        "servers": [{"url": server, "description": "kgtool serve"}],
        "paths": paths,
    }


def openapi_json(document: dict[str, Any]) -> str:
    """The document as stable, readable JSON text."""
    import json

    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
