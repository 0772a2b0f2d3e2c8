"""The Python API: open a project, run saved queries and SPARQL, describe, validate.

    >>> import kgtool
    >>> kg = kgtool.open()
    >>> members = kg.query("members-of-collaboration", collaboration="Mälardalsrådet")
    >>> members.to_pandas()[["member_label", "member_code", "role_label"]].head(3)

``Result.rows`` are dicts of plain Python values (see ``kgtool.query.tables``): an IRI as its full
string, numbers as ``int``/``float``, booleans as ``bool``, dates and other literals as their
text, unbound as ``None``, and after each IRI column its ``_label`` and, for municipalities,
counties and regions, ``_code`` (kommunkod or länskod). ``Result.terms`` keeps the pyoxigraph
terms, and ``sparql_json()`` (and ``sparql_csv``/``sparql_tsv``/``sparql_xml``) the W3C forms.

The ``kgtool query`` and ``kgtool sparql`` commands are thin layers over this module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os

    from kgtool.checks.report import Report
    from kgtool.project import Project
    from kgtool.query.catalogue import SavedQuery
    from kgtool.query.describe import Description
    from kgtool.query.names import NameIndex
    from kgtool.query.result import QueryResult, Row
    from kgtool.query.tables import Table, Value
    from kgtool.store.engine import ProjectStore

#: Output formats of ``Result.render``: analysis-ready tables, W3C SPARQL results, Turtle.
TABLE_FORMATS = ("table", "csv", "json", "md", "xlsx")
SPARQL_FORMATS = ("tsv", "xml", "sparql-csv", "sparql-json")
FORMATS = (*TABLE_FORMATS, *SPARQL_FORMATS, "ttl")
#: ``-o FILE`` picks the format from the file's suffix.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".md": "md",
    ".ttl": "ttl",
    ".xml": "xml",
    ".srj": "sparql-json",
}


@dataclass
class Result:
    """The answer of a query: a SELECT's rows, an ASK's boolean or a CONSTRUCT's triples."""

    raw: QueryResult
    names_store: ProjectStore | None = field(default=None, repr=False)
    lang: str = "en"
    text: str | None = field(default=None, repr=False)  # the query: it decides the columns
    hints: list[str] = field(default_factory=list)
    """Why an ad-hoc query may answer nothing (``kgtool.query.hints``); rows are unchanged."""
    origin: dict[str, Any] = field(default_factory=dict, repr=False)
    """How the answer was asked: project, saved query name, parameters, as_of, endpoint."""

    @cached_property
    def provenance(self) -> dict[str, Any]:
        """How this answer was made (``kgtool.query.provenance``): the query's name and text,
        its parameters and ``as_of``, the kgtool and dataset versions (with the content hash),
        the date, the sources the rows cite, a citation line and the command to re-run it."""
        from kgtool.query.provenance import build

        if "project" not in self.origin:
            raise ValueError("this result does not know the project it came from")
        rows = self.rows if self.kind == "SELECT" else []
        return build(
            self.origin["project"],
            text=self.text or "",
            name=self.origin.get("name"),
            parameters=self.origin.get("parameters", {}),
            as_of=self.origin.get("as_of"),
            endpoint=self.origin.get("endpoint"),
            lang=self.lang,
            columns=self.columns if self.kind == "SELECT" else [],
            rows=rows,
            truncated=self.truncated,
        )

    @property
    def kind(self) -> str:
        """``SELECT``, ``ASK`` or ``CONSTRUCT`` (DESCRIBE results are ``CONSTRUCT`` too)."""
        return self.raw.kind

    @property
    def boolean(self) -> bool | None:
        """An ASK query's answer (None for other queries)."""
        return self.raw.boolean

    @property
    def truncated(self) -> bool:
        return self.raw.truncated

    @cached_property
    def table(self) -> Table:
        """The analysis-ready table (labels and codes added; see ``kgtool.query.tables``)."""
        from kgtool.query.tables import build_table

        return build_table(self.raw, self.names_store, self.lang, self.text)

    @property
    def columns(self) -> list[str]:
        """The table's column names: the query's variables plus ``_label``/``_code`` columns,
        decided by the query's text (the same for any parameters, an empty answer included)."""
        return self.table.columns

    @property
    def rows(self) -> list[dict[str, Value]]:
        """One dict of plain values per row (see the module docstring)."""
        return self.table.rows

    @property
    def terms(self) -> list[Row]:
        """The rows as the query gave them: pyoxigraph terms keyed by variable (no extras)."""
        return self.raw.rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` of ``rows`` (``pip install 'kgtool[pandas]'``)."""
        from kgtool.query.tables import to_pandas

        return to_pandas(self.table)

    def to_csv(self, excel: bool = False) -> str:
        """RFC 4180 CSV of ``rows``; ``excel=True`` starts it with a BOM so Excel reads UTF-8."""
        from kgtool.query.tables import to_csv

        return to_csv(self.table, excel=excel)

    def to_json(self) -> str:
        """``rows`` as a JSON array of objects."""
        from kgtool.query.tables import to_json

        return to_json(self.table)

    def to_xlsx(self) -> bytes:
        """An Excel workbook of ``rows`` (``pip install 'kgtool[xlsx]'``)."""
        from kgtool.query.tables import to_xlsx

        return to_xlsx(self.table)

    def to_markdown(self) -> str:
        """A Markdown table of ``rows`` (IRIs shortened with the project's prefixes)."""
        from kgtool.query.tables import to_markdown

        return to_markdown(self.table)

    def sparql_json(self) -> str:
        """The W3C SPARQL 1.1 Query Results JSON."""
        from kgtool.query.formats import to_json

        return to_json(self.raw)

    def sparql_csv(self) -> str:
        """The W3C SPARQL 1.1 CSV (lexical values only, no labels)."""
        from kgtool.query.formats import to_csv

        return to_csv(self.raw)

    def sparql_tsv(self) -> str:
        """The W3C SPARQL 1.1 TSV (terms in N-Triples form)."""
        from kgtool.query.formats import to_csv

        return to_csv(self.raw, "\t")

    def render(self, fmt: str, *, excel: bool = False, width: int | None = None) -> str | bytes:
        """The result in one of ``FORMATS`` (``xlsx`` as bytes, the others as text).

        ``table`` fits ``width`` characters (long cells end in …); no other format shortens.
        """
        from kgtool.query import formats, tables

        if fmt not in FORMATS:
            from kgtool.errors import ParameterError

            raise ParameterError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
        if fmt == "ttl" or (self.kind == "ASK" and fmt != "xlsx"):  # a yes or no: W3C forms
            return formats.render(self.raw, fmt.removeprefix("sparql-"))
        renderers = {
            "table": lambda: tables.to_text(self.table, width),
            "csv": lambda: self.to_csv(excel=excel),
            "json": self.to_json,
            "md": self.to_markdown,
            "xlsx": self.to_xlsx,
            "tsv": self.sparql_tsv,
            "xml": lambda: formats.to_xml(self.raw),
            "sparql-csv": self.sparql_csv,
            "sparql-json": self.sparql_json,
        }
        return renderers[fmt]()


class KnowledgeGraph:
    """A kgtool project opened for reading: saved queries, SPARQL, describe and validate.

    Queries run on the project's Oxigraph store (built once, then reused from the cache), or on
    ``endpoint`` when one is given; names (``Västerås``, ``1980``) are looked up in the project.
    """

    def __init__(
        self,
        project: Project,
        data: tuple[Path, ...] = (),
        *,
        endpoint: str | None = None,
        timeout: float = 30,
        lang: str | None = None,
    ) -> None:
        self.project = project
        self.data = tuple(data)
        self.endpoint = endpoint
        self.timeout = timeout
        from kgtool.terms import default_lang

        self.lang = lang or default_lang()

    def __repr__(self) -> str:
        where = f", endpoint={self.endpoint!r}" if self.endpoint else ""
        return f"KnowledgeGraph({str(self.project.root)!r}{where})"

    @cached_property
    def store(self) -> ProjectStore:
        """The project's Oxigraph store (plus the ``data`` files)."""
        from kgtool.store.engine import open_project_store

        return open_project_store(self.project, list(self.data))

    @cached_property
    def names(self) -> NameIndex:
        """The name matcher (``kgtool.query.names``) over the project's graph."""
        from kgtool.query.names import NameIndex

        return NameIndex.from_store(self.store)

    def queries(self) -> list[SavedQuery]:
        """The saved queries, sorted by name (``.name``, ``.summary``, ``.params``)."""
        from kgtool.query.catalogue import load_catalogue

        return load_catalogue(self.project)

    def saved_query(self, name: str) -> SavedQuery:
        """One saved query by name (ParameterError with close names if there is none)."""
        from kgtool.query.catalogue import get_query

        return get_query(self.project, name)

    def query(self, name: str, /, *, as_of: str | None = None, **params: Any) -> Result:
        """Run the saved query ``name`` with its parameters as keywords.

        Values may be strings, numbers or dates: ``collaboration="Mälardalsrådet"``,
        ``municipality=1980``, ``role="associate"``; a list (``county=["19", "Dalarna"]``)
        means any of these, for a parameter declared ``multiple``. ``as_of`` is a day, a month
        or a year (``"2020"``, ``"2020-09"``, ``"2020-09-09"`` or a ``datetime.date``) and binds the
        query's time parameter. Raises ParameterError for an unknown or ill-typed value.
        """
        from kgtool.errors import InputError, QueryRefused
        from kgtool.query.catalogue import NAMED_TYPES
        from kgtool.query.run import check_read_only

        saved = self.saved_query(name)
        try:
            check_read_only(saved.text, allow_remote=self.endpoint is not None, hint=None)
        except (InputError, QueryRefused) as error:  # the line is the file's line
            path = saved.path
            from kgtool.project import shown_path

            shown = shown_path(path, self.project.root)
            raise type(error)(f"{shown}: {error.message}") from None
        values: dict[str, str | list[str]] = {
            key: [_text(v) for v in value] if isinstance(value, list | tuple) else _text(value)
            for key, value in params.items()
            if value is not None
        }
        if as_of is not None and saved.param("as_of") is not None and "as_of" not in values:
            values["as_of"], as_of = _text(as_of), None
        needs_names = any(p.type in NAMED_TYPES for p in saved.params)
        names = self.names if needs_names else None
        bindings = saved.bind(
            values, as_of=None if as_of is None else _text(as_of), store=names, lang=self.lang
        )
        if self.endpoint is not None:
            from kgtool.query.run import run_remote

            raw = run_remote(self.endpoint, saved.text, bindings, timeout=self.timeout)
        else:
            from kgtool.query.run import run_local

            raw = run_local(self.store, saved.text, bindings)
        origin = {
            "project": self.project,
            "name": name,
            "parameters": dict(values),
            "as_of": None if as_of is None else _text(as_of),
            "endpoint": self.endpoint,
        }
        return Result(raw, self._names_store(), self.lang, saved.text, origin=origin)

    def sparql(self, text: str, *, allow_remote: bool = False, hints: bool = True) -> Result:
        """Run a read-only SPARQL query; the project's prefixes (``ks:``, ``id:``, …) are
        predeclared and a ``PREFIX`` in ``text`` wins. Updates are refused, and so are
        ``SERVICE`` and ``FROM`` unless ``allow_remote``. With ``hints``, ``Result.hints``
        says which terms, prefixes or literals the graph never uses and, for an empty answer,
        which triple pattern matched nothing (``kgtool.query.hints``)."""
        from kgtool.query.run import check_read_only
        from kgtool.terms import PREFIX_IRIS

        check_read_only(text, allow_remote=allow_remote, prefixes=PREFIX_IRIS)
        if self.endpoint is not None:
            from kgtool.query.run import run_remote

            raw = run_remote(self.endpoint, text, timeout=self.timeout, prefixes=PREFIX_IRIS)
        else:
            from kgtool.query.run import run_local

            raw = run_local(self.store, text, prefixes=PREFIX_IRIS, allow_remote=allow_remote)
        origin = {"project": self.project, "parameters": {}, "endpoint": self.endpoint}
        result = Result(raw, self._names_store(), self.lang, text, origin=origin)
        if hints and self.endpoint is None:  # about the project's own graph
            from kgtool.query.hints import Advisor

            advisor = Advisor(self.store, text, PREFIX_IRIS)
            result.hints = advisor.before()
            empty = (raw.kind == "SELECT" and not raw.rows) or raw.boolean is False
            if empty or (raw.kind == "CONSTRUCT" and not raw.triples):
                result.hints += advisor.after_empty()
        return result

    def resolve(self, kind: str, value: str) -> str:
        """The IRI of the ``kind`` (municipality, collaboration, county, region, area, source,
        role) named ``value``: ``resolve("municipality", "Vasteras")``."""
        return self.names.resolve(kind, str(value), kind, aliases=True)

    def describe(self, name_or_iri: str) -> Description:
        """One resource (an IRI, ``municipality/1980``, ``ks:Region``, a code or a name such as
        ``Vasteras``) with its labels, types, relations both ways and sources."""
        from kgtool.query.describe import describe

        return describe(
            self.store, name_or_iri, names=self.names, root=self.project.root, lang=self.lang
        )

    def validate(self) -> Report:
        """Validate the project (plus ``data`` files) against its SHACL shapes and checks."""
        from kgtool.checks.validate import validate_project

        return validate_project(self.project, extra_files=list(self.data))

    def _names_store(self) -> ProjectStore | None:
        """Where labels and codes come from: the local store (also for endpoint results)."""
        try:
            return self.store
        except Exception:  # no local graph to read names from: plain rows, no labels
            if self.endpoint is None:
                raise
            return None


def _text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def open(
    path: str | os.PathLike[str] | None = None,
    *,
    data: tuple[str | os.PathLike[str], ...] = (),
    endpoint: str | None = None,
    timeout: float = 30,
    lang: str | None = None,
) -> KnowledgeGraph:
    """Open a kgtool project for reading.

    ``path`` is a project folder (ontology/, data/, shapes/, queries/); without one, like the
    CLI: ``$KGTOOL_PROJECT``, the project the current folder is in, else the bundled graph.
    ``data`` adds Turtle or N-Triples files; ``endpoint`` runs queries on a SPARQL endpoint
    instead; ``lang`` (sv or en) is the preferred language of labels and notes, by default the
    one default of every command (``$KGTOOL_LANG``, else the locale, else en).
    """
    from kgtool.project import find_project

    project = find_project(path)
    return KnowledgeGraph(
        project, tuple(Path(p) for p in data), endpoint=endpoint, timeout=timeout, lang=lang
    )
