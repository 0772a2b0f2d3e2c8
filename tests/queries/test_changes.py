"""``kgtool changes``: the network through time, as the sources date it."""

from __future__ import annotations

import csv
import io

from kgtool.terms import ID_IRI


def changes(run_cli, *args: str) -> list[dict[str, str]]:
    result = run_cli("changes", *args, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_fyra_malarstader_chair_hand_over_2019_2021(run_cli):
    """000: Strängnäs chairs from September 2019 to September 2020; on 9 September 2020 the
    chairmanship passes to Västerås at the joint meeting of the executive boards."""
    rows = changes(run_cli, "--from", "2019", "--to", "2021")
    seen = [(r["when"], r["change"], r["who_label"]) for r in rows]
    assert seen == [
        ("2019-09", "chair began", "Strängnäs"),
        ("2020-09", "chair ended", "Strängnäs"),
        ("2020-09-09", "chair began", "Västerås"),
    ]
    hand_over = rows[-1]
    assert hand_over["handedOverAt"] == ID_IRI + "collaboration/fyra-malarstader/meeting/2020-09-09"
    assert hand_over["planned"] == "true" and hand_over["note"].startswith("Planned:")
    assert {r["source"] for r in rows} == {ID_IRI + "source/000"}


def test_a_day_is_compared_at_the_sources_precision(run_cli):
    """The month 2020-09 and the day 2020-09-09 both fall on 2020-09-09."""
    rows = changes(run_cli, "--from", "2020-09-09", "--to", "2020-09-09")
    assert [(r["when"], r["change"]) for r in rows] == [
        ("2020-09", "chair ended"), ("2020-09-09", "chair began"),
    ]  # fmt: skip


def test_bodies_and_posts_of_2023(run_cli):
    """004: the board and council of Mälardalsrådet have mandate periods 2023-2027."""
    rows = changes(run_cli, "--from", "2023", "--to", "2023")
    assert {(r["change"], r["who_label"]) for r in rows} == {
        ("mandate period began", "Board of Mälardalsrådet"),
        ("mandate period began", "Council of Mälardalsrådet"),
        ("post began", "Jens Sjöström"),
    }


def test_a_bad_date_names_the_option(run_cli):
    result = run_cli("changes", "--from", "2019-13")
    assert result.exit_code == 2 and "--from" in result.stderr
