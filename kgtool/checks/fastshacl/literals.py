"""Typed literals an Oxigraph store keeps in another form than written (the fast engine then
hands every shape to pySHACL)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_PREFIX = re.compile(
    rb"(?:@prefix|PREFIX)\s+([\w.-]*):\s*<" + re.escape(_XSD.encode()) + rb">", re.IGNORECASE
)
# strings, IRIs and comments: where a bare number is no literal
_NOT_CODE = re.compile(
    rb'"{3}[\s\S]*?"{3}|\'{3}[\s\S]*?\'{3}|<[^>\s]*>'
    rb'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\\\n]*(?:\\.[^\'\\\n]*)*\'|#[^\n]*'
)
_NUMBER_TOKEN = re.compile(rb"[\s,;(\[]([+-]?\.?[0-9][0-9.eE+-]*)")
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.?[0-9]*[eE][+-]?[0-9]+|[0-9]+)"
)


def rewritten_literals(paths: Iterable[str | Path]) -> list[str]:
    """Typed literals in the files that an Oxigraph store keeps in another form than written.

    The store holds ``"01"^^xsd:integer`` as ``"1"``, ``4.0`` as ``"4"^^xsd:decimal`` and
    ``"300"^^xsd:byte`` (out of range) as an ``xsd:integer``: a SHACL term comparison, a
    datatype test or a reported value would then be about another term. Each candidate found
    in the text (by a pattern that may also match inside strings: a false alarm costs only
    speed) is put through a small store and compared; the rewritten ones are returned."""
    candidates: set[tuple[str, str]] = set()
    for path in paths:
        data = Path(path).read_bytes()
        prefixes = [m.group(1) for m in _XSD_PREFIX.finditer(data)]
        names = b"|".join(re.escape(p) + b":" for p in prefixes)
        typed = rb'"([^"\\\n]*)"\^\^(?:<' + re.escape(_XSD.encode()) + rb"([\w]+)>"
        typed += (rb"|(?:" + names + rb")([\w]+))") if names else rb")"
        for match in re.finditer(typed, data):
            name = match.group(2) or (match.group(3) if names else None)
            if name and name != b"string":
                candidates.add((match.group(1).decode("utf-8", "replace"), _XSD + name.decode()))
        tokens = set(_NUMBER_TOKEN.findall(_NOT_CODE.sub(b" ", data)))
        for token in tokens:
            text = token.decode()
            if not _NUMBER.fullmatch(text):
                text = text[:-1]  # "42." ends a statement
                if not _NUMBER.fullmatch(text):
                    continue
            kind = "double" if "e" in text.lower() else "decimal" if "." in text else "integer"
            candidates.add((text, _XSD + kind))
    return _rewritten(sorted(candidates))


def _rewritten(candidates: list[tuple[str, str]]) -> list[str]:
    import pyoxigraph

    if not candidates:
        return []
    store = pyoxigraph.Store()
    subject = "urn:x-kgtool:literal:"
    lines = [
        f'<{subject}{number}> <urn:x-kgtool:p> "{lexical}"^^<{datatype}> .'
        for number, (lexical, datatype) in enumerate(candidates)
    ]
    store.load("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    found = []
    for quad in store:
        number = int(quad.subject.value.removeprefix(subject))
        lexical, datatype = candidates[number]
        literal = quad.object
        if literal.value != lexical or literal.datatype.value != datatype:
            found.append(f'"{lexical}"^^<{datatype}>')
    return sorted(found)
