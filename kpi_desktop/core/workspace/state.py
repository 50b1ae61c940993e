"""The workspace's state and discipline: its parts, lock, transaction and change counter.

Every public method of `Workspace` runs under one re-entrant lock (recovery snapshots
run on another thread); every mutation runs in one transaction of the working database
(a live in-memory SQLite database, the truth for everything but derived caches) and
counts as one generation for recovery files.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import pandas as pd

from kpi_desktop.core.cube import CampaignCube
from kpi_desktop.core.workspace.catalog import Catalog
from kpi_desktop.core.workspace.db import Database
from kpi_desktop.core.workspace.facts_table import FactsTable
from kpi_desktop.core.workspace.overrides import Overrides, RowKey, now
from kpi_desktop.core.workspace.sources import SourceSet, StoredSource

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="WorkspaceState")


def locked(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run a method under the workspace lock (recovery snapshots run on another thread)."""

    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


class WorkspaceState:
    """The parts of a workspace and the lock and transaction every change goes through.

    Attributes:
        path: the workspace file, None while untitled (Save then needs a path).
        dirty: True when there are changes since the last save or open.
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        self.dirty = False
        self._lock = threading.RLock()
        self._db = Database()
        self._uid = uuid.uuid4().hex[:12]
        self._generation = 0  # mutation counter; recovery files compare against it
        self._saved_generation = 0
        self._recovery_files: set[Path] = set()
        self._sources = SourceSet(self._db)
        self._overrides = Overrides(self._db)
        self._catalog = Catalog(self._db)
        self._facts = FactsTable(self._sources, self._overrides, self._catalog)
        self._cube = CampaignCube(self._facts)
        self._db.set_meta("app", "KPI Desk")
        self._db.set_meta("created", now())

    def _load(self) -> None:
        """Read every part from the working database; drop what was derived."""
        self._sources.load()
        self._overrides.load(self._db.edits())
        self._catalog.load()
        self._invalidate()

    def _invalidate(self) -> None:
        self._facts.invalidate()
        self._cube.clear()

    def _mark_clean(self) -> None:
        """The state now equals a file on disk (or a fresh start): nothing to recover."""
        self.dirty = False
        self._saved_generation = self._generation

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One transaction under the lock; a failure leaves database and caches unchanged."""
        with self._lock:
            self._db.begin()
            try:
                yield
            except BaseException:
                self._db.rollback()
                self._load()  # caches may be half-updated: rebuild them from the database
                raise
            self._db.commit()
            self._generation += 1
            self.dirty = True

    def _position(self, key: RowKey) -> int | None:
        src = self._sources.get(key.source_id)
        return None if src is None else self._overrides.resolve(src.facts, src.keys, key)

    def _add_source(
        self,
        info: StoredSource,
        facts: pd.DataFrame,
        events: pd.DataFrame | None,
        *,
        ordinal: int | None = None,
    ) -> None:
        """Store a source (call inside `_tx`)."""
        self._sources.insert(info, facts, events, ordinal=ordinal)
        self._invalidate()

    def _delete_source(self, source_id: str) -> None:
        self._sources.delete(source_id)
        self._invalidate()
