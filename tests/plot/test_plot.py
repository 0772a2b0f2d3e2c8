"""Pictures and network exports: real CLI, real project, real matplotlib and networkx."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx  # the test extra holds the plot extra: missing is an error, not a skip
import pytest

from kgtool.plot import (
    moment,
    network_data,
    network_svg,
    timeline_data,
    timeline_svg,
)
from kgtool.project import Project

# Counts in the shipped data: 4 collaborations; 68 municipalities (56 in Mälardalsrådet, 12 in
# Malmö-Lundregionen; the Fyra Mälarstäder and Västra Mälardalen members are all also in
# Mälardalsrådet); 10 regions, all members of Mälardalsrådet (5 full, 5 associate); 85 edges.
COLLABORATIONS, MUNICIPALITIES, REGIONS, MEMBERSHIPS = 4, 68, 10, 85


def _write_twice(run_cli, tmp_path: Path, name: str, *args: str) -> tuple[bytes, bytes]:
    outputs = []
    for attempt in ("a", "b"):
        path = tmp_path / attempt / name
        path.parent.mkdir(exist_ok=True)
        result = run_cli(*args, "-o", str(path))
        assert result.exit_code == 0, result.stderr
        outputs.append(path.read_bytes())
    return outputs[0], outputs[1]


def test_network_svg_is_the_same_bytes_twice(run_cli, tmp_path):
    first, second = _write_twice(run_cli, tmp_path, "n.svg", "plot", "network")
    assert first == second
    assert first.startswith(b"<?xml") and b"<svg" in first
    text = first.decode("utf-8")
    assert "<dc:date>" not in text and "Matplotlib v" not in text  # no timestamp, no version
    assert "Mälardalsrådet" in text  # the text alternative sits in the metadata


def test_timeline_png_is_the_same_bytes_twice(run_cli, tmp_path):
    first, second = _write_twice(run_cli, tmp_path, "t.png", "plot", "timeline", "fyra-malarstader")
    assert first == second
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in first and b"matplotlib" not in first.lower()


def test_network_png_and_timeline_svg_are_stable_too(run_cli, tmp_path):
    first, second = _write_twice(run_cli, tmp_path, "n.png", "plot", "network")
    assert first == second
    first, second = _write_twice(run_cli, tmp_path, "t.svg", "plot", "timeline", "Mälardalsrådet")
    assert first == second


def test_graphml_loads_in_networkx_with_the_expected_nodes(run_cli, tmp_path):
    path = tmp_path / "network.graphml"
    result = run_cli("export", "network", "-f", "graphml", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    graph = nx.read_graphml(path)
    kinds = [data["kind"] for _, data in graph.nodes(data=True)]
    assert kinds.count("collaboration") == COLLABORATIONS
    assert kinds.count("municipality") == MUNICIPALITIES
    assert kinds.count("region") == REGIONS
    assert graph.number_of_edges() == MEMBERSHIPS
    vasteras = graph.nodes["https://w3id.org/kommunsamverkan/id/municipality/1980"]
    assert vasteras["label"] == "Västerås"
    assert vasteras["kommunkod"] == "1980" and vasteras["lanskod"] == "19"
    assert vasteras["county"] == "Västmanlands län"
    assert graph.degree["https://w3id.org/kommunsamverkan/id/municipality/1980"] == 2
    region = graph.nodes["https://w3id.org/kommunsamverkan/id/region/05"]
    assert (region["kind"], region["lanskod"], region["kommunkod"]) == ("region", "05", "")
    roles = {data["role"] for _, _, data in graph.edges(data=True)}
    assert roles == {"full member", "associate member"}
    assert nx.is_bipartite(graph)


def test_gexf_loads_and_carries_no_date(run_cli, tmp_path):
    path = tmp_path / "network.gexf"
    result = run_cli("export", "network", "-o", str(path))  # format from the suffix
    assert result.exit_code == 0, result.stderr
    assert "lastmodifieddate" not in path.read_text(encoding="utf-8")
    graph = nx.read_gexf(path)
    assert graph.number_of_nodes() == COLLABORATIONS + MUNICIPALITIES + REGIONS
    assert graph.number_of_edges() == MEMBERSHIPS


def test_csv_edges_and_nodes_join_by_id(run_cli, tmp_path):
    edges, nodes = tmp_path / "edges.csv", tmp_path / "nodes.csv"
    result = run_cli("export", "network", "-f", "csv", "-o", str(edges), "--nodes", str(nodes))
    assert result.exit_code == 0, result.stderr
    edge_rows = list(csv.DictReader(io.StringIO(edges.read_text(encoding="utf-8"))))
    node_rows = list(csv.DictReader(io.StringIO(nodes.read_text(encoding="utf-8"))))
    assert len(edge_rows) == MEMBERSHIPS
    assert len(node_rows) == COLLABORATIONS + MUNICIPALITIES + REGIONS
    ids = {row["id"] for row in node_rows}
    assert all(row["source"] in ids and row["target"] in ids for row in edge_rows)
    malung = next(row for row in edge_rows if row["source_label"] == "Malung-Sälen")
    assert (malung["kommunkod"], malung["lanskod"], malung["role"]) == (
        "2023",
        "20",
        "associate member",
    )


def test_bad_output_and_format_are_usage_errors(run_cli, tmp_path):
    result = run_cli("plot", "network", "-o", str(tmp_path / "n.jpg"))
    assert result.exit_code == 2
    assert "n.jpg" in result.stderr and "svg|png" in result.stderr
    result = run_cli("plot", "network", "-o", str(tmp_path / "missing" / "n.svg"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = run_cli(
        "export",
        "network",
        "-f",
        "graphml",
        "-o",
        str(tmp_path / "n.graphml"),
        "--nodes",
        str(tmp_path / "nodes.csv"),
    )
    assert result.exit_code == 2 and "--nodes" in result.stderr
    assert not (tmp_path / "n.graphml").exists()


def test_unknown_collaboration_is_exit_2_and_writes_nothing(run_cli, tmp_path):
    path = tmp_path / "t.png"
    result = run_cli("plot", "timeline", "no-such-collaboration", "-o", str(path))
    assert result.exit_code == 2
    assert "no-such-collaboration" in result.stderr
    assert not path.exists()


def test_timeline_accepts_slug_name_and_iri(project_dir):
    project = Project(project_dir)
    iri = "https://w3id.org/kommunsamverkan/id/collaboration/fyra-malarstader"
    for given in ("fyra-malarstader", "Fyra Mälarstäder", iri):
        assert timeline_data(project, given).collaboration == iri


def test_timeline_keeps_precision_planned_open_ends_and_undated(project_dir):
    timeline = timeline_data(Project(project_dir), "fyra-malarstader")
    by_label = {item.label: item for item in timeline.items}
    strangnas = by_label["Strängnäs ordförandeskap i Fyra Mälarstäder 2019–2020"]
    assert (strangnas.start.precision, strangnas.end.text) == ("month", "2020-09")
    vasteras = by_label["Västerås ordförandeskap i Fyra Mälarstäder från 2020-09-09"]
    assert vasteras.end is None and vasteras.planned  # open end, planned when written
    april = by_label["Beslut om utvecklingsplanen i respektive kommunfullmäktige, april 2020"]
    assert april.start.precision == "month" and april.start == april.end
    assert [i.category for i in timeline.items][:2] == ["chair", "chair"]
    assert {i.label for i in timeline.undated} == {
        "Fyra Mälarstäders gemensamma avsiktsförklaring",
        "Fyra Mälarstäders gemensamma utvecklingsplan (2050)",
    }


def test_inferred_dates_are_marked(project_dir):
    timeline = timeline_data(Project(project_dir), "malmo-lundregionen")
    inferred = [item for item in timeline.items if item.inferred]
    assert [item.start.text for item in inferred] == ["2019-05-21"]
    picture = timeline_svg(Project(project_dir), "malmo-lundregionen")  # English: its names too
    assert "Inferred dates: Board decision on the 2019–2023 activity plan" in picture.description
    assert "Board decision on the 2019–2023 activity plan" in picture.svg


def test_a_day_without_a_year_is_not_drawn(project_dir):
    timeline = timeline_data(Project(project_dir), "vastra-malardalen")
    almedalen = [i for i in timeline.undated if "Almedalen" in i.label]
    assert [i.when for i in almedalen] == ["--07-04"]


@pytest.mark.parametrize(
    ("text", "first", "after", "precision"),
    [
        ("2020", "2020-01-01", "2021-01-01", "year"),
        ("2020-12", "2020-12-01", "2021-01-01", "month"),
        ("2020-09-09", "2020-09-09", "2020-09-10", "day"),
    ],
)
def test_moment_spans(text, first, after, precision):
    value = moment(text)
    assert (value.first.isoformat(), value.after.isoformat(), value.precision) == (
        first,
        after,
        precision,
    )


def test_moment_refuses_what_it_cannot_place():
    assert moment("--07-04") is None and moment("spring 2020") is None


def test_inline_svg_for_the_site(project_dir):
    project = Project(project_dir)
    picture = network_svg(project)
    assert picture.svg.startswith('<svg role="img" ')
    root = ET.fromstring(picture.svg)
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == picture.description
    assert "4 collaborations, 68 municipalities and 10 regions" in picture.description
    assert "Västerås" in picture.description  # a member of two collaborations
    assert network_svg(project).svg == picture.svg


def test_network_data_counts(project_dir):
    network = network_data(Project(project_dir))
    counts = [len(network.of_kind(k)) for k in ("collaboration", "municipality", "region")]
    assert counts == [COLLABORATIONS, MUNICIPALITIES, REGIONS]
    assert len(network.edges) == MEMBERSHIPS


def test_cli_import_loads_no_plotting_library():
    import subprocess
    import sys

    code = (
        "import sys, kgtool.cli, kgtool.cli.plot_commands; "
        "print(sorted(m for m in ('matplotlib', 'networkx') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_one_collaborations_network_holds_its_members_and_their_other_collaborations(
    project_dir,
):
    network = network_data(Project(project_dir), "fyra-malarstader")
    labels = {node.label for node in network.nodes}
    assert labels == {
        "Fyra Mälarstäder",
        "Mälardalsrådet",  # shown for the members it shares, not with all its own
        "Enköping",
        "Eskilstuna",
        "Strängnäs",
        "Västerås",
    }
    assert network.focus.endswith("/collaboration/fyra-malarstader")
    assert len(network.edges) == 8
    # the colours come from every county of the whole network: the same county, the same colour
    assert len(network.county_codes) > len({n.lanskod for n in network.nodes if n.lanskod})


def test_a_collaboration_without_members_has_no_network(project_dir, tmp_path):
    import shutil

    from kgtool.plot import NothingToDraw

    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(project_dir / folder, tmp_path / folder)
    (tmp_path / "data" / "collaborations" / "empty.ttl").write_text(
        "PREFIX ks: <https://w3id.org/kommunsamverkan/def/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "<https://w3id.org/kommunsamverkan/id/collaboration/empty> a ks:Collaboration ;\n"
        '    rdfs:label "Tom samverkan"@sv .\n',
        encoding="utf-8",
    )
    with pytest.raises(NothingToDraw, match="no members"):
        network_data(Project(tmp_path), "empty")


def test_pictures_in_swedish(project_dir):
    project = Project(project_dir)
    network = network_svg(project, "malardalsradet", "sv")
    assert network.description.startswith("Medlemsnätverk för Mälardalsrådet: 56 kommuner och")
    assert "Medlemmar också i Fyra Mälarstäder (4), Västra Mälardalen (3)" in network.description
    timeline = timeline_svg(project, "malmo-lundregionen", "sv")
    assert timeline.description.startswith("Tidslinje för Malmö-Lundregionen")
    assert "Härledda datum: Styrelsens beslut om verksamhetsplanen 2019–2023" in (
        timeline.description
    )
    english = network_svg(project, "malardalsradet", "en")
    assert english.description.startswith("Membership network of Mälardalsrådet")
    assert english.svg != network.svg  # the legend's words are drawn in the language too


def test_a_picture_in_another_language_is_refused(project_dir):
    from kgtool.errors import ParameterError

    with pytest.raises(ParameterError, match="language 'de'"):
        timeline_svg(Project(project_dir), "fyra-malarstader", "de")


def test_prefixed_ids_let_two_pictures_share_a_page(project_dir):
    import re

    from kgtool.errors import ParameterError

    project = Project(project_dir)
    plain = timeline_svg(project, "fyra-malarstader")
    first = network_svg(project, "fyra-malarstader", prefix="n-")
    second = timeline_svg(project, "fyra-malarstader", prefix="t-")
    ids = [re.findall(r' id="([^"]+)"', p.svg) for p in (first, second)]
    assert ids[0] and ids[1] and not set(ids[0]) & set(ids[1])
    assert all(i.startswith("n-") for i in ids[0]) and all(i.startswith("t-") for i in ids[1])
    references = set(re.findall(r'href="#([^"]+)"|url\(#([^)]+)\)', second.svg))
    referenced = {r for pair in references for r in pair if r}
    assert referenced and referenced <= set(ids[1])
    assert set(re.findall(r' id="([^"]+)"', plain.svg)) & {i[2:] for i in ids[1]}
    assert "<metadata>" not in second.svg  # the text alternative is the <title>, once
    ET.fromstring(second.svg)
    with pytest.raises(ParameterError):
        timeline_svg(project, "fyra-malarstader", prefix='x" onload="alert(1)')


@pytest.mark.parametrize("text", ["2020-13", "2020-00", "2021-02-29", "2020-04-31", "0000"])
def test_moment_is_none_for_a_date_that_does_not_exist(text):
    assert moment(text) is None
