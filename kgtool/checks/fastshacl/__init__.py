"""The fast SHACL path: every shape as whole-graph SPARQL on an Oxigraph store.

pySHACL runs each constraint once per focus node; here each constraint is one query over the
whole graph (``$this`` left unbound), joined with the shape's targets. :func:`compile_shapes`
finds every shape that has focus nodes (explicit targets or an implicit class target) and
translates its SHACL Core constraints (and those of its property shapes) to SPARQL; a
SPARQL-based constraint runs as written, in a sub-query. Only what can be translated exactly is
translated: a shape with anything else (an unknown parameter, a path with a zero-length step
inside, a count in a nested shape, a custom target, a parameter value of an unexpected form) is
listed in :attr:`Plan.unsupported` with the reason, and the caller hands it to pySHACL. No
shape with focus nodes is left out: each is either in the plan's queries or handed over.

Datatype checks follow rdflib (whose ``ill_typed`` pySHACL uses): literals of a checked datatype
are collected once, checked in Python, and the ill-typed ones are named in the queries.

The package by step: :mod:`.plan` (which shapes have focus nodes; the plan and its results),
:mod:`.shapes` (a shape's parameters, path and targets as SPARQL pieces), :mod:`.conditions`
(nested shapes as boolean expressions), :mod:`.compiler` (shapes into queries),
:mod:`.evaluate` (running a plan on a store) and :mod:`.literals` (literals the store
rewrites).
"""

from kgtool.checks.fastshacl.compiler import compile_shapes
from kgtool.checks.fastshacl.evaluate import (
    fill_ill_typed,
    ill_typed_literals,
    query_threads,
    run_plan,
    to_rdflib,
    validate_plan,
    validate_store,
)
from kgtool.checks.fastshacl.literals import rewritten_literals
from kgtool.checks.fastshacl.plan import (
    CompiledQuery,
    Plan,
    RawResult,
    Unsupported,
    focus_shapes,
    hand_over_all,
    implicit_class_targets,
)

__all__ = [
    "CompiledQuery",
    "Plan",
    "RawResult",
    "Unsupported",
    "compile_shapes",
    "fill_ill_typed",
    "focus_shapes",
    "hand_over_all",
    "ill_typed_literals",
    "implicit_class_targets",
    "query_threads",
    "rewritten_literals",
    "run_plan",
    "to_rdflib",
    "validate_plan",
    "validate_store",
]
