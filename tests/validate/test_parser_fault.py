"""A fault inside the RDF library while parsing is kgtool's problem, not the user's: exit 3,
one line (the traceback only with ``--debug``); bad Turtle stays exit 2 with file:line."""

from __future__ import annotations

import sys

import pytest

from kgtool.cli import main


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["kgtool", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    return stop.value.code, capsys.readouterr().err


@pytest.fixture
def broken_parser(monkeypatch):
    """rdflib's Turtle parser fails with an error of its own on any input."""
    from rdflib.plugins.parsers.notation3 import TurtleParser

    def fail(self, *args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'n3' (injected)")

    monkeypatch.setattr(TurtleParser, "parse", fail)


def test_parser_fault_is_exit_3_in_one_line(broken_parser, monkeypatch, capsys, project_dir):
    code, err = run_main(monkeypatch, capsys, "--project", str(project_dir), "validate", "-q")
    assert code == 3
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" in err and "injected" in err and "Traceback" not in err


def test_parser_fault_traceback_with_debug(broken_parser, monkeypatch, capsys, project_dir):
    code, err = run_main(
        monkeypatch, capsys, "--debug", "--project", str(project_dir), "validate", "-q"
    )
    assert code == 3
    assert "Traceback" in err and "injected" in err


def test_bad_turtle_is_still_exit_2_with_file_and_line(monkeypatch, capsys, tmp_path):
    for folder in ("ontology", "data", "shapes", "queries"):
        (tmp_path / folder).mkdir()
    (tmp_path / "shapes" / "bad.ttl").write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    code, err = run_main(monkeypatch, capsys, "--project", str(tmp_path), "validate", "-q")
    assert code == 2
    assert err.startswith("Error: shapes/bad.ttl:2:"), err
