"""``kgtool describe`` finds things with the name matcher ``query`` uses (kgtool.query.names)."""

from __future__ import annotations

import pytest

ID = "https://w3id.org/kommunsamverkan/id/"


@pytest.mark.parametrize(
    "thing", ["Västerås kommun", "Vasteras", "VÄSTERÅS", "västerås kommun", "1980", "Västerås"]
)
def test_describe_matches_names_like_query(run_cli, thing):
    result = run_cli("describe", thing)
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[0] == f"<{ID}municipality/1980>"


@pytest.mark.parametrize(
    ("thing", "iri"),
    [
        ("Malardalsradet", "collaboration/malardalsradet"),
        ("fyra malarstader", "collaboration/fyra-malarstader"),
        ("19", "county/19"),
        ("Västmanlands län", "county/19"),
        ("region vastmanland", "region/19"),
        ("004", "source/004"),
    ],
)
def test_describe_other_kinds(run_cli, thing, iri):
    result = run_cli("describe", thing)
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[0] == f"<{ID}{iri}>"


def test_misspelled_name_suggests_the_closest(run_cli):
    result = run_cli("describe", "Eskilstna")
    assert result.exit_code == 2
    assert "did you mean Eskilstuna" in result.stderr
