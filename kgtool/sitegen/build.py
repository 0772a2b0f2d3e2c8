"""The site as a set of documents, built once from the project graph; publish writes them all,
serve renders them on request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kgtool.graph import load_project, new_graph
from kgtool.namespaces import DEFAULT_BASE, KS
from kgtool.sitegen import rdfio
from kgtool.sitegen.metadata import Dump, dataset_dates, dcat_graph, void_graph
from kgtool.sitegen.model import SiteModel, Value
from kgtool.sitegen.rebase import rebase

DUMP_NAME = "dumps/kommunsamverkan"
INDEX_GROUPS = (
    ("collaborations", "Samverkan", KS.Collaboration, False),
    ("municipalities", "Kommuner", KS.Municipality, True),
    ("regions", "Regioner", KS.Region, False),
    ("counties", "Län", KS.County, False),
    ("sources", "Källdokument", KS.SourceDocument, False),
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
    rows: list[list[Value | None]] | None = None
    boolean: bool | None = None
    graph_text: str = ""
    error: str = ""


def jinja_env():
    """Jinja2 with autoescaping on for every template."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("kgtool", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


class Site:
    """Every document of the published site, computed from one project graph under ``base``."""

    def __init__(self, project, base: str | None = None, contact_email: str | None = None) -> None:
        self.project = project
        self.base = base or DEFAULT_BASE
        self.contact_email = contact_email
        self.source_graph: Graph = load_project(project).graph
        self.graph: Graph = rdfio.canonical(rebase(self.source_graph, self.base))
        self.model = SiteModel(self.graph, self.base)
        self.env = jinja_env()
        self.issued, self.modified = dataset_dates(project.root, self.source_graph)
        self.warnings: list[str] = []

    def move(self, term):
        """A term of the project graph as published under ``base``."""
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(self.base + str(term)[len(DEFAULT_BASE) :])
        return term

    # -- dumps and metadata -----------------------------------------------------------------

    @cached_property
    def dump_files(self) -> dict[str, bytes]:
        """Relative path → bytes of each dump, plain and gzipped."""
        files: dict[str, bytes] = {}
        for ext in rdfio.RDF_FORMATS:
            data = rdfio.serialise(self.graph, ext)
            files[f"{DUMP_NAME}.{ext}"] = data
            files[f"{DUMP_NAME}.{ext}.gz"] = rdfio.gzip_bytes(data)
        return files

    @cached_property
    def dumps(self) -> list[Dump]:
        return [
            Dump(path, path.removesuffix(".gz").rsplit(".", 1)[-1], len(data), path.endswith(".gz"))
            for path, data in self.dump_files.items()
        ]

    @cached_property
    def void(self) -> Graph:
        return void_graph(self.graph, self.base, self.dumps, self.modified)

    @cached_property
    def dcat(self) -> Graph:
        return dcat_graph(self.base, self.dumps, self.issued, self.modified, self.contact_email)

    # -- RDF of one resource or the ontology ------------------------------------------------

    def resource_graph(self, iri: URIRef) -> Graph:
        return rdfio.describe(self.graph, iri)

    @cached_property
    def ontology_graph(self) -> Graph:
        out = new_graph()
        for s in set(self.graph.subjects()):
            if isinstance(s, URIRef) and str(s).startswith(self.model.def_base):
                out += rdfio.describe(self.graph, s)
        return out

    def term_graph(self, term: URIRef) -> Graph:
        return rdfio.describe(self.graph, term)

    # -- HTML -------------------------------------------------------------------------------

    def _render(self, template: str, here: str, **context) -> str:
        root = SiteModel.relative("", here)
        return self.env.get_template(template).render(root=root, **context)

    def resource_html(self, iri: URIRef) -> str:
        view = self.model.resource(iri)
        return self._render("resource.html", view.path, title=view.label, r=view)

    def ontology_html(self) -> str:
        sections = (
            ("classes", "Klasser (classes)"),
            ("properties", "Egenskaper (properties)"),
            ("concepts", "Begrepp och individer (concepts and individuals)"),
        )
        return self._render(
            "ontology.html",
            "def/",
            title="Ontologin kommunsamverkan",
            namespace=self.model.def_base,
            sections=sections,
            terms=self.model.terms(),
        )

    def term_html(self, term: URIRef) -> str:
        anchor = str(term)[len(self.model.def_base) :]
        return self.env.get_template("term.html").render(anchor=anchor, iri=str(term))

    def index_html(self) -> str:
        from kgtool.sitegen.metadata import DESCRIPTION_SV, TITLE_SV

        classes = sorted(set(self.graph.objects(None, RDF.type)), key=self.model.label)
        counts = [
            {"cls": self.model.value(c, ""), "count": len(set(self.graph.subjects(RDF.type, c)))}
            for c in classes
            if str(c).startswith(self.model.def_base)
        ]
        groups = []
        for group_id, heading, cls, with_filter in INDEX_GROUPS:
            items = []
            for s in self.model.of_type(self.move(cls)):
                codes = [str(o) for p, o in self.graph.predicate_objects(s) if p == self._code(cls)]
                items.append(
                    {
                        "href": self.model.href(s, ""),
                        "text": self.model.label(s),
                        "note": " ".join(codes),
                    }
                )
            if items:
                groups.append(
                    {"id": group_id, "heading": heading, "entries": items, "filter": with_filter}
                )
        return self._render(
            "index.html",
            "",
            title=TITLE_SV,
            description=DESCRIPTION_SV,
            triples=len(self.graph),
            counts=counts,
            groups=groups,
            dumps=self.dumps,
        )

    def _code(self, cls: URIRef) -> URIRef | None:
        codes = {KS.Municipality: KS.municipalityCode, KS.County: KS.countyCode}
        return self.move(codes[cls]) if cls in codes else None

    @cached_property
    def query_views(self) -> list[QueryView]:
        from kgtool.catalogue import load_catalogue
        from kgtool.errors import KgtoolError
        from kgtool.run import run_local

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
                bindings = query.bind({}, graph=self.source_graph)
                result = run_local(self.source_graph, query.text, bindings)
            except KgtoolError as error:
                view.error = f"Inget svar med standardvärden: {error.format_message()}"
                views.append(view)
                continue
            except Exception as error:  # a broken saved query must not stop the whole site
                view.error = f"Frågan misslyckades: {type(error).__name__}: {error}"
                self.warnings.append(f"queries/{query.name}.rq: {view.error}")
                views.append(view)
                continue
            if result.kind == "ASK":
                view.kind, view.boolean = "boolean", bool(result.boolean)
            elif result.kind in ("CONSTRUCT", "DESCRIBE"):
                view.kind = "graph"
                view.graph_text = rdfio.to_turtle(rebase(result.graph, self.base)).decode()
            else:
                view.variables = [str(v) for v in result.variables]
                view.rows = [
                    [
                        self.model.value(self.move(row.get(v)), "queries/")
                        if row.get(v) is not None
                        else None
                        for v in result.variables
                    ]
                    for row in result.rows
                ]
            views.append(view)
        return views

    # -- OpenAPI ----------------------------------------------------------------------------

    @cached_property
    def openapi(self) -> dict:
        """The OpenAPI 3.1 description of ``/api/<name>`` (one GET path per saved query)."""
        from kgtool import __version__
        from kgtool.catalogue import load_catalogue
        from kgtool.sitegen.openapi import openapi_document

        queries = load_catalogue(self.project)
        return openapi_document(queries, self.source_graph, self.modified.isoformat(), __version__)

    @cached_property
    def openapi_text(self) -> str:
        from kgtool.sitegen.openapi import openapi_json

        return openapi_json(self.openapi)

    def queries_html(self) -> str:
        return self._render(
            "queries.html", "queries/", title="Sparade frågor", queries=self.query_views
        )
