"""Reading the project's graph files strictly: which named graph holds each, their bytes (a
regular file, UTF-8), and Oxigraph's strict parse with ``file:line:column`` errors."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import InputError
from kgtool.project import shown_path

if TYPE_CHECKING:
    import pyoxigraph

GRAPH_PREFIX = "urn:kgtool:file:"


@dataclass(frozen=True)
class SourceFile:
    """One graph file: where it is, how reports show it, and the named graph that holds it."""

    path: Path
    shown: str
    graph: str


def source_files(paths: Iterable[Path], root: Path | None) -> list[SourceFile]:
    """Graph files with their display paths and graph names."""
    out = []
    for path in paths:
        shown = shown_path(path, root)
        name = shown if not Path(shown).is_absolute() else path.resolve().as_posix()
        out.append(SourceFile(path, shown, GRAPH_PREFIX + _iri_safe(name)))
    return out


def _iri_safe(name: str) -> str:
    """``name`` with every character an IRI may not hold percent-encoded (``a>b.ttl``)."""
    import re

    from kgtool.terms import IRI_FORBIDDEN_CLASS

    return re.sub(
        f"[{IRI_FORBIDDEN_CLASS}%]",
        lambda m: "".join(f"%{b:02X}" for b in m.group().encode()),
        name,
    )


def _visible(text: str) -> str:
    """``text`` with invisible characters (a byte order mark, controls) named: ``U+FEFF``."""
    import unicodedata

    return "".join(
        f"U+{ord(c):04X}" + (" (byte order mark)" if c == "\ufeff" else "")
        if unicodedata.category(c) in ("Cf", "Cc") and c not in "\n\t"
        else c
        for c in text
    )


def _rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    import pyoxigraph

    if path.suffix.lower() == ".nt":
        return pyoxigraph.RdfFormat.N_TRIPLES
    return pyoxigraph.RdfFormat.TURTLE


def _read(source: SourceFile) -> bytes:
    """The file's bytes; InputError naming it when it cannot be read or is not a regular file
    (a FIFO or a device would block or never end)."""
    try:
        descriptor = os.open(source.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputError(f"{source.shown}: cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise InputError(f"{source.shown}: not a regular file (a FIFO, socket or device)")
        try:
            return handle.read()
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
    text = _visible(" ".join(text.split()))
    where = f"{shown}:{line}:{column}" if line else shown
    return f"{where}: {text}"


def load_file(
    store: pyoxigraph.Store,
    source: SourceFile,
    data: bytes | None = None,
    default_graph: bool = False,
) -> None:
    """Parse one file strictly into its named graph (or the default graph); a syntax error is an
    InputError naming ``file:line:column``. Blank nodes are fresh for every file.

    The bytes parsed are exactly ``data`` (read once, when not given): what is loaded is what
    was hashed, even if the file changes meanwhile."""
    import pyoxigraph

    payload = _read(source) if data is None else data
    _check_utf8(source, payload)
    graph = pyoxigraph.DefaultGraph() if default_graph else pyoxigraph.NamedNode(source.graph)
    try:
        store.bulk_load(
            input=payload,
            format=_rdf_format(source.path),
            base_iri=source.path.resolve().as_uri(),
            to_graph=graph,
        )
    except SyntaxError as error:
        raise InputError(syntax_message(source.shown, error)) from None
    except MemoryError as error:
        raise InputError(f"{source.shown}: too large for the parser: {error}") from None


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
