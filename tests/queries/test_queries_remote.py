"""Remote: push into a real Oxigraph server, then every saved query gives the local rows."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from test_queries_readonly import HOSTILE

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue
from kgtool.query.remote import chunks, endpoints
from kgtool.store.graph import load_project

ROOT = Path(__file__).resolve().parents[2]


def saved_names(project_dir: Path) -> list[str]:
    return [query.name for query in load_catalogue(Project(project_dir))]


def test_push_reports_and_store_holds_the_graph(pushed, project_dir, run_cli):
    triples = len(load_project(Project(project_dir)).graph)
    assert pushed.count() == triples
    again = run_cli("push", "--endpoint", pushed.url)
    assert again.exit_code == 0, again.stderr
    assert again.output.startswith(f"pushed {triples} triples to the default graph at ")
    assert f"the store now holds {triples} triples there, checksum " in again.output
    assert again.output.rstrip().endswith(" verified")
    assert pushed.count() == triples, "a second push replaces, it does not duplicate"


def test_push_to_named_graph_with_query_url(pushed, project_dir, run_cli):
    triples = len(load_project(Project(project_dir)).graph)
    for _ in range(2):
        result = run_cli(
            "push", "--endpoint", pushed.url + "/query", "--graph", "https://example.org/g"
        )
        assert result.exit_code == 0, result.stderr
        assert f"pushed {triples} triples to <https://example.org/g>" in result.output
        assert f"holds {triples} triples there" in result.output
    count = run_cli(
        "sparql",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }",
        "--endpoint",
        pushed.url,
        "-f",
        "sparql-csv",
    )
    assert count.output == f"n\n{triples}\n"
    assert pushed.count() == triples, "the default graph is untouched"


@pytest.mark.parametrize("name", saved_names(ROOT))
def test_every_saved_query_same_rows_remote(pushed, run_cli, name):
    local = run_cli("query", name, "-f", "tsv")
    remote = run_cli("query", name, "-f", "tsv", "--endpoint", pushed.url)
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert remote.output == local.output


def test_as_of_same_rows_remote(pushed, run_cli, project_dir):
    with_rows = set()
    for query in load_catalogue(Project(project_dir)):
        if query.time_param is None:
            continue
        for date in ("2016-09-01", "2020-01-01", "2024-06-01"):
            args = ("query", query.name, "--as-of", date, "-f", "tsv")
            local, remote = run_cli(*args), run_cli(*args, "--endpoint", pushed.url)
            assert local.exit_code == 0, local.stderr
            assert remote.output == local.output, (query.name, date)
            if len(local.output.splitlines()) > 1:
                with_rows.add((query.name, date))
    # 000: Strängnäs chairs Fyra Mälarstäder on 2020-01-01, Västerås on 2024-06-01
    assert {("chair-history", "2020-01-01"), ("chair-history", "2024-06-01")} <= with_rows


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_match_as_plain_values_remotely(pushed, run_cli, value):
    before = pushed.count()
    result = run_cli(
        "query", "find-by-name", "-p", f"name={value}", "-f", "sparql-csv", "--endpoint", pushed.url
    )
    assert result.exit_code == 0, result.stderr
    assert result.output == "thing,type,thingName,source\n"
    assert pushed.count() == before


def test_push_to_dead_port_is_exit_2(run_cli, dead_port):
    result = run_cli("push", "--endpoint", f"http://127.0.0.1:{dead_port}")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: endpoint http://127.0.0.1:{dead_port}/query: connection refused "
        "(is the server running?); push stopped before sending any data: the target graph was "
        "left unchanged"
    )
    assert "Traceback" not in result.output


def test_query_dead_port_is_exit_2(run_cli, dead_port):
    result = run_cli("query", "find-by-name", "--endpoint", f"http://127.0.0.1:{dead_port}")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: endpoint http://127.0.0.1:{dead_port}/query: connection refused "
        "(is the server running?)"
    )


def test_http_error_shows_server_message(pushed, run_cli):
    result = run_cli("sparql", "ASK {}", "--endpoint", pushed.url + "/nowhere")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: endpoint {pushed.url}/nowhere: HTTP 404: ")
    assert "not supported" in result.stderr  # Oxigraph's own words


def test_server_rejecting_update_keeps_target(pushed, run_cli, project_dir):
    """Updates sent to the query URL fail: exit 2 with the server's words, store unchanged."""
    before = pushed.count()
    result = run_cli(
        "push", "--endpoint", pushed.url, "--update-url", pushed.url + "/query"
    )  # fmt: skip
    assert result.exit_code == 2
    assert "HTTP 400" in result.stderr and "left unchanged" in result.stderr
    assert pushed.count() == before


