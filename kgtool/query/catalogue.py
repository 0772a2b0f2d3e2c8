"""The catalogue of saved queries: ``queries/*.rq`` with a ``#+`` YAML header.

A header names the query's summary, description, typed parameters and tags::

    #+ summary: Collaborations a municipality takes part in
    #+ params:
    #+   municipality: {type: municipality, default: "1980"}
    #+ tags: [membership]

A parameter with ``multiple: true`` takes several values (``-p county=19 -p county=20``), meaning
"any of these"; any other parameter given twice is an error naming it.

``derived`` (optional) says why a SELECT has no ``source`` column: its rows are counts or
absences computed from facts whose sources another query lists. Every other SELECT that states
facts returns the source of each row (``source``, or ``<what>Source`` when a row joins facts
from several).

``stores`` (optional) maps a store to why the query gives other rows there, e.g.
``#+ stores: {virtuoso: "…"}`` (see docs/stores.md).

Parameter values become RDF terms (``bind``); they are never pasted into query text.

A query that mentions the variable ``?lang`` without declaring it as a parameter reads the
language of the answer (``sv`` or ``en``: the CLI's ``--lang``, the page's language, ``/api``'s
Accept-Language), bound as a plain literal, to pick a text the data has in both languages
(``FILTER(LANGMATCHES(LANG(?name), ?lang))``). Without a language ``?lang`` stays unbound, so
such a query must fall back on its own (to Swedish, the language every name is given in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import InputError, ParameterError
from kgtool.project import shown_path
from kgtool.query.names import KINDS
from kgtool.query.sparql_text import query_form, query_variables
from kgtool.terms import FORBIDDEN_IRI_CHARACTERS

if TYPE_CHECKING:
    from rdflib import Graph

    from kgtool.project import Project
    from kgtool.query.names import NameIndex
    from kgtool.query.result import Term
    from kgtool.store.engine import ProjectStore

LANG_VARIABLE = "lang"
"""The variable bound to the answer's language in a query that uses it (see above)."""
HEADER_KEYS = {"summary", "description", "params", "tags", "stores", "derived"}
PARAM_KEYS = {"type", "default", "optional", "description", "multiple"}
PARAM_TYPES = (
    "iri",
    "municipality",
    "collaboration",
    "county",
    "area",
    "source",
    "role",
    "xsd:date",
    "xsd:gYear",
    "xsd:integer",
    "string",
)
TIME_PARAMS = ("date", "as_of")
QUERY_TYPES = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_HEADER_LINE = re.compile(r"^#\+ ?(.*)$")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query."""

    name: str
    type: str = "string"
    default: str | None = None
    optional: bool = False
    description: str = ""
    multiple: bool = False  # several values mean "any of these"

    def signature(self) -> str:
        """A short human form, e.g. ``municipality=1980`` or ``[date: xsd:date]``."""
        if self.default is not None:
            return f"{self.name}={self.default}"
        shown = f"{self.name}: {self.type}" + ("…" if self.multiple else "")
        return f"[{shown}]" if self.optional else f"<{shown}>"


@dataclass
class SavedQuery:
    """A saved query: its header, its text (header included) and its file."""

    name: str
    summary: str
    description: str
    params: list[Param]
    tags: list[str]
    text: str
    path: Path
    query_type: str
    project: Project | None = field(default=None, repr=False, compare=False)
    stores: dict[str, str] = field(default_factory=dict)  # store name -> why it cannot run there
    derived: str = ""  # why the rows have no source column (counts, absences), if they have none
    reads_language: bool = False  # uses ``?lang`` (not a parameter): bound to the answer's language

    def listing(self, url: str | None = None) -> dict[str, Any]:
        """The query as listed by ``kgtool queries -f json`` and the server's ``/api``."""
        entry: dict[str, Any] = {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "type": self.query_type,
            "tags": self.tags,
        }
        if url is not None:
            entry["url"] = url
        entry["params"] = [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "optional": p.optional,
                "description": p.description,
                "multiple": p.multiple,
            }
            for p in self.params
        ]
        return entry

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def time_param(self) -> Param | None:
        """The parameter ``--as-of`` binds (``date`` or ``as_of``), if the query has time."""
        return next((p for p in self.params if p.name in TIME_PARAMS), None)

    def bind(
        self,
        values: dict[str, str] | dict[str, str | list[str]],
        as_of: str | None = None,
        store: ProjectStore | NameIndex | None = None,
        lang: str | None = None,
    ) -> dict[str, Term | list[Term]]:
        """Turn user values (plus defaults and ``as_of``) into RDF terms keyed by variable name.

        ``lang`` (``sv`` or ``en``) is bound to ``?lang`` when the query reads the language.

        A list of values is allowed for a ``multiple`` parameter (bound to a list of terms,
        meaning "any of these"); for any other parameter it is a ParameterError. Names
        (municipalities, collaborations, counties, areas, roles) are resolved against
        ``store`` (a ProjectStore or a ready NameIndex); without one, such a parameter is an
        error. Optional parameters without a value stay unbound. Raises ParameterError naming
        the parameter for an unknown name or a badly typed value.
        """
        for key in values:
            if self.param(key) is None:
                known = ", ".join(p.name for p in self.params) or "none"
                raise ParameterError(
                    f"parameter '{key}': query '{self.name}' has no such parameter "
                    f"(parameters: {known})"
                )
        given: dict[str, str | list[str]] = {}
        for key, value in values.items():
            param = self.param(key)
            if isinstance(value, list | tuple):
                listed = [str(v) for v in value]
                if len(listed) == 1:
                    given[key] = listed[0]
                    continue
                if param is not None and not param.multiple:
                    raise ParameterError(
                        f"parameter '{key}': given {len(listed)} times, but query "
                        f"'{self.name}' takes one value for it"
                    )
                given[key] = listed
            else:
                given[key] = value
        if as_of is not None:
            time_param = self.time_param
            if time_param is None:
                raise ParameterError(
                    f"--as-of: query '{self.name}' has no time (no 'date' parameter)"
                )
            if time_literal(as_of) is None:
                raise ParameterError(
                    f"--as-of: {as_of!r} is not a day, a month or a year "
                    "(YYYY-MM-DD, YYYY-MM or YYYY)"
                )
            if time_param.name in given:
                raise ParameterError(
                    f"parameter '{time_param.name}': give either --as-of or "
                    f"-p {time_param.name}=…, not both"
                )
            given[time_param.name] = as_of
        bound: dict[str, Term | list[Term]] = {}
        index: NameIndex | None = None
        for param in self.params:
            raw = given.get(param.name, param.default)
            if raw is None or raw == "" or raw == []:
                if param.optional:
                    continue
                raise ParameterError(
                    f"parameter '{param.name}': query '{self.name}' needs a value "
                    f"(-p {param.name}=…)"
                )
            if index is None and param.type in NAMED_TYPES:
                index = _name_index(store, param)
            if isinstance(raw, list):
                terms = [convert(param, str(item), index) for item in raw]
                bound[param.name] = list(dict.fromkeys(terms))
            else:
                bound[param.name] = convert(param, str(raw), index)
        if lang is not None and self.reads_language:
            bound[LANG_VARIABLE] = convert(Param(LANG_VARIABLE), lang, None)  # a plain literal
        return bound


