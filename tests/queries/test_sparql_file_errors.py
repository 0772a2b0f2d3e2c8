"""``kgtool sparql -i FILE`` with a bad query names the file and the real line and column."""

from __future__ import annotations


def test_syntax_error_names_file_line_and_column(run_cli, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?x WHERE {\n  ?x foo:bar ?y }\n", encoding="utf-8")
    result = run_cli("sparql", "-i", str(query))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {query}:2:"), result.stderr
    assert "prefix 'foo:' is not declared" in result.stderr


def test_semantic_error_is_placed_where_it_is_not_at_the_end(run_cli, tmp_path):
    """Oxigraph puts a variable bound twice at the end of the input (line 3 of 2)."""
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?x WHERE {\n  ?x ?p ?y BIND (1 AS ?y) }\n", encoding="utf-8")
    result = run_cli("sparql", "-i", str(query))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {query}:2:23: malformed query:"), result.stderr
    assert "?y is already bound" in result.stderr
