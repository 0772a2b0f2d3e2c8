"""The resource pages of a publish: each resource's page (sv, en) and RDF files, rendered by
forked worker processes that share the publishing process's store (``ResourcePages``), or in
this process when there is one processor or few pages."""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import sys
from array import array
from pathlib import Path

from kgtool import atomic
from kgtool.errors import KgtoolError
from kgtool.web import incremental


def writer(staging: Path, out: Path, written: list[str]):
    """A function that writes one file of the site into ``staging`` and notes its path."""
    folder = os.path.join(staging, "")  # text, not ``Path``: hundreds of thousands of files

    def write(relative: str, data: bytes | str) -> None:
        try:
            atomic.write_staged(folder + relative, data)
        except OSError as error:
            raise KgtoolError(f"-o {out}: cannot write {relative}: {error.strerror}") from error
        written.append(relative)

    return write


def _resource_files(site, iri, folder: str, write) -> tuple[list, set[str]]:
    """The files of one resource: its page in both languages and its RDF in every format;
    returns its entry in the search index and the nodes it looked up."""
    from kgtool.web import rdfio

    with site.graph.page() as deps:
        write(folder + "index.html", site.resource_html(iri))
        write("en/" + folder + "index.html", site.resource_html(iri, "en"))
        entry = site.search_entry(iri)
        for ext, data in rdfio.resource_files(site.graph, iri).items():
            write(folder + f"index.{ext}", data)
    return entry, deps


#: The site the worker processes render from (set before they fork: they share its store).
_SITE = None
#: Resources per task given to a worker.
CHUNK = 100
#: The folder inside the staging folder where the workers spool their results.
SPOOL = ".kgtool-pages"


def die_with_publish(parent: int) -> None:
    """In a worker: die with the publishing process (a killed publish must not leave workers
    writing into a staging folder that the next publish removes)."""
    import signal

    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the check in _render_chunk remains
        pass
    if os.getppid() != parent:
        os._exit(1)


def _render_chunk(task) -> tuple[int, list[str]]:
    """In a worker: write the files of a slice of resources, and what the publishing process
    needs of them into the spool file ``spooled`` (see ``ResourcePages``); (the pages done,
    warnings)."""
    pages, staging, out, parent, spooled = task
    if os.getppid() != parent:  # the publishing process is gone: stop
        os._exit(1)
    written: list[str] = []
    write = writer(staging, out, written)
    entries = [_resource_files(_SITE, iri, folder, write) for iri, folder in pages]
    # The paths as one string separated by NUL: less to pickle and to hold than a list.
    result = ("\0".join(written), entries)
    atomic.write_staged(spooled, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    return len(pages), list(_SITE.warnings)


def workers() -> int:
    """Processes to render pages with: the usable processors, at most 4."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, 4))


def _close_shared_fonts() -> None:
    """Close the fonts matplotlib has open before forking (a notebook, or an earlier picture in
    this process): a forked worker shares their open files, and its closing them moves the file
    position under this process's reads ("FT_Load_Glyph ... invalid outline"). They are opened
    again on the next picture."""
    font_manager = sys.modules.get("matplotlib.font_manager")
    clear = getattr(getattr(font_manager, "_get_font", None), "cache_clear", None)
    if clear is not None:
        clear()
        gc.collect()  # fonts held in reference cycles are closed now, not after the fork


def give_back_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc keeps what Oxigraph freed for later
    use); nothing where the C library has no ``malloc_trim``."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


class ResourcePages:
    """Every resource's files, rendered by ``jobs`` forked processes (they share the store)
    while the publishing process writes the rest of the site; ``finish`` waits for them.

    Each worker writes what the publishing process needs of its pages (the paths written,
    search entries and the nodes each page looked up: some 100 MB at a million triples) into a
    spool folder inside the staging folder, read only once the workers have ended: the
    workers' memory (each holds a copy of the store's pages it read) and this are never
    held at once. The spool is removed before the site is switched into place; a killed
    publish leaves it inside the staging folder the next one removes."""

    def __init__(self, site, pages: list, staging: Path, out: Path, jobs: int, progress: bool,
                 nodes: list[str]):  # fmt: skip
        from tqdm import tqdm

        self.site, self.pages, self.staging, self.out = site, pages, staging, out
        self.written: list[str] = []
        self.entries: dict[str, list] = {}
        self.deps: dict[str, array] = {}  # each page's nodes, numbered in ``self.table``
        self.table = incremental.NodeTable(nodes)
        self.bar = tqdm(total=len(pages), desc="pages", unit="page", disable=not progress,
                        leave=False)  # fmt: skip
        self.pool = self.results = None
        self.spool = staging / SPOOL
        if jobs > 1 and len(pages) > CHUNK:
            self._start(jobs)

    def _start(self, jobs: int) -> None:
        global _SITE
        import multiprocessing

        parent = os.getpid()
        self.spool.mkdir()
        tasks = [
            (self.pages[i : i + CHUNK], self.staging, self.out, parent, self.spool / f"{i:09d}")
            for i in range(0, len(self.pages), CHUNK)
        ]
        _SITE = self.site
        _close_shared_fonts()
        gc.freeze()  # the workers' collections leave this process's objects (and pages) alone
        try:
            context = multiprocessing.get_context("fork")
            self.pool = context.Pool(jobs, initializer=die_with_publish, initargs=(parent,))
        finally:
            _SITE = None
        self.results = self.pool.imap_unordered(_render_chunk, tasks)

    def finish(self) -> list[str]:
        """Wait for (or, with one process, render) every resource; the paths written."""
        site = self.site
        try:
            if self.pool is None:
                write = writer(self.staging, self.out, self.written)
                for iri, folder in self.pages:
                    self._take(*_resource_files(site, iri, folder, write))
                    self.bar.update()
            else:
                for done, warnings in self.results:
                    site.warnings += [w for w in warnings if w not in site.warnings]
                    self.bar.update(done)
                self.pool.close()
                self.pool.join()
                self.pool = None
                self._read_spool()
        finally:
            self.close()
            gc.unfreeze()
        site.search_entries = {**getattr(site, "search_entries", {}), **self.entries}
        return self.written

    def _take(self, entry: list, deps) -> None:
        """One rendered page's search entry (its folder first) and the nodes it looked up."""
        self.entries[entry[0]] = entry
        self.deps[entry[0]] = self.table.numbers(deps)

    def _read_spool(self) -> None:
        """Take in what the workers spooled, task by task in order (``close`` removes it)."""
        for spooled in sorted(self.spool.iterdir()):
            paths, pages = pickle.loads(spooled.read_bytes())
            for entry, deps in pages:
                self._take(entry, deps)
            if paths:
                self.written += paths.split("\0")

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
        shutil.rmtree(self.spool, ignore_errors=True)
        self.bar.close()
