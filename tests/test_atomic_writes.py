"""No code path writes a file except through kgtool/atomic.py (write to a temporary, rename).

A syntax-level scan of every module of the package and of scripts/ (which write the project's
reference data): any call that creates or writes a file
(``open`` for writing, ``Path.write_text``, ``os.replace``, ``shutil.copy``, ``tempfile``, …)
outside ``kgtool/atomic.py`` fails, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kgtool"
SCRIPTS = PACKAGE.parent / "scripts"
HELPER = PACKAGE / "atomic.py"
# Writes only the user's cache folder (never a project or output file): a store is built in a
# private folder and published with one rename of the folder (see its docstring).
# store/files.py opens each graph file read-only and non-blocking (os.open, os.fdopen "rb": a
# FIFO must not hang the reader); it writes nothing.
ALLOWED = {PACKAGE / "store" / "engine.py", PACKAGE / "store" / "files.py"}

WRITING_METHODS = {"write_text", "write_bytes", "symlink_to", "hardlink_to", "touch", "rename"}
WRITING_FUNCTIONS = {
    ("os", "open"),
    ("os", "fdopen"),
    ("os", "replace"),
    ("os", "rename"),
    ("os", "symlink"),
    ("os", "link"),
    ("shutil", "copy"),
    ("shutil", "copy2"),
    ("shutil", "copyfile"),
    ("shutil", "copytree"),
    ("shutil", "move"),
    ("tempfile", "mkstemp"),
    ("tempfile", "NamedTemporaryFile"),
    ("pickle", "dump"),
    ("json", "dump"),
}


def _mode(call: ast.Call, position: int) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)
    return None


def writes(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every call in ``tree`` that writes a file."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            mode = _mode(node, 1)
            if mode and set(mode) & set("wax+"):
                found.append((node.lineno, f"open(…, {mode!r})"))
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if (owner, func.attr) in WRITING_FUNCTIONS:
                found.append((node.lineno, f"{owner}.{func.attr}"))
            elif func.attr in WRITING_METHODS:
                found.append((node.lineno, f".{func.attr}()"))
            elif func.attr == "open" and owner not in ("os", "webbrowser"):
                mode = _mode(node, 0)
                if mode and set(mode) & set("wax+"):
                    found.append((node.lineno, f".open({mode!r})"))
    return found


def test_only_the_helper_writes_files():
    offenders = []
    for path in sorted([*PACKAGE.rglob("*.py"), *SCRIPTS.glob("*.py")]):
        if path == HELPER or path in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [
            f"{path.relative_to(PACKAGE.parent)}:{line}: {what}" for line, what in writes(tree)
        ]
    assert offenders == [], "write through kgtool.atomic instead:\n" + "\n".join(offenders)


def test_the_scan_finds_writes():
    """The scan itself catches each way of writing (else the test above could never fail)."""
    sample = """
open(p, "w"); open(p, mode="ab"); p.open("w"); p.write_text("x"); p.write_bytes(b"")
os.replace(a, b); shutil.copy2(a, b); tempfile.mkstemp(); json.dump(x, f); p.rename(q)
open(p); p.open(); p.read_text()
"""
    assert len(writes(ast.parse(sample))) == 10


def test_the_helper_writes_through_a_temporary_and_a_rename():
    text = HELPER.read_text(encoding="utf-8")
    body = text[text.index("def write_atomic") : text.index("def _leftover_prefix")]
    assert "os.O_EXCL" in body and "os.replace(temporary, path)" in body