NAMED_TYPES = frozenset(KINDS) & frozenset(PARAM_TYPES)
"""The parameter types given by name, looked up in the graph (``names.KINDS``)."""


def _name_index(store: ProjectStore | NameIndex | None, param: Param) -> NameIndex:
    from kgtool.query.names import NameIndex

    if store is None:
        raise ParameterError(f"parameter '{param.name}': no graph to look names up in")
    if isinstance(store, NameIndex):
        return store
    index: NameIndex = NameIndex.from_store(store)
    return index


def time_literal(value: str) -> tuple[str, str] | None:
    """``(lexical, XSD datatype name)`` for a day, a month or a year, None for anything else.

    ``2020-09-09`` is an ``xsd:date``, ``2020-09`` an ``xsd:gYearMonth``, ``2020`` an
    ``xsd:gYear``. Saved queries compare a period with it at the coarser of the two precisions,
    so a month or a year means "at any time during it".
    """
    from kgtool.terms import date_precision

    precision = date_precision(value)
    return (value, precision) if precision else None


def _absolute_iri(param: Param, value: str) -> str:
    """An IRI from an absolute IRI, ``id/…`` (relative to the base) or ``…`` (relative to id/)."""
    from kgtool.terms import DEFAULT_BASE, ID_IRI, expand_prefixed_iri  # no rdflib import

    if FORBIDDEN_IRI_CHARACTERS.search(value) or not value:
        raise ParameterError(f"parameter '{param.name}': {value!r} is not an IRI")
    expanded = expand_prefixed_iri(value)
    if expanded is not None:
        return expanded
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        return value
    if value.startswith(("id/", "def/")):
        return DEFAULT_BASE + value
    return ID_IRI + value.lstrip("/")


