"""``kgtool coverage`` on the five source texts: counts per source, and source 002's figures
checked by hand against its text."""

from __future__ import annotations

import json
import os

import pytest

from tests.authoring.conftest import ROOT

SOURCES = ROOT.parent / "shared" / "sources"
if not SOURCES.is_dir() and os.environ.get("CI"):  # in CI ../shared sits beside the clone
    pytest.fail(f"the source texts are not at {SOURCES}", pytrace=False)
pytestmark = pytest.mark.skipif(
    not SOURCES.is_dir(), reason="../shared/sources (the five source texts) is not here"
)

# Source 002, read by hand: "över fyra miljoner människor", "46 procent av Sveriges BNP",
# "över två miljoner människor", "nästan 1,5 miljoner invånare", "drygt 700 000",
# "mer än 300 000 nya bostäder". Its only dates: rådsmötet 2019, 2020, 2030 and 2050.
FIGURES_002 = {
    ("fyra miljoner", "4000000"),
    ("46", "46"),
    ("två miljoner", "2000000"),
    ("1,5 miljoner", "1500000"),
    ("700 000", "700000"),
    ("300 000", "300000"),
}


def _report(run_cli, *extra):
    result = run_cli("coverage", "--sources", str(SOURCES), "-f", "json", *extra)
    assert result.exit_code == 0, result.output
    return {s["source"]: s for s in json.loads(result.stdout)}


def test_every_source_has_counts_and_002s_figures_are_the_ones_in_the_text(run_cli):
    report = _report(run_cli)
    assert sorted(report) == ["000", "001", "002", "003", "004"]
    for source in report.values():
        assert set(source["totals"]) == {"names", "dates", "figures"}
        assert source["totals"]["names"]["found"] >= 1
    figures = {(i["text"], i["value"]) for i in report["002"]["items"] if i["kind"] == "figures"}
    assert figures == FIGURES_002
    assert report["002"]["totals"]["figures"] == {"found": 6, "recorded": 6}
    dates = {i["value"] for i in report["002"]["items"] if i["kind"] == "dates"}
    assert dates == {"2019", "2020", "2030", "2050"}
    # 003's only figure: "12 kommuner" (the graph lists the twelve members)
    twelve = [i for i in report["003"]["items"] if i["kind"] == "figures"]
    assert [(i["text"], i["value"]) for i in twelve] == [("12", "12")]
    # no phone number, postcode or opening hour of 001/004 is taken for a figure
    assert report["001"]["totals"]["figures"] == {"found": 0, "recorded": 0}
    figures_004 = {i["text"] for i in report["004"]["items"] if i["kind"] == "figures"}
    assert figures_004 == {
        "4 miljoner",
        "8 av 10",
        "750 000",
        "200 000",
        "150 miljoner",
        "19",
        "200",
    }


def test_a_figure_the_graph_lacks_is_reported_as_not_recorded(run_cli, project_copy):
    path = project_copy / "data" / "collaborations" / "malardalsradet.ttl"
    text = path.read_text(encoding="utf-8")
    text = text.replace("ks:value 300000 ;", "ks:value 30000 ;")
    text = text.replace('"mer än 300 000"@sv', '"mer än 30 000"@sv')
    path.write_text(text, encoding="utf-8")
    result = run_cli("coverage", "--sources", str(SOURCES), "-f", "json", project=project_copy)
    report = {s["source"]: s for s in json.loads(result.stdout)}
    missing = [i["text"] for i in report["002"]["items"] if not i["recorded"]]
    assert missing == ["300 000"]
    markdown = run_cli("coverage", "--sources", str(SOURCES), project=project_copy).stdout
    assert "| 002 | `002_80076bf02acf874b.txt` | 1 of 1 | 4 of 4 | 5 of 6 |" in markdown
    assert "| 300 000 | `300000` | 1 | no |" in markdown


def test_a_missing_sources_folder_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("coverage", "--sources", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert "--sources: no folder" in result.output
