"""The one place that turns the project's files into a queryable graph: an Oxigraph store
(each file read and parsed strictly by :mod:`kgtool.store.files`).

Every Turtle (``.ttl``) or N-Triples (``.nt``) file is parsed by Oxigraph's strict W3C parsers
into a named graph of its own (``urn:kgtool:file:<path>``), so each triple keeps the file it
came from; queries see the union of those graphs as their default graph.

The store is persistent and content-addressed: it lives in ``<cache>/store-<key>/`` where the
key is a hash of every file's graph name and content hash plus the kgtool and pyoxigraph
versions, and it is reused, opened read-only, while the files are unchanged. ``<cache>`` is
``$KGTOOL_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgtool``, else ``~/.cache/kgtool``;
``KGTOOL_NO_CACHE=1`` builds an in-memory store instead.

It never serves content that is not in the files:

* What is loaded is exactly what was hashed: each file is read once into memory, hashed
  (BLAKE3), and parsed from those bytes; a file edited meanwhile cannot slip in under the old key.
* A warm start need not read the files: a memo (``<cache>/memo/<project>.json``) keeps each
  file's hash with its size, mtime, inode, device and ctime; any change to one of these and
  the file is read and hashed again. A file changed within 2 s of being hashed is not memoised
  (a second write in the same clock tick could leave all five unchanged).
* A builder writes into its own hidden folder ``.build-<key>-<pid>-<random>``, checks it
  (the graphs are the files', the database is closed cleanly), records the database's files
  with their sizes and mtimes, and publishes the folder with one ``rename``. Two builders of
  one key both build; the first rename wins, the other deletes its copy and opens the winner's.
* Opening checks the database's files against that record (a truncated, overwritten or
  deleted file is seen without reading it); a damaged or unreadable store is set aside with one
  warning and rebuilt, and a cache folder that cannot hold a store (read-only, full) gives one
  warning and an in-memory graph. The answer is right either way.
* Each process using a store holds a shared lock on its ``readers.lock``; eviction (the
  ``KEEP_STORES`` most recently used stores of each project are kept, other projects' stores
  unused for ``STALE_DAYS`` go) takes the lock exclusively or leaves the store alone, so a
  running server's store is never removed under it.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.atomic import write_atomic
from kgtool.errors import InputError
from kgtool.store.files import GRAPH_PREFIX as GRAPH_PREFIX
from kgtool.store.files import SourceFile as SourceFile
from kgtool.store.files import _rdf_format as _rdf_format  # the site's store reads files too
from kgtool.store.files import _read, load_file
from kgtool.store.files import check_file as check_file
from kgtool.store.files import source_files as source_files
from kgtool.store.files import syntax_message as syntax_message

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.project import Project

CACHE_ENV = "KGTOOL_CACHE_DIR"
NO_CACHE_ENV = "KGTOOL_NO_CACHE"
STORE_LAYOUT = 2  # bump when the store's contents or layout change meaning
KEEP_STORES = 4  # stores kept per project, most recently used first (never one in use)
STALE_DAYS = 30  # other projects' stores unused this long are removed (never one in use)
_META = "kgtool-store.json"
_LOCK = "readers.lock"  # each process using the store holds a shared lock on it


@dataclass
class ProjectStore:
    """An Oxigraph store holding the project's files, one named graph each."""

    store: pyoxigraph.Store
    files: list[SourceFile]
    location: Path | None = None  # the persistent folder, or None for an in-memory store
    triples: int | None = None  # counted when it was built
    lock: Any = field(default=None, repr=False)  # the reader lock, held while this is alive
    digests: list[str] | None = None  # the files' content hashes, when the loader kept them

    def triple_count(self) -> int:
        return len(self.store) if self.triples is None else self.triples

    def select(self, query: str) -> pyoxigraph.QuerySolutions:
        """The solutions of a SELECT over every file's graph (the union as the default graph)."""
        import pyoxigraph

        answer = self.store.query(query, use_default_graph_as_union=True)
        if not isinstance(answer, pyoxigraph.QuerySolutions):
            raise TypeError(f"not a SELECT query: {query[:60]!r}")
        return answer

    def distinct_triples(self) -> list[tuple[Any, ...]]:
        """Every distinct triple of the union of the files' graphs (pyoxigraph terms)."""
        solutions = self.select("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")
        return [(row[0], row[1], row[2]) for row in solutions]


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


def digest(data: bytes) -> str:
    """The content hash of one file (BLAKE3: cryptographic, several times faster than SHA-256)."""
    import blake3

    hashed: str = blake3.blake3(
        data, max_threads=blake3.blake3.AUTO if len(data) > 1 << 24 else 1
    ).hexdigest()
    return hashed


def store_key(files: list[SourceFile], digests: list[str]) -> str:
    """The content key: every file's graph name and content hash, and the engine's versions."""
    import pyoxigraph

    from kgtool.version import __version__

    header = f"kgtool {__version__} pyoxigraph {pyoxigraph.__version__} layout {STORE_LAYOUT}"
    key = hashlib.sha256(header.encode())
    for source, file_digest in zip(files, digests, strict=True):
        key.update(b"\0" + source.graph.encode() + b"\0" + file_digest.encode())
    return key.hexdigest()[:40]


