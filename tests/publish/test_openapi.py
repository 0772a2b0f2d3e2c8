"""``/api/openapi.json``: an OpenAPI 3.1 document of the saved queries, valid and callable."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from openapi_spec_validator import validate
from publish_helpers import ROOT

from kgtool.project import Project
from kgtool.query.catalogue import load_catalogue


@pytest.fixture(scope="module")
def served(server) -> dict:
    response = httpx.get(server.url + "/api/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_openapi_is_valid_3_1(served):
    assert served["openapi"].startswith("3.1")
    validate(served)


def test_openapi_lists_every_saved_query(served):
    names = {q.name for q in load_catalogue(Project(ROOT))}
    assert set(served["paths"]) == {f"/api/{name}" for name in names}
    for path in served["paths"].values():
        assert set(path) == {"get"}


def test_openapi_types_parameters(served):
    params = {
        p["name"]: p for p in served["paths"]["/api/bodies-and-mandates"]["get"]["parameters"]
    }
    pattern = params["date"]["schema"]["pattern"]
    assert params["date"]["schema"] == {"type": "string", "pattern": pattern}
    for when in ("2020", "2020-09", "2020-09-09"):
        assert re.fullmatch(pattern.strip("^$"), when)
    assert not re.fullmatch(pattern.strip("^$"), "2020-13")
    assert params["collaboration"]["schema"]["default"] == "malardalsradet"
    assert "malardalsradet" in params["collaboration"]["schema"]["examples"]
    assert params["format"]["schema"]["enum"] == ["json", "xml", "csv", "tsv"]


def test_openapi_every_path_answers_its_example(served, http):
    asked = {}
    for path, item in sorted(served["paths"].items()):
        operation = item["get"]
        params = {p["name"]: str(p["example"]) for p in operation["parameters"] if "example" in p}
        asked[path] = params
        response = http.get(path, params=params)
        assert response.status_code == 200, f"{path} {params}: {response.text}"
        media = response.headers["content-type"].split(";")[0]
        assert media in operation["responses"]["200"]["content"], (path, media)
    # the query's default (queries/collaborations-of-municipality.rq) is its example
    assert asked["/api/collaborations-of-municipality"].get("municipality") == "1980", asked


def test_openapi_is_published_with_the_static_site(site_dir, served):
    published = json.loads((site_dir / "api" / "openapi.json").read_text(encoding="utf-8"))
    validate(published)
    assert published["paths"] == served["paths"]
