"""Running a read-only SPARQL query on the project's Oxigraph store or on an endpoint.

Both paths return one ``QueryResult`` holding pyoxigraph terms. Parameters arrive as RDF terms
and are bound the same way on both paths: a ``VALUES`` block, written from the terms'
N-Triples form, opens the query's outermost WHERE group (so, as SPARQL defines it, a variable
inside a sub-SELECT that is not projected is a different variable). User text is never spliced
into a query.

Read-only guarantees: only the query grammar is accepted (an update is a syntax error there),
and ``SERVICE`` and ``FROM``/``FROM NAMED`` are refused unless the caller allows remote data.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from kgtool.errors import EndpointError, InputError, QueryRefused
from kgtool.query.result import MEDIA_TYPES, QueryResult, Term
from kgtool.query.sparql_text import (
    FORMS,
    MAX_NESTING,
    keywords,
    nesting_depth,
    remote_clause,
    where_position,
)

if TYPE_CHECKING:
    import pyoxigraph

    from kgtool.store.engine import ProjectStore

Bindings = dict[str, "Term | list[Term]"]
T = TypeVar("T")

_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}

ALLOW_REMOTE_HINT = "pass --allow-remote to allow it"


@lru_cache(maxsize=1)
def _empty_store() -> pyoxigraph.Store:
    import pyoxigraph

    return pyoxigraph.Store()


def _semantic_position(text: str, line: int, column: int, detail: str) -> tuple[int, int, str]:
    """Oxigraph places a semantic error (``BIND (… AS ?y)`` where ``?y`` is already bound)
    at the end of the input; find the ``AS ?y`` it is about instead."""
    lines = text.splitlines() or [""]
    at_end = line > len(lines) or (line == len(lines) and column > len(lines[-1]))
    if not at_end or detail != "expected [_]":
        return line, column, detail
    for match in re.finditer(r"\bAS\s+([?$])(\w+)", text, re.IGNORECASE):
        name = match.group(2)
        if re.search(rf"[?$]{re.escape(name)}\b", text[: match.start()]):
            before = text[: match.start(1)]
            return (
                before.count("\n") + 1,
                len(before) - (before.rfind("\n") + 1) + 1,
                f"variable ?{name} is already bound here (BIND or AS needs a new variable)",
            )
    return line, column, detail


def syntax_message(error: SyntaxError, query_text: str = "") -> str:
    """Oxigraph's SPARQL parse error as ``line L, column C: what``, on one line."""
    text = " ".join(str(error).split())
    match = re.match(r"error at (\d+):(\d+): (.*)", text)
    if not match:
        return text
    line, column, detail = match.groups()
    line, column, detail = _semantic_position(query_text, int(line), int(column), detail)
    if detail.startswith("expected one of "):
        items = [i.strip() for i in detail[len("expected one of ") :].split(", ")]
        sentences = [i for i in items if re.fullmatch(r"[A-Z][A-Za-z ()*,'-]+ [a-z][\w ()*'-]*", i)]
        if sentences:
            detail = "; ".join(sentences)
        else:
            shown = [i for i in items if len(i) <= 12][:8]
            detail = "unexpected input" + (
                f" (expected one of {', '.join(shown)})" if shown else ""
            )
    slashed = _slashed_name(query_text, int(line), int(column))
    if slashed:
        detail = slashed
    if detail == "Prefix not found":
        lines = query_text.splitlines() or [""]
        before = lines[min(int(line), len(lines)) - 1][: int(column)]
        names = re.findall(r"([A-Za-z][\w.-]*)?:", before)
        if names:
            detail = f"prefix '{names[-1]}:' is not declared (add a PREFIX line)"
    return f"line {line}, column {column}: {detail}"


_SLASHED = re.compile(r"(?<![\w<\\])([A-Za-z][\w.-]*):([\w.-]*(?:/[\w.-]+)+)")


def _slashed_name(query_text: str, line: int, column: int) -> str | None:
    """A prefixed name with a ``/`` (``id:municipality/1980``, as kgtool prints IRIs) just
    before the error: say what to write instead, since SPARQL allows ``/`` there only as
    ``\\/``."""
    from kgtool.terms import PREFIX_IRIS

    lines = query_text.splitlines() or [""]
    text = lines[min(line, len(lines)) - 1]
    found = [m for m in _SLASHED.finditer(text) if m.start() <= column]
    if not found:
        return None
    prefix, local = found[-1].groups()
    name = f"{prefix}:{local}"
    escaped = f"{prefix}:{local.replace('/', chr(92) + '/')}"
    full = f" or <{PREFIX_IRIS[prefix]}{local}>" if prefix in PREFIX_IRIS else ""
    return f"{name} is not a SPARQL prefixed name ('/' must be escaped): write {escaped}{full}"


