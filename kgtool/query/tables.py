"""Analysis-ready tables: a query's rows with plain values, labels and official codes.

A SELECT result becomes a ``Table`` whose cells are plain Python values (an IRI as its full
string, an ``xsd:integer`` as ``int``, a decimal or double as ``float``, an ``xsd:boolean`` as
``bool``, anything else as its lexical text, an unbound variable as ``None``). The query's text
decides the columns (``kgtool.query.shape``), never the rows: the query's variables in its
order, and after a column that may hold IRIs, a ``_label`` column, and after one that may hold a
municipality, county or region, a ``_code`` column, present even when empty:

- ``<column>_label``: the IRI's name, picked by ``terms.label_rank`` (English first, then no
  language, then Swedish), so a role reads
  ``full member`` next to ``…/def/FullMember``;
- ``<column>_code``: the official code of a municipality (kommunkod, ``1980``), a county
  (länskod, ``19``) or a region (its county's länskod), to join with SCB statistics.

The writers here (CSV, TSV, JSON records, Markdown, xlsx, the terminal table) are for people
and data frames; the W3C SPARQL result formats stay in ``kgtool.query.formats``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgtool.query.result import QueryResult, Term
    from kgtool.store.engine import ProjectStore

Value = str | int | float | bool | None

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
        "unsignedByte",
    )
}  # fmt: skip
_FLOATS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
_LABEL_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
SELECT ?thing ?what ?value WHERE {
  VALUES ?thing { %s }
  {
    VALUES ?what { rdfs:label skos:prefLabel foaf:name dct:title }
    ?thing ?what ?value .
    FILTER(ISLITERAL(?value))
  }
  UNION { ?thing ks:municipalityCode ?value BIND("code" AS ?what) }
  UNION { ?thing ks:countyCode ?value BIND("code" AS ?what) }
  UNION { ?thing a ks:Region ; ks:county/ks:countyCode ?value BIND("code" AS ?what) }
}
"""


@dataclass
class Names:
    """Labels and official codes of IRIs, looked up once per table."""

    labels: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)  # a label's language tag, if any

    @classmethod
    def lookup(cls, project_store: ProjectStore | None, iris: set[str], lang: str = "en") -> Names:
        """Labels (ranked by ``terms.label_rank`` for ``lang``) and official codes of ``iris``."""
        names = cls()
        if project_store is None or not iris:
            return names
        import pyoxigraph

        values = " ".join(str(pyoxigraph.NamedNode(iri)) for iri in sorted(iris))
        from kgtool.terms import label_rank

        best: dict[str, tuple[tuple[int, int] | None, str, str]] = {}
        answer = project_store.select(_LABEL_QUERY % values)
        for thing, what, value in answer:
            if isinstance(what, pyoxigraph.Literal):  # "code"
                names.codes.setdefault(thing.value, value.value)
                continue
            rank = (label_rank(what.value, value.language, lang), value.value, value.language or "")
            if thing.value not in best or rank < best[thing.value]:
                best[thing.value] = rank
        names.labels = {iri: rank[1] for iri, rank in best.items()}
        names.languages = {iri: rank[2] for iri, rank in best.items() if rank[2]}
        return names


@dataclass
class Table:
    """Columns and rows of plain values; ``iri_columns`` names the columns that hold IRIs."""

    columns: list[str]
    rows: list[dict[str, Value]]
    iri_columns: list[str] = field(default_factory=list)
    truncated: bool = False
    languages: dict[str, str] = field(default_factory=dict)  # IRI -> its label's language


