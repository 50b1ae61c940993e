"""Workspace files on disk: reading, saving, and recovery file names.

Save serialises the working database and writes it with `core.atomic` (temp file in the
same folder, fsync, `os.replace`, fsync of the folder); recovery files are written the
same way from a snapshot taken under the workspace lock, so a background thread can
autosave safely.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from kpi_desktop.core.atomic import atomic_write
from kpi_desktop.core.workspace.errors import WorkspaceError

SUFFIX = ".kpidesk"
RECOVERY_SUFFIX = ".recovery"


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
