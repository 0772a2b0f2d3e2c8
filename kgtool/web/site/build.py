"""The site as a set of documents, built once from the project graph; publish writes them all,
serve renders them on request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kgtool.store.graph import new_graph
from kgtool.terms import DEFAULT_BASE, KS
from kgtool.web import rdfio
from kgtool.query.formats import GRAPH_FORMATS
from kgtool.version import DatasetVersion, dataset_version
from kgtool.web.site.metadata import Dump, dataset_dates, dcat_graph, void_graph
from kgtool.web.site.model import SiteModel
from kgtool.web.site.rebase import rebase
from datetime import date
from pathlib import Path
from kgtool.web.site.store import StoreGraph, load_site_store

if TYPE_CHECKING:
    from kgtool.plot import Picture
    from kgtool.store.engine import ProjectStore

DUMP_NAME = "dumps/kommunsamverkan"
#: Pictures are drawn for at most this many collaborations (see ``Site.pictures``).
PICTURE_LIMIT = 12
INDEX_GROUPS = (
    ("collaborations", "collaborations", KS.Collaboration, False),
    ("municipalities", "municipalities", KS.Municipality, True),
    ("regions", "regions", KS.Region, False),
    ("counties", "counties", KS.County, False),
    ("sources", "source_documents", KS.SourceDocument, False),
)


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
    rows: list[list] | None = None  # RDF terms (None: unbound), shown per page and language
    result: object = None  # the QueryResult: its table is shown per page language
    english: object = None  # the English answer of a query that reads the language (?lang)
    boolean: bool | None = None
    graph_text: str = ""
    error: str = ""
    error_key: str = ""  # the UI text that introduces ``error`` on the page


def jinja_env():
    """Jinja2 with autoescaping on for every template."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from kgtool.web.site import i18n

    env = Environment(
        loader=PackageLoader("kgtool.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates are the package's: no stat of each on every page
    )
    env.globals.update(
        count=i18n.count,
        number=i18n.number,
        size=i18n.size,
        column_breaks=i18n.column_breaks,
        query_summary=i18n.query_summary,
        role_count=i18n.role_count,
    )
    return env


class Site:
    """Every document of the published site, read from one store under ``base``.

    ``store`` is the project's graph as ``kgtool.web.site.store.load_site_store`` gives it (one
    in-memory Oxigraph graph, stable blank nodes): pages ask it for what they show, one
    resource at a time. ``dates`` are the dataset's (issued, modified). Nothing is opened or
    run here: ``Site.open`` gathers the inputs of a project.
    """

    def __init__(
        self,
        project,
        store: ProjectStore,
        dates: tuple[date, date],
        base: str | None = None,
        contact_email: str | None = None,
        dataset: DatasetVersion | None = None,
    ) -> None:
        self.project = project
        self.base = base or DEFAULT_BASE
        self.contact_email = contact_email
        self.store = store  # saved queries and pictures: the data's own IRIs
        self.source_graph = StoreGraph(store)
        self.graph = StoreGraph(store, self.base)
        self.model = SiteModel(self.graph, self.base)
        self.env = jinja_env()
        self.issued, self.modified = dates
        self.dataset = dataset if dataset is not None else dataset_version(project)
        self.warnings: list[str] = []
        self._pictures: dict[tuple[str, str], dict[str, Picture]] = {}

    @classmethod
    def open(cls, project, base: str | None = None, contact_email: str | None = None) -> Site:
        """The site of ``project``: its files read into a store, its dates from git or data."""
        store = load_site_store(project.graph_files(), project.root)
        dates = dataset_dates(project.root, StoreGraph(store))
        return cls(project, store, dates, base, contact_email)

    def move(self, term):
        """A term of the project graph as published under ``base``."""
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(self.base + str(term)[len(DEFAULT_BASE) :])
        return term

    # -- dumps and metadata -----------------------------------------------------------------

    def write_dumps(self, folder: Path) -> list[Dump]:
        """Write each dump (plain and gzipped) under ``folder``, streamed by the store's
        serialisers; the same graph gives the same bytes."""
        written = []
        for ext in GRAPH_FORMATS:
            relative = f"{DUMP_NAME}.{ext}"
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            rdfio.dump_store(self.graph, path, ext)
            rdfio.gzip_file(path, path.with_name(path.name + ".gz"))
            for name in (relative, relative + ".gz"):
                size = (folder / name).stat().st_size
                written.append(Dump(name, ext, size, name.endswith(".gz")))
        self._dumps = written
        return written

    @cached_property
    def dump_files(self) -> dict[str, bytes]:
        """Relative path → bytes of each dump, plain and gzipped (for serving; publish streams
        them to files with ``write_dumps``)."""
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            dumps = self.write_dumps(Path(folder))
            return {d.path: (Path(folder) / d.path).read_bytes() for d in dumps}

    @property
    def dumps(self) -> list[Dump]:
        if getattr(self, "_dumps", None) is None:
            self.dump_files  # noqa: B018  (writes them, and so knows their sizes)
        return self._dumps

    @cached_property
    def void(self) -> Graph:
        return void_graph(self.graph, self.base, self.dumps, self.modified)

    @cached_property
    def dcat(self) -> Graph:
        return dcat_graph(
            self.base, self.dumps, self.issued, self.modified, self.contact_email, self.dataset
        )

    # -- RDF of one resource or the ontology ------------------------------------------------

    def resource_graph(self, iri: URIRef) -> Graph:
        return rdfio.describe(self.graph, iri)

    @cached_property
    def ontology_graph(self) -> Graph:
        out = new_graph()
        for s in self.graph.iri_subjects(self.model.def_base):
            out += rdfio.describe(self.graph, s)
        return out

    def term_graph(self, term: URIRef) -> Graph:
        return rdfio.describe(self.graph, term)

    # -- HTML (both languages: Swedish at the root, English under en/) -------------------------

    @cached_property
    def models(self) -> dict[str, SiteModel]:
        """The site model of each language (labels in that language, links within it)."""
        from kgtool.web.site.i18n import PREFIX

        out = {
            lang: SiteModel(self.graph, self.base, lang, PREFIX[lang], self.model.pages)
            for lang in PREFIX
        }
        out["sv"] = self.model
        return out

    def _render(
        self,
        template: str,
        here: str,
        lang: str = "sv",
        page: str | None = None,
        content: bool = True,
        **context,
    ) -> str:
        """Render ``template`` for the page at ``here`` (its path in the Swedish site), or at
        ``page`` when one path serves both languages (``api/<name>``). The citation names the
        hash of the files unless not ``content`` (resource pages: each shows its own
        resource, and an incremental publish renders only those whose data changed)."""
        from kgtool.web.site.i18n import PREFIX, UI

        page = PREFIX[lang] + here if page is None else page
        root = SiteModel.relative("", page)
        alternates = {code: SiteModel.relative(PREFIX[code] + here, page) for code in PREFIX}
        return self.env.get_template(template).render(
            root=root,
            home=SiteModel.relative(PREFIX[lang], page),
            rdf_dir=SiteModel.relative(here, page).removeprefix("./"),
            lang=lang,
            t=UI[lang],
            alternates=alternates,
            dataset=self.dataset,
            citation=self.dataset.citation(self.base + "dataset", lang, content),
            **context,
        )

    def resource_html(self, iri: URIRef, lang: str = "sv") -> str:
        model = self.models[lang]
        view = model.resource(iri)
        here = model.prefix + view.path
        kind, summary = "resource", None
        if (iri, RDF.type, self.move(KS.Collaboration)) in self.graph:
            kind, summary = "collaboration", model.collaboration(iri, here)
        elif (iri, RDF.type, self.move(KS.Municipality)) in self.graph:
            kind, summary = "municipality", model.municipality(iri, here)
        pictures = self.pictures(iri, lang) if kind == "collaboration" else {}
        return self._render(
            f"{kind}.html",
            view.path,
            lang,
            title=view.label,
            r=view,
            s=summary,
            pictures=pictures,
            pictures_left_out=0 if self.draws_pictures else PICTURE_LIMIT,
            content=False,
        )

    def pictures(self, iri: URIRef, lang: str) -> dict[str, Picture]:
        """A collaboration's pictures, 'network' and 'timeline', in ``lang`` (inline SVG with
        its text alternative; ids prefixed so both fit on one page). A picture of nothing is
        left out, and all of them (with a warning) without the plot extra; none are drawn when
        the graph holds more than PICTURE_LIMIT collaborations (each picture asks the whole
        graph: pictures would cost more than all the pages, and a network of thousands of
        collaborations is not readable)."""
        if not self.draws_pictures:
            return {}
        slug = self._project_iri(iri)
        return {
            name: picture
            for name, picture in (
                ("network", self._draw("network_svg", slug, lang, "network-")),
                ("timeline", self._draw("timeline_svg", slug, lang, "timeline-")),
            )
            if picture is not None
        }

    @cached_property
    def draws_pictures(self) -> bool:
        """Whether pictures are drawn: at most PICTURE_LIMIT collaborations."""
        count = self.source_graph.count(
            f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{KS.Collaboration}> }}"
        )
        return count <= PICTURE_LIMIT

    def network_picture(self, lang: str) -> Picture | None:
        """The whole membership network for the index page (None without the plot extra)."""
        if not self.draws_pictures:
            return None
        key = ("", lang)
        if key not in self._pictures:
            picture = self._draw("network_svg", None, lang, "all-")
            self._pictures[key] = {"network": picture} if picture else {}
        return self._pictures[key].get("network")

    def _draw(self, function: str, collaboration: str | None, lang: str, prefix: str):
        """``kgtool.plot.<function>`` for ``collaboration``, or None if it cannot be drawn."""
        from kgtool import plot

        try:
            draw = getattr(plot, function)
            return draw(self.project, collaboration, lang, prefix, store=self.store)
        except plot.NothingToDraw:
            return None
        except plot.PlotError as error:
            message = f"pictures left out: {error.format_message()}"
            if message not in self.warnings:
                self.warnings.append(message)
            return None

    def _project_iri(self, iri: URIRef) -> str:
        """The IRI of a published resource as the project graph has it (before ``--base``)."""
        text = str(iri)
        return DEFAULT_BASE + text[len(self.base) :] if text.startswith(self.base) else text

    def ontology_html(self, lang: str = "sv") -> str:
        from kgtool.web.site.i18n import UI

        sections = tuple((key, UI[lang][key]) for key in ("classes", "properties", "concepts"))
        title = "Ontologin kommunsamverkan" if lang == "sv" else "The kommunsamverkan ontology"
        return self._render(
            "ontology.html",
            "def/",
            lang,
            title=title,
            namespace=self.model.def_base,
            sections=sections,
            terms=self.models[lang].terms(),
        )

    def term_html(self, term: URIRef) -> str:
        anchor = str(term)[len(self.model.def_base) :]
        return self.env.get_template("term.html").render(anchor=anchor, iri=str(term))

    def search_entry(self, iri: URIRef) -> list:
        """One page in the search index: its path, names (both languages) and kinds."""
        types = sorted(self.graph.objects(iri, RDF.type))
        kind = {lang: ", ".join(self.models[lang].label(t) for t in types) for lang in self.models}
        names = {self.models[lang].label(iri) for lang in self.models}
        return [self.model.pages[iri], sorted(names), kind["sv"], kind["en"]]

    @cached_property
    def search_index(self) -> str:
        """Every page's name in both languages, for the static search (JSON, compact).

        Publish sets ``search_entries`` (path → entry) from the page workers; else each page's
        entry is looked up here."""
        import json

        found = getattr(self, "search_entries", None) or {}
        entries = [
            found.get(path) or self.search_entry(iri)
            for iri, path in sorted(self.model.pages.items(), key=lambda item: item[1])
        ]
        return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))

    def index_html(self, lang: str = "sv") -> str:
        from kgtool.web.site.metadata import DESCRIPTION_EN, DESCRIPTION_SV, TITLE_EN, TITLE_SV
        from kgtool.web.site.releases import read_releases

        model = self.models[lang]
        here = model.prefix
        entities = self.class_counts
        classes = sorted(entities, key=lambda c: (model.label(c), str(c)))
        counts = [
            {"cls": model.value(c, here), "count": entities[c]}
            for c in classes
            if str(c).startswith(model.def_base)
        ]
        collaborations = [
            {"link": model.value(iri, here), **model.collaboration_summary(iri, here)}
            for iri in model.of_type(self.move(KS.Collaboration))
        ]
        groups = []
        for group_id, key, cls, _ in INDEX_GROUPS[1:]:
            items = []
            for s in model.of_type(self.move(cls)):
                codes = [str(o) for p, o in self.graph.predicate_objects(s) if p == self._code(cls)]
                items.append(
                    {"href": model.href(s, here), "text": model.label(s), "note": " ".join(codes)}
                )
            if items:
                groups.append({"id": group_id, "key": key, "entries": items})
        return self._render(
            "index.html",
            "",
            lang,
            title=TITLE_SV if lang == "sv" else TITLE_EN,
            description=DESCRIPTION_SV if lang == "sv" else DESCRIPTION_EN,
            triples=len(self.graph),
            counts=counts,
            collaborations=collaborations,
            network=self.network_picture(lang),
            pictures_left_out=0 if self.draws_pictures else PICTURE_LIMIT,
            groups=groups,
            dumps=self.dumps,
            releases=bool(read_releases(self.project.root)),
        )

    @cached_property
    def class_counts(self) -> dict[URIRef, int]:
        """Each class (under ``base``) and how many things are of it."""
        rows = self.graph.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
        )
        return {cls: int(n) for cls, n in rows}

    def _code(self, cls: URIRef) -> URIRef | None:
        codes = {KS.Municipality: KS.municipalityCode, KS.County: KS.countyCode}
        return self.move(codes[cls]) if cls in codes else None

    @cached_property
    def query_views(self) -> list[QueryView]:
        from kgtool.query.catalogue import load_catalogue
        from kgtool.errors import KgtoolError
        from kgtool.query.names import NameIndex
        from kgtool.query.run import run_local

        names = NameIndex.from_store(self.store)
        views = []
        for query in load_catalogue(self.project):
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
                result = run_local(self.store, query.text, bindings)
                if query.reads_language:
                    english = query.bind({}, store=names, lang="en")
                    view.english = run_local(self.store, query.text, english)
            except KgtoolError as error:
                view.error, view.error_key = error.format_message(), "no_default_answer"
                views.append(view)
                continue
            except Exception as error:  # a broken saved query must not stop the whole site
                view.error, view.error_key = f"{type(error).__name__}: {error}", "query_failed"
                self.warnings.append(f"queries/{query.name}.rq: query failed: {view.error}")
                views.append(view)
                continue
            if result.kind == "ASK":
                view.kind, view.boolean = "boolean", bool(result.boolean)
            elif result.kind in ("CONSTRUCT", "DESCRIBE"):
                view.kind = "graph"
                graph = rdfio.graph_of_triples(result.triples or [])
                view.graph_text = rdfio.to_turtle(rebase(graph, self.base)).decode()
            else:
                view.result = result
                view.variables = [str(v) for v in result.variables]
                view.rows = [
                    [
                        None if row.get(v) is None else self.move(rdfio.rdflib_term(row[v]))
                        for v in result.variables
                    ]
                    for row in result.rows
                ]
            views.append(view)
        return views

    # -- static assets and the pages of both languages ------------------------------------

    @cached_property
    def static_files(self) -> dict[str, bytes]:
        """Relative path → bytes of the stylesheet, scripts and the vendored YASGUI."""
        from importlib.resources import files

        out: dict[str, bytes] = {}
        root = files("kgtool.web") / "static"

        def walk(folder, prefix: str) -> None:
            for entry in sorted(folder.iterdir(), key=lambda e: e.name):
                if entry.is_dir():
                    walk(entry, prefix + entry.name + "/")
                elif not entry.name.startswith("."):
                    out["static/" + prefix + entry.name] = entry.read_bytes()

        walk(root, "")
        return out

    def html_pages(self):
        """(relative path, HTML) of every page in both languages but the resource pages."""
        from kgtool.web.site.i18n import PREFIX

        for lang, prefix in PREFIX.items():
            yield prefix + "index.html", self.index_html(lang)
            yield prefix + "def/index.html", self.ontology_html(lang)
            yield prefix + "queries/index.html", self.queries_html(lang)
            for name in self.query_names():
                yield prefix + f"queries/{name}/index.html", self.query_html(name, lang)
            yield prefix + "sparql/index.html", self.editor_html(lang)
            yield prefix + "api/docs/index.html", self.api_docs_html(lang)

    # -- OpenAPI ----------------------------------------------------------------------------

    @cached_property
    def openapi(self) -> dict:
        """The OpenAPI 3.1 description of ``/api/<name>`` (one GET path per saved query)."""
        from kgtool.version import __version__
        from kgtool.query.catalogue import load_catalogue
        from kgtool.web.site.openapi import openapi_document

        queries = load_catalogue(self.project)
        return openapi_document(queries, self.source_graph, self.modified.isoformat(), __version__)

    @cached_property
    def openapi_text(self) -> str:
        from kgtool.web.site.openapi import openapi_json

        return openapi_json(self.openapi)

    def queries_html(self, lang: str = "sv") -> str:
        from kgtool.web.site.i18n import UI

        return self._render(
            "queries.html", "queries/", lang, title=UI[lang]["queries"], queries=self.query_views
        )

    def query_names(self) -> list[str]:
        return [view.name for view in self.query_views]

    def query_html(self, name: str, lang: str = "sv") -> str | None:
        """The page of one saved query: its form, its text and its answer with the defaults."""
        from kgtool.web.site.openapi import choices

        view = next((v for v in self.query_views if v.name == name), None)
        if view is None:
            return None
        from kgtool.web.site.answers import table_rows
        from kgtool.web.site.i18n import PREFIX

        columns: list[str] = []
        rows: list = []
        result = view.english if lang == "en" and view.english is not None else view.result
        if result is not None:
            root = SiteModel.relative("", PREFIX[lang] + f"queries/{name}/")
            columns, rows = table_rows(result, self.store, view.text, root, PREFIX[lang], lang)
        from kgtool.web.site.forms import form_context

        lists = {p.name: choices(p, self.source_graph, lang) for p in view.params}
        return self._render(
            "query.html",
            f"queries/{name}/",
            lang,
            title=name,
            q=view,
            columns=columns,
            rows=rows,
            **form_context(view.params, lists, lang),
        )

    def api_docs_html(self, lang: str = "sv") -> str:
        """The human page of the web API: Swagger UI on ``api/openapi.json``."""
        from kgtool.web.site.i18n import UI

        return self._render("api_docs.html", "api/docs/", lang, title=UI[lang]["api_docs"])

    def api_html(self, name: str, lang: str, data: dict, values: dict[str, str]) -> str:
        """The page ``/api/<name>`` shows a browser: the answer's table and download links."""
        from urllib.parse import urlencode

        from kgtool.web.site.answers import answer_rows
        from kgtool.web.site.i18n import PREFIX

        view = next(v for v in self.query_views if v.name == name)
        columns, rows = answer_rows(data, "../", PREFIX[lang], lang)
        links = {fmt: "?" + urlencode({**values, "format": fmt}) for fmt in ("csv", "json", "xlsx")}
        return self._render(
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
        import json

        from kgtool.terms import PREFIX_IRIS
        from kgtool.web.site.i18n import PREFIX, UI

        examples = [
            {"name": v.name, "summary": v.summary, "text": v.text} for v in self.query_views
        ]
        prefixes = dict(PREFIX_IRIS)
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
        return self._render(
            "editor.html",
            "sparql/",
            lang,
            title="SPARQL",
            endpoint=endpoint,
            examples_json=json.dumps(examples, ensure_ascii=False).replace("</", "<\\/"),
            prefixes_json=json.dumps(prefixes).replace("</", "<\\/"),
            starter_json=json.dumps(starter, ensure_ascii=False).replace("</", "<\\/"),
            page_prefix=PREFIX[lang],
            examples=examples,
        )
