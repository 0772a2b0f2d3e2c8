"""Incremental publish: re-render only the resource pages whose inputs changed.

A publish records in the output folder (``.kgtool-publish/``) what the next one needs:

* ``state.json``: the format, a fingerprint of everything that is the same for every page (the
  kgtool code and templates, ``--base``, the contact address, the dataset's declared version,
  date and titles, whether pictures are drawn), each graph file's content hash, the resource pages
  (their folders, sorted) and the nodes they looked up; it is written after every page, so
  its modification time is later than that of any file the publish wrote;
* ``deps.bin`` and ``offsets.bin``: for each page, the nodes (indexes into the node list) its
  store lookups asked about (``StoreGraph.page``: the subject of each pattern, else its
  object; labels of neighbours; the blank nodes of its RDF).

The next ``kgtool publish`` into the same folder compares: a graph file whose hash differs
is parsed twice, the version the last publish read (kept by content hash in kgtool's cache,
``publish-inputs/``, the least recently used dropped beyond twice the size of the current
files) and the file now, with the same stable blank-node labels as the site's
store; the subjects and objects of the triples in one and not the other are the changed
nodes. A page is rendered again when it looked up a changed node (a changed triple's
subject or object), when it is new, or (pictures drawn) when it is a collaboration's page;
every other page's five files are hard-linked from the old output into the staging folder,
which is then switched into place whole as in a full publish. The dumps, metadata, indexes,
ontology and query pages are always written anew.

A full publish is made instead (and the reason said) when the state is missing, unreadable
or from another kgtool, when anything in the fingerprint differs, when an earlier input is no
longer in the cache, or when a file to be reused was changed after the last publish (its
modification time is later than the state's) or is not a regular file. A change that keeps a
file's modification time (``touch -d``, ``cp -p``) is not seen: ``--full`` renders every page.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from kgtool import atomic
from kgtool.query.formats import GRAPH_FORMATS
from kgtool.web.site.store import ANY

STATE_DIR = ".kgtool-publish"
FORMAT = 1


def page_files(folder: str) -> list[str]:
    """The files of one resource page (relative to the site)."""
    return [
        folder + "index.html",
        "en/" + folder + "index.html",
        *(folder + f"index.{ext}" for ext in GRAPH_FORMATS),
    ]


def _code_hash() -> str:
    """A hash of kgtool's own files (code, templates, static files): pages depend on them."""
    import blake3

    package = Path(__file__).resolve().parent.parent
    digest = blake3.blake3()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(site) -> str:
    """What every resource page depends on besides the graph (see the module's text)."""
    from kgtool.version import __version__

    parts = [
        FORMAT,
        __version__,
        _code_hash(),
        site.base,
        site.contact_email,
        site.dataset.version,
        site.dataset.issued,
        site.dataset.titles,
        site.draws_pictures,
    ]
    return json.dumps(parts, default=str)


def _input_cache() -> Path:
    from kgtool.store.engine import cache_dir

    return cache_dir() / "publish-inputs"


def input_hashes(site) -> dict[str, list[str]]:
    """Each graph file of the site's store: shown path → [content hash, graph name, suffix]
    (the hashes the store's loader took, when it kept them)."""
    import blake3

    digests = site.store.digests or [None] * len(site.store.files)
    out = {}
    for source, digest in zip(site.store.files, digests, strict=True):
        if digest is None:
            digest = blake3.blake3(source.path.read_bytes()).hexdigest()
        out[source.shown] = [digest, source.graph, source.path.suffix]
    return out


def keep_inputs(site, inputs: dict[str, list[str]]) -> None:
    """Copy each graph file into the cache under its hash (what the next publish diffs with),
    then drop the least recently used earlier versions beyond twice the size of this one (see
    :func:`prune_inputs`). A cache that cannot be written only costs the next publish its
    increments."""
    folder = _input_cache()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kept_now = set()
        for source in site.store.files:
            digest, _, suffix = inputs[source.shown]
            kept = folder / (digest + suffix)
            if kept.exists():
                os.utime(kept)  # used again: the most recent
            else:
                atomic.write_atomic(kept, source.path.read_bytes())
            kept_now.add(kept.name)
        budget = 2 * sum((folder / name).stat().st_size for name in kept_now)
        prune_inputs(folder, kept_now, budget)
    except OSError:
        pass


