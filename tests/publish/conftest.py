"""Fixtures for the publishing tests: a published site, a hostile project copy, a live server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from publish_helpers import HOSTILE_TTL, ROOT, Server, publish_to


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The real project published once for the session."""
    return publish_to(ROOT, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory) -> Path:
    """A copy of the project with one collaboration whose label is a script tag."""
    copy = tmp_path_factory.mktemp("hostile") / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, copy / folder)
    (copy / "data" / "collaborations" / "hostile.ttl").write_text(HOSTILE_TTL, encoding="utf-8")
    return copy


@pytest.fixture(scope="session")
def hostile_site(hostile_project, tmp_path_factory) -> Path:
    return publish_to(hostile_project, tmp_path_factory.mktemp("hostile-site") / "site")


@pytest.fixture(scope="session")
def server():
    """The real server on the real project, with a short timeout and small request limit."""
    # No memory cap here: these tests stop runaway queries by time (the cap has its own test,
    # and a cross join can reach 1 GiB before 3 s on a quiet machine).
    running = Server(
        ROOT, "--timeout", "3", "--max-request-bytes", "4096", "--max-rows", "500",
        "--worker-memory", "0",
    )  # fmt: skip
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture
def http(server):
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