def test_timeout_is_exit_2(run_cli):
    """A server that accepts the connection but never answers."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        result = run_cli(
            "query", "find-by-name", "--endpoint", f"http://127.0.0.1:{port}", "--timeout", "0.5"
        )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: endpoint http://127.0.0.1:{port}/query: no answer within 0.5 s (see --timeout)"
    )


def test_push_failing_midway_leaves_target(pushed, project_dir):
    """A server that dies after the first chunk: the default graph keeps its old triples."""
    from kgtool.errors import EndpointError
    from kgtool.query.remote import push

    graph = load_project(Project(project_dir)).graph
    before = pushed.count()
    calls = {"n": 0}
    # A tiny proxy in front of Oxigraph that forwards one request, then closes connections.
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen(5)
    port = proxy.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                client, _ = proxy.accept()
            except OSError:
                return
            calls["n"] += 1
            if calls["n"] > 1:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", pushed.port))
            data = b""
            client.settimeout(5)
            while b"\r\n\r\n" not in data:
                data += client.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(
                next(
                    line.split(b":")[1]
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            while len(body) < length:
                body += client.recv(65536)
            upstream.sendall(head + b"\r\n\r\n" + body)
            upstream.settimeout(5)
            answer = upstream.recv(65536)
            client.sendall(answer)
            upstream.close()
            client.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(EndpointError, match="left unchanged"):
            push(graph, f"http://127.0.0.1:{port}", chunk_size=500, timeout=5)
    finally:
        proxy.close()
    assert calls["n"] >= 2
    assert pushed.count() == before


def test_chunks_keep_blank_nodes_together(project_dir):
    from rdflib import BNode, Graph

    graph = load_project(Project(project_dir)).graph
    pieces = list(chunks(graph, size=50))
    assert len(pieces) > 1
    seen: dict[str, int] = {}
    total = 0
    for index, piece in enumerate(pieces):
        part = Graph().parse(data=piece, format="nt")
        total += len(part)
        for term in {t for triple in part for t in triple if isinstance(t, BNode)}:
            assert seen.setdefault(str(term), index) == index, "a blank node spans two chunks"
    assert total == len(graph)


def test_endpoint_urls():
    assert endpoints("http://127.0.0.1:7878") == endpoints("http://127.0.0.1:7878/")
    assert endpoints("http://127.0.0.1:7878").query == "http://127.0.0.1:7878/query"
    assert endpoints("http://127.0.0.1:7878").update == "http://127.0.0.1:7878/update"
    assert endpoints("http://h:3030/ds/query").update == "http://h:3030/ds/update"
    assert endpoints("http://h/sparql").update == "http://h/sparql"


def test_endpoint_not_http_is_exit_2(run_cli):
    result = run_cli("query", "find-by-name", "--endpoint", "localhost:7878")
    assert result.exit_code == 2
    assert "not an http(s) URL" in result.stderr


def test_endpoint_malformed_url_is_exit_2(run_cli):
    result = run_cli("sparql", "ASK {}", "--endpoint", "http://[::1")
    assert result.exit_code == 2
    assert "endpoint http://[::1: not a valid URL" in result.stderr


@pytest.mark.parametrize("update_url", ["http://127.0.0.1:99999/update", "localhost:7878"])
def test_bad_update_url_is_exit_2_before_any_request(run_cli, dead_port, update_url):
    endpoint = f"http://127.0.0.1:{dead_port}"
    result = run_cli("push", "--endpoint", endpoint, "--update-url", update_url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: endpoint {update_url}: not a")


def test_endpoint_port_out_of_range_is_exit_2(run_cli):
    """urllib would connect to port 99999 modulo 65536 (34463) instead."""
    result = run_cli("sparql", "ASK {}", "--endpoint", "http://127.0.0.1:99999")
    assert result.exit_code == 2
    assert "endpoint http://127.0.0.1:99999: not a valid URL" in result.stderr


@pytest.fixture
def answering_server():
    """Start HTTP servers that answer every POST with 200 and a fixed body; yields a starter."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    servers = []

    def start(body: bytes, content_type: str) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/sparql"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_construct_answer_not_ntriples_is_exit_2(run_cli, answering_server):
    url = answering_server(b"<html><body>not SPARQL</body></html>\n", "text/html")
    result = run_cli("sparql", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", url)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"Error: endpoint {url}: answer is not N-Triples"


@pytest.mark.parametrize(
    "body",
    [b"[]", b'"ok"', b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {}}]}}'],
)
def test_json_answer_not_results_is_exit_2(run_cli, answering_server, body):
    url = answering_server(body, "application/sparql-results+json")
    result = run_cli("sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", url)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"Error: endpoint {url}: answer is not SPARQL JSON results"


