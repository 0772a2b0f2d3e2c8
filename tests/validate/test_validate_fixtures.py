"""Each broken fixture fails with its own rule only, and with that rule's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.util import from_n3

from kgtool.checks.report import SHAPES_NS, Finding, filled
from kgtool.checks.rules import CHECKS
from kgtool.checks.validate import (
    load_shapes,
    rule_names,
    validate_loaded,
    validate_project,
    with_files,
)
from kgtool.project import Project
from kgtool.store.graph import load_project
from kgtool.terms import SH

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "broken"
PROJECT = Project(ROOT)


def key(finding: Finding) -> tuple:
    """What identifies a finding across runs (blank node ids change from one parse to the next)."""
    blank = finding.focus.startswith("_:")
    value = None if (finding.value or "").startswith("_:") else finding.value
    return (finding.shape, finding.file, finding.line, None if blank else finding.focus, value)


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(PROJECT)


@pytest.fixture(scope="module")
def project_graph():
    """The project parsed once; each fixture is checked on a copy with the fixture added."""
    return load_project(PROJECT)


@pytest.fixture(scope="module")
def baseline(project_graph, shapes) -> set[tuple]:
    return {key(f) for f in validate_loaded(project_graph, shapes, root=ROOT).findings}


def expected_messages(shapes, name: str) -> dict[str, str]:
    for check in CHECKS:
        if check.name == name:
            return check.messages
    messages = shapes.objects(URIRef(SHAPES_NS + name), SH.message)
    return {m.language: str(m) for m in messages if isinstance(m, Literal)}


def _term(n3: str | None):
    """The finding's value as an rdflib term (a blank node shows as ``[]`` whatever its label)."""
    if n3 is None:
        return None
    return BNode() if n3.startswith("_:") else from_n3(n3)


def _path(finding: Finding):
    return URIRef(finding.path) if finding.path else None


def test_every_rule_has_a_fixture_and_every_fixture_a_rule(shapes):
    fixtures = {path.stem for path in FIXTURES.glob("*.ttl")}
    assert fixtures == rule_names(shapes)


def test_fixture_through_project_api_names_fixture_file_and_line():
    """The public entry point (as ``kgtool validate --data`` uses it) places the finding."""
    fixture = FIXTURES / "MembershipMemberIsKnown.ttl"
    report = validate_project(PROJECT, extra_files=[fixture])
    [finding] = [f for f in report.findings if f.shape_name == "MembershipMemberIsKnown"]
    assert (finding.file, finding.line) == ("tests/fixtures/broken/MembershipMemberIsKnown.ttl", 15)
    assert finding.value == "https://w3id.org/kommunsamverkan/id/municipality/198O"


def test_every_rule_has_a_message_in_swedish_and_english(shapes):
    for name in rule_names(shapes):
        assert set(expected_messages(shapes, name)) == {"sv", "en"}, name


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_fixture_fails_with_its_own_rule_only(fixture: Path, project_graph, shapes, baseline):
    report = validate_loaded(with_files(project_graph, [fixture], ROOT), shapes, root=ROOT)
    new = [f for f in report.findings if key(f) not in baseline]
    assert {f.shape_name for f in new} == {fixture.stem}, [f.as_dict() for f in new]
    expected = expected_messages(shapes, fixture.stem)
    for finding in new:
        if fixture.stem == "TermIsDeclared":  # the message names the term
            assert set(finding.messages) == {"sv", "en"}
            assert finding.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] in finding.messages["en"]
        else:
            assert finding.messages == filled(expected, _term(finding.value_n3), _path(finding))
