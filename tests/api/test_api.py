"""The Python API: kgtool.open(), saved queries with keyword parameters, SPARQL, describe."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import kgtool
from kgtool.errors import ParameterError, QueryRefused

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/kommunsamverkan/id/"
KS = "https://w3id.org/kommunsamverkan/def/"


@pytest.fixture(scope="module")
def kg():
    return kgtool.open(ROOT)


def python_block(path: Path, after: str) -> str:
    """The first ```python block after the heading ``after``."""
    text = path.read_text(encoding="utf-8")
    rest = text[text.index(after) :]
    return re.search(r"```python\n(.*?)```", rest, re.S).group(1)


def run_python(code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_readme_example_runs_and_prints_what_its_comments_say():
    code = python_block(ROOT / "README.md", "## From Python and pandas")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "(66, 20)"
    assert "Malung-Sälen" in lines[2] and "2023" in lines[2] and "associate member" in lines[2]
    assert lines[-3:] == ["56", "['Strängnäs', 'Västerås']", "4"]


def test_docs_example_joins_every_municipality_to_the_reference_table():
    code = python_block(ROOT / "docs" / "python.md", "## Example")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    counts = [int(line.split()[-1]) for line in proc.stdout.splitlines() if "län" in line]
    assert sum(counts) == 56


def test_done_when_command_prints_66_rows():
    code = (
        "import kgtool; print(kgtool.open().query('members-of-collaboration', "
        "collaboration='malardalsradet').to_pandas().shape)"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith("(66, ")


def test_import_kgtool_stays_light():
    code = (
        "import sys, kgtool; heavy = [m for m in ('pyoxigraph', 'rdflib', 'pandas', 'openpyxl', "
        "'click', 'kgtool.api') if m in sys.modules]; print(heavy)"
    )
    proc = run_python(code)
    assert proc.stdout.strip() == "[]", proc.stderr
    assert kgtool.open is kgtool.api.open


def test_rows_are_plain_values_with_labels_and_codes(kg):
    result = kg.query("members-of-collaboration", collaboration="Malardalsradet", county=19)
    row = next(r for r in result.rows if r["member"] == ID + "municipality/1980")
    assert row["member_label"] == "Västerås" and row["member_code"] == "1980"
    assert row["role"] == KS + "FullMember" and row["role_label"] == "full member"
    assert row["memberCounty_code"] == "19"
    assert result.columns.index("member_label") == result.columns.index("member") + 1
    assert len(result) == 11 == len(result.terms)
    assert result.terms[0]["member"].value.startswith(ID)


def test_numbers_are_numbers(kg):
    result = kg.sparql("SELECT (COUNT(*) AS ?n) (1.5 AS ?x) (true AS ?b) WHERE { ?c a ks:Region }")
    (row,) = result.rows
    assert isinstance(row["n"], int) and row["n"] > 0
    assert row["x"] == 1.5 and isinstance(row["x"], float)
    assert row["b"] is True


def test_sparql_predeclares_prefixes_and_a_query_prefix_wins(kg):
    assert len(kg.sparql("SELECT ?c WHERE { ?c a ks:Collaboration }")) == 4
    own = kg.sparql("PREFIX ks: <urn:nothing#> SELECT ?c WHERE { ?c a ks:Collaboration }")
    assert len(own) == 0
    with pytest.raises(QueryRefused):
        kg.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


@pytest.mark.parametrize("name", ["Vasteras", "VÄSTERÅS", "västerås kommun", "1980", 1980])
def test_names_resolve_as_on_the_command_line(kg, name):
    assert kg.resolve("municipality", name) == ID + "municipality/1980"
    result = kg.query("collaborations-of-municipality", municipality=name)
    assert [r["collaboration_label"] for r in result.rows] == ["Fyra Mälarstäder", "Mälardalsrådet"]


def test_unknown_names_and_roles_raise_with_suggestions(kg):
    with pytest.raises(ParameterError, match="did you mean Eskilstuna"):
        kg.query("collaborations-of-municipality", municipality="Eskilstna")
    with pytest.raises(ParameterError, match="allowed values"):
        kg.query("members-of-collaboration", role="chairman")
    assert len(kg.query("members-of-collaboration", collaboration="malardalsradet",
                        role="associate")) == 11  # fmt: skip


def test_formats(kg):
    result = kg.query("members-of-collaboration", collaboration="malmo-lundregionen")
    assert result.to_csv().startswith("member,member_label,member_code,")
    assert result.to_csv(excel=True).startswith("\ufeffmember,")
    import json

    assert len(json.loads(result.to_json())) == 12
    assert len(json.loads(result.sparql_json())["results"]["bindings"]) == 12
    assert result.sparql_tsv().startswith("?member\t")
    assert result.to_xlsx()[:2] == b"PK"
    assert result.to_markdown().startswith("| member | member_label |")


def test_queries_and_describe(kg):
    names = [q.name for q in kg.queries()]
    assert "members-of-collaboration" in names and names == sorted(names)
    described = kg.describe("Vasteras")
    assert described.resource.iri == ID + "municipality/1980"


def test_ask(kg):
    assert kg.query("is-member").boolean is True
    assert kg.query("is-member", municipality="Lund").boolean is False


def test_cli_query_and_sparql_are_thin_over_the_api():
    text = (ROOT / "kgtool" / "cli" / "query_commands.py").read_text(encoding="utf-8")
    assert "run_local" not in text and "run_remote" not in text and "KnowledgeGraph" in text


def test_validate(kg):
    report = kg.validate()
    assert report.conforms and report.findings == []


def test_the_query_path_imports_no_heavy_library():
    """``kgtool query`` stays fast: no pandas, openpyxl or rdflib on its path."""
    code = (
        "import sys\n"
        "from kgtool.cli import main\n"
        "sys.argv = ['kgtool', 'query', 'collaborations-of-municipality', '-p', "
        "'municipality=1980', '-f', 'csv']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        "names = ('pandas', 'openpyxl', 'rdflib', 'pyshacl')\n"
        "heavy = sorted(m for m in names if m in sys.modules)\n"
        "print('heavy:', heavy, file=sys.stderr)\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert "heavy: []" in proc.stderr
    assert proc.stdout.startswith("collaboration,collaboration_label,")
