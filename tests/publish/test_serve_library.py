"""``kgtool.web.app.create_app`` as a library: run under uvicorn in-process on a free port."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from publish_helpers import ROOT, free_port

from kgtool.project import Project


@pytest.fixture(scope="module")
def library_server():
    import uvicorn

    from kgtool.web.app import create_app
    from kgtool.web.serve import ServeSettings

    settings = ServeSettings(port=free_port(), timeout=5, max_rows=3, workers=1)
    app = create_app(Project(ROOT), settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://{settings.host}:{settings.port}"
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        assert thread.is_alive(), "uvicorn stopped"
        time.sleep(0.1)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(20)


def test_serve_library_app_applies_its_settings(library_server):
    query = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
    response = httpx.get(
        library_server + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-limit"] == "3"
    assert len(response.text.splitlines()) == 4, "a header line and three rows"


def test_serve_library_binds_localhost_by_default():
    from kgtool.web.serve import ServeSettings

    defaults = ServeSettings()
    assert (defaults.host, defaults.timeout, defaults.max_rows) == ("127.0.0.1", 10.0, 10_000)


def test_serve_busy_port_is_a_usage_error(run_cli):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.exit_code == 2
    assert f"--port {port}: cannot listen" in result.stderr
    assert "Traceback" not in result.output
