"""``kgtool serve``: strict protocol parameters, the request charset, and security headers.

Against the real server (a ``kgtool serve`` subprocess); the CSP is checked in headless
Chromium too: the pages' own inline script and style run under it, and nothing is reported.
"""

from __future__ import annotations

import pytest

from kgtool.web.serve_protocol import page_policy

ASK = "ASK {}"
SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
FORM = "application/x-www-form-urlencoded"


def test_repeated_query_parameter_is_400(http):
    response = http.get("/sparql", params=[("query", ASK), ("query", SELECT)])
    assert response.status_code == 400
    assert response.text == "parameter 'query' given more than once in the URL\n"


def test_repeated_query_in_a_form_body_is_400(http):
    body = "query=ASK%20%7B%7D&query=ASK%20%7B%7D"
    response = http.post("/sparql", content=body, headers={"Content-Type": FORM})
    assert response.status_code == 400
    assert response.text == "parameter 'query' given more than once in the body\n"


def test_query_in_url_and_body_is_400(http):
    response = http.post(
        "/sparql",
        params={"query": ASK},
        content=SELECT,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400
    assert "given both in the URL and the body" in response.text


def test_repeated_format_is_400(http):
    response = http.get("/sparql", params=[("query", ASK), ("format", "json"), ("format", "csv")])
    assert response.status_code == 400


def test_repeated_api_parameter_is_400(http):
    params = [("municipality", "1980"), ("municipality", "0180")]
    response = http.get("/api/collaborations-of-municipality", params=params)
    assert response.status_code == 400
    assert response.text == "parameter 'municipality' given more than once in an API call\n"


@pytest.mark.parametrize("charset", ["iso-8859-1", "utf-16", "latin1"])
def test_non_utf8_charset_is_415(http, charset):
    body = b"query=ASK%20%7B%7D"
    headers = {"Content-Type": f"{FORM}; charset={charset}"}
    response = http.post("/sparql", content=body, headers=headers)
    assert response.status_code == 415
    assert response.text == f"charset '{charset}' is not supported: send UTF-8\n"


def test_utf8_charset_is_honoured(http):
    query = 'SELECT ?s WHERE { ?s ?p "Västerås"@sv } LIMIT 1'
    response = http.post(
        "/sparql",
        content=query.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query; charset=UTF-8",
            "Accept": "text/csv",
        },
    )
    assert response.status_code == 200
    assert response.text.splitlines()[1].startswith("https://w3id.org/kommunsamverkan/id/")


def test_body_not_utf8_is_400(http):
    query = 'SELECT ?s WHERE { ?s ?p "Västerås"@sv }'.encode("latin-1")
    response = http.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert response.text.startswith("the body is not UTF-8")


@pytest.mark.parametrize(
    "path",
    ["/", "/id/municipality/1980", "/sparql?query=ASK%7B%7D", "/api", "/void.ttl", "/nowhere"],
)
def test_security_headers_on_every_response(http, path):
    response = http.get(path, headers={"Accept": "text/html"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    if response.headers.get("content-type", "").startswith("text/html"):
        assert policy == page_policy(response.text)
        assert "'unsafe-inline'" not in policy
    else:
        assert policy.startswith("default-src 'none'")


@pytest.mark.parametrize("path", ["/", "/id/municipality/1980/", "/queries/", "/def/"])
def test_pages_work_under_their_policy_in_a_browser(server, page, path):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(server.url + path)
    page.wait_for_load_state()
    if path == "/":  # the search script (a file of the site's own) runs under the policy
        page.fill("#search", "väster")
        results = page.locator("#search-results li")
        results.first.wait_for(timeout=10_000)
        shown = results.all_inner_texts()
        assert shown and len(shown) < 10 and any("Västerås" in s for s in shown), shown
    assert violations == []