def plain(term: Term | None) -> Value:
    """A term as a plain Python value (see the module docstring)."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _FLOATS:
            return float(term.value)
    except ValueError:  # an ill-typed literal keeps its text
        return term.value
    if datatype == _XSD + "boolean" and term.value in ("true", "false", "1", "0"):
        return term.value in ("true", "1")
    return term.value


def columns_of(
    variables: list[str], labelled: frozenset[str] | set[str], coded: frozenset[str] | set[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """The table's columns: each variable, then its ``_label`` and ``_code`` where it has them.

    A companion whose name the query already uses is left out (the query's column wins).
    """
    taken = set(variables)
    columns: list[str] = []
    extra: dict[str, list[str]] = {}
    for name in variables:
        columns.append(name)
        wanted = [("_label", name in labelled), ("_code", name in coded)]
        added = [name + suffix for suffix, has in wanted if has and name + suffix not in taken]
        columns.extend(added)
        extra[name] = added
    return columns, extra


def table_shape(
    result: QueryResult, project_store: ProjectStore | None, text: str | None
) -> tuple[frozenset[str], frozenset[str]]:
    """The variables that get a ``_label`` and a ``_code`` (``kgtool.query.shape``).

    Read from the query's ``text`` so that any data gives the same columns; a graph answer
    (subject, predicate, object) labels all three and codes the subject and object.
    """
    if result.kind == "CONSTRUCT":
        return frozenset({"subject", "predicate", "object"}), frozenset({"subject", "object"})
    if text is None:  # no text to read: the columns that hold IRIs in these rows
        import pyoxigraph

        found = frozenset(
            name
            for name in result.variables
            if any(isinstance(row.get(name), pyoxigraph.NamedNode) for row in result.rows)
        )
        return found, found
    from kgtool.query.shape import Vocabulary, shape_of, vocabulary_of

    vocabulary = vocabulary_of(project_store) if project_store is not None else Vocabulary()
    shape = shape_of(text, vocabulary)
    return shape.labelled, shape.coded


def build_table(
    result: QueryResult,
    project_store: ProjectStore | None,
    lang: str = "en",
    text: str | None = None,
) -> Table:
    """The analysis-ready table of a SELECT (or CONSTRUCT, as triples; ASK as ``answer``).

    ``text`` is the query that gave ``result``: its text decides the columns (see
    ``table_shape``), so every answer of a query, an empty one too, has the same columns.
    """
    import pyoxigraph

    if result.kind == "ASK":
        return Table(["answer"], [{"answer": bool(result.boolean)}])
    labelled, coded = table_shape(result, project_store, text)
    result = result.as_rows()
    iris = {
        term.value
        for row in result.rows
        for name in labelled
        if isinstance(term := row.get(name), pyoxigraph.NamedNode)
    }
    names = Names.lookup(project_store, iris, lang)
    columns, extra = columns_of(result.variables, labelled, coded)
    found = {"_label": names.labels, "_code": names.codes}
    rows: list[dict[str, Value]] = []
    for row in result.rows:
        out: dict[str, Value] = {}
        for name in result.variables:
            term = row.get(name)
            out[name] = plain(term)
            for column in extra.get(name, []):
                lookup = found[column[len(name) :]]
                iri = term.value if isinstance(term, pyoxigraph.NamedNode) else None
                out[column] = lookup.get(iri) if iri is not None else None
        rows.append(out)
    iri_columns = [name for name in result.variables if name in labelled]
    return Table(columns, rows, iri_columns, result.truncated, names.languages)


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(table: Table, excel: bool = False, delimiter: str = ",") -> str:
    """RFC 4180 CSV (CRLF line ends, UTF-8); ``excel`` starts it with a BOM for Excel."""
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_text(row.get(name)) for name in table.columns])
    return buffer.getvalue()


def to_json(table: Table) -> str:
    """A JSON array of records, one object per row (``null`` for unbound)."""
    records = [{name: row.get(name) for name in table.columns} for row in table.rows]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def to_xlsx(table: Table) -> bytes:
    """An Excel workbook (one sheet, a bold header row); needs the ``xlsx`` extra (openpyxl)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        from kgtool.errors import KgtoolError

        raise KgtoolError("xlsx output needs openpyxl: pip install 'kgtool[xlsx]'") from None
    book = Workbook()
    sheet = book.active
    sheet.title = "result"
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([row.get(name) for name in table.columns])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pandas(table: Table) -> Any:
    """A ``pandas.DataFrame`` with the table's columns; needs the ``pandas`` extra."""
    try:
        import pandas
    except ImportError:
        from kgtool.errors import KgtoolError

        raise KgtoolError("to_pandas() needs pandas: pip install 'kgtool[pandas]'") from None
    return pandas.DataFrame.from_records(
        [[row.get(name) for name in table.columns] for row in table.rows], columns=table.columns
    )


def _cell(table: Table, name: str, value: Value) -> str:
    """A value as the table and Markdown show it: IRIs shortened with the project's prefixes."""
    if name in table.iri_columns and isinstance(value, str) and "://" in value:
        from kgtool.terms import shorten

        return shorten(value)
    return _text(value)


def _cells(table: Table) -> list[list[str]]:
    return [[_cell(table, n, row.get(n)) for n in table.columns] for row in table.rows]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in an ellipsis when it was longer."""
    text = " ".join(text.split()) if "\n" in text or "\t" in text else text
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + "…"


def fit_widths(natural: list[int], total: int, gap: int = 2, least: int = 6) -> list[int]:
    """Column widths that fit in ``total`` characters: the widest columns give way first.

    Each column keeps at least ``least`` characters (or its natural width, if smaller), so a
    very narrow terminal gets a table wider than itself rather than unreadable columns.
    """
    room = total - gap * (len(natural) - 1)
    if sum(natural) <= room:
        return list(natural)
    low, high = least, max(natural)
    while low < high:  # the largest cap whose capped widths still fit
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in natural) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in natural]


def to_text(table: Table, width: int | None = None) -> str:
    """Aligned columns for the terminal with a row count; fitted to ``width`` when given."""
    header, rows = table.columns, _cells(table)
    natural = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    widths = fit_widths(natural, width) if width else natural

    def line(cells: list[str]) -> str:
        shown = [clip(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(shown).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in rows]
    count = len(rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def to_markdown(table: Table) -> str:
    """A Markdown (GitHub) table; no cell is shortened."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    out = [line(table.columns), "|" + "|".join("---" for _ in table.columns) + "|"]
    out.extend(line(row) for row in _cells(table))
    return "\n".join(out) + "\n"


def as_result(table: Table, result: QueryResult) -> QueryResult:
    """``result`` with the table's columns: its terms, then labels and codes as literals.

    For the W3C result formats (SPARQL JSON, XML, TSV) of ``/api``: the same columns as the
    table, each term kept as the query gave it.
    """
    import pyoxigraph

    from kgtool.query.result import QueryResult

    result = result.as_rows()
    rows = []
    for row, values in zip(result.rows, table.rows, strict=True):
        out = {}
        for name in table.columns:
            if name in result.variables:
                out[name] = row.get(name)
            elif values.get(name) is not None:
                term = row.get(name.rsplit("_", 1)[0])
                language = table.languages.get(term.value) if term is not None else None
                if language and name.endswith("_label"):
                    out[name] = pyoxigraph.Literal(_text(values[name]), language=language)
                else:
                    out[name] = pyoxigraph.Literal(_text(values[name]))
        rows.append(out)
    return QueryResult("SELECT", list(table.columns), rows, truncated=result.truncated)


def render_api(
    result: QueryResult, project_store: ProjectStore | None, text: str, fmt: str, lang: str = "en"
) -> str | bytes:
    """A saved query's answer as ``/api`` gives it: the table's columns in every format.

    ``csv`` and ``xlsx`` are the table's (as ``kgtool query -f csv`` writes them); ``json``,
    ``xml`` and ``tsv`` are the W3C result formats of the same columns.
    """
    from kgtool.query import formats

    if result.kind != "SELECT":
        return formats.render(result, fmt)
    table = build_table(result, project_store, lang, text)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    return formats.render(as_result(table, result), fmt)
