"""Writing so that a reader never sees half a file or half a site: write aside, then rename.

Every file kgtool writes into a project or an output folder goes through this module
(``tests/test_atomic_writes.py`` checks no other module writes files):

* :func:`write_atomic` writes one file: a temporary file in the same folder, then one rename.
* :func:`staging_folder`, :func:`copy_unrelated` and :func:`replace_folder` build a whole
  folder beside the target and switch it into place in one step. On Linux the switch is
  ``renameat2(RENAME_EXCHANGE)``, which swaps the two folders atomically: a reader of the
  target sees the old folder or the new one, never a mix, and never no folder. Elsewhere (or on
  a file system without it) it is two renames, with a moment where the target is missing.
  What an interrupted run leaves is a sibling ``.NAME.kgtool-…`` folder, which the next run
  removes (:func:`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

LEFTOVER_MARK = ".kgtool-"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The file gets the permissions a new file would (the umask applies), not mkstemp's 0600.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_staged(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` inside a private staging folder that is switched into place
    whole (``replace_folder``): no reader sees the folder before it is complete, so the file
    needs no temporary of its own (publishing writes hundreds of thousands of them)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, 0o666)  # the fewest system calls: files are many
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def link_staged(source: Path, path: Path) -> None:
    """``path`` inside a staging folder as a hard link to ``source`` (a file of the folder the
    staging one replaces, reused unchanged: no copy; its folder must exist)."""
    os.link(source, path)


def open_staged(path: Path) -> BinaryIO:
    """A new binary file at ``path`` inside a staging folder (see ``write_staged``), for data
    written as a stream (a dump of the whole graph)."""
    try:
        return open(path, "wb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "wb")


def _leftover_prefix(target: Path) -> str:
    return f".{target.name}{LEFTOVER_MARK}"


def remove_leftovers(target: Path) -> list[Path]:
    """Delete the ``.NAME.kgtool-…`` folders earlier, interrupted runs left beside ``target``."""
    removed = []
    if not target.parent.is_dir():
        return removed
    prefix = _leftover_prefix(target)
    for sibling in target.parent.iterdir():
        if sibling.name.startswith(prefix) and sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
            removed.append(sibling)
    return removed


def staging_folder(target: Path) -> Path:
    """A new, empty folder beside ``target`` (same file system, so a rename can swap them)."""
    folder = target.parent / f"{_leftover_prefix(target)}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    if target.is_dir():
        shutil.copymode(target, folder)
    return folder


def copy_unrelated(old: Path, staging: Path, ours: Iterable[str]) -> None:
    """Copy every file of ``old`` that kgtool did not write (``ours``) into ``staging``.

    ``ours`` comes from a manifest file in the folder and is not trusted: it can only keep a
    regular file from being copied; links are always copied as links. A folder is made only
    for what is copied into it, so folders emptied of stale files disappear.
    """
    skip = set(ours)
    for folder, subfolders, files in os.walk(old):
        relative = Path(folder).relative_to(old)
        links = [name for name in subfolders if (Path(folder) / name).is_symlink()]
        subfolders[:] = [name for name in subfolders if name not in links]
        for name in [*links, *files]:
            source = Path(folder) / name
            if (relative / name).as_posix() in skip and not source.is_symlink():
                continue
            (staging / relative).mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                os.symlink(os.readlink(source), staging / relative / name)
            else:
                shutil.copy2(source, staging / relative / name)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange):
        error = ctypes.get_errno()
        if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not on this file system
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True


def replace_folder(staging: Path, target: Path) -> None:
    """Put the folder ``staging`` at ``target`` in one step, then delete the old folder."""
    if not target.exists():
        os.rename(staging, target)
        return
    if not _exchange(staging, target):
        aside = staging.with_name(staging.name + "-old")
        os.rename(target, aside)
        os.rename(staging, target)
        staging = aside
    shutil.rmtree(staging, ignore_errors=True)  # now the old folder
