"""The one place that turns the project's files into a queryable graph: an Oxigraph store.

Every Turtle (``.ttl``) or N-Triples (``.nt``) file is parsed by Oxigraph's strict W3C parsers
into a named graph of its own (``urn:kgtool:file:<path>``), so each triple keeps the file it
came from; queries see the union of those graphs as their default graph.

The store is persistent and content-addressed: it lives in
``<cache>/store-<key>/`` where the key is a SHA-256 of every file's bytes and graph name plus the
kgtool and pyoxigraph versions (never paths' sizes or mtimes), and it is reused, opened
read-only, while the files are unchanged. ``<cache>`` is ``$KGTOOL_CACHE_DIR``, else
``$XDG_CACHE_HOME/kgtool``, else ``~/.cache/kgtool``; ``KGTOOL_NO_CACHE=1`` builds an in-memory
store instead.

Concurrency: a builder writes into its own hidden folder ``.build-<key>-<pid>-<random>`` and
publishes it with one ``rename``. When two processes build the same key at once, both build;
the first rename wins and the second process finds the folder taken, deletes its own copy and
opens the winner's (the two are identical: same bytes in, same store out). A reader never sees
a half-built store, since ``store-<key>`` exists only once complete.

Safety: a cache folder that another user owns, or that group or others may write to, is not
used (someone else could plant a store with other facts); the graph is then built in memory
and a warning says why.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import sys
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import InputError
from kgtool.project import shown_path

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.project import Project

CACHE_ENV = "KGTOOL_CACHE_DIR"
NO_CACHE_ENV = "KGTOOL_NO_CACHE"
STORE_LAYOUT = 1  # bump when the store's contents or layout change meaning
KEEP_STORES = 6  # stores kept in the cache folder, most recently used first
GRAPH_PREFIX = "urn:kgtool:file:"
_META = "kgtool-store.json"


@dataclass(frozen=True)
class SourceFile:
    """One graph file: where it is, how reports show it, and the named graph that holds it."""

    path: Path
    shown: str
    graph: str


@dataclass
class ProjectStore:
    """An Oxigraph store holding the project's files, one named graph each."""

    store: pyoxigraph.Store
    files: list[SourceFile]
    location: Path | None = None  # the persistent folder, or None for an in-memory store

    def triple_count(self) -> int:
        return len(self.store)

    def select(self, query: str) -> pyoxigraph.QuerySolutions:
        """The solutions of a SELECT over every file's graph (the union as the default graph)."""
        import pyoxigraph

        answer = self.store.query(query, use_default_graph_as_union=True)
        if not isinstance(answer, pyoxigraph.QuerySolutions):
            raise TypeError(f"not a SELECT query: {query[:60]!r}")
        return answer


def source_files(paths: Iterable[Path], root: Path | None) -> list[SourceFile]:
    """Graph files with their display paths and graph names."""
    out = []
    for path in paths:
        shown = shown_path(path, root)
        name = shown if not Path(shown).is_absolute() else path.resolve().as_posix()
        out.append(SourceFile(path, shown, GRAPH_PREFIX + name.replace(" ", "%20")))
    return out


def _rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    import pyoxigraph

    if path.suffix.lower() == ".nt":
        return pyoxigraph.RdfFormat.N_TRIPLES
    return pyoxigraph.RdfFormat.TURTLE


def _read(source: SourceFile) -> bytes:
    try:
        return source.path.read_bytes()
    except OSError as error:
        raise InputError(f"{source.shown}: cannot read: {error.strerror or error}") from None


