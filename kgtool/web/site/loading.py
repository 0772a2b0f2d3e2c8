"""The site's store: every project file in the default graph of one in-memory Oxigraph store,
blank nodes labelled stably, each file's triples kept in kgtool's cache as N-Triples.

Blank nodes get labels derived from the file and the order in which they first appear in it
(``b<file tag>x<n>``, the tag a hash of the file's graph name), so the same files always give
the same labels, at linear cost, with no whole-graph canonicalisation; editing one file
changes only that file's labels. A triple written in two files is one triple.

A file is parsed strictly by Oxigraph, written out as N-Triples by Oxigraph's serialiser and
its blank nodes relabelled in that text (``stable_ntriples``); the text is kept in
``<cache>/site-triples/<project>/`` under a key of the file's content hash, its graph name and
base IRI, this module's code and the pyoxigraph version. The next load of the same content reads the
kept text instead of parsing the file (N-Triples, loaded by Oxigraph in Rust, is several
times faster than parsing Turtle and relabelling). It never serves content that is not in the
files: the content hash comes from the store cache's memo (``kgtool.store.engine.Memo``: a
file whose size, mtime, inode, device or ctime changed is read and hashed again), each kept
text starts with a hash of the rest and is checked against it before use (a damaged entry is
parsed anew and written again), and ``KGTOOL_NO_CACHE`` or an unusable cache folder reads
every file. The least recently used entries of a project beyond twice the size of those in
use are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import InputError

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.store.engine import ProjectStore
    from kgtool.store.files import SourceFile

CACHE_FOLDER = "site-triples"
_HEADER = b"# kgtool site triples "  # then the BLAKE3 of the rest, and a newline
_HEADER_SIZE = len(_HEADER) + 64 + 1
#: A blank node as the subject (at the start of a line) or the object (the last term before
#: " .") of an N-Triples line as Oxigraph writes it; a label holds none of ``"<>@^\``, so a
#: literal (it ends with ``"``, a language tag or a datatype IRI) never matches.
_BLANK = re.compile(rb'^_:([^\s"<>@^\\]+)(?= <)|(?<=> )_:([^\s"<>@^\\]+)(?= \.$)', re.M)


def tag(graph_name: str) -> str:
    """The part of a file's blank-node labels that names the file."""
    return hashlib.sha256(graph_name.encode()).hexdigest()[:8]


def _stable_triples(path: Path, shown: str, graph_name: str) -> Iterator:
    """The file's triples as default-graph quads, blank nodes labelled as ``stable_ntriples``
    labels them."""
    import pyoxigraph

    from kgtool.store.engine import _rdf_format, syntax_message

    prefix = f"b{tag(graph_name)}x"
    labels: dict[str, pyoxigraph.BlankNode] = {}

    def stable(node):
        if isinstance(node, pyoxigraph.BlankNode):
            found = labels.get(node.value)
            if found is None:
                found = labels[node.value] = pyoxigraph.BlankNode(f"{prefix}{len(labels)}")
            return found
        return node

    default = pyoxigraph.DefaultGraph()
    try:
        for triple in pyoxigraph.parse(
            path=path, format=_rdf_format(path), base_iri=path.resolve().as_uri()
        ):
            yield pyoxigraph.Quad(
                stable(triple.subject), triple.predicate, stable(triple.object), default
            )
    except SyntaxError as error:
        raise InputError(syntax_message(shown, error)) from None


def relabel(ntriples: bytes, graph_name: str) -> bytes:
    """Oxigraph's N-Triples of one file with each blank node labelled ``b<tag>x<n>``, ``n``
    counting blank nodes in the order they first appear (a line's subject before its object)."""
    parts = _BLANK.split(ntriples)  # text, subject label or None, object label or None, text…
    if len(parts) == 1:
        return ntriples
    found = [s or o for s, o in zip(parts[1::3], parts[2::3], strict=True)]
    prefix = f"_:b{tag(graph_name)}x".encode()
    new = {old: prefix + str(n).encode() for n, old in enumerate(dict.fromkeys(found))}
    parts[1::3] = [new[label] for label in found]
    parts[2::3] = [b""] * len(found)
    return b"".join(parts)


def stable_ntriples(source: SourceFile, data: bytes) -> bytes:
    """The triples of one file's bytes as N-Triples in the order the file gives them, blank
    nodes labelled stably (see ``relabel``); InputError naming file, line and column when the
    file is not valid."""
    import pyoxigraph

    from kgtool.store.files import _check_utf8, _rdf_format, syntax_message

    _check_utf8(source, data)
    try:
        text = pyoxigraph.serialize(
            pyoxigraph.parse(
                data, format=_rdf_format(source.path), base_iri=source.path.resolve().as_uri()
            ),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
        )
    except SyntaxError as error:
        raise InputError(syntax_message(source.shown, error)) from None
    except MemoryError as error:
        raise InputError(f"{source.shown}: too large for the parser: {error}") from None
    return relabel(text, source.graph)


