"""What one import produced: the frozen `ImportResult` handed from `core.io` to the workspace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from kpi_desktop.core.io.errors import Problem


@dataclass(frozen=True)
class ImportResult:
    """Everything one import produced; nothing is stored yet.

    Frozen: derive a changed copy with `dataclasses.replace`. The list and dict fields are
    lists because callers compare them with lists; nobody mutates them after construction.
    """

    facts: pd.DataFrame
    events: pd.DataFrame | None
    problems: list[Problem]
    preset: str
    mapping: dict[str, str | None]
    supplies: frozenset[str]
    sheet: str
    sheets: list[str]
    header_row: int
    preview: list[list[object]]
    sha256: str
    file_name: str
    currency: str
    layout_signature: str = ""
    source_id: str = ""
    role: str = "other"
    label: str = ""
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    headers: list[str] = field(default_factory=list)
    summary_rows_dropped: int = 0
    #: Sentences about how figures were obtained (e.g. a field derived from two columns).
    notes: list[str] = field(default_factory=list)
    #: Column index (0 = A) of each header in `headers`, in the same order.
    header_columns: list[int] = field(default_factory=list)
    #: Row (line) number of each row of `preview`.
    preview_rows: list[int] = field(default_factory=list)
    #: Row numbers of the summary and totals rows left out of the import.
    dropped_rows: list[int] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """ "events" for a raw event log, else "facts"."""
        return "events" if self.events is not None else "facts"