def convert(param: Param, value: str, index: NameIndex | None) -> Term:
    """One user value as an RDF term of the parameter's type (ParameterError if it is not)."""
    import pyoxigraph

    xsd = "http://www.w3.org/2001/XMLSchema#"
    kind = param.type
    what = f"parameter '{param.name}'"
    if kind == "string":
        return pyoxigraph.Literal(value)
    if kind == "iri":
        return pyoxigraph.NamedNode(_absolute_iri(param, value))
    if kind == "xsd:date":  # a day, or a month or a year meaning "at any time during it"
        found = time_literal(value)
        if found is None:
            raise ParameterError(
                f"{what}: {value!r} is not a day, a month or a year (YYYY-MM-DD, YYYY-MM, YYYY)"
            )
        return pyoxigraph.Literal(found[0], datatype=pyoxigraph.NamedNode(xsd + found[1]))
    if kind == "xsd:gYear":
        if not re.fullmatch(r"\d{4}", value):
            raise ParameterError(f"{what}: {value!r} is not an xsd:gYear (YYYY)")
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(xsd + "gYear"))
    if kind == "xsd:integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ParameterError(f"{what}: {value!r} is not an xsd:integer")
        return pyoxigraph.Literal(str(int(value)), datatype=pyoxigraph.NamedNode(xsd + "integer"))
    if index is None:
        raise ParameterError(f"{what}: no graph to look {value!r} up in")
    candidate = value
    if (
        not FORBIDDEN_IRI_CHARACTERS.search(value)
        and (re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) or value.startswith(("id/", "def/", "/")))
    ) or ("/" in value and not FORBIDDEN_IRI_CHARACTERS.search(value)):
        candidate = _absolute_iri(param, value)
    return pyoxigraph.NamedNode(index.resolve(kind, candidate, what, aliases=True))


def _header(path: Path, text: str) -> tuple[dict[str, Any], str]:
    import yaml

    lines: list[str] = []
    body_start = 0
    all_lines = text.splitlines(keepends=True)
    for index, line in enumerate(all_lines):
        match = _HEADER_LINE.match(line.rstrip("\n"))
        if not match:
            body_start = index
            break
        lines.append(match.group(1))
    else:
        body_start = len(all_lines)
    if not lines:
        raise InputError(f"{path}:1: no '#+' header (summary, description, params, tags)")
    try:
        header = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(f"{path}{line}: header is not valid YAML: {problem}") from error
    if not isinstance(header, dict):
        raise InputError(
            f"{path}:1: header must be a mapping of summary, description, params, tags"
        )
    return header, "".join(all_lines[body_start:])


def _params(path: Path, raw: Any, body: str) -> list[Param]:
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise InputError(f"{path}: header 'params' must map parameter names to their settings")
    variables = query_variables(body)
    params = []
    for name, settings in raw.items():
        settings = settings if settings is not None else {}
        if not isinstance(settings, dict):
            raise InputError(f"{path}: parameter '{name}': settings must be a mapping")
        unknown = sorted(set(settings) - PARAM_KEYS)
        if unknown:
            raise InputError(
                f"{path}: parameter '{name}': unknown key(s) {', '.join(unknown)} "
                f"(allowed: {', '.join(sorted(PARAM_KEYS))})"
            )
        kind = settings.get("type", "string")
        if kind not in PARAM_TYPES:
            raise InputError(
                f"{path}: parameter '{name}': unknown type {kind!r} "
                f"(allowed: {', '.join(PARAM_TYPES)})"
            )
        if str(name) not in variables:
            raise InputError(f"{path}: parameter '{name}' is not a variable of the query")
        default = settings.get("default")
        params.append(
            Param(
                name=str(name),
                type=kind,
                default=None if default is None else str(default),
                optional=bool(settings.get("optional", False)),
                description=str(settings.get("description", "")),
                multiple=bool(settings.get("multiple", False)),
            )
        )
    return params


