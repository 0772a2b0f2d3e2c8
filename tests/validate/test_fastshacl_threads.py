"""The fast engine runs its queries in threads: the results and their order do not depend on
how many run at once."""

from __future__ import annotations

from pathlib import Path

from kgtool.checks import fastshacl
from kgtool.checks.validate import load_shapes
from kgtool.project import Project
from kgtool.store import open_merged

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "broken").glob("*.ttl"))


def test_same_results_in_the_same_order_with_one_thread_or_four():
    project = Project(ROOT)
    # the shipped data with every broken fixture: findings from many rules at once
    store = open_merged([*project.graph_files(), *FIXTURES], root=ROOT)
    plan = fastshacl.compile_shapes(load_shapes(project))
    fastshacl.fill_ill_typed(plan, fastshacl.ill_typed_literals(store, plan.datatypes))
    heard: list[str] = []
    one = list(fastshacl.run_plan(store, plan, threads=1))
    four = list(fastshacl.run_plan(store, plan, progress=heard.append, threads=4))
    assert len({r.shape for r in one}) >= 10
    assert four == one
    assert heard == [
        f"SHACL {k}/{len(plan.queries)}: {str(q.shape).rsplit('#', 1)[-1]}"
        for k, q in enumerate(plan.queries, start=1)
    ]
