"""The site as a set of documents, built from the project's store; publish writes them all,
serve renders them on request.

``Site`` hands each page kind the store graph it reads: resource pages (``resource``, with the
summaries of ``collaboration`` and ``municipality``), the ontology (``ontology``), the home page
and search index (``home``), the saved queries' pages (``queries``) and the pictures
(``pictures``); ``model`` holds the links, labels and values they share and ``render`` the
templates.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kgtool.query.formats import GRAPH_FORMATS
from kgtool.terms import DEFAULT_BASE, KS
from kgtool.version import DatasetVersion, dataset_version
from kgtool.web import rdfio
from kgtool.web.site import ontology
from kgtool.web.site.collaboration import CollaborationView, collaboration_view
from kgtool.web.site.home import HomePage
from kgtool.web.site.metadata import Dump, dataset_dates, dcat_graph, void_graph
from kgtool.web.site.model import SiteModel, move_term
from kgtool.web.site.municipality import MunicipalityView, municipality_view
from kgtool.web.site.pictures import Pictures
from kgtool.web.site.queries import QueryPages, QueryView
from kgtool.web.site.render import Renderer, static_files
from kgtool.web.site.resource import memberships, resource_view
from kgtool.web.site.store import StoreGraph, load_site_store

if TYPE_CHECKING:
    from kgtool.plot import Picture
    from kgtool.store.engine import ProjectStore

DUMP_NAME = "dumps/kommunsamverkan"


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
        self.issued, self.modified = dates
        self.dataset = dataset if dataset is not None else dataset_version(project)
        self.renderer = Renderer(self.base, self.dataset)
        self.env = self.renderer.env
        self.warnings: list[str] = []
        self.drawing = Pictures(project, self.source_graph, self.base, self.warnings)
        self.queries = QueryPages(
            project, self.source_graph, self.renderer, self.modified, self.warnings
        )

    @classmethod
    def open(cls, project, base: str | None = None, contact_email: str | None = None) -> Site:
        """The site of ``project``: its files read into a store, its dates from git or data."""
        store = load_site_store(project.graph_files(), project.root)
        dates = dataset_dates(project.root, StoreGraph(store))
        return cls(project, store, dates, base, contact_email)

    def release_store(self) -> None:
        """Free the in-memory store: publish calls it once this process has written every file
        that reads the store while forked workers render the resource pages (each worker
        keeps the pages it shares with this process). Nothing here may read the store after."""
        for graph in (self.graph, self.source_graph):
            graph.close()
        self.store.triples = self.store.triple_count()  # still known
        self.store.store = None

    def move(self, term):
        """A term of the project graph as published under ``base``."""
        return move_term(term, self.base)

    # -- dumps and metadata -----------------------------------------------------------------

    def write_dumps(self, folder: Path) -> list[Dump]:
        """Write each dump (plain and gzipped) under ``folder``, streamed by the store's
        serialisers, the three at once (Oxigraph and zlib release the GIL while they write);
        the same graph gives the same bytes."""
        from concurrent.futures import ThreadPoolExecutor

        (folder / DUMP_NAME).parent.mkdir(parents=True, exist_ok=True)

        def dump(ext: str) -> None:
            path = folder / f"{DUMP_NAME}.{ext}"
            rdfio.dump_store(self.graph, path, ext)
            rdfio.gzip_file(path, path.with_name(path.name + ".gz"))

        with ThreadPoolExecutor(len(GRAPH_FORMATS)) as pool:
            list(pool.map(dump, GRAPH_FORMATS))
        written = []
        for ext in GRAPH_FORMATS:
            relative = f"{DUMP_NAME}.{ext}"
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
        return ontology.ontology_graph(self.graph, self.model.def_base)

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

    def resource_html(self, iri: URIRef, lang: str = "sv") -> str:
        """The page of a resource under ``id/``: a collaboration's and a municipality's with
        their summary (and a collaboration's pictures)."""
        model = self.models[lang]
        view = resource_view(model, iri, with_memberships=False)
        here = model.prefix + view.path
        kind = "resource"
        summary: CollaborationView | MunicipalityView | None = None
        if (iri, RDF.type, self.move(KS.Collaboration)) in self.graph:  # members in its summary
            kind, summary = "collaboration", collaboration_view(model, iri, here)
        elif (iri, RDF.type, self.move(KS.Municipality)) in self.graph:
            view.memberships = memberships(model, iri, here)  # its summary's collaborations
            kind, summary = "municipality", municipality_view(model, iri, here, view.memberships)
        else:
            view.memberships = memberships(model, iri, here)
        pictures = self.pictures(iri, lang) if kind == "collaboration" else {}
        return self.renderer.render(
            f"{kind}.html",
            view.path,
            lang,
            title=view.label,
            r=view,
            s=summary,
            pictures=pictures,
            pictures_left_out=self.drawing.left_out,
            content=False,
        )

    def pictures(self, iri: URIRef, lang: str) -> dict[str, Picture]:
        """A collaboration's pictures (see ``Pictures.of``)."""
        return self.drawing.of(iri, lang)

    @property
    def draws_pictures(self) -> bool:
        """Whether pictures are drawn: at most PICTURE_LIMIT collaborations."""
        return self.drawing.drawn

    def ontology_html(self, lang: str = "sv") -> str:
        return ontology.ontology_html(self.models[lang], self.renderer)

    def term_html(self, term: URIRef) -> str:
        return ontology.term_html(self.renderer, self.model.def_base, term)

    @cached_property
    def home(self) -> HomePage:
        return HomePage(self.graph, self.models, self.renderer)

    def search_entry(self, iri: URIRef) -> list:
        """One page in the search index: its path, names (both languages) and kinds."""
        return self.home.search_entry(iri)

    @cached_property
    def search_index(self) -> str:
        """Every page's name in both languages, for the static search (JSON, compact).

        Publish sets ``search_entries`` (path → entry) from the page workers; else each page's
        entry is looked up here."""
        return self.home.search_index(getattr(self, "search_entries", None) or {})

    def index_html(self, lang: str = "sv") -> str:
        from kgtool.web.site.releases import read_releases

        return self.home.html(
            lang,
            self.dumps,
            self.drawing.network(lang),
            self.drawing.left_out,
            bool(read_releases(self.project.root)),
        )

    # -- the saved queries' pages (see ``QueryPages``) ----------------------------------------

    @property
    def query_views(self) -> list[QueryView]:
        return self.queries.views

    @property
    def openapi(self) -> dict:
        return self.queries.openapi

    @property
    def openapi_text(self) -> str:
        return self.queries.openapi_text

    def query_names(self) -> list[str]:
        return self.queries.names()

    def queries_html(self, lang: str = "sv") -> str:
        return self.queries.catalogue_html(lang)

    def query_html(self, name: str, lang: str = "sv") -> str | None:
        return self.queries.query_html(name, lang)

    def api_docs_html(self, lang: str = "sv") -> str:
        return self.queries.api_docs_html(lang)

    def api_html(self, name: str, lang: str, data: dict, values: dict[str, str]) -> str:
        return self.queries.api_html(name, lang, data, values)

    def editor_html(self, lang: str = "sv", endpoint: str = "") -> str:
        return self.queries.editor_html(lang, endpoint)

    # -- static assets and the pages of both languages ------------------------------------

    @cached_property
    def static_files(self) -> dict[str, bytes]:
        """Relative path → bytes of the stylesheet, scripts and the vendored YASGUI."""
        return static_files()

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
