"""The server's /sparql says why an answer is empty, in the X-Kgtool-Hints header (JSON)."""

from __future__ import annotations

import json

JSON = {"Accept": "application/sparql-results+json"}


def test_empty_answer_carries_the_hints(http):
    response = http.post(
        "/sparql", data={"query": "SELECT * WHERE { ?m a ks:Municipalty }"}, headers=JSON
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []  # the answer itself is unchanged
    hints = json.loads(response.headers["X-Kgtool-Hints"])
    assert any("did you mean ks:Municipality?" in hint for hint in hints)


def test_an_answer_with_rows_has_no_hints(http):
    response = http.post(
        "/sparql", data={"query": "SELECT * WHERE { ?m a ks:Municipality } LIMIT 1"}, headers=JSON
    )
    assert response.status_code == 200
    assert "X-Kgtool-Hints" not in response.headers
