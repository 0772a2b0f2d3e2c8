"""Writing so that a reader never sees half a file or half a site: write aside, then rename.

Every file kgtool writes into a project or an output folder goes through this module
(``tests/test_atomic_writes.py`` checks no other module writes files):

* :func:`write_atomic` writes one file: a temporary file in the same folder, then one rename.
* :func:`staging_folder`, :func:`copy_unrelated` (:func:`unrelated_files`, :func:`copy_files`)
  and :func:`replace_folder` build a whole folder beside the target and switch it into place
  in one step. On Linux the switch is
  ``renameat2(RENAME_EXCHANGE)``, which swaps the two folders atomically: a reader of the
  target sees the old folder or the new one, never a mix, and never no folder. Elsewhere (or on
  a file system without it) it is two renames, with a moment where the target is missing.
  What an interrupted run leaves is a sibling ``.NAME.kgtool-…`` folder, which the next run
  removes (:func:`remove_leftovers`).
* Deleting a big old folder takes long (a published site of 400,000 files: a minute); with
  ``background=True`` the old folder (already under its ``.NAME.kgtool-…`` name) is deleted by a
  detached process (:func:`remove_in_background`) and the caller does not wait for it. Killed,
  that process leaves a sibling as an interrupted run does, which the next run removes.
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


_STAGED_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def write_staged(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path`` inside a private staging folder that is switched into place
    whole (``replace_folder``): no reader sees the folder before it is complete, so the file
    needs no temporary of its own (publishing writes hundreds of thousands of them: a text
    path costs no ``pathlib`` objects). A file already at ``path`` is replaced, not written
    into (it may be a hard link, see ``link_staged``)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    descriptor = _create_staged(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


#: Folders ``_create_staged`` made or found lately: only a hint of which folders to make before
#: a file's first open (a publish writes five files and makes two folders per resource; a
#: folder that turns out missing is made on the open's failure, as without the hint).
_FOLDERS_SEEN: set[str] = set()
_FOLDERS_KEPT = 64


def _create_staged(path: str | os.PathLike[str]) -> int:
    """A new file at ``path`` (a file already there is unlinked first, never written into: in
    a staging folder it may be a hard link to a file of the site being replaced).

    A file in a folder not written into lately makes the folder first: in a new staging
    folder that is one ``mkdir`` instead of a failed open, a ``stat`` and a ``mkdir``."""
    path = os.fspath(path)
    folder = os.path.dirname(path)
    if folder and folder not in _FOLDERS_SEEN:
        if len(_FOLDERS_SEEN) >= _FOLDERS_KEPT:
            _FOLDERS_SEEN.clear()
        try:
            os.mkdir(folder)
        except FileExistsError:  # (what is there is the open's to find, as without the hint)
            pass
        except FileNotFoundError:  # its parent is new too
            os.makedirs(folder, exist_ok=True)
        _FOLDERS_SEEN.add(folder)
    while True:
        try:
            return os.open(path, _STAGED_FLAGS, 0o666)  # the fewest system calls: files are many
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except FileExistsError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def link_staged(source: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """``path`` inside a staging folder as a hard link to ``source`` (a file of the folder the
    staging one replaces, reused unchanged: no copy; its folder must exist). A link at
    ``source`` is linked itself, never followed."""
    os.link(source, path, follow_symlinks=False)


def open_staged(path: Path) -> BinaryIO:
    """A new binary file at ``path`` inside a staging folder (see ``write_staged``), for data
    written as a stream (a dump of the whole graph)."""
    return os.fdopen(_create_staged(path), "wb")


def _leftover_prefix(target: Path) -> str:
    return f".{target.name}{LEFTOVER_MARK}"


def _leftovers(target: Path) -> list[str]:
    """The ``.NAME.kgtool-…`` folders beside ``target`` (not links)."""
    parent = os.fspath(target.parent)
    prefix = _leftover_prefix(target)
    try:
        with os.scandir(parent) as entries:
            return sorted(
                entry.path
                for entry in entries
                if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False)
            )
    except (FileNotFoundError, NotADirectoryError):
        return []


def remove_leftovers(target: Path, background: bool = False) -> list[Path]:
    """Delete the ``.NAME.kgtool-…`` folders earlier, interrupted runs left beside ``target``
    (with ``background``: by a detached process, see :func:`remove_in_background`)."""
    found = _leftovers(target)
    if background:
        remove_in_background(found)
    else:
        for path in found:
            shutil.rmtree(path, ignore_errors=True)
    return [Path(path) for path in found]


def remove_in_background(folders: Iterable[str | os.PathLike[str]]) -> None:
    """Delete ``folders`` in a detached process of its own session (a Ctrl-C at the terminal
    does not stop it) that this one does not wait for. Only for kgtool's own leftover
    folders: nothing reads them any more."""
    paths = [os.fspath(folder) for folder in folders]
    if not paths:
        return
    import subprocess

    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL}
    quiet["stderr"] = subprocess.DEVNULL
    shell, rm = shutil.which("sh"), shutil.which("rm")
    if os.name == "posix" and shell and rm:
        # sh starts rm and exits at once: rm is nobody's child to wait for (no zombie)
        script = 'exec >/dev/null 2>&1 </dev/null; "$0" -rf -- "$@" &'
        subprocess.run([shell, "-c", script, rm, *paths], start_new_session=True, **quiet)
        return
    code = "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, ignore_errors=True)"
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
        subprocess, "CREATE_NEW_PROCESS_GROUP", 0
    )
    subprocess.Popen(
        [sys.executable, "-c", code, *paths],
        start_new_session=os.name == "posix", creationflags=flags, **quiet,
    )  # fmt: skip


def staging_folder(target: Path) -> Path:
    """A new, empty folder beside ``target`` (same file system, so a rename can swap them)."""
    folder = target.parent / f"{_leftover_prefix(target)}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    if target.is_dir():
        shutil.copymode(target, folder)
    return folder


def copy_unrelated(old: Path, staging: Path, ours: Iterable[str]) -> list[str]:
    """Copy every file of ``old`` that kgtool did not write (``ours``) into ``staging``; the
    paths copied (relative, with ``/``): :func:`unrelated_files`, then :func:`copy_files`."""
    found = unrelated_files(old, ours)
    copy_files(old, staging, found)
    return found


def unrelated_files(old: Path, ours: Iterable[str]) -> list[str]:
    """The files of ``old`` that kgtool did not write (``ours``), relative, with ``/``.

    ``ours`` comes from a manifest file in the folder and is not trusted: it can only keep a
    regular file from being copied; links are always copied as links, never followed. A site
    has hundreds of thousands of files: GNU ``find`` lists them in another process where it is
    there, else one ``scandir`` per folder; a folder that cannot be read is an error (its
    files would be lost), not skipped."""
    skip = ours if isinstance(ours, (set, frozenset)) else set(ours)
    listed = _find_files(old)
    if listed is None:
        listed = _scan_files(old)
    return [name for name, link in listed if link or name not in skip]


def _find_files(old: Path) -> list[tuple[str, bool]] | None:
    """(path, is a link) of every entry of ``old`` but folders, by GNU find; None without it."""
    import subprocess

    command = shutil.which("find")
    if command is None or not sys.platform.startswith("linux"):
        return None
    try:
        result = subprocess.run(
            [command, os.fspath(old), "-mindepth", "1", "!", "-type", "d", "-printf", "%y%P\\0"],
            stdin=subprocess.DEVNULL, capture_output=True, check=False,
        )  # fmt: skip
    except OSError:
        return None
    if result.returncode != 0:  # not GNU find, or a folder it could not read: scan instead
        return None
    entries = result.stdout.split(b"\0")[:-1]
    return [(os.fsdecode(entry[1:]), entry[:1] == b"l") for entry in entries]


def _scan_files(old: Path) -> list[tuple[str, bool]]:
    """(path, is a link) of every entry of ``old`` but folders, by ``os.scandir``."""
    root = os.fspath(old)
    found: list[tuple[str, bool]] = []
    folders = [""]
    while folders:
        relative = folders.pop()
        with os.scandir(root + os.sep + relative if relative else root) as entries:
            for entry in entries:
                link = entry.is_symlink()
                if not link and entry.is_dir():
                    folders.append(relative + entry.name + "/")
                else:
                    found.append((relative + entry.name, link))
    return found


def copy_files(old: Path, staging: Path, names: Iterable[str]) -> None:
    """Copy ``names`` (relative to ``old``, from :func:`unrelated_files`) into ``staging``:
    links as links, files with their times and mode. A folder is made only for what is copied
    into it, so folders emptied of stale files disappear."""
    root, into = os.fspath(old), os.fspath(staging)
    made: set[str] = set()
    for name in names:
        parent = name.rpartition("/")[0]
        if parent not in made:
            os.makedirs(os.path.join(into, parent), exist_ok=True)
            made.add(parent)
        source, target = os.path.join(root, name), os.path.join(into, name)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


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


def replace_folder(staging: Path, target: Path, background: bool = False) -> None:
    """Put the folder ``staging`` at ``target`` in one step, then delete the old folder (with
    ``background``: by a detached process, see :func:`remove_in_background`; ``staging`` is
    then the old folder's name until it is gone)."""
    if not target.exists():
        os.rename(staging, target)
        return
    if not _exchange(staging, target):
        aside = staging.with_name(staging.name + "-old")
        os.rename(target, aside)
        os.rename(staging, target)
        staging = aside
    if background:  # now the old folder
        remove_in_background([staging])
    else:
        shutil.rmtree(staging, ignore_errors=True)
