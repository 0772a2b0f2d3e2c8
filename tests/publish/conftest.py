"""Fixtures for the publishing tests: a published site, a hostile project copy, a live server,
headless Chromium (with ``CI=true`` a missing browser fails; elsewhere it skips, saying why)."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def ui_server():
    """The real server with roomy limits, for what a person does in a browser (answers in
    xlsx, forms, the editor): a loaded machine must not turn a click into a timeout."""
    running = Server(ROOT, "--timeout", "60", "--worker-memory", "0")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture
def ui_http(ui_server):
    import httpx

    with httpx.Client(base_url=ui_server.url, timeout=90) as client:
        yield client


@pytest.fixture
def http(server):
    import httpx

    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but Debian's chromium is not installed (/usr/bin/chromium)")
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): no browser to render")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    try:
        yield opened
    finally:
        context.close()