def _check_utf8(source: SourceFile, data: bytes) -> None:
    """InputError naming the file and line of the first byte that is not UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{source.shown}:{line}: not UTF-8 text: {error.reason}") from None


def syntax_message(shown: str, error: SyntaxError) -> str:
    """``file:line:column: message`` from an Oxigraph parse error."""
    import re

    text = str(error.args[0]) if error.args else str(error)
    line, column = error.lineno, error.offset
    match = re.match(r"Parser error at line (\d+) between columns (\d+) and \d+: (.*)", text, re.S)
    if match:
        line, column, text = int(match.group(1)), int(match.group(2)), match.group(3)
    elif found := re.match(r"Parser error at line (\d+) column (\d+): (.*)", text, re.S):
        line, column, text = int(found.group(1)), int(found.group(2)), found.group(3)
    text = " ".join(text.split())
    where = f"{shown}:{line}:{column}" if line else shown
    return f"{where}: {text}"


def load_file(
    store: pyoxigraph.Store,
    source: SourceFile,
    data: bytes | None = None,
    default_graph: bool = False,
) -> None:
    """Parse one file strictly into its named graph (or the default graph); a syntax error is an
    InputError naming ``file:line:column``. Blank nodes are fresh for every file."""
    import pyoxigraph

    payload = _read(source) if data is None else data
    _check_utf8(source, payload)
    graph = pyoxigraph.DefaultGraph() if default_graph else pyoxigraph.NamedNode(source.graph)
    try:
        store.bulk_load(
            path=source.path,  # Oxigraph reads the file again: faster than handing it the bytes
            format=_rdf_format(source.path),
            base_iri=source.path.resolve().as_uri(),
            to_graph=graph,
        )
    except SyntaxError as error:
        raise InputError(syntax_message(source.shown, error)) from None


def check_file(path: Path, shown: str | None = None) -> None:
    """Parse ``path`` with Oxigraph's strict parser and discard it (InputError when invalid)."""
    import pyoxigraph

    parser_format = _rdf_format(path)
    source = SourceFile(path, shown or str(path), GRAPH_PREFIX + "check")
    data = _read(source)
    _check_utf8(source, data)
    try:
        for _ in pyoxigraph.parse(data, format=parser_format, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        raise InputError(syntax_message(source.shown, error)) from None


# --- the cache folder -------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where persistent stores live."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kgtool"


def unsafe_reason(folder: Path) -> str | None:
    """Why ``folder`` must not hold stores (owned by another user, writable by others), or None."""
    info = folder.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "it belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "others may write to it"
    return None


def _usable_cache() -> Path | None:
    """The cache folder, created private if missing; None (with a warning) when unsafe."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        reason = unsafe_reason(folder)
    except OSError as error:
        _warn(f"cache folder {folder} cannot be used ({error.strerror or error})")
        return None
    if reason:
        _warn(f"cache folder {folder} is not used: {reason}; building the graph in memory")
        return None
    return folder


def _warn(message: str) -> None:
    sys.stderr.write(f"kgtool: warning: {message}\n")


def store_key(files: list[SourceFile], contents: list[bytes]) -> str:
    """The content key: every file's graph name and bytes, and the engine's versions."""
    import pyoxigraph

    from kgtool.version import __version__

    digest = hashlib.sha256(
        f"kgtool {__version__} pyoxigraph {pyoxigraph.__version__} layout {STORE_LAYOUT}".encode()
    )
    for source, data in zip(files, contents, strict=True):
        digest.update(b"\0" + source.graph.encode() + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:40]


# --- opening and building -------------------------------------------------------------------


def open_project_store(project: Project, extra: Iterable[Path] = ()) -> ProjectStore:
    """The project's ontology and data as a store, from the cache when the files' contents are
    unchanged. With ``extra`` files (``--data``: ad-hoc files that change from run to run)
    everything is loaded into an in-memory store instead, so the cache holds only projects."""
    extra = [Path(p) for p in extra]
    return open_files([*project.graph_files(), *extra], root=project.root, cache=not extra)


def open_files(paths: Iterable[Path], root: Path | None = None, cache: bool = True) -> ProjectStore:
    """A store of the given graph files (see the module docstring for the cache)."""
    files = source_files(paths, root)
    contents = [_read(source) for source in files]
    if not cache:
        return _build_in_memory(files, contents)
    folder = _usable_cache()
    if folder is None:
        return _build_in_memory(files, contents)
    key = store_key(files, contents)
    target = folder / f"store-{key}"
    if not (target / _META).is_file():
        _build(target, files, contents)
    opened = open_read_only(target)
    _touch(target)
    return opened


def open_merged(paths: Iterable[Path], root: Path | None = None) -> pyoxigraph.Store:
    """A new in-memory store with every file's triples in its default graph (not cached).

    For whole-graph checks: Oxigraph answers a join over one default graph several times faster
    than over the union of named graphs, and parsing the files again is faster than copying a
    cached store (1 M triples: 2.5 s against 7.7 s, ``benchmarks/results/validate.md``).
    """
    import pyoxigraph

    store = pyoxigraph.Store()
    for source in source_files(paths, root):
        load_file(store, source, default_graph=True)
    return store


def _build_in_memory(files: list[SourceFile], contents: list[bytes]) -> ProjectStore:
    import pyoxigraph

    store = pyoxigraph.Store()
    for source, data in zip(files, contents, strict=True):
        load_file(store, source, data)
    return ProjectStore(store, files)


def _build(target: Path, files: list[SourceFile], contents: list[bytes]) -> None:
    """Build the store in a private folder, then publish it with one rename."""
    import pyoxigraph

    building = target.parent / f".build-{target.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        building.mkdir(mode=0o700)
        store = pyoxigraph.Store(str(building / "db"))
        for source, data in zip(files, contents, strict=True):
            load_file(store, source, data)
        store.flush()
        del store  # closes the database before the folder moves
        meta = {
            "layout": STORE_LAYOUT,
            "files": [{"path": f.shown, "graph": f.graph} for f in files],
        }
        (building / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(building, target)
        except OSError:
            if not (target / _META).is_file():  # not another builder's finished store
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)  # gone after a rename; debris otherwise
    _evict(target.parent, keep=target)


def open_read_only(location: Path) -> ProjectStore:
    """Open a built store read-only (any number of processes may do so at once)."""
    import pyoxigraph

    meta = json.loads((location / _META).read_text(encoding="utf-8"))
    files = [SourceFile(Path(f["path"]), f["path"], f["graph"]) for f in meta["files"]]
    return ProjectStore(pyoxigraph.Store.read_only(str(location / "db")), files, location)


def _touch(target: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(target)


def _evict(folder: Path, keep: Path) -> None:
    """Remove all but the most recently used stores, and builders' debris older than a day."""
    import time

    stores = sorted(
        (p for p in folder.glob("store-*") if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in stores[KEEP_STORES - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    for debris in folder.glob(".build-*"):
        try:
            if time.time() - debris.stat().st_mtime > 86400:
                shutil.rmtree(debris, ignore_errors=True)
        except OSError:
            pass
