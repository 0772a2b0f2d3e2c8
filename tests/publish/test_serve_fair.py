"""A fair ``kgtool serve``: runaway queries hold at most ``--workers`` worker processes, and
pages, saved queries and short queries keep being answered meanwhile (real server, real HTTP)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from publish_helpers import ROOT, Server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 15  # the runaway queries run this long, well past every check below
QUICK = 5.0  # "answered quickly": far below TIMEOUT, loose enough for a shared machine


@pytest.fixture(scope="module")
def fair_server():
    running = Server(ROOT, "--timeout", str(TIMEOUT), "--workers", "2", "--quick-workers", "2")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


class Runaway(threading.Thread):
    """One runaway query sent to the server; ``answer`` is (status, text, seconds, headers)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.answer: tuple[int, str, float, httpx.Headers] | None = None

    def run(self) -> None:
        started = time.monotonic()
        response = httpx.get(self.url + "/sparql", params={"query": RUNAWAY}, timeout=120)
        self.answer = (
            response.status_code,
            response.text,
            time.monotonic() - started,
            response.headers,
        )


def _timed(client: httpx.Client, path: str, **kwargs) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.get(path, **kwargs)
    return response, time.monotonic() - started


def test_simple_requests_are_answered_while_two_runaway_queries_run(fair_server):
    runaways = [Runaway(fair_server.url) for _ in range(2)]
    for runaway in runaways:
        runaway.start()
    time.sleep(2.5)  # past --quick-seconds (1): both now hold the two long-query slots
    with httpx.Client(base_url=fair_server.url, timeout=TIMEOUT * 2) as client:
        ask, ask_took = _timed(client, "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        api, api_took = _timed(client, "/api/members-of-collaboration")
        page, page_took = _timed(client, "/id/municipality/1980/")
        rdf, rdf_took = _timed(client, "/id/municipality/1980", headers={"Accept": "text/turtle"})
        third, third_took = _timed(client, "/sparql", params={"query": RUNAWAY})
        still_running = [r.is_alive() for r in runaways]
    for runaway in runaways:
        runaway.join(TIMEOUT * 3)

    assert ask.status_code == 200 and ask.json()["boolean"] is True, ask.text
    assert api.status_code == 200 and api.json()["results"]["bindings"], api.text
    assert page.status_code == 200 and "<h1>Västerås</h1>" in page.text
    assert rdf.status_code == 200 and rdf.headers["content-type"].startswith("text/turtle")
    took = {"ask": ask_took, "api": api_took, "page": page_took, "rdf": rdf_took}
    assert max(took.values()) < QUICK, took
    # A third runaway finds both long-query slots taken: stopped at once, told when to retry.
    assert third.status_code == 503 and "long queries are running" in third.text, third.text
    assert 1 <= int(third.headers["retry-after"]) <= TIMEOUT
    assert third_took < QUICK, third_took
    # The first two really were running all along: they end at their own timeout.
    assert all(still_running), "the runaway queries ended before the checks were done"
    for runaway in runaways:
        status, text, seconds, _ = runaway.answer
        assert status == 503 and f"ran longer than {TIMEOUT} s" in text, text
        assert seconds >= TIMEOUT - 0.5


def test_a_full_queue_is_refused_with_retry_after_and_known_answers_still_come():
    """With no worker free and no room to wait, a new query gets 503 and Retry-After at once;
    a query answered before comes from the answers cache, and pages never need a worker."""
    options = ("--timeout", "10", "--workers", "1", "--quick-workers", "0")
    running = Server(ROOT, *options, "--queue-size", "0", "--queue-wait", "0.5")
    known = {"query": "ASK { ?s ?p ?o }"}
    try:
        running.wait_ready()
        with httpx.Client(base_url=running.url, timeout=30) as client:
            first = client.get("/sparql", params=known)
            runaway = Runaway(running.url)
            runaway.start()
            time.sleep(1.5)
            new = {"query": "ASK { ?s a ?o }"}
            busy, busy_took = _timed(client, "/sparql", params=new)
            again = client.get("/sparql", params=known)
            page, _ = _timed(client, "/id/municipality/1980/")
        runaway.join(30)
    finally:
        running.stop()
    assert first.status_code == 200 and again.status_code == 200
    assert again.content == first.content
    assert busy.status_code == 503 and "server busy" in busy.text, busy.text
    assert busy.headers["retry-after"] == "1"
    assert busy_took < QUICK
    assert page.status_code == 200, "pages never wait for a query worker"
    assert runaway.answer[0] == 503 and "ran longer than 10 s" in runaway.answer[1]
