"""Rendering a QueryResult: table, csv, tsv, json, md, ttl, xml.

``csv``, ``tsv``, ``json`` and ``xml`` follow the SPARQL 1.1 result formats; ``table`` and ``md``
are for reading (IRIs shortened with the project's prefixes); ``ttl`` is for CONSTRUCT and
DESCRIBE results. A graph result asked for as a table lists its triples as rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING

from kgtool.errors import KgtoolError
from kgtool.query.result import GRAPH_FORMATS, MEDIA_TYPES, RESULT_FORMATS, QueryResult

if TYPE_CHECKING:
    from kgtool.query.result import Term

__all__ = ["FORMATS", "GRAPH_FORMATS", "MEDIA_TYPES", "RESULT_FORMATS", "render", "short"]

FORMATS = ("table", "csv", "tsv", "json", "md", "ttl", "xml")


def short(term: Term | None) -> str:
    """A readable form: ``ks:Municipality``, ``id:municipality/1980``, a literal's text, ``[]``
    for a blank node (``terms.BLANK_NODE_TEXT``)."""
    import pyoxigraph

    from kgtool.terms import BLANK_NODE_TEXT, shorten

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return shorten(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BLANK_NODE_TEXT
    return term.value


def _csv_value(term: Term | None) -> str:
    import pyoxigraph

    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return term.value


def _tsv_value(term: Term | None) -> str:
    """A term in its SPARQL TSV form (N-Triples syntax, tabs and newlines escaped)."""
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n")


# Why the SPARQL results writers below are written by hand, not pyoxigraph's
# ``QueryResults.serialize`` (measured with pyoxigraph 0.5.13 on a 50-row SELECT over the
# project, see docs/architecture.md):
# - CSV and TSV give the same bytes as the engine's writer, but a ``QueryResult`` holds rows
#   already read (cut at ``max_rows``, or parsed from a remote endpoint's answer) and pyoxigraph
#   cannot build ``QuerySolutions`` from rows ("cannot create 'pyoxigraph.QuerySolutions'
#   instances"; a VALUES block cannot carry blank nodes), so there is nothing to hand it;
#   the engine also writes an ASK answer without the final newline.
# - JSON and XML: the engine writes one unindented line (and ``<?xml version="1.0"?>`` without
#   an encoding); ours is indented for people reading ``kgtool query -f json`` and the served
#   answers, and XML replaces characters XML 1.0 forbids by U+FFFD.


def to_csv(result: QueryResult, delimiter: str = ",") -> str:
    """SPARQL 1.1 CSV (lexical values) or TSV (terms in Turtle form)."""
    result = result.as_rows()
    if result.kind == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    buffer = io.StringIO()
    if delimiter == "\t":
        buffer.write("\t".join(f"?{name}" for name in result.variables) + "\n")
        for row in result.rows:
            buffer.write("\t".join(_tsv_value(row.get(n)) for n in result.variables) + "\n")
        return buffer.getvalue()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(n)) for n in result.variables])
    return buffer.getvalue()


def json_term(term: Term) -> dict[str, str]:
    """One term as a SPARQL JSON results binding."""
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    result = result.as_rows()
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
    bindings = [
        {name: json_term(term) for name, term in row.items() if term is not None}
        for row in result.rows
    ]
    data = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# Characters XML 1.0 cannot hold at all, not even as references: C0 controls but tab, newline
# and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """``text`` with each character XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def to_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML (characters XML 1.0 forbids are written as U+FFFD)."""
    from xml.sax.saxutils import escape as _escape
    from xml.sax.saxutils import quoteattr as _quoteattr

    def escape(text: str) -> str:
        return _escape(_xml_safe(text))

    def quoteattr(text: str) -> str:
        return _quoteattr(_xml_safe(text))

    import pyoxigraph

    result = result.as_rows()
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    out.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    out.append("  <head>")
    out.extend(f"    <variable name={quoteattr(name)}/>" for name in result.variables)
    out.append("  </head>")
    if result.kind == "ASK":
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("  <results>")
        for row in result.rows:
            out.append("    <result>")
            for name in result.variables:
                term = row.get(name)
                if term is None:
                    continue
                if isinstance(term, pyoxigraph.NamedNode):
                    value = f"<uri>{escape(term.value)}</uri>"
                elif isinstance(term, pyoxigraph.BlankNode):
                    value = f"<bnode>{escape(term.value)}</bnode>"
                else:
                    attrs = ""
                    if term.language:
                        attrs = f" xml:lang={quoteattr(term.language)}"
                    elif term.datatype.value != _XSD_STRING:
                        attrs = f" datatype={quoteattr(term.datatype.value)}"
                    value = f"<literal{attrs}>{escape(term.value)}</literal>"
                out.append(f"      <binding name={quoteattr(name)}>{value}</binding>")
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _cells(result: QueryResult) -> tuple[list[str], list[list[str]]]:
    result = result.as_rows()
    if result.kind == "ASK":
        return ["answer"], [["yes" if result.boolean else "no"]]
    rows = [[short(row.get(name)) for name in result.variables] for row in result.rows]
    return list(result.variables), rows


def to_table(result: QueryResult) -> str:
    """Aligned columns for the terminal, with a row count."""
    header, rows = _cells(result)
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    if result.kind != "ASK":
        count = len(rows)
        lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_markdown(result: QueryResult) -> str:
    """A Markdown (GitHub) table."""
    header, rows = _cells(result)

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    out = [line(header), "|" + "|".join("---" for _ in header) + "|"]
    out.extend(line(row) for row in rows)
    return "\n".join(out) + "\n"


def to_turtle(result: QueryResult) -> str:
    """A CONSTRUCT or DESCRIBE result as Turtle (project prefixes declared, triples sorted)."""
    if result.kind != "CONSTRUCT" or result.triples is None:
        raise KgtoolError(
            "format ttl needs a CONSTRUCT or DESCRIBE query; use table, csv, tsv, json, md or xml"
        )
    return to_rdf(result, "ttl").decode("utf-8")


def to_rdf(result: QueryResult, fmt: str) -> bytes:
    """A graph result in one of ``GRAPH_FORMATS``, written by pyoxigraph (triples sorted; the
    project's prefixes declared in Turtle)."""
    import pyoxigraph

    from kgtool.terms import PREFIX_IRIS

    formats = {
        "ttl": pyoxigraph.RdfFormat.TURTLE,
        "nt": pyoxigraph.RdfFormat.N_TRIPLES,
        "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    }
    ordered = sorted(
        result.triples or [], key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    prefixes = PREFIX_IRIS if fmt == "ttl" else None
    data = pyoxigraph.serialize(ordered, format=formats[fmt], prefixes=prefixes)
    assert data is not None  # no output file given: the bytes are returned
    return data


def render(result: QueryResult, fmt: str) -> str:
    """The result in one of FORMATS."""
    renderers = {
        "table": to_table,
        "csv": to_csv,
        "tsv": lambda r: to_csv(r, "\t"),
        "json": to_json,
        "md": to_markdown,
        "ttl": to_turtle,
        "xml": to_xml,
    }
    if fmt not in renderers:
        raise KgtoolError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return renderers[fmt](result)