def parse_query_file(path: Path, project: Project | None = None) -> SavedQuery:
    """Read one ``.rq`` file; a broken header raises InputError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from error
    header, body = _header(path, text)
    unknown = sorted(set(header) - HEADER_KEYS)
    if unknown:
        raise InputError(
            f"{path}: unknown header key(s) {', '.join(map(str, unknown))} "
            f"(allowed: {', '.join(sorted(HEADER_KEYS))})"
        )
    if not isinstance(header.get("summary"), str) or not header["summary"].strip():
        raise InputError(f"{path}: header needs a 'summary'")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InputError(f"{path}: header 'tags' must be a list of words")
    stores = header.get("stores") or {}
    if not isinstance(stores, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in stores.items()
    ):
        raise InputError(f"{path}: header 'stores' must map a store name to why it differs there")
    form = query_form(body)
    if form is None:
        raise InputError(f"{path}: no SELECT, ASK, CONSTRUCT or DESCRIBE in the query")
    return SavedQuery(
        name=path.stem,
        summary=header["summary"].strip(),
        description=str(header.get("description") or "").strip(),
        params=_params(path, header.get("params"), body),
        tags=tags,
        text=text,
        path=path,
        query_type=form,
        project=project,
        stores=stores,
        derived=str(header.get("derived") or "").strip(),
        reads_language=LANG_VARIABLE in query_variables(body)
        and LANG_VARIABLE not in (header.get("params") or {}),
    )


def load_catalogue(project: Project) -> list[SavedQuery]:
    """All saved queries of the project, sorted by name."""
    queries = []
    for path in project.query_files():
        try:
            queries.append(parse_query_file(path, project))
        except InputError as error:
            shown = shown_path(path, project.root)
            raise InputError(error.message.replace(str(path), shown, 1)) from error
    return queries


def get_query(project: Project, name: str) -> SavedQuery:
    """One saved query by name; an unknown name is a ParameterError listing close names."""
    path = project.queries_dir / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9][\w-]*", name) or not path.is_file():
        import difflib

        names = [p.stem for p in project.query_files()]
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'kgtool queries'"
        raise ParameterError(f"query '{name}': no such saved query{hint}")
    try:
        return parse_query_file(path, project)
    except InputError as error:
        raise InputError(
            error.message.replace(str(path), shown_path(path, project.root), 1)
        ) from error


def catalogue_graph(queries: list[SavedQuery], target: str | None = None) -> Graph:
    """The catalogue as Turtle-ready RDF: one ``sh:SPARQLExecutable`` per saved query.

    Follows the SIB sparql-examples style: ``rdfs:label``, ``rdfs:comment``@en, the query
    text under ``sh:select`` (or ``sh:ask``/``sh:construct``/``sh:describe``),
    ``schema:keywords`` and ``schema:target`` (the SPARQL endpoint, by default ``…/sparql``).
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from kgtool.store.graph import new_graph
    from kgtool.terms import DEFAULT_BASE, ID, SCHEMA, SH

    graph = new_graph()
    endpoint = URIRef(target or DEFAULT_BASE + "sparql")
    kinds = {
        "SELECT": (SH.SPARQLSelectExecutable, SH.select),
        "ASK": (SH.SPARQLAskExecutable, SH.ask),
        "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
        "DESCRIBE": (SH.SPARQLDescribeExecutable, SH.describe),
    }
    for query in queries:
        node = ID[f"query/{query.name}"]
        kind, text_property = kinds[query.query_type]
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        graph.add((node, RDF.type, kind))
        graph.add((node, RDFS.label, Literal(query.summary, lang="en")))
        comment = query.description or query.summary
        graph.add((node, RDFS.comment, Literal(comment, lang="en")))
        graph.add((node, text_property, Literal(query.text)))
        for tag in query.tags:
            graph.add((node, SCHEMA.keywords, Literal(tag)))
        graph.add((node, SCHEMA.target, endpoint))
    return graph
