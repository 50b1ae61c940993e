"""Saving is atomic: a process killed (SIGKILL) while saving leaves the old or the new file.

A child process saves two different versions of a workspace in a loop and is killed at
a random moment; the file must then open and be exactly one of the two versions. The
children fork from a `forkserver` that has the store imported, so each of the hundreds
of kills costs milliseconds instead of a fresh interpreter's start.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kpi_desktop.core.atomic import atomic_write
from kpi_desktop.core.sample import large_facts
from kpi_desktop.core.workspace import Workspace

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="SIGKILL and forkserver are POSIX-only"
)


def _version_b(ws: Workspace) -> None:
    # B differs in a note, an override and size (a second source), so a torn or mixed
    # file cannot pass for either version.
    ws.set_note("campaign_000", "B")
    ws.edit_cell(0, "users", 123456)
    ws.add_import(_Extra())


class _Extra:
    facts = large_facts(3000, campaigns=3, seed=9)
    events = None
    problems = ()
    preset = "extra"
    mapping = None
    supplies = frozenset({"users"})
    sha256 = "e" * 64
    file_name = "extra.csv"
    currency = "USD"
    role = "other"
    label = ""


def _save_loop(a_file: str, b_file: str, path: str, ready: Any) -> None:
    """Child: alternately save version A and version B to `path` until killed."""
    a = Workspace.open(a_file)
    b = Workspace.open(b_file)
    ready.set()
    while True:
        a.save(path)
        b.save(path)


def _which_version(path: Path, expected: dict[str, pd.DataFrame]) -> str:
    with Workspace.open(path) as ws:
        note = ws.notes("campaign_000")
        assert note in ("A", "B"), note
        pd.testing.assert_frame_equal(ws.facts(), expected[note])
        return note


@pytest.fixture(scope="module")
def context():
    ctx = multiprocessing.get_context("forkserver")
    # Children unpickle their target from this module: preloading it (and pytest, which
    # it imports) keeps each child's start to a fork.
    ctx.set_forkserver_preload(["kpi_desktop.core.workspace", "pytest", __name__])
    return ctx


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "max_delay_ms", "kills"), [(10_000, 15, 70), (40_000, 30, 70)])
def test_killed_while_saving_leaves_old_or_new_file(tmp_path, context, rows, max_delay_ms, kills):
    path = tmp_path / "w.kpidesk"
    a_file, b_file = tmp_path / "a.kpidesk", tmp_path / "b.kpidesk"
    with Workspace.from_facts(large_facts(rows, campaigns=20, seed=4), currency="USD") as ws:
        ws.set_note("campaign_000", "A")
        ws.save(a_file)
        expected = {"A": ws.facts()}
        _version_b(ws)
        ws.save(b_file)
        expected["B"] = ws.facts()
    path.write_bytes(a_file.read_bytes())
    rng = random.Random(rows)
    seen = {"A": 0, "B": 0}
    for _ in range(kills):
        ready = context.Event()
        child = context.Process(
            target=_save_loop, args=(str(a_file), str(b_file), str(path), ready)
        )
        child.start()
        assert ready.wait(30), "child did not start"
        time.sleep(rng.uniform(0, max_delay_ms) / 1000)
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        seen[_which_version(path, expected)] += 1
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # Evidence that kills landed mid-save: each killed write leaves its temp file.
    assert len(leftovers) > 0
    assert seen["A"] > 0
    assert seen["B"] > 0


def test_bulk_kill_count_is_at_least_200():
    params = test_killed_while_saving_leaves_old_or_new_file.pytestmark
    (parametrize,) = [m for m in params if m.name == "parametrize"]
    assert sum(kills for *_, kills in parametrize.args[1]) + 60 >= 200


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_killed_while_writing_raw_bytes(tmp_path, context, seed):
    """The primitive alone, 20 kills per seed, big writes so kills land inside them."""
    path = tmp_path / "blob.bin"
    old, new = b"o" * 4_000_000, b"n" * 6_000_000
    atomic_write(path, old)
    rng = random.Random(seed)
    for _ in range(20):
        ready = context.Event()
        child = context.Process(target=_write_loop, args=(str(path), ready, old, new))
        child.start()
        assert ready.wait(30)
        time.sleep(rng.uniform(0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert path.read_bytes() in (old, new)


def _write_loop(path: str, ready: Any, a: bytes, b: bytes) -> None:
    ready.set()
    while True:
        atomic_write(Path(path), a)
        atomic_write(Path(path), b)


def test_failed_replace_keeps_the_old_file_and_removes_the_temp(tmp_path, monkeypatch):
    path = tmp_path / "w.kpidesk"
    path.write_bytes(b"old")
    path.chmod(0o640)

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.kpidesk"]


def test_atomic_write_keeps_the_permissions_of_the_replaced_file(tmp_path):
    path = tmp_path / "w.kpidesk"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
