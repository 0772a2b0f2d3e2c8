"""The pages of the saved queries: the catalogue, one page per query with its answer on the
shipped data, the web API's pages (OpenAPI, Swagger UI, an answer shown to a browser) and the
SPARQL editor."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from kgtool.web import rdfio
from kgtool.web.site.model import SiteModel
from kgtool.web.site.rebase import rebase
from kgtool.web.site.render import Renderer
from kgtool.web.site.store import StoreGraph

#: The rows (or triples) of a saved query's answer that its page shows; the rest are counted,
#: and the page says how many there are and where the whole answer is. A thousand rows make a
#: page of 0.5-1.5 MB that a browser shows at once; the server's /api gives 10,000 by default.
SHOWN_ROWS = 1000


@dataclass
class QueryView:
    """A saved query with its answer on the shipped data, ready for the catalogue page."""

    name: str
    summary: str
    description: str
    tags: list[str]
    params: list
    text: str
    kind: str = "rows"
    variables: list[str] | None = None
    result: object = None  # the QueryResult (its first ``SHOWN_ROWS`` rows, ``total`` counted)
    english: object = None  # the English answer of a query that reads the language (?lang)
    boolean: bool | None = None
    graph_text: str = ""  # a graph answer's first ``SHOWN_ROWS`` triples, as Turtle
    graph_total: int = 0  # every triple of a graph answer
    error: str = ""
    error_key: str = ""  # the UI text that introduces ``error`` on the page


class QueryPages:
    """The saved queries of ``project`` answered on its store (``graph``: the data's own IRIs),
    shown on the site under ``renderer.base``; a query that fails adds a line to ``warnings``."""

    def __init__(
        self, project, graph: StoreGraph, renderer: Renderer, modified: date, warnings: list[str]
    ) -> None:
        self.project = project
        self.graph = graph
        self.store = graph.project_store
        self.renderer = renderer
        self.base = renderer.base
        self.modified = modified
        self.warnings = warnings
        self._lists: dict[tuple[str, str], list] = {}  # a form's choices by (type, language)

    @cached_property
    def views(self) -> list[QueryView]:
        """Each saved query with its answer on the shipped data (or why there is none)."""
        from kgtool.query.catalogue import load_catalogue
        from kgtool.query.names import NameIndex

        names = NameIndex.from_store(self.store)
        return [self._view(query, names) for query in load_catalogue(self.project)]

    def _view(self, query, names) -> QueryView:
        from kgtool.errors import KgtoolError
        from kgtool.query.run import run_local

        view = QueryView(
            name=query.name,
            summary=query.summary or "",
            description=query.description or "",
            tags=list(query.tags or []),
            params=list(query.params or []),
            text=query.text,
        )
        try:
            bindings = query.bind({}, store=names, lang="sv")
            result = run_local(self.store, query.text, bindings, max_rows=SHOWN_ROWS, count=True)
            if query.reads_language:
                english = query.bind({}, store=names, lang="en")
                view.english = run_local(
                    self.store, query.text, english, max_rows=SHOWN_ROWS, count=True
                )
        except KgtoolError as error:
            view.error, view.error_key = error.format_message(), "no_default_answer"
            return view
        except Exception as error:  # a broken saved query must not stop the whole site
            view.error, view.error_key = f"{type(error).__name__}: {error}", "query_failed"
            self.warnings.append(f"queries/{query.name}.rq: query failed: {view.error}")
            return view
        self._answer(view, result)
        return view

    def _answer(self, view: QueryView, result) -> None:
        """Put the answer on the default values into ``view`` (its shown part: the page makes
        the cells of the table in its own language)."""
        if result.kind == "ASK":
            view.kind, view.boolean = "boolean", bool(result.boolean)
        elif result.kind in ("CONSTRUCT", "DESCRIBE"):
            view.kind, view.graph_total = "graph", result.total
            graph = rdfio.graph_of_triples(result.triples or [])
            view.graph_text = rdfio.to_turtle(rebase(graph, self.base)).decode()
        else:
            view.result = result
            view.variables = [str(v) for v in result.variables]

    def names(self) -> list[str]:
        return [view.name for view in self.views]

    def view(self, name: str) -> QueryView | None:
        return next((v for v in self.views if v.name == name), None)

    # -- OpenAPI ----------------------------------------------------------------------------

    @cached_property
    def openapi(self) -> dict:
        """The OpenAPI 3.1 description of ``/api/<name>`` (one GET path per saved query)."""
        from kgtool.query.catalogue import load_catalogue
        from kgtool.version import __version__
        from kgtool.web.site.openapi import openapi_document

        queries = load_catalogue(self.project)
        return openapi_document(queries, self.graph, self.modified.isoformat(), __version__)

    @cached_property
    def openapi_text(self) -> str:
        from kgtool.web.site.openapi import openapi_json

        return openapi_json(self.openapi)

    # -- pages ------------------------------------------------------------------------------

    def catalogue_html(self, lang: str = "sv") -> str:
        from kgtool.web.site.i18n import UI

        return self.renderer.render(
            "queries.html", "queries/", lang, title=UI[lang]["queries"], queries=self.views
        )

    def query_html(self, name: str, lang: str = "sv") -> str | None:
        """The page of one saved query: its form, its text and its answer with the defaults."""
        from kgtool.web.site.answers import cut_note, table_rows
        from kgtool.web.site.forms import form_context
        from kgtool.web.site.i18n import PREFIX

        view = self.view(name)
        if view is None:
            return None
        columns: list[str] = []
        rows: list = []
        cut = None
        root = SiteModel.relative("", PREFIX[lang] + f"queries/{name}/")
        result = view.english if lang == "en" and view.english is not None else view.result
        if result is not None:
            columns, rows = table_rows(result, self.store, view.text, root, PREFIX[lang], lang)
            if result.truncated:
                cut = cut_note(lang, name, len(rows), result.total, "row")
        elif view.kind == "graph" and view.graph_total > SHOWN_ROWS:
            cut = cut_note(lang, name, SHOWN_ROWS, view.graph_total, "triple")
        lists = {p.name: self._choices(p, lang) for p in view.params}
        return self.renderer.render(
            "query.html",
            f"queries/{name}/",
            lang,
            title=name,
            q=view,
            columns=columns,
            rows=rows,
            cut=cut,
            **form_context(view.params, lists, lang),
        )

    def _choices(self, param, lang: str) -> list:
        """The values a form offers for ``param`` (they depend on its type alone: one scan of
        the graph per type and language, not one per page)."""
        from kgtool.web.site.openapi import choices

        key = (param.type, lang)
        if key not in self._lists:
            self._lists[key] = choices(param, self.graph, lang)
        return self._lists[key]

    def api_docs_html(self, lang: str = "sv") -> str:
        """The human page of the web API: Swagger UI on ``api/openapi.json``."""
        from kgtool.web.site.i18n import UI

        return self.renderer.render("api_docs.html", "api/docs/", lang, title=UI[lang]["api_docs"])

    def api_html(self, name: str, lang: str, data: dict, values: dict[str, str]) -> str:
        """The page ``/api/<name>`` shows a browser: the answer's table and download links."""
        from urllib.parse import urlencode

        from kgtool.web.site.answers import answer_rows
        from kgtool.web.site.i18n import PREFIX

        view = next(v for v in self.views if v.name == name)
        columns, rows = answer_rows(data, "../", PREFIX[lang], lang)
        links = {fmt: "?" + urlencode({**values, "format": fmt}) for fmt in ("csv", "json", "xlsx")}
        return self.renderer.render(
            "api.html",
            f"queries/{name}/",
            lang,
            page="api/",
            title=name,
            q=view,
            columns=columns,
            rows=rows,
            links=links,
            values=values,
        )

    def editor_html(self, lang: str = "sv", endpoint: str = "") -> str:
        """The YASGUI editor page; ``endpoint`` '' means: the site's own ``sparql`` (served)."""
        from kgtool.terms import PREFIX_IRIS
        from kgtool.web.site.i18n import PREFIX, UI

        examples = [{"name": v.name, "summary": v.summary, "text": v.text} for v in self.views]
        starter = (
            f"# {UI[lang]['editor_prefixes']}\n"
            f"PREFIX ks: <{PREFIX_IRIS['ks']}>\n"
            f"PREFIX rdfs: <{PREFIX_IRIS['rdfs']}>\n\n"
            "SELECT ?collaboration ?name WHERE {\n"
            "  ?collaboration a ks:Collaboration ;\n"
            "    rdfs:label ?name .\n"
            '  FILTER(LANG(?name) = "sv")\n'
            "}\n"
        )
        return self.renderer.render(
            "editor.html",
            "sparql/",
            lang,
            title="SPARQL",
            endpoint=endpoint,
            examples_json=_script_json(examples, ensure_ascii=False),
            prefixes_json=_script_json(dict(PREFIX_IRIS)),
            starter_json=_script_json(starter, ensure_ascii=False),
            page_prefix=PREFIX[lang],
            examples=examples,
        )


def _script_json(value, ensure_ascii: bool = True) -> str:
    """``value`` as JSON that can stand inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=ensure_ascii).replace("</", "<\\/")