def check_read_only(
    query_text: str,
    allow_remote: bool = False,
    hint: str | None = ALLOW_REMOTE_HINT,
    prefixes: dict[str, str] | None = None,
    parse: bool = True,
) -> str:
    """Refuse updates and malformed queries always, SERVICE and FROM unless ``allow_remote``.

    Brackets nested deeper than ``MAX_NESTING`` are an InputError before any parser sees them
    (Oxigraph's recursive parser would overflow its stack and end the process). With ``parse``
    the text is then parsed by Oxigraph's SPARQL 1.1 parser (an ASK is answered on an empty
    store, which a hostile one can make slow: a server leaves that to its workers, under their
    time limit); a query the grammar rejects is an InputError. Returns the form ('SELECT',
    'ASK', 'CONSTRUCT' or 'DESCRIBE'). ``hint`` ends a refusal; callers without
    --allow-remote pass None.
    """
    depth = nesting_depth(query_text)
    if depth > MAX_NESTING:
        raise InputError(
            f"malformed query: brackets nested {depth} deep (at most {MAX_NESTING} are accepted)"
        )
    words = keywords(query_text)
    suffix = f" ({hint})" if hint else ""
    form = next((word for word in words if word in FORMS), None)
    if form is None and _UPDATES.intersection(words):
        raise QueryRefused(
            "updates are refused: kgtool runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)"
        )
    if not allow_remote and ("SERVICE" in words or "FROM" in words):
        keyword, target = remote_clause(query_text)
        if keyword == "SERVICE":
            raise QueryRefused(f"SERVICE {target} calls a remote endpoint: refused{suffix}")
        raise QueryRefused(f"{keyword} {target} loads data from a file or URL: refused{suffix}")
    if parse:
        _parse(query_text, prefixes)
    if form is None:  # the parser accepted it, so this cannot happen; say so plainly anyway
        raise InputError("malformed query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form


def _parse(query_text: str, prefixes: dict[str, str] | None) -> None:
    """Parse ``query_text`` with Oxigraph without evaluating it (SELECT/CONSTRUCT are lazy; an
    ASK is answered on an empty store)."""
    try:
        _empty_store().query(query_text, prefixes=prefixes)
    except SyntaxError as error:
        raise InputError(f"malformed query: {syntax_message(error, query_text)}") from None
    except OSError:  # an ASK with an allowed SERVICE, tried on the empty store: parsed fine
        pass


def run_local(
    project_store: ProjectStore,
    query_text: str,
    bindings: Bindings | None = None,
    *,
    prefixes: dict[str, str] | None = None,
    max_rows: int | None = None,
    allow_remote: bool = False,
    count: bool = False,
) -> QueryResult:
    """Run a read-only query on the store (the union of its files' graphs).

    ``bindings`` become a VALUES block (see the module docstring); ``prefixes`` are
    predeclared; at most ``max_rows`` rows or triples are read (``truncated`` says if more
    were there) without building the rest of the result; with ``count`` the rest is counted
    (``total``: every row or triple of the answer).

    In the main thread the query runs in a daemon thread of its own (Oxigraph releases the GIL
    while it evaluates), so Ctrl-C raises KeyboardInterrupt at once instead of after the query.
    """

    def evaluate() -> QueryResult:
        check_read_only(query_text, allow_remote=allow_remote, hint=None, prefixes=prefixes)
        text = with_values(query_text, bindings)
        try:
            answer = project_store.store.query(
                text, use_default_graph_as_union=True, prefixes=prefixes
            )
            return _collect(answer, max_rows, count)
        except SyntaxError as error:
            raise InputError(f"malformed query: {syntax_message(error, text)}") from None
        except OSError as error:  # a SERVICE call that failed (only with allow_remote)
            raise service_error(text, error) from None

    return interruptible(evaluate)


def interruptible(work: Callable[[], T]) -> T:
    """``work()``, run so that a signal (Ctrl-C) reaches the main thread while it runs: in a
    daemon thread, waited for in short steps. Elsewhere than the main thread: just ``work()``.
    An interrupted ``work`` is left to end with the process."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller's thread below
            _release_locals(error)
            outcome["error"] = error

    thread = threading.Thread(target=run, name="kgtool-query", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.05)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def _release_locals(error: BaseException) -> None:
    """Clear the local variables of the frames ``error`` (and the errors it chains) passed
    through, here in the thread that made them: Oxigraph's result iterators may only be freed in
    the thread that created them (freed elsewhere they are leaked, with a warning)."""
    import traceback

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


def service_error(query_text: str, error: OSError) -> EndpointError:
    """A one-line error naming the SERVICE endpoint of a query that failed to reach one."""
    _, target = remote_clause(query_text)
    message = " ".join(str(error).split())
    if "refused" in message.lower():
        message = "connection refused (is the server running?)"
    return EndpointError(f"SERVICE {target or 'endpoint'}: {message}")


def _collect(answer: Any, max_rows: int | None, count: bool = False) -> QueryResult:
    """The answer's first ``max_rows`` rows or triples; with ``count``, how many it has."""
    import pyoxigraph

    if isinstance(answer, pyoxigraph.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    limit = None if max_rows is None else max_rows + 1
    if isinstance(answer, pyoxigraph.QueryTriples):
        triples = list(itertools.islice(answer, limit))
        total = len(triples) + sum(1 for _ in answer) if count else None
        truncated = max_rows is not None and len(triples) > max_rows
        return QueryResult(
            "CONSTRUCT", triples=triples[:max_rows], truncated=truncated, total=total
        )
    variables = [variable.value for variable in answer.variables]
    rows = [
        dict(zip(variables, solution, strict=True)) for solution in itertools.islice(answer, limit)
    ]
    total = len(rows) + sum(1 for _ in answer) if count else None  # the rest: counted, not kept
    truncated = max_rows is not None and len(rows) > max_rows
    return QueryResult(
        "SELECT", variables=variables, rows=rows[:max_rows], truncated=truncated, total=total
    )


def values_block(bindings: Bindings) -> str:
    """``VALUES (?a ?b) { (<…> "…") }`` written from RDF terms (their N-Triples form).

    A variable bound to a list of terms ("any of these") gives one row per combination.
    """
    names, choices = [], []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"not a variable name: {name!r}")
        names.append(f"?{name}")
        # pyoxigraph writes N-Triples, escaping what must be escaped
        choices.append([str(t) for t in term] if isinstance(term, list) else [str(term)])
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*choices))
    return f"VALUES ({' '.join(names)}) {{ {rows} }}"


