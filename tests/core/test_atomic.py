"""The one atomic write (`core.atomic`): old or new file, never a partial one or a temp."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

import pytest

from kpi_desktop.core import atomic
from kpi_desktop.core.atomic import atomic_write, atomic_write_with


def test_atomic_write_with_streams_and_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    atomic_write(target, b"old")

    def fail(handle: IO[bytes]) -> None:
        handle.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write_with(target, fail)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]  # no temp file left behind
    atomic_write_with(target, lambda handle: handle.write(b"new"))
    assert target.read_bytes() == b"new"


@pytest.mark.parametrize("error", [OSError, ValueError, KeyboardInterrupt])
def test_a_failing_writer_leaves_neither_the_target_nor_a_temp_file(
    tmp_path: Path, error: type[BaseException]
) -> None:
    def fail(handle: IO[bytes]) -> None:
        handle.write(b"half")
        raise error("stopped")

    with pytest.raises(error, match="stopped"):
        atomic_write_with(tmp_path / "new.csv", fail)
    assert os.listdir(tmp_path) == []


def test_a_failed_rename_leaves_neither_the_target_nor_a_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        atomic_write(tmp_path / "new.pdf", b"%PDF")
    assert os.listdir(tmp_path) == []


def test_accepts_a_string_path_and_creates_a_new_file(tmp_path: Path) -> None:
    atomic_write(str(tmp_path / "a.txt"), b"a")
    assert (tmp_path / "a.txt").read_bytes() == b"a"
    assert os.listdir(tmp_path) == ["a.txt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_file_gets_the_umask_mode_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.bin", b"x")
        assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o644
        (tmp_path / "new.bin").chmod(0o600)
        atomic_write(tmp_path / "new.bin", b"y")
        assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)
