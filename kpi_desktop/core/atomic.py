"""The one atomic file write of the application: temp file in the same folder, then rename.

Every file KPI Desk writes goes through here: workspaces and recovery files, the Excel,
CSV and PDF exports, link tables and QR codes. It sits at the bottom of the core (it
imports nothing from the package) so that the workspace, the report and the UTM code can
all use it without importing one another.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

#: A file path as the public write functions accept it.
PathLike = str | os.PathLike[str]


def atomic_write_with(path: PathLike, write: Callable[[IO[bytes]], object]) -> None:
    """Replace `path` with what `write` writes to a binary handle, atomically.

    Writes a temp file in the same folder (same file system, so the rename is atomic),
    fsyncs it, `os.replace`s the target and fsyncs the folder so the rename is durable:
    a crash leaves either the old or the new file. On any failure (including a
    cancellation raised by `write`) the temp file is removed and the old file is left as
    it was. A new file gets the usual mode (the umask decides); a replaced one keeps its
    permissions.

    Args:
        path: the file to replace.
        write: writes the whole content to the binary handle it is given; its return
            value is ignored (so `handle.write` and `Workbook.save` both fit).
    """
    target = Path(path)
    folder = target.parent
    temp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # 0o666 lets the umask decide the mode, as for any new file; O_BINARY stops Windows
    # from translating line endings at the descriptor level.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


def atomic_write(path: PathLike, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file."""
    atomic_write_with(path, lambda handle: handle.write(data))


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX. Windows cannot open a folder (NTFS
    # journals the rename itself); the file is already replaced, so a failure here is
    # not the write's failure.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
