"""SPARQL text read without a parser: the query form, its keywords, variables and WHERE group.

The one lexer for this: strings, IRIs and comments are skipped (``SKIP``) before words are
read, so a keyword inside a literal or a prefixed name (``ex:service``) is never taken.
"""

from __future__ import annotations

import re

from kgtool.errors import InputError
from kgtool.terms import IRI_FORBIDDEN_CLASS

# Strings, IRIs and comments, skipped when looking at a query's words and braces.
SKIP = (
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    rf"|<[^{IRI_FORBIDDEN_CLASS}]*>|#[^\n]*"
)
# A word: a variable, a prefixed name (whole, so ``ex:service`` is not the keyword) or a keyword.
WORDS = re.compile(SKIP + r"|[?$][\w]+|[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*|[A-Za-z_]\w*")
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def keywords(query_text: str) -> list[str]:
    """The query's bare words in upper case (no strings, IRIs, comments, variables or names)."""
    out = []
    for match in WORDS.finditer(query_text):
        token = match.group(0)
        if token[0] in "\"'<#?$:" or ":" in token:
            continue
        out.append(token.upper())
    return out


def query_form(query_text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword."""
    return next((word for word in keywords(query_text) if word in FORMS), None)


def remote_clause(query_text: str) -> tuple[str, str]:
    """The first SERVICE or FROM [NAMED] clause: its keyword(s) and the IRI or name after it."""
    tokens = [m.group(0) for m in WORDS.finditer(query_text) if m.group(0)[0] != "#"]
    for index, token in enumerate(tokens):
        upper = token.upper()
        if upper in ("SERVICE", "FROM") and token[0] not in "?$\"'":
            rest = tokens[index + 1 : index + 3]
            keyword = upper
            if rest and rest[0].upper() in ("SILENT", "NAMED"):
                keyword = upper if rest[0].upper() == "SILENT" else "FROM NAMED"
                rest = rest[1:]
            return keyword, rest[0] if rest else ""
    return "SERVICE", ""


MAX_NESTING = 256  # brackets deep: real queries stay far below; the parser's stack ends near 3,000
_BRACKETS = re.compile(SKIP + r"|[{}()\[\]]")


def nesting_depth(query_text: str) -> int:
    """How deep ``{ }``, ``( )`` and ``[ ]`` nest (outside strings, IRIs and comments)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(query_text):
        token = match.group(0)
        if token in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "})]":
            depth -= 1
    return deepest


_TOKEN = re.compile(SKIP + r"|[{}]|\bWHERE\b", re.IGNORECASE)


def where_position(query_text: str) -> int:
    """The index just after the ``{`` that opens the query's outermost WHERE group."""
    depth = 0
    opens: list[int] = []
    after_where = False
    for match in _TOKEN.finditer(query_text):
        token = match.group(0)
        if token == "{":
            if depth == 0:
                if after_where:
                    return match.end()
                opens.append(match.end())
            depth += 1
        elif token == "}":
            depth -= 1
        elif token.upper() == "WHERE" and depth == 0:
            after_where = True
    index = 1 if query_form(query_text) == "CONSTRUCT" else 0
    if len(opens) <= index:
        raise InputError("malformed query: no WHERE group")
    return opens[index]


def blank_out(query_text: str) -> str:
    """The query with comments, strings and IRIs blanked out."""
    return _SKIP_RE.sub(" ", query_text)


def query_variables(query_text: str) -> set[str]:
    """The names of the variables a query mentions (``?x`` or ``$x``)."""
    return set(re.findall(r"[?$]([A-Za-z_][\w]*)", blank_out(query_text)))


_SKIP_RE = re.compile(SKIP)
