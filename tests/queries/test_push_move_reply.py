"""The reply to MOVE is lost: push asks the store and says what it knows, never guesses.

A small HTTP proxy in front of a real Oxigraph server forwards every request; for the MOVE it
either forwards it and then hangs up without a reply (the MOVE happened), or hangs up without
forwarding it (the MOVE never happened).
"""

from __future__ import annotations

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from conftest import OxigraphServer
from stores import count, temporary_graphs

from kgtool.errors import EndpointError
from kgtool.project import Project
from kgtool.query.remote import push
from kgtool.store.graph import load_project

GRAPH = "https://example.org/move-reply"


class Proxy:
    """Forwards to ``upstream``; ``on_move`` is "forward-then-hang-up" or "hang-up"."""

    def __init__(self, upstream: str, on_move: str) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                update = parse_qs(body.decode()).get("update", [""])[0]
                moving = update.startswith("MOVE")
                if moving and on_move == "hang-up":
                    self.close_connection = True
                    return
                request = urllib.request.Request(
                    upstream + self.path,
                    data=body,
                    headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                )
                with urllib.request.urlopen(request, timeout=30) as answer:
                    data, status = answer.read(), answer.status
                    kind = answer.headers.get("content-type", "text/plain")
                if moving:
                    proxy.moved = True
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.moved = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store(tmp_path):
    server = OxigraphServer(tmp_path / "store")
    yield server
    server.stop()


def test_lost_reply_after_the_move_happened_is_success(store, project_dir):
    graph = load_project(Project(project_dir)).graph
    proxy = Proxy(store.url, "forward-then-hang-up")
    try:
        report = push(graph, proxy.url, GRAPH, timeout=10)
    finally:
        proxy.close()
    assert proxy.moved
    assert report.triples_in_store == len(graph)
    assert count(store.url + "/query", GRAPH) == len(graph)
    assert temporary_graphs(store.url + "/query") == []


def test_lost_move_says_the_target_was_left_unchanged(store, project_dir):
    graph = load_project(Project(project_dir)).graph
    push(graph, store.url, GRAPH)
    small = type(graph)()
    for triple in sorted(graph)[:10]:
        small.add(triple)
    proxy = Proxy(store.url, "hang-up")
    try:
        with pytest.raises(EndpointError) as caught:
            push(small, proxy.url, GRAPH, timeout=10)
    finally:
        proxy.close()
    assert caught.value.message == (
        f"endpoint {proxy.url}/update: Remote end closed connection without response; no reply "
        "to MOVE: the temporary graph still holds all 10 triples, so the target graph was left "
        f"unchanged (it holds {len(graph)} triples)"
    )
    assert count(store.url + "/query", GRAPH) == len(graph)
    assert temporary_graphs(store.url + "/query") == [], "the temporary graph was dropped"