def prune_inputs(folder: Path, keep: set[str], budget: int) -> list[str]:
    """Delete the earlier versions in ``folder``, least recently used first, until the folder
    holds at most ``budget`` bytes; the files named in ``keep`` always stay. Returns the names
    deleted. (A publish whose earlier version was dropped falls back to a full publish.)"""
    entries = [(entry.stat().st_mtime_ns, entry) for entry in folder.iterdir() if entry.is_file()]
    total = sum(entry.stat().st_size for _, entry in entries)
    deleted = []
    for _, entry in sorted(entries, key=lambda pair: pair[0]):
        if total <= budget:
            break
        if entry.name in keep:
            continue
        total -= entry.stat().st_size
        entry.unlink()
        deleted.append(entry.name)
    return deleted


@dataclass
class State:
    """What the last publish into a folder recorded (``.kgtool-publish/``)."""

    fingerprint: str
    inputs: dict[str, list[str]]
    finished_ns: int
    pages: list[str]
    nodes: list[str]
    deps: array
    offsets: array

    def page_deps(self, index: int) -> array:
        return self.deps[self.offsets[index] : self.offsets[index + 1]]


def read_state(out: Path) -> State | str:
    """The state the last publish left in ``out``, or why there is none to use."""
    folder = out / STATE_DIR
    try:
        data = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return "the last publish's record is from another kgtool"
        deps, offsets = array("I"), array("Q")
        deps.frombytes((folder / "deps.bin").read_bytes())
        offsets.frombytes((folder / "offsets.bin").read_bytes())
        finished = (folder / "state.json").stat().st_mtime_ns  # written after every page
        state = State(
            data["fingerprint"], data["inputs"], finished, data["pages"], data["nodes"], deps,
            offsets,
        )  # fmt: skip
    except FileNotFoundError:
        return "no record of an earlier publish in the folder"
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return "the last publish's record cannot be read"
    if len(offsets) != len(state.pages) + 1 or (offsets and offsets[-1] != len(deps)):
        return "the last publish's record cannot be read"
    return state


@dataclass
class Plan:
    """An incremental publish: pages to render, pages whose files are reused."""

    render: set[str]
    reuse: list[str]
    state: State
    entries: dict[str, list] = field(default_factory=dict)  # search entries of reused pages


def _file_triples(path: Path, shown: str, graph: str) -> set:
    from kgtool.web.site.store import _stable_triples

    return {quad.triple for quad in _stable_triples(path, shown, graph)}


def changed_nodes(
    paths: dict[str, Path], state: State, inputs: dict[str, list[str]], convert
) -> set[str] | str:
    """The subjects and objects (as pages note them: ``convert``, the site graph's
    ``published``) of every triple added or removed since the last publish in the graph files
    (shown path → path), or why they cannot be known."""
    cache = _input_cache()
    changed: set = set()
    for shown in sorted(set(inputs) | set(state.inputs)):
        new, old = inputs.get(shown), state.inputs.get(shown)
        if new is not None and old is not None and new[0] == old[0]:
            continue
        before: set = set()
        if old is not None:
            kept = cache / (old[0] + old[2])
            if not kept.is_file():
                return f"the earlier version of {shown} is no longer in the cache"
            before = _file_triples(kept, shown, old[1])
        after = _file_triples(paths[shown], shown, new[1]) if new is not None else set()
        changed |= before ^ after
    nodes = {str(convert(t.subject)) for t in changed}
    nodes |= {str(convert(t.object)) for t in changed}
    return nodes


