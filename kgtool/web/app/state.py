"""What the server holds while it runs: the store, the query pool, the site and its pages.

The pages' model (the data's own IRIs: /id/… is <https://w3id.org/kommunsamverkan/id/…>) is
built on first use in a thread, so /sparql and /api answer at once; each page is rendered once
(the data does not change while serving), the most visited kept.
"""

from __future__ import annotations

import asyncio
import functools
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rdflib import URIRef
from starlette.responses import Response

from kgtool.store.engine import open_project_store
from kgtool.web import negotiate as ng
from kgtool.web import rdfio
from kgtool.web.app.http import VARY
from kgtool.web.serve_protocol import page_policy
from kgtool.web.site.build import Site
from kgtool.web.workers import QueryPool, ReplyCache

if TYPE_CHECKING:
    from rdflib import Graph

    from kgtool.project import Project
    from kgtool.query.catalogue import SavedQuery
    from kgtool.query.names import NameIndex
    from kgtool.web.settings import ServeSettings

T = TypeVar("T")

PAGES_KEPT = 1024  # a page is some 10-50 kB: bounded, the most visited kept


DUMPS_PREFIX = "kgtool-serve-dumps-"  # then the server's process id, "-" and a random part


def _running(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True


def remove_stale_dump_folders(parent: Path | None = None) -> list[str]:
    """Remove the dumps folders (``DUMPS_PREFIX<pid>-…`` in the temporary folder) of servers
    that are no longer running: killed (SIGKILL, a crash) before they could remove their own.
    Only this user's folders; the names removed."""
    import os
    import shutil

    removed = []
    for path in (parent or Path(tempfile.gettempdir())).glob(DUMPS_PREFIX + "*"):
        pid = path.name[len(DUMPS_PREFIX) :].partition("-")[0]
        try:
            mine = path.lstat().st_uid == os.getuid()
        except OSError:
            continue
        if pid.isdigit() and mine and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


class LazySite:
    """The site model, built on first use (once, under a lock) and then shared; its dumps are
    written once to a private folder and served from there (at a million triples they are
    hundreds of MB: never held in memory). The folder is removed by ``close`` (the server's
    shutdown), when this object is collected or the interpreter exits, and else (the process
    killed) by the next server that writes dumps: its name holds the process id."""

    def __init__(self, build: Callable[[], Site]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._site: Site | None = None
        self._dumps_lock = threading.Lock()
        self._dumps: Path | None = None
        self._remove_dumps: Callable[[], object] = lambda: None

    @property
    def ready(self) -> bool:
        return self._site is not None

    def load(self) -> Site:
        with self._lock:
            if self._site is None:
                site = self._build()
                # Compiled now, with the model: else the first page of each kind waits for its
                # template (0.1-0.4 s each on a loaded machine).
                for name in site.env.list_templates(filter_func=lambda n: n.endswith(".html")):
                    site.env.get_template(name)
                self._site = site
        return self._site

    def with_dumps(self) -> Site:
        """The site, its dumps written (once; slow for a big graph: call it in a thread)."""
        import os
        import shutil
        import weakref

        site = self.load()
        with self._dumps_lock:
            if self._dumps is None:
                remove_stale_dump_folders()
                folder = Path(tempfile.mkdtemp(prefix=f"{DUMPS_PREFIX}{os.getpid()}-"))
                self._remove_dumps = weakref.finalize(self, shutil.rmtree, folder, True)
                site.write_dumps(folder)
                self._dumps = folder
        return site

    def close(self) -> None:
        """Remove the dumps' folder (the server stops; not waiting for dumps being written)."""
        self._remove_dumps()

    def dump_path(self, name: str) -> Path | None:
        """The file of the dump ``name`` (``dumps/kommunsamverkan.nt.gz``), or None."""
        site = self.with_dumps()
        if self._dumps is None or name not in {dump.path for dump in site.dumps}:
            return None
        return self._dumps / name


class Pages:
    """Each page of the site, rendered once; pages that run or parse SPARQL hold ``parse_lock``
    (rdflib's SPARQL parser, pyparsing, is not thread-safe)."""

    def __init__(self, site: LazySite, parse_lock: threading.Lock) -> None:
        self._site = site
        self._parse_lock = parse_lock
        cache = functools.lru_cache(maxsize=PAGES_KEPT)
        self.index = cache(self.index)
        self.ontology = cache(self.ontology)
        self.queries = cache(self.queries)
        self.editor = cache(self.editor)
        self.query = cache(self.query)
        self.resource = cache(self.resource)
        self.term = cache(self.term)
        self.api_docs = cache(self.api_docs)

    def _parsing(self, render: Callable[[], T]) -> T:
        with self._parse_lock:
            return render()

    def index(self, lang: str = "sv") -> str:
        return self._site.with_dumps().index_html(lang)

    def ontology(self, lang: str = "sv") -> str:
        return self._site.load().ontology_html(lang)

    def queries(self, lang: str = "sv") -> str:
        return self._parsing(lambda: self._site.load().queries_html(lang))

    def editor(self, lang: str = "sv") -> str:
        return self._parsing(lambda: self._site.load().editor_html(lang))

    def query(self, name: str, lang: str = "sv") -> str | None:
        return self._parsing(lambda: self._site.load().query_html(name, lang))

    def resource(self, subject: URIRef, lang: str) -> str:
        return self._site.load().resource_html(subject, lang)

    def api_docs(self, lang: str = "sv") -> str:
        return self._site.load().api_docs_html(lang)

    def api(self, name: str, lang: str, data: dict, values: dict[str, str]) -> str:
        """The ``/api/<name>`` page of one answer (not kept: answers vary with parameters)."""
        return self._parsing(lambda: self._site.load().api_html(name, lang, data, values))

    def term(self, iri: URIRef) -> str:
        return self._site.load().term_html(iri)


class ServerState:
    """The server's state, shared by the route families (``pages``, ``resources``, ``queries``)."""

    def __init__(self, project: Project, settings: ServeSettings) -> None:
        self.project = project
        self.settings = settings
        self.store = open_project_store(project)  # built or reused; the workers open it read-only
        self.site = LazySite(lambda: Site.open(self.project))
        self.parse_lock = threading.Lock()
        self.pages = Pages(self.site, self.parse_lock)
        self.pool = QueryPool(
            project.root,
            settings.workers,
            settings.timeout,
            self.store.location,
            settings.worker_memory_mb,
            quick=settings.quick_workers,
            quick_seconds=settings.quick_seconds,
            queue_wait=settings.queue_wait,
            queue_size=settings.queue_size,
        )
        self.answers = ReplyCache(settings.cache_mb * 1024 * 1024) if settings.cache_mb else None
        self.policy = functools.lru_cache(maxsize=1024)(page_policy)  # pages repeat: hash once
        self.saved_query = functools.lru_cache(maxsize=256)(self.saved_query)
        self.query_form = functools.lru_cache(maxsize=1024)(self.query_form)
        self.names = functools.cache(self.names)
        self.def_terms = functools.cache(self.def_terms)
        self.resource_bytes = functools.lru_cache(maxsize=PAGES_KEPT)(self.resource_bytes)

    def saved_query(self, name: str) -> SavedQuery:
        """A saved query as it was when first asked for (the store is fixed while serving too)."""
        from kgtool.query.catalogue import get_query

        return get_query(self.project, name)

    def query_form(self, text: str) -> str:
        """The query's form after the read-only check without a parse (QueryRefused or
        KgtoolError if not): the worker parses it, under the time limit."""
        from kgtool.query.run import check_read_only
        from kgtool.terms import PREFIX_IRIS

        return check_read_only(text, False, None, PREFIX_IRIS, parse=False)

    def names(self) -> NameIndex:
        from kgtool.query.names import NameIndex

        return NameIndex.from_store(self.store)

    def def_terms(self) -> frozenset[URIRef]:
        return frozenset(self.site.load().model.def_terms())

    async def loaded(self) -> Site:
        """The site model (built in a thread, once); pages never wait for a query worker."""
        if not self.site.ready:
            await asyncio.to_thread(self.site.load)
        return self.site.load()

    async def with_dumps(self) -> Site:
        """The site with its dumps written (in a thread, once: the event loop keeps serving)."""
        return await asyncio.to_thread(self.site.with_dumps)

    def html(self, text: str) -> Response:
        headers = {**VARY, "Content-Security-Policy": self.policy(text)}
        return Response(text, media_type="text/html; charset=utf-8", headers=headers)

    def resource_bytes(self, subject: URIRef, media: str) -> bytes:
        return rdfio.resource_files(self.site.load().graph, subject)[ng.RDF_TYPES[media]]

    def resource_rdf(self, subject: URIRef, media: str) -> Response:
        return Response(self.resource_bytes(subject, media), media_type=media, headers=VARY)

    def rdf(self, graph: Graph, media: str) -> Response:
        body = rdfio.serialise(graph, ng.RDF_TYPES[media])
        return Response(body, media_type=media, headers=VARY)

    def warm_up(self) -> None:
        """Build the site and render the slowest pages, before anyone waits for them."""
        self.site.with_dumps()
        self.pages.queries()
        for lang in ("sv", "en"):
            self.pages.index(lang)
            self.pages.ontology(lang)