def with_values(query_text: str, bindings: Bindings | None) -> str:
    """The query with a VALUES block opening its outermost WHERE group (unchanged if none)."""
    if not bindings:
        return query_text
    position = where_position(query_text)
    return f"{query_text[:position]}\n  {values_block(bindings)}\n{query_text[position:]}"


def run_remote(
    endpoint: str,
    query_text: str,
    bindings: Bindings | None = None,
    timeout: float = 30,
    *,
    prefixes: dict[str, str] | None = None,
) -> QueryResult:
    """Run a read-only query on a SPARQL endpoint (the query URL or an Oxigraph base URL).

    Errors (refused connection, timeout, HTTP 4xx/5xx) raise EndpointError naming the URL.
    """
    import pyoxigraph

    from kgtool.query.remote import endpoints, send_query

    if prefixes:
        from kgtool.terms import prologue

        query_text = prologue(query_text) + query_text
    form = check_read_only(query_text, allow_remote=True)
    text = with_values(query_text, bindings)
    url = endpoints(endpoint).query
    if form in ("CONSTRUCT", "DESCRIBE"):
        body = send_query(url, text, "application/n-triples", timeout=timeout, form=form)
        try:
            triples = [
                quad.triple
                for quad in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)
            ]
        except (SyntaxError, ValueError) as error:  # an HTML page, an error text, not UTF-8
            raise EndpointError(f"endpoint {url}: answer is not N-Triples") from error
        return QueryResult("CONSTRUCT", triples=triples)
    body = send_query(url, text, MEDIA_TYPES["json"], timeout=timeout, form=form)
    try:
        answer = pyoxigraph.parse_query_results(body, format=pyoxigraph.QueryResultsFormat.JSON)
        result = _collect(answer, None)
    except (SyntaxError, ValueError) as error:
        raise EndpointError(f"endpoint {url}: answer is not SPARQL JSON results") from error
    result.rows = [{name: canonical(term) for name, term in row.items()} for row in result.rows]
    return result


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def canonical(term: Term | None) -> Term | None:
    """A boolean in its canonical form (Virtuoso writes ``"1"`` for ``true``); else unchanged."""
    import pyoxigraph

    if (
        isinstance(term, pyoxigraph.Literal)
        and term.datatype.value == _BOOLEAN
        and term.value in ("1", "0")
    ):
        value = "true" if term.value == "1" else "false"
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(_BOOLEAN))
    return term