def pages_meeting(state: State, nodes: set[str]) -> set[int]:
    """The indexes of the pages that looked up any of ``nodes`` (or ``ANY``)."""
    wanted = [i for i, node in enumerate(state.nodes) if node in nodes or node == ANY]
    data = state.deps.tobytes()
    size = state.deps.itemsize
    ends = [state.offsets[i + 1] for i in range(len(state.pages))]
    found = set()
    for index in wanted:
        pattern = array("I", [index]).tobytes()
        position = data.find(pattern)
        while position != -1:
            if position % size == 0:
                found.add(bisect_right(ends, position // size))
            position = data.find(pattern, position + 1)
    return found


@dataclass
class Early:
    """What is known before the site's store is loaded: the last publish's record, the graph
    files' hashes now, the nodes of the triples that changed, and the pages that looked up
    none of them (their files are linked while the store loads; :func:`plan` then decides)."""

    state: State
    inputs: dict[str, list[str]]
    nodes: set[str]
    reuse: list[str]


def early_plan(project, out: Path, base: str | None) -> Early | str:
    """The pages an incremental publish into ``out`` will most likely reuse, from the record
    and the graph files alone (no store: it is made while the files are linked); or why
    there are none."""
    import pyoxigraph

    from kgtool.store import engine
    from kgtool.terms import DEFAULT_BASE
    from kgtool.web.site.store import StoreGraph

    state = read_state(out)
    if isinstance(state, str):
        return state
    folder = engine.cache_dir()
    if os.environ.get(engine.NO_CACHE_ENV) or not folder.is_dir():
        return "no cache"  # the inputs kept by the last publish are in the cache
    files = engine.source_files(project.graph_files(), project.root)
    memo = engine.Memo(folder / "memo" / f"{engine._project_id(project.root)}.json")
    digests, _ = memo.digests(files)  # the loader's hashes (not saved: the loader does)
    inputs = {f.shown: [d, f.graph, f.path.suffix] for f, d in zip(files, digests, strict=True)}
    empty = StoreGraph(engine.ProjectStore(pyoxigraph.Store(), []), base or DEFAULT_BASE)
    nodes = changed_nodes({f.shown: f.path for f in files}, state, inputs, empty.published)
    if isinstance(nodes, str):
        return nodes
    meeting = pages_meeting(state, nodes)
    reuse = [folder for i, folder in enumerate(state.pages) if i not in meeting]
    return Early(state, inputs, nodes, reuse)


def plan(site, out: Path, inputs: dict[str, list[str]], early: Early | None = None) -> Plan | str:
    """Which pages to render and which to reuse, or why a full publish is needed (``early``:
    the record and changed nodes, when taken from the same inputs)."""
    if early is not None and early.inputs == inputs:
        state, nodes = early.state, early.nodes
    else:
        state = read_state(out)
        if isinstance(state, str):
            return state
        paths = {source.shown: source.path for source in site.store.files}
        nodes = changed_nodes(paths, state, inputs, site.graph.published)
        if isinstance(nodes, str):
            return nodes
    if state.fingerprint != fingerprint(site):
        return "kgtool, its options or the dataset's declared version changed"
    meeting = {state.pages[i] for i in pages_meeting(state, nodes)}
    known = set(state.pages)  # a list: `in` on it is a walk (83,624 pages: 40 s)
    render = {folder for folder in site.model.pages.values() if folder not in known}
    if site.draws_pictures:  # a collaboration's pictures look at the whole graph
        from kgtool.terms import KS

        collaborations = site.model.of_type(site.move(KS.Collaboration))
        render |= {site.model.pages[iri] for iri in collaborations}
    now = set(site.model.pages.values())
    render |= meeting & now
    reuse = sorted(now - render)
    try:
        entries = json.loads((out / "search.json").read_text(encoding="utf-8"))
        known = {entry[0]: entry for entry in entries}
    except (OSError, ValueError, TypeError, IndexError, KeyError):
        return "the last publish's search.json cannot be read"
    if any(folder not in known for folder in reuse):
        return "the last publish's search.json lacks pages"
    result = Plan(render, reuse, state, {folder: known[folder] for folder in reuse})
    return result


def link_reused(folders: list[str], limit_ns: int, out: Path, staging: Path) -> str | None:
    """Hard-link the files of the pages in ``folders`` from ``out`` into ``staging``; None, or
    why they cannot be reused (a file changed after ``limit_ns``, the last publish's end: a
    full publish follows). A file already in ``staging`` (a page rendered meanwhile) stays.
    (Hundreds of thousands of files: text paths and bare system calls, one ``mkdir`` per
    folder.)"""
    made: set[str] = set()
    old, new = os.fspath(out) + os.sep, os.fspath(staging) + os.sep
    is_file, lstat, link = stat.S_ISREG, os.lstat, atomic.link_staged
    for folder in folders:
        for relative in page_files(folder):
            try:
                info = lstat(old + relative)
            except FileNotFoundError:
                return f"{relative} is missing from the last publish"
            if not is_file(info.st_mode) or info.st_mtime_ns > limit_ns:
                return f"{relative} was changed after the last publish"
            parent = relative.rpartition("/")[0]
            if parent not in made:
                _make_folder(new + parent)
                made.add(parent)
            try:  # noqa: SIM105  (a bare try: 418,000 times)
                link(old + relative, new + relative)
            except FileExistsError:
                pass
    return None


def unlink_pages(folders: list[str], staging: Path) -> None:
    """Remove the files of the pages in ``folders`` from ``staging``, and their folders where
    that leaves them empty (pages linked in advance that the site no longer has)."""
    new = os.fspath(staging) + os.sep
    emptied: set[str] = set()
    for folder in folders:
        for relative in page_files(folder):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(new + relative)
            parent = relative.rpartition("/")[0]
            while parent and parent not in emptied:
                emptied.add(parent)
                parent = parent.rpartition("/")[0]
    for parent in sorted(emptied, key=lambda p: -p.count("/")):  # the deepest first
        with contextlib.suppress(OSError):
            os.rmdir(new + parent)


def _make_folder(path: str) -> None:
    """``path`` as a folder: one ``mkdir`` when its parent is there (the usual case)."""
    try:
        os.mkdir(path)
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        pass


class NodeTable:
    """The state's node texts, numbered in order; a page's nodes as an array of numbers (four
    bytes a node rather than a string: a big site's pages look up millions)."""

    def __init__(self, nodes: list[str]):
        self.nodes = nodes
        self.index = {node: i for i, node in enumerate(nodes)}

    def numbers(self, found) -> array:
        """``found`` (node texts) sorted, as numbers; new texts are added to the table."""
        out = array("I")
        for node in sorted(found):
            number = self.index.get(node)
            if number is None:
                number = self.index[node] = len(self.nodes)
                self.nodes.append(node)
            out.append(number)
        return out


def _renumber(flat: array, nodes: list[str]) -> tuple[array, list[str]]:
    """The nodes numbered in the order the pages (sorted) first name them, and only those: the
    record is the same bytes whatever order the pages were rendered in, and an incremental
    publish leaves the record a full one would."""
    remap = array("q", [-1]) * len(nodes)
    used: list[str] = []
    out = array("I")
    for number in flat:
        new = remap[number]
        if new < 0:
            new = remap[number] = len(used)
            used.append(nodes[number])
        out.append(new)
    return out, used


def write_state(
    staging: Path,
    site,
    inputs: dict[str, list[str]],
    deps: dict[str, set[str] | array],
    nodes: list[str],
) -> list[str]:
    """Record what the next publish needs (see the module's text); the paths written.

    ``deps`` maps each page's folder to its nodes: a set of node texts or an array of indexes
    into ``nodes`` (:class:`NodeTable`); new node texts are added to ``nodes``."""
    table: NodeTable | None = None
    pages = sorted(site.model.pages.values())
    flat, offsets = array("I"), array("Q", [0])
    for folder in pages:
        found = deps.get(folder, ())
        if isinstance(found, array):
            flat.extend(found)
        else:
            table = table or NodeTable(nodes)
            flat.extend(table.numbers(found))
        offsets.append(len(flat))
    flat, nodes = _renumber(flat, nodes)
    folder = staging / STATE_DIR
    state = {
        "format": FORMAT,
        "fingerprint": fingerprint(site),
        "inputs": inputs,
        "pages": pages,
        "nodes": nodes,
    }
    atomic.write_staged(folder / "deps.bin", flat.tobytes())
    atomic.write_staged(folder / "offsets.bin", offsets.tobytes())
    atomic.write_staged(folder / "state.json", json.dumps(state, ensure_ascii=False))
    return [f"{STATE_DIR}/{name}" for name in ("deps.bin", "offsets.bin", "state.json")]
