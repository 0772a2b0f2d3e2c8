"""Loading the site's store: blank nodes relabelled in N-Triples text exactly as a triple-by-
triple relabelling does, and the cache of each file's text (used while the file is unchanged;
a damaged, stale or planted-under-another-key entry is never served)."""

from __future__ import annotations

import os

import pyoxigraph
import pytest

from kgtool.errors import InputError
from kgtool.store.files import source_files
from kgtool.web.site.loading import CACHE_FOLDER, _stable_triples, load_site_store, stable_ntriples

# Blank nodes labelled and anonymous, as subjects and objects, in lists, and literals that look
# like blank nodes in N-Triples (``> _:x .`` inside a string, a label at a line's start).
TRICKY = r"""PREFIX ex: <http://example.org/>
ex:s ex:p [ ex:q "a > _:x ." ; ex:r ( 1 [ ex:t _:named ] ) ] .
_:named ex:p "_:named <http://example.org/p> _:z .\n_:y ex:p _:z ." , "x"@sv , _:other .
_:other ex:p "> _:q ."^^ex:dt ; ex:p "\" > _:w ." .
ex:s2 ex:p [] , [] .
"""


def _graph(tmp_path, text: str = TRICKY, name: str = "x.ttl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, source_files([path], tmp_path)[0]


def _store_lines(project_store) -> list[bytes]:
    return sorted(project_store.store.dump(format=pyoxigraph.RdfFormat.N_QUADS).splitlines())


def test_text_relabelling_gives_the_triple_by_triple_labels(tmp_path):
    path, source = _graph(tmp_path)
    by_triple = pyoxigraph.serialize(
        (quad.triple for quad in _stable_triples(path, source.shown, source.graph)),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
    )
    text = stable_ntriples(source, path.read_bytes())
    assert text == by_triple
    assert b"_:b" in text and text.count(b'"a > _:x ."') == 1  # literals left as written
    parsed = pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_TRIPLES)
    labels = {
        t.value for q in parsed for t in (q.subject, q.object) if type(t).__name__ == "BlankNode"
    }
    assert len(labels) == 8 and all(label.startswith("b") for label in labels)


def test_the_store_holds_the_stable_labels(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTOOL_NO_CACHE", "1")
    path, source = _graph(tmp_path)
    expected = sorted(
        pyoxigraph.serialize(
            (q.triple for q in _stable_triples(path, source.shown, source.graph)),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
        ).splitlines()
    )
    loaded = load_site_store([path], tmp_path)
    assert _store_lines(loaded) == expected
    assert loaded.digests is not None and len(loaded.digests) == 1


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("KGTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("KGTOOL_NO_CACHE", raising=False)
    return folder / CACHE_FOLDER


def _entries(folder) -> list:
    return sorted(folder.rglob("*.nt"))


def test_an_unchanged_file_is_read_from_the_cache(tmp_path, cache):
    path, _ = _graph(tmp_path)
    first = _store_lines(load_site_store([path], tmp_path))
    [entry] = _entries(cache)
    os.utime(entry, (1_000_000_000, 1_000_000_000))
    assert _store_lines(load_site_store([path], tmp_path)) == first
    assert entry.stat().st_mtime > 1_000_000_000  # used again (and so kept longest)


def test_a_touched_file_with_the_same_content_is_read_from_the_cache(tmp_path, cache):
    path, _ = _graph(tmp_path)
    first = _store_lines(load_site_store([path], tmp_path))
    [entry] = _entries(cache)
    os.utime(entry, (1_000_000_000, 1_000_000_000))
    path.write_text(TRICKY, encoding="utf-8")  # hashed again: the same content, the same entry
    assert _store_lines(load_site_store([path], tmp_path)) == first
    assert _entries(cache) == [entry] and entry.stat().st_mtime > 1_000_000_000


def test_an_edited_file_is_read_again(tmp_path, cache):
    path, _ = _graph(tmp_path)
    before = _store_lines(load_site_store([path], tmp_path))
    path.write_text(TRICKY.replace('"x"@sv', '"y"@sv'), encoding="utf-8")  # same size
    after = _store_lines(load_site_store([path], tmp_path))
    assert any(b'"y"@sv' in line for line in after)
    assert not any(b'"x"@sv' in line for line in after)
    assert len(after) == len(before) and len(_entries(cache)) == 2


@pytest.mark.parametrize("damage", ["truncated", "other triples", "empty", "no header"])
def test_a_damaged_entry_is_not_used_and_is_written_again(tmp_path, cache, damage):
    path, _ = _graph(tmp_path)
    expected = _store_lines(load_site_store([path], tmp_path))
    [entry] = _entries(cache)
    good = entry.read_bytes()
    header, _, body = good.partition(b"\n")
    damaged = {
        "truncated": good[: len(good) // 2],
        "other triples": header + b"\n<http://example.org/a> <http://example.org/b> _:c .\n",
        "empty": b"",
        "no header": body,
    }[damage]
    entry.write_bytes(damaged)
    assert _store_lines(load_site_store([path], tmp_path)) == expected
    assert entry.read_bytes() == good


def test_a_syntax_error_names_the_file_and_line_with_the_cache(tmp_path, cache):
    path, _ = _graph(tmp_path, TRICKY + "ex:broken ex:p .\n")
    with pytest.raises(InputError, match=r"x\.ttl:6:"):
        load_site_store([path], tmp_path)
    assert _entries(cache) == []


def test_entries_of_earlier_versions_are_pruned(tmp_path, cache):
    path, _ = _graph(tmp_path)
    for n in range(6):
        path.write_text(TRICKY + f'ex:v ex:n "{n}" .\n', encoding="utf-8")
        load_site_store([path], tmp_path)
    assert len(_entries(cache)) <= 3  # the one in use and at most twice its size besides


def test_the_same_text_in_two_files_gets_two_sets_of_labels(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTOOL_NO_CACHE", "1")
    one, _ = _graph(tmp_path, name="a.ttl")
    two, _ = _graph(tmp_path, name="b.ttl")
    loaded = load_site_store([one, two], tmp_path)
    blanks = {term.value for quad in loaded.store for term in (quad.subject, quad.object)
              if isinstance(term, pyoxigraph.BlankNode)}  # fmt: skip
    assert len(blanks) == 16
