"""A cache of the project's parsed graph, so a saved query does not re-parse every Turtle file.

The key is the list of graph files with their sizes and modification times (plus the kgtool and
rdflib versions); any change to a file makes a new key. The cache is a pickle of the graph
under ``$KGTOOL_CACHE_DIR`` (default ``$XDG_CACHE_HOME/kgtool`` or ``~/.cache/kgtool``), written
atomically (temp file, then rename). ``KGTOOL_NO_CACHE=1`` turns it off. A cache that cannot be
read or written is ignored: the graph is then parsed as usual.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

    from kgtool.project import Project

CACHE_ENV = "KGTOOL_CACHE_DIR"
NO_CACHE_ENV = "KGTOOL_NO_CACHE"


def cache_dir() -> Path:
    """Where cached graphs live."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kgtool"


def cache_key(files: list[Path]) -> str:
    """A digest of the files' paths, sizes and mtimes and of the library versions."""
    import rdflib

    from kgtool import __version__

    digest = hashlib.sha256(f"kgtool {__version__} rdflib {rdflib.__version__}".encode())
    for path in files:
        stat = path.stat()
        digest.update(f"\n{path.resolve()}\t{stat.st_size}\t{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def load_graph_cached(project: Project) -> Graph:
    """The project's union graph (ontology and data), from the cache when it is fresh."""
    from kgtool.graph import load_project

    if os.environ.get(NO_CACHE_ENV):
        return load_project(project).graph
    files = project.graph_files()
    root = hashlib.sha256(str(project.root.resolve()).encode()).hexdigest()[:12]
    path = cache_dir() / f"graph-{root}-{cache_key(files)}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # a missing, stale or broken cache is simply rebuilt
        pass
    graph = load_project(project).graph
    _write_atomically(path, graph, stale=f"graph-{root}-*.pickle")
    return graph


def _write_atomically(path: Path, graph: Graph, stale: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".graph-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(graph, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
    for old in path.parent.glob(stale):  # older caches of the same project
        if old != path:
            old.unlink(missing_ok=True)
