"""Workspace files on disk: reading, the one atomic write, and recovery file names.

Save serialises the working database and writes it atomically (temp file in the same
folder, fsync, `os.replace`, fsync of the folder); recovery files are written the same
way from a snapshot taken under the workspace lock, so a background thread can autosave
safely. `atomic_write` is the atomic write of the whole application.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kpi_desktop.core.workspace.errors import WorkspaceError

SUFFIX = ".kpidesk"
RECOVERY_SUFFIX = ".recovery"


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory; NTFS journals the rename itself.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_with(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Replace `path` with what `write` writes to a binary handle, atomically.

    Writes a temp file in the same folder (same file system, so the rename is atomic),
    fsyncs it, `os.replace`s the target and fsyncs the folder so the rename is durable:
    a crash leaves either the old or the new file. The file keeps the permissions of the
    one it replaces.
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # Keep the permissions of the file being replaced (mkstemp makes it 0600).
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    atomic_write_with(path, lambda handle: handle.write(data))


def read_workspace_file(path: Path) -> bytes:
    """The bytes of a workspace (or recovery) file.

    Raises:
        WorkspaceError: the file cannot be read.
    """
    try:
        return path.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"Could not read {path.name}: {exc.strerror or exc}") from exc


def save_workspace_file(path: Path, data: bytes) -> None:
    """Write a serialised workspace atomically.

    Raises:
        WorkspaceError: the file cannot be written.
    """
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise WorkspaceError(f"Could not save {path.name}: {exc.strerror or exc}") from exc


def recovery_path(path: Path | None, folder: Path | None, uid: str) -> Path:
    """Where a recovery file goes: beside workspace `path`, or in `folder`.

    `uid` tells apart the recovery files of several untitled workspaces in one folder.
    """
    if folder is None:
        if path is None:
            raise ValueError("an untitled workspace needs a folder for its recovery file")
        return path.with_name(path.name + RECOVERY_SUFFIX)
    stem = path.stem if path is not None else "untitled"
    return folder / f"{stem}-{uid}{SUFFIX}{RECOVERY_SUFFIX}"


def find_recovery(where: Path) -> Path | None:
    """A recovery file left by a crash: beside workspace `where`, or the newest in a folder."""
    if where.is_dir():
        found = sorted(where.glob(f"*{SUFFIX}{RECOVERY_SUFFIX}"), key=lambda p: p.stat().st_mtime)
        return found[-1] if found else None
    candidate = where.with_name(where.name + RECOVERY_SUFFIX)
    return candidate if candidate.exists() else None


def remove_quietly(files: set[Path]) -> None:
    """Delete files that may already be gone."""
    for file in files:
        with contextlib.suppress(OSError):
            file.unlink()
