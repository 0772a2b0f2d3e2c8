"""The Turtle style of every hand-written file, and that every ks: term used is declared.

Hand-written files: ontology/, data/ (not the generated data/reference/*.ttl, which has its own
determinism test) and shapes/. Each must parse, put BASE/PREFIX before any triple, open each
subject's block once, tag its labels with a language and type its dates. No subject's block may
appear in two files of the graph. Every ``ks:`` term used in data/, shapes/ or queries/ must be
declared in ontology/.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from kgtool.store.graph import parse_turtle
from kgtool.terms import KS, SH

ROOT = Path(__file__).resolve().parent.parent
GENERATED_DIR = ROOT / "data" / "reference"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = {URIRef(XSD + name) for name in ("date", "dateTime", "dateTimeStamp", "gYearMonth")}
LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.definition)
DATE_LIKE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?.*)?)?")
_DIRECTIVE = re.compile(r"(@prefix|@base|PREFIX|BASE)(?![\w:-])", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_BASE_DECL = re.compile(r"(?:@base|BASE)\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"<[^>]*>|[^\s;,]+")
_KS_LOCAL = re.compile(r"[A-Za-z_][\w-]*")


def turtle_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.ttl"))


def is_generated(path: Path) -> bool:
    return path.parent == GENERATED_DIR


HAND_WRITTEN = [p for p in turtle_files("ontology", "data", "shapes") if not is_generated(p)]
ALL_FILES = turtle_files("ontology", "data", "shapes")


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# -- a small Turtle statement scanner ---------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """A top-level statement: a directive, or a block of triples opened by ``subject``."""

    line: int
    directive: bool
    subject: URIRef | None  # None for a directive or a blank-node subject


def statements(path: Path) -> list[Statement]:
    """The top-level statements of a Turtle file, with the line each starts on.

    Strings, IRIs and comments are skipped; a statement ends at a '.' outside brackets that is
    followed by white space, a comment or the end of the file.
    """
    text = path.read_text(encoding="utf-8")
    prefixes: dict[str, str] = {}
    base = path.resolve().as_uri()
    found: list[Statement] = []
    i, line, depth, at_start = 0, 1, 0, True
    while i < len(text):
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif char.isspace():
            pass
        elif at_start and _DIRECTIVE.match(text, i):
            end = text.index(">", i) + 1
            declaration = text[i:end]
            if prefix := _PREFIX_DECL.match(declaration):
                prefixes[prefix.group(1)] = urljoin(base, prefix.group(2))
            elif base_decl := _BASE_DECL.match(declaration):
                base = urljoin(base, base_decl.group(1))
            found.append(Statement(line, True, None))
            line += declaration.count("\n")
            if declaration.startswith("@"):
                end = text.index(".", end) + 1
            i = end
            continue
        elif at_start:
            token = _SUBJECT.match(text, i).group(0)
            found.append(Statement(line, False, _resolve(token, base, prefixes)))
            at_start = False
            continue
        elif char == "<":
            end = text.index(">", i) + 1
            line += text.count("\n", i, end)
            i = end
            continue
        elif char in "\"'":
            end = _string_end(text, i)
            line += text.count("\n", i, end)
            i = end
            continue
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "." and depth == 0 and (i + 1 == len(text) or text[i + 1] in " \t\r\n#"):
            at_start = True
        i += 1
    return found


def _string_end(text: str, start: int) -> int:
    """Index just after the string literal that starts at ``start``."""
    quote = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
    i = start + len(quote)
    while not text.startswith(quote, i):
        i += 2 if text[i] == "\\" else 1
    return i + len(quote)


def _resolve(token: str, base: str, prefixes: dict[str, str]) -> URIRef | None:
    if token.startswith("<"):
        return URIRef(urljoin(base, token[1:-1]))
    prefix, colon, local = token.partition(":")
    if colon and prefix in prefixes:
        return URIRef(prefixes[prefix] + local.replace("\\", ""))
    return None


# -- each hand-written file -----------------------------------------------------------------


@pytest.fixture(scope="module")
def parsed() -> dict[Path, Graph]:
    return {}


def graph_of(path: Path, cache: dict[Path, Graph]) -> Graph:
    if path not in cache:
        cache[path] = parse_turtle(path, display=Path(shown(path)))
    return cache[path]


def where(path: Path, subject) -> str:
    lines: dict[URIRef, int] = {}
    for statement in statements(path):
        if statement.subject is not None:
            lines.setdefault(statement.subject, statement.line)
    return f"{shown(path)}:{lines.get(subject, '?')}"


by_file = pytest.mark.parametrize("path", HAND_WRITTEN, ids=[shown(p) for p in HAND_WRITTEN])


@by_file
def test_parses(path, parsed):
    assert len(graph_of(path, parsed)) > 0, f"{shown(path)}: no triples"


@by_file
def test_directives_come_first(path):
    seen_triples = None
    for statement in statements(path):
        if not statement.directive:
            seen_triples = seen_triples or statement.line
        else:
            assert seen_triples is None, (
                f"{shown(path)}:{statement.line}: BASE/PREFIX after the first triple "
                f"(line {seen_triples})"
            )


@by_file
def test_each_subject_opens_one_block(path):
    lines: dict[URIRef, list[int]] = defaultdict(list)
    for statement in statements(path):
        if statement.subject is not None:
            lines[statement.subject].append(statement.line)
    repeated = {s: ls for s, ls in lines.items() if len(ls) > 1}
    assert not repeated, [f"{shown(path)}:{ls} all open {s}" for s, ls in repeated.items()]


@by_file
def test_labels_have_a_language_tag(path, parsed):
    graph = graph_of(path, parsed)
    untagged = [
        f"{where(path, s)}: {graph.qname(p)} {o.n3()} has no language tag"
        for p in LABELS
        for s, o in graph.subject_objects(p)
        if not (isinstance(o, Literal) and o.language)
    ]
    assert not untagged, untagged


@by_file
def test_dates_are_typed(path, parsed):
    graph = graph_of(path, parsed)
    wrong = []
    for s, p, o in graph:
        if not isinstance(o, Literal):
            continue
        if o.datatype in DATE_TYPES and o.ill_typed:
            wrong.append(f"{where(path, s)}: {graph.qname(p)} {o.n3()} is not a valid date")
        elif o.datatype not in DATE_TYPES and DATE_LIKE.fullmatch(str(o)):
            wrong.append(f"{where(path, s)}: {graph.qname(p)} {o.n3()} needs a date datatype")
    assert not wrong, wrong


def test_no_subject_has_blocks_in_two_files():
    files: dict[URIRef, set[str]] = defaultdict(set)
    for path in ALL_FILES:
        for statement in statements(path):
            if statement.subject is not None:
                files[statement.subject].add(shown(path))
    spread = {s: sorted(fs) for s, fs in files.items() if len(fs) > 1}
    assert not spread, [f"{s} has blocks in {fs}" for s, fs in spread.items()]


# -- the scanner itself ---------------------------------------------------------------------


def test_scanner_finds_late_prefix_repeated_subject_and_skips_strings(tmp_path):
    sample = tmp_path / "sample.ttl"
    sample.write_text(
        "BASE <https://example.org/id/>\n"
        "PREFIX ex: <https://example.org/def/>\n"
        '<a> ex:p "text . <b> ex:q" ;  # a comment . <c>\n'
        '    ex:r """long\n. <d> ex:s\n""" .\n'
        "ex:e ex:p [ ex:q 1.5 ] .\n"
        "PREFIX late: <https://example.org/late/>\n"
        "<a> ex:p ex:f.g .\n",
        encoding="utf-8",
    )
    found = [(s.line, s.directive, s.subject) for s in statements(sample)]
    assert found == [
        (1, True, None),
        (2, True, None),
        (3, False, URIRef("https://example.org/id/a")),
        (7, False, URIRef("https://example.org/def/e")),
        (8, True, None),
        (9, False, URIRef("https://example.org/id/a")),
    ]


BAD_FILE = """\
BASE <https://w3id.org/kommunsamverkan/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
<source/900> rdfs:label "Källa 900" ; dct:date "2020-02-11" .
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
<source/900> dct:modified "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .
"""


@pytest.mark.parametrize(
    "check",
    [
        test_directives_come_first,
        test_each_subject_opens_one_block,
        test_labels_have_a_language_tag,
        test_dates_are_typed,
    ],
)
def test_each_check_fails_on_a_bad_file(tmp_path, check):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_FILE, encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        check(path=bad, **({"parsed": {}} if "parsed" in check.__code__.co_varnames else {}))
    assert "bad.ttl:" in str(failure.value)


# -- ks: terms are declared -----------------------------------------------------------------


def declared_terms() -> set[URIRef]:
    graph = Graph()
    for path in turtle_files("ontology"):
        parse_turtle(path, graph)
    return {s for s in graph.subjects() if isinstance(s, URIRef)}


def is_ks_term(node) -> bool:
    text = str(node)
    return (
        isinstance(node, URIRef)
        and text.startswith(str(KS))
        and bool(_KS_LOCAL.fullmatch(text[len(str(KS)) :]))
    )


def ks_terms_in_sparql(text: str) -> set[URIRef]:
    """``ks:`` terms in SPARQL text (the ``ks`` prefix, or full IRIs), outside comments."""
    text = re.sub(r"(^|\s)#.*$", "", text, flags=re.MULTILINE)
    found = {URIRef(str(KS) + m) for m in re.findall(r"(?<![\w:])ks:([A-Za-z_][\w-]*)", text)}
    found |= {URIRef(m) for m in re.findall(rf"<({re.escape(str(KS))}[^>]*)>", text)}
    return {term for term in found if is_ks_term(term)}


def ks_terms_in_turtle(paths: list[Path]) -> dict[URIRef, set[str]]:
    """Where each ``ks:`` term is used (as predicate, object or inside a SPARQL constraint).

    IRIs the files themselves describe (such as the shapes graph's own header) are not terms.
    """
    graphs = {path: parse_turtle(path) for path in paths}
    own = {s for graph in graphs.values() for s in graph.subjects() if isinstance(s, URIRef)}
    used: dict[URIRef, set[str]] = defaultdict(set)
    for path, graph in graphs.items():
        for _s, p, o in graph:
            for node in (p, o):
                if is_ks_term(node) and node not in own:
                    used[node].add(shown(path))
            if p in (SH.select, SH.ask, SH.construct, SH.update):
                for term in ks_terms_in_sparql(str(o)):
                    used[term].add(shown(path))
    return used


def undeclared(used: dict[URIRef, set[str]]) -> list[str]:
    declared = declared_terms()
    return sorted(f"{t} used in {sorted(fs)}" for t, fs in used.items() if t not in declared)


@pytest.mark.parametrize("folder", ["data", "shapes"])
def test_ks_terms_in_turtle_are_declared(folder):
    paths = turtle_files(folder)
    assert paths, f"{folder}/ holds no Turtle file"
    used = ks_terms_in_turtle(paths)
    assert {KS.Collaboration, KS.FullMember} <= set(used), sorted(used)
    assert undeclared(used) == []


def test_ks_terms_in_queries_are_declared():
    paths = sorted((ROOT / "queries").glob("*.rq"))
    assert paths, "queries/ holds no saved query"
    used: dict[URIRef, set[str]] = defaultdict(set)
    for path in paths:
        for term in ks_terms_in_sparql(path.read_text(encoding="utf-8")):
            used[term].add(shown(path))
    assert {KS.Collaboration, KS.FullMember} <= set(used), sorted(used)
    assert undeclared(used) == []


def test_ks_term_finder_sees_typos():
    text = "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n# ks:InComment\n"
    text += (
        "SELECT * { ?m ks:municipalityKode ?c ; a <https://w3id.org/kommunsamverkan/def/Kommun> }"
    )
    typo, kommun = URIRef(str(KS) + "municipalityKode"), URIRef(str(KS) + "Kommun")
    assert ks_terms_in_sparql(text) == {typo, kommun}  # KS itself is closed: no KS.typo
    assert typo not in declared_terms()