# --- the memo: content hashes of unchanged files ----------------------------------------------

RACY_NS = 2_000_000_000  # a file changed this close to its hashing may change again unseen


def _signature(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev, info.st_ctime_ns]


def _stat(source: SourceFile) -> list[int]:
    try:
        return _signature(os.stat(source.path))
    except OSError as error:
        raise InputError(f"{source.shown}: cannot read: {error.strerror or error}") from None


class Memo:
    """Each file's content hash, kept with the file's size, mtime, inode, device and ctime: a
    file whose five are unchanged is not read again. Any change and the file is read and
    hashed. A hash taken within ``RACY_NS`` of the file's last change is not kept (a second
    write within the filesystem's clock tick could keep all five; git's "racily clean" rule).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.changed = False
        with contextlib.suppress(OSError, ValueError, TypeError):
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if loaded.get("layout") == STORE_LAYOUT:
                self.entries = dict(loaded["files"])

    def digests(self, files: list[SourceFile]) -> tuple[list[str], dict[int, bytes]]:
        """Every file's hash, and the bytes of those that had to be read (by position)."""
        digests: list[str] = []
        read: dict[int, bytes] = {}
        for position, source in enumerate(files):
            name = os.path.abspath(source.path)
            before = _stat(source)
            entry = self.entries.get(name)
            if entry is not None and entry[:5] == before:
                digests.append(entry[5])
                continue
            data = _read(source)
            file_digest = digest(data)
            digests.append(file_digest)
            read[position] = data
            self.remember(name, before, file_digest)
        return digests, read

    def remember(self, name: str, before: list[int], file_digest: str) -> None:
        import time

        with contextlib.suppress(OSError):
            after = _signature(os.stat(name))
            stable = after == before and time.time_ns() - max(after[1], after[4]) > RACY_NS
            if stable:
                self.entries[name] = [*after, file_digest]
            else:
                self.entries.pop(name, None)
            self.changed = True

    def save(self, files: list[SourceFile]) -> None:
        if not self.changed:
            return
        names = {os.path.abspath(f.path) for f in files}
        kept = {name: entry for name, entry in self.entries.items() if name in names}
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps({"layout": STORE_LAYOUT, "files": kept}))


# --- opening and building -------------------------------------------------------------------


def open_project_store(project: Project, extra: Iterable[Path] = ()) -> ProjectStore:
    """The project's ontology and data as a store, from the cache when the files' contents are
    unchanged. With ``extra`` files (``--data``: ad-hoc files that change from run to run)
    everything is loaded into an in-memory store instead, so the cache holds only projects."""
    extra = [Path(p) for p in extra]
    return open_files([*project.graph_files(), *extra], root=project.root, cache=not extra)


def _project_id(root: Path | None) -> str:
    return hashlib.sha256(str(root.resolve() if root else "").encode()).hexdigest()[:16]


def open_files(paths: Iterable[Path], root: Path | None = None, cache: bool = True) -> ProjectStore:
    """A store of the given graph files (see the module docstring for the cache)."""
    files = source_files(paths, root)
    folder = _usable_cache() if cache else None
    if folder is None:
        return _build_in_memory(files, [_read(source) for source in files])
    project = _project_id(root)
    memo = Memo(folder / "memo" / f"{project}.json")
    digests, read = memo.digests(files)
    target = folder / f"store-{store_key(files, digests)}"
    opened = _open_cached(target)
    if opened is None:
        # What is loaded is what is hashed: every file is read once more now, its hash taken
        # again, and the key recomputed from those very bytes.
        contents = []
        for position, source in enumerate(files):
            if position in read:
                contents.append(read[position])
                continue
            name = os.path.abspath(source.path)
            before = _stat(source)
            contents.append(_read(source))
            digests[position] = digest(contents[-1])
            memo.remember(name, before, digests[position])
        target = folder / f"store-{store_key(files, digests)}"
        opened = _open_cached(target)
        if opened is None:
            try:
                _build(target, files, contents, project)
            except OSError as error:
                _warn(
                    f"cache folder {folder} cannot hold the store ({error.strerror or error}); "
                    "building the graph in memory"
                )
                return _build_in_memory(files, contents)
            try:
                opened = open_read_only(target)
            except DamagedStore as error:
                _warn(f"cached store {error}; building the graph in memory")
                return _build_in_memory(files, contents)
    memo.save(files)
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


def _db_manifest(db: Path) -> dict[str, list[int]]:
    """The database's files with size and mtime: a store is never written after it is built, so
    any difference on open means damage (a truncated or overwritten file, a deleted one)."""
    manifest = {}
    for entry in os.scandir(db):
        if entry.name.startswith("LOG") or entry.name == "LOCK":
            continue
        info = entry.stat()
        manifest[entry.name] = [info.st_size, info.st_mtime_ns]
    return manifest


