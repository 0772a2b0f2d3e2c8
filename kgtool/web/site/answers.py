"""A query's answer as an HTML table: the table's columns, IRIs as links to the site's pages.

The same columns as ``kgtool query -f csv`` and ``/api`` (``kgtool.query.tables``), read from
the W3C SPARQL JSON of the table (``tables.as_result``), so the published answers, the
``/api`` page and the forms (``static/query.js`` does the same in the browser) show one shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgtool.terms import DEFAULT_BASE, shorten

if TYPE_CHECKING:
    from markupsafe import Markup


@dataclass(frozen=True)
class Cell:
    """One cell: its text, a link, the language of its text when not the page's."""

    text: str = ""
    href: str = ""
    lang: str = ""
    kind: str = "literal"  # iri | literal | label | code | empty


def href_of(iri: str, root: str, prefix: str) -> str:
    """The site's own page of ``iri`` (relative to ``root``), or the IRI itself."""
    if iri.startswith(DEFAULT_BASE + "id/"):
        return f"{root}{prefix}id/{iri[len(DEFAULT_BASE) + 3 :]}/"
    if iri.startswith(DEFAULT_BASE + "def/"):
        return f"{root}{prefix}def/#{iri[len(DEFAULT_BASE) + 4 :]}"
    return iri


def cell(binding: dict[str, Any] | None, column: str, root: str, prefix: str, lang: str) -> Cell:
    """The cell of one SPARQL JSON binding in ``column``."""
    if binding is None:
        return Cell(kind="empty")
    value = binding.get("value", "")
    if binding.get("type") == "uri":
        return Cell(shorten(value, bare=True), href_of(value, root, prefix), kind="iri")
    if binding.get("type") == "bnode":
        return Cell("_:" + value)
    language = binding.get("xml:lang", "")
    kind = "label" if column.endswith("_label") else "code" if column.endswith("_code") else ""
    return Cell(
        value, lang=language if language and language != lang else "", kind=kind or "literal"
    )


def answer_rows(
    data: dict[str, Any], root: str, prefix: str, lang: str
) -> tuple[list[str], list[list[Cell]]]:
    """The columns and rows of cells of a SPARQL JSON answer."""
    columns = list(data.get("head", {}).get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])
    rows = [[cell(row.get(c), c, root, prefix, lang) for c in columns] for row in bindings]
    return columns, rows


def table_rows(
    result: Any, store: Any, text: str, root: str, prefix: str, lang: str
) -> tuple[list[str], list[list[Cell]]]:
    """The columns and cells of a query's ``result`` (a QueryResult) run on ``store``."""
    import json

    from kgtool.query.formats import to_json
    from kgtool.query.tables import as_result, build_table

    table = build_table(result, store, lang, text)
    return answer_rows(json.loads(to_json(as_result(table, result))), root, prefix, lang)


def cut_note(lang: str, name: str, shown: int, total: int, noun: str) -> Markup:
    """What a saved query's page says when it shows only the first ``shown`` of the ``total``
    rows (``noun`` "row") or triples ("triple") of its answer: how many, and where the whole
    answer is."""
    from markupsafe import Markup

    from kgtool.web.site.i18n import UI, count, number

    fmt = "ttl" if noun == "triple" else "csv"
    return Markup(UI[lang]["answer_cut"]).format(
        shown=number(lang, shown),
        total=count(lang, total, noun),
        command=Markup("<code>kgtool query {} -f {}</code>").format(name, fmt),
        api=Markup("<code>/api/{}</code>").format(name),
    )