def test_saved_query_with_from_still_runs_on_an_endpoint(run_cli, answering_server, tmp_path):
    """FROM picks a named graph of the store: refused locally (naming the file), sent remotely."""
    for folder in ("ontology", "data", "shapes"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "named.rq").write_text(
        "#+ summary: Subjects of a named graph\nSELECT ?s FROM <urn:g> WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    body = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
    url = answering_server(body, "application/sparql-results+json")
    remote = run_cli("query", "named", "--endpoint", url, "-f", "sparql-csv", project=tmp_path)
    assert remote.exit_code == 0, remote.output
    assert remote.output == "s\n"
    local = run_cli("query", "named", project=tmp_path)
    assert local.exit_code == 2
    assert local.stderr.startswith("Error: queries/named.rq: FROM <urn:g>")


OTHER_VALUES = {  # a value other than the default, of each parameter type
    "municipality": "Strängnäs",
    "collaboration": "malmo-lundregionen",
    "county": "04",
    "area": "digitalisering",
    "source": "001",
    "role": "associate",
    "xsd:date": "2020-01-01",
    "xsd:gYear": "2020",
    "xsd:integer": "0",
    "string": "Strängnäs",
    "iri": "ks:Municipality",
}


def _non_default_runs(project_dir: Path) -> list[tuple[str, str, str]]:
    runs = []
    for query in load_catalogue(Project(project_dir)):
        for param in query.params:
            value = OTHER_VALUES.get(param.type)
            if value is not None and value != param.default:
                runs.append((query.name, param.name, value))
    return runs


@pytest.mark.parametrize(("name", "param", "value"), _non_default_runs(ROOT))
def test_non_default_parameters_same_rows_remote(pushed, run_cli, name, param, value):
    """Parameters are bound the same way on both paths (a VALUES block), also off default."""
    args = ("query", name, "-p", f"{param}={value}", "-f", "tsv")
    local, remote = run_cli(*args), run_cli(*args, "--endpoint", pushed.url)
    if local.exit_code == 2:  # a value this parameter does not take (e.g. an iri of a kind)
        assert remote.exit_code == 2
        return
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert remote.output == local.output


def test_a_variable_inside_a_sub_select_is_not_the_parameter(pushed, run_cli, tmp_path):
    """As SPARQL defines it: the VALUES block joins the outer group; an unprojected ?m inside
    the sub-SELECT is another variable, so the count covers every municipality, here and there."""
    query = tmp_path / "queries" / "scoped.rq"
    for folder in ("ontology", "data", "shapes"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    query.parent.mkdir()
    query.write_text(
        "#+ summary: scoping\n"
        "#+ params:\n"
        '#+   m: {type: municipality, default: "1980"}\n'
        "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n"
        "SELECT ?m ?n WHERE { ?m ks:municipalityCode ?code .\n"
        "  { SELECT (COUNT(?m) AS ?n) WHERE { ?m a ks:Municipality } } }\n"
        "ORDER BY ?m\n",
        encoding="utf-8",
    )
    local = run_cli("query", "scoped", "-f", "csv", "--raw", project=tmp_path)
    remote = run_cli(
        "query", "scoped", "-f", "csv", "--raw", "--endpoint", pushed.url, project=tmp_path
    )
    assert local.exit_code == 0, local.stderr
    assert remote.output == local.output
    assert local.output.splitlines()[1].endswith(",290")
