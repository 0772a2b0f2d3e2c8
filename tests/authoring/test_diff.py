"""``kgtool diff``: between the commit before and after a membership change it lists exactly
that change, in text, Markdown and JSON, the same bytes every time."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.authoring.git_helpers import commit_all, init_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

MEMBERSHIP = "https://w3id.org/kommunsamverkan/id/collaboration/fyra-malarstader/membership/0380"


def _import_one(run_cli, project, tmp_path):
    table = tmp_path / "one.csv"
    table.write_text("municipality,role,from,to,notes\nUppsala,associate,2021-03,,\n", "utf-8")
    result = run_cli(
        "import",
        "memberships",
        str(table),
        "--collaboration",
        "fyra-malarstader",
        "--source",
        "000",
        project=project,
    )
    assert result.exit_code == 0, result.output


def test_diff_between_two_commits_lists_exactly_the_membership_change(
    run_cli, project_copy, tmp_path
):
    init_repo(project_copy)
    _import_one(run_cli, project_copy, tmp_path)
    commit_all(project_copy, "Uppsala joins Fyra Mälarstäder")

    result = run_cli("diff", "HEAD~1", "HEAD", "-f", "json", project=project_copy)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(c["kind"], c["status"], c["iri"]) for c in data["changes"]] == [
        ("memberships", "added", MEMBERSHIP)
    ]
    assert data["changes"][0]["fields"] == {
        "from": {"old": None, "new": "2021-03"},
        "member": {"old": None, "new": "Uppsala"},
        "organization": {"old": None, "new": "Fyra Mälarstäder"},
        "role": {"old": None, "new": "associate member"},
    }
    changed = [g for g in data["graphs"] if g["added"] or g["removed"]]
    # the membership: type, two labels, member, organisation, role, period (5), source
    assert [(g["graph"], g["added"], g["removed"], g["new"] - g["old"]) for g in changed] == [
        ("data/collaborations/fyra-malarstader.ttl", 12, 0, 12)
    ]

    text = run_cli("diff", "HEAD~1", "HEAD", project=project_copy).stdout
    assert text.splitlines()[2:4] == [
        "Memberships (1):",
        "  added: Uppsala in Fyra Mälarstäder (id:collaboration/fyra-malarstader/membership/0380)"
        " — from: 2021-03; member: Uppsala; organization: Fyra Mälarstäder; role: associate member",
    ]
    markdown = run_cli("diff", "HEAD~1", "HEAD", "-f", "md", project=project_copy).stdout
    assert "### Memberships\n\n- **added**: Uppsala in Fyra Mälarstäder" in markdown
    assert run_cli("diff", "HEAD~1", "HEAD", "-f", "md", project=project_copy).stdout == markdown


def test_a_folder_and_a_revision_of_the_same_state_do_not_differ(run_cli, project_copy):
    init_repo(project_copy)
    result = run_cli("diff", "HEAD", str(project_copy), project=project_copy)
    assert result.exit_code == 0, result.output
    assert "No change of fact." in result.stdout
    assert result.stdout.rstrip().endswith("Triples: no change in 12 graph(s).")


def test_an_unknown_revision_is_a_usage_error(run_cli, project_copy):
    init_repo(project_copy)
    result = run_cli("diff", "no-such-tag", "HEAD", project=project_copy)
    assert result.exit_code == 2
    assert "no-such-tag: no such file, folder or git revision" in result.output