@cache
def _code() -> str:
    """What the kept texts depend on besides the file: this module and pyoxigraph's version."""
    import blake3
    import pyoxigraph

    return blake3.blake3(Path(__file__).read_bytes()).hexdigest() + pyoxigraph.__version__


def entry_key(source: SourceFile, file_digest: str) -> str:
    """The cache key of one file's text: its content hash, graph name and base IRI, the code."""
    import blake3

    parts = [file_digest, source.graph, source.path.resolve().as_uri(), source.path.suffix, _code()]
    return blake3.blake3("\0".join(parts).encode()).hexdigest()[:40]


def _entry(ntriples: bytes) -> bytes:
    import blake3

    return _HEADER + blake3.blake3(ntriples).hexdigest().encode() + b"\n" + ntriples


def _checked(entry: bytes) -> bool:
    """Whether a kept text is whole: its header's hash is that of the rest."""
    import blake3

    if len(entry) < _HEADER_SIZE or not entry.startswith(_HEADER):
        return False
    body = memoryview(entry)[_HEADER_SIZE:]
    return blake3.blake3(body).hexdigest().encode() == entry[len(_HEADER) : _HEADER_SIZE - 1]


def _read_entry(folder: Path, key: str) -> bytes | None:
    """The kept text of ``key`` (N-Triples with its header line, a comment), or None when it
    is missing or damaged (a damaged one is removed)."""
    path = folder / f"{key}.nt"
    try:
        entry = path.read_bytes()
    except OSError:
        return None
    if not _checked(entry):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used again: the most recent
    return entry


def _write_entry(folder: Path, key: str, entry: bytes) -> None:
    """Keep ``entry``; a cache that cannot be written only costs the next load its speed."""
    from kgtool.atomic import write_atomic

    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(folder / f"{key}.nt", entry)


def _prune(folder: Path, keep: set[str]) -> None:
    """Drop the least recently used entries beyond twice the size of those in ``keep``."""
    with contextlib.suppress(OSError):
        found = [(e.stat().st_mtime_ns, e.stat().st_size, e) for e in os.scandir(folder)]
        entries = sorted(found, key=lambda item: item[0])
        total = sum(size for _, size, _ in entries)
        budget = 2 * sum(size for _, size, e in entries if e.name in keep)
        for _, size, entry in entries:
            if total <= budget:
                break
            if entry.name not in keep:
                os.unlink(entry.path)
                total -= size


def load_site_store(paths: Iterable[Path], root: Path | None = None) -> ProjectStore:
    """Every file in the default graph of a new in-memory store, blank nodes labelled stably
    (each file's text from the cache when its content is unchanged: see the module's text).
    The store's ``digests`` are the files' content hashes."""
    import pyoxigraph

    from kgtool.store import engine
    from kgtool.store.files import _read

    files = engine.source_files(paths, root)
    usable = engine._usable_cache()
    project = engine._project_id(root)
    folder = usable / CACHE_FOLDER / project if usable is not None else None
    if usable is not None:
        memo = engine.Memo(usable / "memo" / f"{project}.json")
        digests, read = memo.digests(files)
    else:
        memo, digests, read = None, [], {}
    store = pyoxigraph.Store()
    ntriples = pyoxigraph.RdfFormat.N_TRIPLES
    used: set[str] = set()
    for position, source in enumerate(files):
        entry = None
        if folder is not None:  # the kept text of the content the memo or a fresh read hashed
            entry = _read_entry(folder, entry_key(source, digests[position]))
        if entry is None:
            data = read.get(position)
            if data is None:  # parsed now: what is loaded is what is hashed
                before = engine._stat(source)
                data = _read(source)
                file_digest = engine.digest(data)
                if memo is not None:
                    memo.remember(os.path.abspath(source.path), before, file_digest)
                    digests[position] = file_digest
                else:
                    digests.append(file_digest)
            entry = _entry(stable_ntriples(source, data))
            if folder is not None:
                _write_entry(folder, entry_key(source, digests[position]), entry)
        if folder is not None:
            used.add(f"{entry_key(source, digests[position])}.nt")
        # Parsed here, not by the store's loader: that one would give blank nodes new labels.
        store.bulk_extend(pyoxigraph.parse(entry, format=ntriples, lenient=True))
    if memo is not None and folder is not None:
        memo.save(files)
        _prune(folder, used)
    return engine.ProjectStore(store, files, digests=digests)