def _build(target: Path, files: list[SourceFile], contents: list[bytes], project: str) -> None:
    """Build the store in a private folder, verify it, then publish it with one rename."""
    import pyoxigraph

    building = target.parent / f".build-{target.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        building.mkdir(mode=0o700)
        store = pyoxigraph.Store(str(building / "db"))
        try:
            for source, data in zip(files, contents, strict=True):
                load_file(store, source, data)
        except BaseException as error:
            # Close the database before its folder is removed: the traceback's frames hold it
            # open, and its background threads would write into the folder being deleted.
            link: BaseException | None = error
            while link is not None:
                link.__traceback__ = None
                link = link.__context__ or link.__cause__
            del store
            raise
        store.flush()
        store.optimize()
        triples = len(store)
        graphs = {g.value for g in store.named_graphs()}
        del store  # closes the database before it is checked and moved
        expected = {f.graph for f in files}
        if not graphs <= expected:
            raise OSError(f"the built store holds unexpected graphs: {sorted(graphs - expected)}")
        meta = {
            "layout": STORE_LAYOUT,
            "project": project,
            "triples": triples,
            "files": [{"path": f.shown, "graph": f.graph} for f in files],
            "db": _db_manifest(building / "db"),
        }
        (building / _LOCK).touch()
        (building / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(building, target)
        except OSError:
            if not (target / _META).is_file():  # not another builder's finished store
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)  # gone after a rename; debris otherwise
    _evict(target.parent, keep=target, project=project)


class DamagedStore(OSError):
    """A cached store that does not match what was built (damaged, or not readable)."""


def open_read_only(location: Path) -> ProjectStore:
    """Open a built store read-only (any number of processes may do so at once), checked
    against its manifest and held with a reader lock so that eviction leaves it alone while
    this process uses it; DamagedStore when it is gone or damaged."""
    import fcntl

    import pyoxigraph

    try:
        handle = open(location / _LOCK, "rb")  # noqa: SIM115 (held as long as the store)
    except OSError as error:
        raise DamagedStore(f"{location.name}: {error.strerror or error}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        if os.fstat(handle.fileno()).st_ino != os.stat(location / _LOCK).st_ino:
            raise FileNotFoundError("removed while opening")
        meta = json.loads((location / _META).read_text(encoding="utf-8"))
        if meta.get("layout") != STORE_LAYOUT or meta.get("db") != _db_manifest(location / "db"):
            raise DamagedStore(f"{location.name}: its database files changed since it was built")
        store = pyoxigraph.Store.read_only(str(location / "db"))
    except DamagedStore:
        handle.close()
        raise
    except (OSError, ValueError, KeyError, TypeError) as error:
        handle.close()
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise DamagedStore(f"{location.name}: {reason}") from None
    files = [SourceFile(Path(f["path"]), f["path"], f["graph"]) for f in meta["files"]]
    return ProjectStore(store, files, location, meta.get("triples"), handle)


def _open_cached(target: Path) -> ProjectStore | None:
    """The cached store at ``target``; None when there is none, or (with one warning) when it is
    damaged or unreadable: that one is set aside to be rebuilt."""
    if not target.exists():
        return None
    try:
        return open_read_only(target)
    except DamagedStore as error:
        _warn(f"cached store {error} is damaged or unreadable; rebuilding it")
        _remove(target)
        return None


def _remove(store: Path) -> None:
    """Move ``store`` out of readers' way (one rename), then delete it."""
    aside = store.parent / f".evict-{store.name}-{uuid.uuid4().hex[:8]}"
    try:
        os.rename(store, aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def _touch(target: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(target)


def _store_project(store: Path) -> str | None:
    try:
        project: str | None = json.loads((store / _META).read_text(encoding="utf-8")).get("project")
        return project
    except (OSError, ValueError, AttributeError):
        return None


def _evict_unused(store: Path) -> None:
    """Remove ``store`` unless a process holds it (a reader's lock)."""
    import fcntl

    try:
        with open(store / _LOCK, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            _remove(store)
    except OSError:
        pass  # in use, or already gone


def _evict(folder: Path, keep: Path, project: str) -> None:
    """Keep the ``KEEP_STORES`` most recently used stores of this project, and other projects'
    stores used within ``STALE_DAYS``; never a store that a process holds; remove builders'
    debris older than a day."""
    import time

    now = time.time()
    stores = []
    for path in folder.glob("store-*"):
        with contextlib.suppress(OSError):
            if path != keep and path.is_dir():
                stores.append((path.stat().st_mtime, path))
    stores.sort(reverse=True)
    ours = [path for _, path in stores if _store_project(path) == project]
    for old in ours[KEEP_STORES - 1 :]:
        _evict_unused(old)
    for used, path in stores:
        if now - used > STALE_DAYS * 86400 and path not in ours:
            _evict_unused(path)
    for debris in [*folder.glob(".build-*"), *folder.glob(".evict-*")]:
        with contextlib.suppress(OSError):
            if now - debris.stat().st_mtime > 86400:
                shutil.rmtree(debris, ignore_errors=True)
