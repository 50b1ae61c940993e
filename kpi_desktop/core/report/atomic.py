"""Atomic file writes for the exports: a temp file in the same folder, then `os.replace`."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import IO

PathLike = str | os.PathLike[str]


def atomic_write(path: PathLike, write: Callable[[IO[bytes]], object]) -> None:
    """Write through a temp file in the same folder, fsync, then `os.replace`.

    On any failure (including cancellation) the temp file is removed and an existing
    file at `path` is left as it was.

    Args:
        path: the file to replace.
        write: writes the whole content to the binary handle it is given; its return
            value is ignored (so `handle.write` and `Workbook.save` both fit).
    """
    target = Path(path)
    folder = target.parent
    temp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # os.open with 0o666 lets the umask decide the mode, as for any new file; O_BINARY
    # stops Windows from translating line endings at the descriptor level.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; folders cannot be opened on Windows.
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_bytes(path: PathLike, data: bytes) -> None:
    """Replace `path` with `data` atomically (for documents rendered elsewhere, e.g. PDF)."""
    atomic_write(path, lambda handle: handle.write(data))
