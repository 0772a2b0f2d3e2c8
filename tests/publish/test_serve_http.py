"""``kgtool serve`` over real HTTP: negotiation, SPARQL protocol, saved queries, limits."""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import time
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, URIRef

DATA = "https://w3id.org/kommunsamverkan/"
COUNT = "SELECT ?s WHERE { ?s a <https://w3id.org/kommunsamverkan/def/Municipality> } ORDER BY ?s"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


@pytest.mark.parametrize(
    "path",
    ["/id/municipality/1980", "/id/collaboration/fyra-malarstader", "/def/Municipality"],
)
@pytest.mark.parametrize("media", sorted(RDF_PARSERS))
def test_serve_negotiates_rdf(http, path, media):
    response = http.get(path, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert "accept" in response.headers["vary"].lower()
    graph = Graph().parse(data=response.content, format=RDF_PARSERS[media])
    assert (URIRef(DATA + path.lstrip("/")), None, None) in graph


def test_serve_negotiates_html_for_a_municipality(http):
    response = http.get("/id/municipality/1980", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/id/municipality/1980/"
    page = http.get(response.headers["location"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<h1>Västerås</h1>" in page.text


def test_serve_negotiates_html_for_a_collaboration_and_a_term(http):
    page = http.get("/id/collaboration/fyra-malarstader", headers={"Accept": "text/html"})
    assert page.status_code == 303
    followed = http.get(page.headers["location"])
    assert followed.status_code == 200 and 'class="members"' in followed.text
    term = http.get("/def/Municipality", headers={"Accept": "text/html,*/*;q=0.8"})
    assert term.status_code == 303 and term.headers["location"] == "/def/#Municipality"
    docs = http.get("/def/")
    assert docs.status_code == 200 and '<section id="Municipality">' in docs.text


def test_serve_prefers_by_q_value(http):
    response = http.get(
        "/id/municipality/1980", headers={"Accept": "text/html;q=0.5, application/ld+json"}
    )
    assert response.headers["content-type"].startswith("application/ld+json")


def test_serve_unknown_iri_is_404(http):
    assert http.get("/id/municipality/9999", headers={"Accept": "text/turtle"}).status_code == 404
    assert http.get("/def/NoSuchTerm", headers={"Accept": "text/turtle"}).status_code == 404


def test_serve_nothing_acceptable_is_406(http):
    response = http.get("/id/municipality/1980", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text


def _sparql_rows(http, accept: str, method: str = "GET") -> httpx.Response:
    if method == "GET":
        return http.get("/sparql", params={"query": COUNT}, headers={"Accept": accept})
    return http.post("/sparql", data={"query": COUNT}, headers={"Accept": accept})


def test_serve_sparql_select_in_json(http):
    response = _sparql_rows(http, "application/sparql-results+json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    document = response.json()
    assert document["head"]["vars"] == ["s"]
    values = [b["s"]["value"] for b in document["results"]["bindings"]]
    assert len(values) == 290 and DATA + "id/municipality/1980" in values


def test_serve_sparql_select_in_xml(http):
    response = _sparql_rows(http, "application/sparql-results+xml", method="POST")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(response.content)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    uris = [u.text for u in root.iter(f"{ns}uri")]
    assert len(uris) == 290 and DATA + "id/municipality/1980" in uris


def test_serve_sparql_select_in_csv_and_tsv(http):
    as_csv = _sparql_rows(http, "text/csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == ["s"] and len(rows) == 291
    as_tsv = _sparql_rows(http, "text/tab-separated-values")
    assert as_tsv.status_code == 200
    lines = as_tsv.text.splitlines()
    assert lines[0] == "?s" and f"<{DATA}id/municipality/1980>" in lines


def test_serve_sparql_query_in_post_body(http):
    response = http.post(
        "/sparql",
        content=COUNT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert response.status_code == 200 and len(response.text.splitlines()) == 291


def test_serve_sparql_construct_as_turtle(http):
    query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{DATA}id/municipality/1980> AS ?s) ?s ?p ?o }}"
    )
    response = http.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/turtle"
    )
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(DATA + "id/municipality/1980"), None, None) in graph


def _still_serving(http) -> None:
    response = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 200 and response.json()["boolean"] is True


@pytest.mark.parametrize(
    ("kind", "request_kwargs", "status"),
    [
        ("update as query", {"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403),
        ("update form", {"data": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 403),
        (
            "update body",
            {
                "content": b"DELETE WHERE { ?s ?p ?o }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
        ),
        ("malformed", {"params": {"query": "SELEKT ?x WHERE { ?x }"}}, 400),
        ("service", {"params": {"query": "SELECT * { SERVICE <http://e/> { ?s ?p ?o } }"}}, 403),
        ("oversized body", {"data": {"query": "SELECT * { ?s ?p ?o } #" + "x" * 5000}}, 413),
        ("missing query", {"params": {}}, 400),
    ],
)
def test_serve_refuses_bad_requests_and_keeps_serving(http, kind, request_kwargs, status):
    method = "GET" if "params" in request_kwargs else "POST"
    response = http.request(method, "/sparql", **request_kwargs)
    assert response.status_code == status, (kind, response.text)
    assert response.text.strip(), "a refusal says why"
    _still_serving(http)


def test_serve_malformed_query_message(http):
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400 and "malformed query" in response.text


def test_serve_result_limit_is_signalled(http):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = http.get("/sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["x-result-truncated"] == "true"
    document = response.json()
    assert len(document["results"]["bindings"]) == 500
    assert document["kgtool"] == {"truncated": True, "limit": 500}
    small = _sparql_rows(http, "application/json")
    assert "x-result-truncated" not in small.headers


def test_serve_slow_query_times_out_while_others_are_answered(server):
    results: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        response = httpx.get(server.url + "/sparql", params={"query": SLOW}, timeout=60)
        results["slow"] = (response.status_code, response.text, time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    quick_started = time.monotonic()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get("/id/municipality/1980/")
        quick = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
    quick_took = time.monotonic() - quick_started
    thread.join(60)
    assert page.status_code == 200 and quick.status_code == 200
    status, text, took = results["slow"]
    assert status == 503 and "ran longer than 3 s" in text
    assert 2.5 < took < 15
    assert quick_took < took, "the quick requests did not wait for the slow query"
    with httpx.Client(base_url=server.url, timeout=30) as client:
        _still_serving(client)


def test_serve_saved_query_with_typed_parameters(http):
    from publish_helpers import ROOT

    from kgtool.project import Project
    from kgtool.query.catalogue import load_catalogue

    queries = load_catalogue(Project(ROOT))
    assert queries, "the project ships saved queries"
    listing = http.get("/api/").json()
    assert [q["name"] for q in listing] == [q.name for q in queries]
    query, param = next((q, p) for q in queries for p in q.params if p.type == "xsd:date")
    response = http.get(f"/api/{query.name}", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert "head" in response.json()
    dated = http.get(f"/api/{query.name}", params={param.name: "2020-01-01"})
    assert dated.status_code == 200, dated.text
    bad = http.get(f"/api/{query.name}", params={param.name: "2020-13-01"})
    assert bad.status_code == 400 and f"parameter '{param.name}'" in bad.text
    unknown = http.get(f"/api/{query.name}", params={"no_such_param": "x"})
    assert unknown.status_code == 400 and "no_such_param" in unknown.text
    assert http.get("/api/no-such-query").status_code == 404


def test_serve_site_files(http):
    void = http.get("/void.ttl")
    assert void.status_code == 200 and "void:triples" in void.text
    dump = http.get("/dumps/kommunsamverkan.nt")
    assert dump.status_code == 200 and dump.headers["content-type"].startswith(
        "application/n-triples"
    )
    assert http.get("/").status_code == 200
    assert json.loads(http.get("/id/municipality/1980/index.jsonld").text)["@graph"]


@pytest.mark.parametrize("ext", ["nt", "ttl", "jsonld"])
def test_serve_dumps_match_the_published_site(http, site_dir, ext):
    """The dumps come from files the server wrote once (never held in memory), byte for byte
    what ``kgtool publish`` writes, plain and gzipped."""
    for name in (f"dumps/kommunsamverkan.{ext}", f"dumps/kommunsamverkan.{ext}.gz"):
        response = http.get(f"/{name}")
        assert response.status_code == 200, response.text
        assert response.content == (site_dir / name).read_bytes()
    assert http.get(f"/dumps/kommunsamverkan.{ext}.zip").status_code == 404


@pytest.mark.parametrize("name", ["", "index.html", "index.ttl", "index.nt", "index.jsonld"])
def test_serve_term_folder_files_match_the_published_site(http, site_dir, name):
    """``/def/<Term>/index.*`` as ``kgtool publish`` writes them (``/def/<Term>/`` is the page)."""
    response = http.get(f"/def/Municipality/{name}")
    assert response.status_code == 200, response.text
    published = site_dir / "def/Municipality" / (name or "index.html")
    assert response.content == published.read_bytes()
    assert http.get("/def/NoSuchTerm/index.ttl").status_code == 404
    assert http.get("/def/Municipality/index.png").status_code == 404


def _poll(client, until, seconds: float = 40.0) -> httpx.Response:
    """Ask for COUNT until ``until(response)`` holds (or time runs out): the last response."""
    deadline = time.monotonic() + seconds
    while True:
        response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
        if until(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def test_replacement_workers_answer_from_the_store_the_server_started_with(tmp_path):
    """Workers open the persistent store read-only: a data file broken while the server runs
    changes nothing until a restart, and a worker stopped at the timeout is replaced at once."""
    from publish_helpers import ROOT, Server

    project = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    sources = project / "data" / "sources.ttl"
    # No answers cache: every COUNT below is answered by a worker, none from memory.
    running = Server(project, "--timeout", "3", "--workers", "1", "--cache-mb", "0")
    try:
        running.wait_ready()
        before = httpx.get(
            running.url + "/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"}
        )
        sources.write_text(sources.read_text("utf-8") + "\nnot turtle ;;;\n", "utf-8")
        with httpx.Client(base_url=running.url, timeout=60) as client:
            stopped = client.get("/sparql", params={"query": SLOW})
            assert stopped.status_code == 503 and "ran longer" in stopped.text, stopped.text
            after = _poll(client, lambda r: r.status_code == 200)
            assert after.status_code == 200, after.text
            assert after.text == before.text
    finally:
        running.stop()


def test_worker_over_its_memory_cap_is_stopped_with_503_and_the_server_goes_on():
    """A query that needs more memory than --worker-memory ends its worker, not the machine."""
    from publish_helpers import ROOT, Server

    # ORDER BY must hold every row of a 4,700³ cross product before it can answer.
    hungry = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"
    running = Server(ROOT, "--timeout", "60", "--workers", "1", "--worker-memory", "200")
    try:
        running.wait_ready()
        with httpx.Client(base_url=running.url, timeout=90) as client:
            scan = client.get(  # an ordinary whole-graph scan is not hindered by the cap
                "/sparql",
                params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"},
                headers={"Accept": "application/sparql-results+json"},
            )
            assert scan.status_code == 200, scan.text
            started = time.monotonic()
            stopped = client.get("/sparql", params={"query": hungry})
            assert stopped.status_code == 503, stopped.text[:200]
            assert "ended unexpectedly" in stopped.text
            assert time.monotonic() - started < 60, "stopped by the cap, not the timeout"
            after = _poll(client, lambda r: r.status_code == 200)
            assert after.status_code == 200, after.text
    finally:
        running.stop()


def test_serve_parses_concurrent_queries_right_after_start():
    """SPARQL parsing (rdflib, pyparsing) is not thread-safe: the server must not race itself."""
    from concurrent.futures import ThreadPoolExecutor

    from publish_helpers import ROOT, Server

    queries = [COUNT, "ASK { ?s ?p ?o }", "SELECT ?p WHERE { ?s ?p ?o } LIMIT 2"] * 4
    running = Server(ROOT, "--workers", "1")
    try:
        running.wait_ready()
        with httpx.Client(base_url=running.url, timeout=60) as client:

            def ask(query: str) -> tuple[int, str]:
                response = client.post("/sparql", data={"query": query})
                return response.status_code, response.text[:200]

            with ThreadPoolExecutor(len(queries)) as pool:
                answers = list(pool.map(ask, queries))
    finally:
        running.stop()
    assert [a for a in answers if a[0] != 200] == []


def test_serve_honours_accept_language(http):
    headers = {"Accept": "text/html", "Accept-Language": "en"}
    page = http.get("/id/municipality/1980", headers=headers, follow_redirects=True)
    assert page.status_code == 200
    assert str(page.url).endswith("/en/id/municipality/1980/")
    assert '<html lang="en">' in page.text and "County" in page.text
    swedish = http.get(
        "/id/municipality/1980", headers={"Accept": "text/html"}, follow_redirects=True
    )
    assert '<html lang="sv">' in swedish.text and "Län" in swedish.text


def test_serve_sparql_gives_the_editor_to_a_browser(http):
    page = http.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 200 and "yasgui.min.js" in page.text
    assert http.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert http.get("/sparql").status_code == 400  # no query, no browser: the protocol error
