"""Credentials for --endpoint and push: environment or netrc, never shown, never sent elsewhere.

Real HTTP servers on 127.0.0.1 (the standard library's) that ask for HTTP Basic and record
every Authorization header they receive.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

USER, PASSWORD = "editor", "s3cret-Pässword"
ASK_TRUE = b'{"head": {}, "boolean": true}'


class Recorder:
    """One server: what it answers, and the Authorization headers it saw."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.seen: list[str | None] = []
        self.redirect_to = redirect_to
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self._answer()

            def do_GET(self) -> None:
                self._answer()

            def _answer(self) -> None:
                header = self.headers.get("Authorization")
                recorder.seen.append(header)
                good = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if header != good:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="kgtool test"')
                    self.send_header("Content-Length", "12")
                    self.end_headers()
                    self.wfile.write(b"unauthorized")
                elif recorder.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", recorder.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.send_header("Content-Length", str(len(ASK_TRUE)))
                    self.end_headers()
                    self.wfile.write(ASK_TRUE)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers() -> Iterator[list[Recorder]]:
    started: list[Recorder] = []
    yield started
    for server in started:
        server.close()


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch, tmp_path):
    """No KGTOOL_USER from the caller's shell, and an empty home without a ~/.netrc."""
    for name in ("KGTOOL_USER", "KGTOOL_PASSWORD", "NETRC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def ask(run_cli, url: str):
    return run_cli("sparql", "ASK {}", "--endpoint", url, "-f", "csv")


def assert_secret_hidden(result) -> None:
    for text in (result.output, result.stderr):
        assert PASSWORD not in text
        assert base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode() not in text


def test_credentials_from_environment(run_cli, servers, monkeypatch):
    server = Recorder()
    servers.append(server)
    monkeypatch.setenv("KGTOOL_USER", USER)
    monkeypatch.setenv("KGTOOL_PASSWORD", PASSWORD)
    result = ask(run_cli, server.url)
    assert result.exit_code == 0, result.output
    assert result.output == "true\n"
    assert server.seen[0] is None, "credentials are sent only when the server asks"
    assert server.seen[-1] is not None


def test_credentials_from_netrc_file(run_cli, servers, monkeypatch, tmp_path):
    server = Recorder()
    servers.append(server)
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    result = ask(run_cli, server.url)
    assert result.exit_code == 0, result.output
    assert result.output == "true\n"


def test_netrc_for_another_host_gives_no_credentials(run_cli, servers, monkeypatch, tmp_path):
    server = Recorder()
    servers.append(server)
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine example.org login {USER} password {PASSWORD}\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    result = ask(run_cli, server.url)
    assert result.exit_code == 2
    assert "it asks for credentials: set KGTOOL_USER and KGTOOL_PASSWORD" in result.stderr
    assert server.seen == [None]


def test_missing_credentials_is_exit_2(run_cli, servers):
    server = Recorder()
    servers.append(server)
    result = ask(run_cli, server.url)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: endpoint {server.url}: HTTP 401: unauthorized; it asks for credentials: set "
        "KGTOOL_USER and KGTOOL_PASSWORD, or add the host to a netrc file (NETRC or ~/.netrc)"
    )


def test_wrong_credentials_is_exit_2_and_never_shown(run_cli, servers, monkeypatch):
    server = Recorder()
    servers.append(server)
    monkeypatch.setenv("KGTOOL_USER", USER)
    monkeypatch.setenv("KGTOOL_PASSWORD", "wrong-" + PASSWORD)
    result = run_cli("--debug", "push", "--endpoint", server.url)
    assert result.exit_code == 2
    assert "HTTP 401: unauthorized; the credentials from KGTOOL_USER were refused" in (
        result.stderr
    )
    assert "wrong-" not in result.stderr and USER not in result.stderr
    assert "left unchanged" in result.stderr


def test_unreadable_netrc_names_the_file_not_its_content(run_cli, servers, monkeypatch, tmp_path):
    server = Recorder()
    servers.append(server)
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD} bogus\n")
    monkeypatch.setenv("NETRC", str(netrc))
    result = ask(run_cli, server.url)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: netrc file {netrc}: cannot be read (line 2)"
    assert_secret_hidden(result)


def test_redirect_to_another_host_never_receives_credentials(run_cli, servers, monkeypatch):
    elsewhere = Recorder()
    servers.append(elsewhere)
    other_host_url = elsewhere.url.replace("127.0.0.1", "localhost")  # another host name
    first = Recorder(redirect_to=other_host_url)
    servers.append(first)
    monkeypatch.setenv("KGTOOL_USER", USER)
    monkeypatch.setenv("KGTOOL_PASSWORD", PASSWORD)
    result = ask(run_cli, first.url)
    assert first.seen[-1] is not None, "the endpoint itself was given the credentials"
    assert elsewhere.seen, "the redirect was followed"
    assert elsewhere.seen == [None] * len(elsewhere.seen)
    assert result.exit_code == 2
    assert_secret_hidden(result)


def test_credentials_in_the_url_are_refused_and_not_shown(run_cli):
    result = ask(run_cli, f"http://{USER}:{PASSWORD}@127.0.0.1:9/sparql")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: endpoint http://127.0.0.1:9/sparql: credentials in the URL are refused"
    )
    assert_secret_hidden(result)
