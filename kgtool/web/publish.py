"""``kgtool publish``: the whole graph as a static linked-data site any web server can host.

Layout of the output folder::

    index.html, en/index.html      collaborations, search, downloads, metadata (sv; en)
    en/…                           every HTML page again in English
    search.json, static/           the search index; stylesheet, scripts, vendored YASGUI
    sparql/index.html              the SPARQL editor (needs an endpoint: kgtool serve)
    dumps/kommunsamverkan.{ttl,nt,jsonld}[.gz]
    void.ttl, catalog.ttl          VoID and DCAT-AP (DCAT-AP-SE) metadata
    id/<path>/index.{html,ttl,nt,jsonld}   one folder per resource (IRI …/id/<path>)
    def/index.{html,ttl,nt,jsonld} the ontology and its documentation
    def/<Term>/index.{html,ttl,nt,jsonld}  each term: a link to its anchor, and its RDF
    .htaccess                      Apache: MultiViews negotiates the index.* files
    queries/index.html             the saved queries; queries/<name>/ a form and the answer
    api/openapi.json               OpenAPI 3.1 of ``kgtool serve``'s /api/<name> (saved queries)

The site is built in a sibling folder ``.NAME.kgtool-…`` and switched into place in one step
(:mod:`kgtool.atomic`): a reader of the output folder sees the old site or the new one, never a
mix. Files in the output folder that an earlier publish did not write (its manifest,
``.kgtool-manifest``, lists what it wrote) are carried over; files it wrote and this one does
not are gone. An interrupted publish leaves the old site and at most the sibling folder, which
the next publish removes. The old site, once replaced, is deleted by a detached process
(``atomic.remove_in_background``): the publish does not wait for it.

A host serves ``…/id/municipality/1980`` from the folder ``id/municipality/1980/`` (a
redirect to the trailing slash, as static hosts do); Apache's MultiViews can negotiate the
``index.*`` files by media type. The same input always gives the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

from kgtool import atomic
from kgtool.errors import KgtoolError
from kgtool.query.result import GRAPH_FORMATS
from kgtool.web import incremental
from kgtool.web.resource_pages import (
    CHUNK,
    ResourcePages,
    die_with_publish,
    give_back_freed_memory,
    workers,
    writer,
)

_EMAIL = re.compile(r"[^@\s<>\"{}|\\^`]+@[^@\s<>\"{}|\\^`]+\.[^@\s<>\"{}|\\^`]+")


@dataclass(frozen=True)
class PublishResult:
    """What was written and how long it took."""

    out_dir: Path
    files: int
    pages: int
    triples: int
    seconds: float
    warnings: tuple[str, ...] = ()
    rendered: int = 0  # resource pages rendered (the others reused: incremental publish)
    full_because: str | None = None  # why every page was rendered, when that was not asked


MANIFEST = ".kgtool-manifest"


def _phase(progress: bool, started: float, name: str) -> None:
    """With ``progress``: the phase on stderr, with the seconds since ``started`` (the
    publish's start, ``time.perf_counter``)."""
    if progress:
        sys.stderr.write(f"kgtool publish: {name} ({time.perf_counter() - started:.1f} s)\n")


def _manifest_entries(out: Path) -> list[str]:
    """What the last publish into ``out`` wrote (read from its manifest; may be absent)."""
    try:
        return (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _build(
    site, staging: Path, out: Path, jobs: int = 1, progress: bool = False, plan=None,
    *, started: float,
) -> tuple[list[str], dict[str, array], list[str]]:  # fmt: skip
    """Write every file of the site into ``staging`` (of the resource pages, those ``plan``
    renders); their relative paths, the nodes each rendered page looked up (as numbers) and
    the node texts they number (the last publish's, then the new ones).

    The resource pages are rendered by worker processes while this one writes the dumps,
    metadata, ontology and index pages."""
    from kgtool.web import rdfio

    written: list[str] = []
    write = writer(staging, out, written)
    pages = sorted(site.model.pages.items(), key=lambda item: item[1])
    if plan is not None:
        pages = [(iri, folder) for iri, folder in pages if folder in plan.render]
        site.search_entries = dict(plan.entries)
    _phase(progress, started, "pages")
    nodes = [] if plan is None else plan.state.nodes
    resources = ResourcePages(site, pages, staging, out, jobs, progress, nodes)
    try:
        if resources.pool is not None:
            _phase(progress, started, "dumps, metadata, ontology and indexes (beside the pages)")
        try:
            written += [dump.path for dump in site.write_dumps(staging)]
        except OSError as error:
            raise KgtoolError(f"-o {out}: cannot write dumps/: {error.strerror}") from error
        from kgtool.web.site.releases import release_files  # releases/VERSION/…, by `release`

        for relative, data in release_files(site.project.root).items():
            write(relative, data)
        write("void.ttl", rdfio.to_turtle(site.void))
        write("catalog.ttl", rdfio.to_turtle(site.dcat))
        write("api/openapi.json", site.openapi_text)
        for ext in GRAPH_FORMATS:
            write(f"def/index.{ext}", rdfio.serialise(site.ontology_graph, ext))
        for term in sorted(site.model.def_terms()):
            anchor = str(term)[len(site.model.def_base) :]
            write(f"def/{anchor}/index.html", site.term_html(term))
            for ext in GRAPH_FORMATS:
                write(f"def/{anchor}/index.{ext}", rdfio.serialise(site.term_graph(term), ext))
        write(".htaccess", site.env.loader.get_source(site.env, "htaccess.txt")[0])
        for relative, data in site.static_files.items():
            write(relative, data)
        for relative, text in site.html_pages():  # index, ontology, queries, editor; sv and en/
            write(relative, text)
        if resources.pool is not None and plan is None:  # nothing reads the store here now
            site.release_store()
            give_back_freed_memory()
        written += resources.finish()
    finally:
        resources.close()
    write("search.json", site.search_index)
    return written, resources.deps, resources.table.nodes


def publish(
    project,
    out_dir: str | os.PathLike[str],
    base: str | None = None,
    contact_email: str | None = None,
    *,
    jobs: int | None = None,
    progress: bool = False,
    full: bool = False,
) -> PublishResult:
    """Write the static site for ``project`` into ``out_dir``, IRIs under ``base`` if given.

    ``contact_email`` is the publishing organisation's address for the DCAT contact point;
    ``jobs`` the processes that render pages (default: ``workers()``); ``progress`` shows the
    phase and a progress bar on stderr. Into a folder an earlier publish wrote, only the
    resource pages whose inputs changed are rendered (``kgtool.web.incremental``) unless
    ``full``; the result says why a full publish was made where one was not asked for.
    """
    from kgtool.web.site.build import Site
    from kgtool.web.site.rebase import check_base

    started = time.perf_counter()
    if base is not None:
        try:
            check_base(base)
        except ValueError as error:
            raise KgtoolError(f"--base: {error}") from error
    if contact_email is not None and not _EMAIL.fullmatch(contact_email):
        raise KgtoolError(f"--contact-email: {contact_email!r} is not an e-mail address")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KgtoolError(f"-o {out}: exists and is not a folder")
    target = out.resolve()  # a link to a folder: the folder is what gets replaced
    early = None
    if not full and target.is_dir():
        try:  # only a head start: what it cannot do, loading the store and the plan tell
            early = incremental.early_plan(project, target, base)
        except (KgtoolError, OSError):  # e.g. a syntax error: the store's loader names it
            early = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.remove_leftovers(target, background=True)
        staging = atomic.staging_folder(target)
    except OSError as error:
        raise KgtoolError(f"-o {out}: cannot create the folder: {error.strerror}") from error
    switched = False
    carry = _CarryOver(early if isinstance(early, incremental.Early) else None, target, staging)
    try:  # the unchanged pages are linked (and the user's files listed) while the store loads
        _phase(progress, started, "loading the graph")
        site = Site.open(project, base, contact_email)
        inputs = incremental.input_hashes(site)
        plan, reason = _plan(site, target, full, inputs, carry.early)
        if plan is None and carry.early is not None:  # linked in vain: a full publish
            carry.stop_linking()
            staging = _fresh_staging(staging, target)
        jobs = workers() if jobs is None else jobs
        written, plan, reason, staging = _write_site(
            site, staging, target, out, jobs, progress, started, plan, reason, inputs, carry
        )
        atomic.write_atomic(staging / MANIFEST, "".join(f"{r}\n" for r in sorted(written)))
        _phase(progress, started, "switching the new site into place")
        atomic.replace_folder(staging, target, background=True)  # the old site: not waited for
        switched = True
        incremental.keep_inputs(site, inputs)
    except OSError as error:
        raise KgtoolError(f"-o {out}: cannot write the site: {error.strerror}") from error
    finally:
        carry.stop()  # (done by now, unless something failed)
        if not switched and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return PublishResult(
        out_dir=out,
        files=len(written),
        pages=len(site.model.pages),
        triples=site.store.triple_count(),
        seconds=time.perf_counter() - started,
        warnings=tuple(site.warnings),
        rendered=len(site.model.pages) if plan is None else len(plan.render),
        full_because=reason,
    )


def _write_site(
    site, staging: Path, target: Path, out: Path, jobs: int, progress: bool, started: float, plan,
    reason: str | None, inputs: dict, carry: _CarryOver,
) -> tuple[list[str], object, str | None, Path]:  # fmt: skip
    """Build the site into ``staging`` while ``carry``'s processes link the reused pages'
    files from ``target`` and list the user's own files there, copy those, record the state;
    (the paths written, the plan, why a full publish, the staging folder): the plan is
    dropped (and the staging folder a new one) when a file to reuse was changed after the
    last publish."""
    try:
        written, rendered, nodes = _build(site, staging, out, jobs, progress, plan, started=started)
    except BaseException:
        carry.stop()  # before the staging folder is deleted
        raise
    _phase(progress, started, "waiting for the unchanged pages' links")
    why, unrelated = carry.finish()
    if why is None and plan is not None:
        why = _settle_links(plan, carry, target, staging)
    if why is not None and plan is not None:  # a file to reuse was changed: every page after all
        plan, reason = None, why
        staging = _fresh_staging(staging, target)
        site.search_entries = {}
        written, rendered, nodes = _build(site, staging, out, jobs, progress, None, started=started)
    if plan is not None:
        written += [f for d in plan.reuse for f in incremental.page_files(d)]
    done = set(written)  # the user's own files: the site's win where both have a file
    mine = [name for name in unrelated if name not in done]
    clash = _in_the_way(written, mine)
    if clash is not None:
        ours, theirs = clash
        raise KgtoolError(
            f"-o {out}: cannot write {ours}: {theirs} is in the way (a file kgtool did not "
            "write); move it and publish again"
        )
    atomic.copy_files(target, staging, mine)
    _phase(progress, started, "recording what the next publish needs")
    deps: dict = dict(rendered)
    if plan is not None:
        old = {folder: i for i, folder in enumerate(plan.state.pages)}
        deps.update((folder, plan.state.page_deps(old[folder])) for folder in plan.reuse)
    written += incremental.write_state(staging, site, inputs, deps, nodes)
    return written, plan, reason, staging


def _settle_links(plan, carry: _CarryOver, target: Path, staging: Path) -> str | None:
    """Make the pages linked in advance (before the store was loaded) the plan's: link those
    it reuses that were not, remove those it neither reuses nor rendered (a page the site no
    longer has); None, or why a full publish is needed."""
    linked = set(carry.reuse)
    missing = [folder for folder in plan.reuse if folder not in linked]
    limit = plan.state.finished_ns
    why = incremental.link_reused(missing, limit, target, staging) if missing else None
    keep = set(plan.reuse) | plan.render
    incremental.unlink_pages([folder for folder in carry.reuse if folder not in keep], staging)
    return why


def _fresh_staging(staging: Path, target: Path) -> Path:
    """A new, empty staging folder; ``staging`` is deleted in the background (deleting many
    links takes long)."""
    atomic.remove_in_background([staging])
    return atomic.staging_folder(target)


def _in_the_way(written: list[str], mine: list[str]) -> tuple[str, str] | None:
    """(the site's path, the user's path) where one of the user's own files stands where the
    site has a folder, or inside a path the site writes as a file; None if none does."""
    if not mine:
        return None
    import bisect

    files, ordered = set(written), sorted(written)
    for name in mine:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in files:
                return folder, name
        at = bisect.bisect_left(ordered, name + "/")
        if at < len(ordered) and ordered[at].startswith(name + "/"):
            return name + "/", name
    return None


def _plan(site, target: Path, full: bool, inputs: dict, early=None):
    """(plan, why a full publish): an incremental publish's plan, or None and the reason for
    a full publish (None when the folder is new)."""
    if full:
        return None, "--full"
    if not target.is_dir():
        return None, None
    plan = incremental.plan(site, target, inputs, early)
    if isinstance(plan, str):
        return None, plan
    return plan, None


#: Processes that link the unchanged pages' files (the kernel's work: mostly ``mkdir``).
LINKERS = 2


def _link_child(connection, parent: int, folders: list[str], limit: int, target: Path,
                staging: Path) -> None:  # fmt: skip
    die_with_publish(parent)
    try:
        connection.send(incremental.link_reused(folders, limit, target, staging))
    except OSError as error:
        connection.send(error)


def _unrelated(target: Path) -> list[str]:
    """The files in ``target`` an earlier publish did not write (the user's own)."""
    return atomic.unrelated_files(target, {*_manifest_entries(target), MANIFEST})


def _unrelated_child(connection, parent: int, target: Path) -> None:
    die_with_publish(parent)
    try:
        connection.send(_unrelated(target))
    except OSError as error:
        connection.send(error)


class _CarryOver:
    """What the old site in ``target`` gives the new one, made in forked processes from the
    start of the publish (before the store is loaded) while this one builds the site: the
    files of the pages ``early`` expects to reuse hard-linked into ``staging`` (in
    ``LINKERS`` processes: hundreds of thousands of links and folders, mostly system calls),
    and the list of the files kgtool did not write there. In this process where processes
    cannot be forked."""

    def __init__(self, early, target: Path, staging: Path):
        import multiprocessing

        self.early, self.target, self.staging = early, target, staging
        self.reuse: list[str] = [] if early is None else early.reuse
        self.limit = 0 if early is None else early.state.finished_ns
        self.linkers: list = []
        self.lister = None
        if not target.is_dir() or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        parent = os.getpid()
        self.lister = self._start(context, _unrelated_child, parent, target)
        pages = len(self.reuse)
        parts = LINKERS if pages > CHUNK else 1
        for part in range(parts if pages else 0):
            share = self.reuse[pages * part // parts : pages * (part + 1) // parts]
            self.linkers.append(
                self._start(context, _link_child, parent, share, self.limit, target, staging)
            )

    @staticmethod
    def _start(context, function, *args):
        receiving, sending = context.Pipe(duplex=False)
        process = context.Process(target=function, args=(sending, *args), daemon=True)
        process.start()
        sending.close()
        return process, receiving

    def stop_linking(self) -> None:
        """Stop linking (the plan reuses nothing after all) and forget what was linked."""
        for process, connection in self.linkers:
            process.kill()
            process.join()
            connection.close()
        self.linkers, self.early, self.reuse = [], None, []

    def stop(self) -> None:
        self.stop_linking()
        if self.lister is not None:
            process, connection = self.lister
            process.kill()
            process.join()
            connection.close()
            self.lister = None

    @staticmethod
    def _answer(started):
        process, connection = started
        try:
            answer = connection.recv()
        except EOFError:
            answer = OSError(0, "the process that links the unchanged pages died")
        finally:
            connection.close()
            process.join()
        if isinstance(answer, OSError):
            raise answer
        return answer

    def finish(self) -> tuple[str | None, list[str]]:
        """Wait for them (nothing writes into the staging folder afterwards): (why the pages
        cannot be reused or None, the files kgtool did not write)."""
        if not self.target.is_dir():
            return None, []
        if self.lister is None and not self.linkers:  # no processes: here and now
            why = None
            if self.reuse:
                why = incremental.link_reused(self.reuse, self.limit, self.target, self.staging)
            return why, _unrelated(self.target)
        whys = [self._answer(started) for started in self.linkers]
        self.linkers = []
        unrelated = self._answer(self.lister)
        self.lister = None
        return next((why for why in whys if why is not None), None), unrelated
