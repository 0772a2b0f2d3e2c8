"""``kgtool validate`` on the real project, on extra files, and on a copy with planted defects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kgtool.terms import SH

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "broken"
KSSH = "https://w3id.org/kommunsamverkan/def/shapes#"
ID = "https://w3id.org/kommunsamverkan/id/"


def test_shipped_data_has_no_violation(run_cli):
    result = run_cli("validate", "--format", "json", "--severity", "violation")
    assert json.loads(result.stdout) == []
    assert result.exit_code == 0


def test_shipped_data_text_report_says_it_conforms(run_cli):
    result = run_cli("validate", "--severity", "violation", "--lang", "en")
    assert result.exit_code == 0
    assert result.stdout == "No findings: the graph conforms to the shapes.\n"


def test_text_report_groups_by_file_with_line_label_rule_value_and_message(run_cli):
    fixture = FIXTURES / "MembershipMemberIsKnown.ttl"
    result = run_cli("validate", "--data", str(fixture), "--lang", "en", "--severity", "violation")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "tests/fixtures/broken/MembershipMemberIsKnown.ttl"
    assert lines[1] == (
        "  15: violation MembershipMemberIsKnown: "
        f"<{ID}collaboration/fyra-malarstader/membership/198O>"
    )
    assert lines[2].strip() == (
        "The member id:municipality/198O is no known municipality, region, organisation or "
        "person in the graph (a typo in the IRI?)."
    )
    assert lines[3].strip() == (
        f"value: {ID}municipality/198O (property: <http://www.w3.org/ns/org#member>)"
    )
    assert lines[-1] == "1 violation(s), 0 warning(s)"


def test_message_language_from_option_and_locale(run_cli):
    fixture = str(FIXTURES / "FigureHasUnit.ttl")
    swedish = "Siffran har ingen enhet eller flera"
    assert swedish in run_cli("validate", "--data", fixture, "--lang", "sv").stdout
    from click.testing import CliRunner

    from kgtool.cli import cli

    project = str(Path(__file__).resolve().parents[2])
    env = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "sv_SE.UTF-8"}
    result = CliRunner(env=env).invoke(cli, ["--project", project, "validate", "--data", fixture])
    assert swedish in result.stdout and "Testsiffra" in result.stdout
    env["LANG"] = "en_GB.UTF-8"
    result = CliRunner(env=env).invoke(cli, ["--project", project, "validate", "--data", fixture])
    assert "The figure has no unit, or more than one" in result.stdout


def test_warning_alone_exits_zero_and_severity_filters_it(run_cli):
    fixture = str(FIXTURES / "ChairHandOverWithoutGap.ttl")
    result = run_cli("validate", "--data", fixture, "--format", "json")
    assert result.exit_code == 0
    [finding] = json.loads(result.stdout)
    assert finding["severity"] == "warning" and finding["shape"] == "ChairHandOverWithoutGap"
    assert finding["value"] == "2019-09"
    quiet = run_cli("validate", "--data", fixture, "--format", "json", "--severity", "violation")
    assert quiet.exit_code == 0 and json.loads(quiet.stdout) == []


def test_ttl_is_a_standard_shacl_report(run_cli):
    result = run_cli(
        "validate", "--data", str(FIXTURES / "MandatePeriodsDoNotOverlap.ttl"), "-f", "ttl"
    )
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert not graph.value(report, SH.conforms).toPython()
    shapes = {graph.value(r, SH.sourceShape) for r in graph.objects(report, SH.result)}
    assert shapes == {URIRef(KSSH + "MandatePeriodsDoNotOverlap")}


def test_syntax_error_exits_2_naming_file_and_line_and_nothing_else_runs(run_cli, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d .\n  ex:e", "utf-8"
    )
    result = run_cli("validate", "--data", str(broken))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {broken}:4:8: . is not a valid RDF object\n"
    assert "Traceback" not in result.stderr


def test_iri_with_a_space_is_a_syntax_error_with_line_and_column(run_cli):
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "syntax" / "iri-with-space.ttl"
    result = run_cli("validate", "--data", str(fixture))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "Error: tests/fixtures/syntax/iri-with-space.ttl:12:18: Invalid IRI code point ' '"
    )


# -- A copy of the real project with one defect of each kind planted --

# (file, old text, new text, shape, focus): each replacement must occur in the file exactly once.
PLANTED = [
    (
        "data/reference/municipalities.ttl",
        'ks:municipalityCode "1980"',
        'ks:municipalityCode "0980"',
        "MunicipalityCodeMatchesCounty",
        "municipality/1980",
    ),
    (
        "data/reference/municipalities.ttl",
        'ks:organisationNumber "212000-2056"',
        'ks:organisationNumber "212000-2065"',
        "OrganisationNumberCheckDigit",
        "municipality/1960",
    ),
    (
        "data/reference/municipalities.ttl",
        "owl:sameAs wd:Q499425",
        "owl:sameAs <https://www.wikidata.org/wiki/Q499425>",
        "WikidataLinkWellFormed",
        "municipality/0114",
    ),
    (
        "data/collaborations/fyra-malarstader.ttl",
        "org:member <municipality/0381>",
        "org:member <municipality/038l>",
        "MembershipMemberIsKnown",
        "collaboration/fyra-malarstader/membership/0381",
    ),
    (
        "data/collaborations/fyra-malarstader.ttl",
        'dct:date "2020-01-16"^^xsd:date ;\n    dct:spatial',
        'dct:date "2020-01-32"^^xsd:date ;\n    dct:spatial',
        "DocumentDateValid",
        "collaboration/fyra-malarstader/meeting/2020-01-16",
    ),
    (
        "data/collaborations/malmo-lundregionen.ttl",
        "org:member <municipality/1231> ;\n"
        "    org:organization <collaboration/malmo-lundregionen> ;\n"
        "    org:role ks:FullMember ;",
        "org:member <municipality/1231> ;\n"
        "    org:organization <collaboration/malmo-lundregionen> ;\n"
        "    org:role ks:FullMember , ks:AssociateMember ;",
        "MembershipNotFullAndAssociate",
        "collaboration/malmo-lundregionen/membership/1231",
    ),
    (
        "data/collaborations/malardalsradet.ttl",
        "org:member <municipality/0136> ;\n"
        "    org:organization <collaboration/malardalsradet> ;\n"
        "    org:role ks:FullMember ;\n"
        "    ks:listedUnderCounty <county/01> ;",
        "org:member <municipality/0136> ;\n"
        "    org:organization <collaboration/malardalsradet> ;\n"
        "    org:role ks:FullMember ;\n"
        "    ks:listedUnderCounty <county/03> ;",
        "ListedUnderMembersCounty",
        "collaboration/malardalsradet/membership/0136",
    ),
    (
        "data/collaborations/malardalsradet.ttl",
        "ks:memberSeats 19 ;",
        'ks:memberSeats "19" ;',
        "MemberSeatsCount",
        "collaboration/malardalsradet/board/2023-2027",
    ),
    (
        "data/collaborations/malardalsradet.ttl",
        'foaf:name "Jens Sjöström" ;',
        'foaf:name "Jens Sjöström" ;\n    foaf:phone <tel:+46812345678> ;',
        "PersonHasNoPhone",
        "person/jens-sjostrom",
    ),
    (
        "data/collaborations/malardalsradet.ttl",
        'ks:value 46 ;\n    ks:unit "percent" ;',
        "ks:value 46 ;",
        "FigureHasUnit",
        "collaboration/malardalsradet/figure/gdp-share-002",
    ),
    (
        "data/collaborations/vastra-malardalen.ttl",
        "<collaboration/vastra-malardalen/membership/1984>",
        "<collaboration/vastra-malardalen/membership/1984>",
        "DerivedResourceHasSource",
        "collaboration/vastra-malardalen/membership/1984",
    ),
]


def _plant(root: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """Apply PLANTED to the copy; return (shape, focus IRI) -> (file, lines the finding may name):
    the line of the planted value's triple, or the focus block's first line where the defect is a
    missing value (there is no triple to point at)."""
    expected = {}
    for file, old, new, shape, focus in PLANTED:
        path = root / file
        text = path.read_text("utf-8")
        assert text.count(old) == 1, (file, old)
        position = text.index(old)
        text = text.replace(old, new)
        if shape == "DerivedResourceHasSource":  # drop the block's provenance line
            start = text.index(f"<{focus}>")
            end = text.index("prov:wasDerivedFrom", start)
            text = (
                text[:end].rstrip().rstrip(";").rstrip()
                + " .\n"
                + text[text.index("\n", end) + 1 :]
            )
        path.write_text(text, "utf-8")
        block = text.splitlines().index(f"<{focus}>") + 1
        first = text[:position].count("\n") + 1
        planted = set(range(first, first + new.count("\n") + 1))  # the planted triple(s)
        expected[(shape, ID + focus)] = (file, {*planted, block})
    return expected


@pytest.fixture
def project_copy(tmp_path, project_dir) -> Path:
    root = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(project_dir / folder, root / folder)
    return root


def test_planted_defects_are_each_reported_at_their_file_and_line(run_cli, project_copy):
    expected = _plant(project_copy)
    assert len(expected) == len(PLANTED)
    result = run_cli("validate", "--format", "json", project=project_copy)
    assert result.exit_code == 1, result.output
    found = {
        (f["shape"], f["focus"]): (f["file"], f["line"])
        for f in json.loads(result.stdout)
        if f["severity"] == "violation"
    }
    assert set(found) == set(expected)
    for key, (file, line) in found.items():
        assert file == expected[key][0] and line in expected[key][1], (key, file, line)
