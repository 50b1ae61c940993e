"""The open workspace as the UI sees it: undo stack, data view, filter, report and signals.

The composition root (`kpi_desktop.app`) builds one `Session` and hands it to the main
window, the tabs and the dialogs; none of them reaches into the window for data. Every
data change comes back as a core `Changes` value through `apply_changes`, which
invalidates what the change touched and recomputes the report.

Nothing here imports pandas or the core at module level: the session exists before the
window's first paint (DESIGN section 10).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.undo import CoreCommand, UndoCommand

if TYPE_CHECKING:
    from kpi_desktop.core.kpi import KpiReport
    from kpi_desktop.core.series import DataView, FilterSelection
    from kpi_desktop.core.workspace import Changes, Workspace

UNTITLED = "Untitled workspace"


@dataclass(frozen=True)
class ReportContext:
    """What a tab needs besides the `KpiReport` itself: names, period, currency, targets."""

    workspace_name: str = ""
    currency: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    fact_rows: int = 0
    #: the bundled sample, not the user's data: tabs say so
    is_sample: bool = False
    #: workspace-wide targets: KPI id -> target in internal units (fractions for rates)
    targets: Mapping[str, float] = field(default_factory=dict)
    #: campaign key -> the user's note on it
    notes: Mapping[str, str] = field(default_factory=dict)
    #: the filter bar's choice; `start`/`end` above are its resolved dates
    selection: FilterSelection | None = None
    #: the whole filter as one line, for headings and exports:
    #: "Last 30 days: 28 Oct 2026 – 26 Nov 2026 (30 days) · all campaigns · all channels"
    filter_text: str = ""
    #: filtered comparisons and chart series over the workspace (None in bare tests)
    data: DataView | None = None

    @property
    def period_text(self) -> str:
        """`29 Aug 2026 – 26 Nov 2026 (90 days)`, or a plain phrase without dates."""
        if self.start is None or self.end is None:
            return "All dates"
        days = (self.end - self.start).days + 1
        plural = "day" if days == 1 else "days"
        return f"{_day(self.start)} – {_day(self.end)} ({days:,} {plural})"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"  # no %-d: it is not portable to Windows


class Session(QObject):
    """One open workspace, its undo stack, data view, filter and current report.

    Signals:
        workspace_opened: a new workspace was installed; its first report follows
            (views bind to it here).
        workspace_loaded: the new workspace's first report is out.
        report_refreshed: `report` and `context` were recomputed.
        changed(Changes): a command, an undo or an import changed the workspace.
        modified_changed: the name or the unsaved-changes state may have changed.
        recovered(Path): the workspace was restored from this recovery file.
        ended: the workspace was closed cleanly (saved or its changes discarded).
        message(str, int): a status-bar note and how long to show it (ms).
        error(BaseException): a command failed; the workspace is unchanged.
        exported(Path): a report was written there.
    """

    workspace_opened = Signal()
    workspace_loaded = Signal()
    report_refreshed = Signal()
    changed = Signal(object)
    modified_changed = Signal()
    recovered = Signal(Path)
    ended = Signal()
    message = Signal(str, int)
    error = Signal(object)
    exported = Signal(Path)

    def __init__(self, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.workspace: Workspace | None = None
        self.workspace_name = ""
        self.is_sample = False
        self.data_view: DataView | None = None
        self.selection: FilterSelection | None = None
        self.report: KpiReport | None = None
        self.context = ReportContext()
        #: the one undo stack of the application
        self.undo_stack = QUndoStack(self)
        self._saved_state_is_clean = True
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    def _clean_changed(self, clean: bool) -> None:
        ws = self.workspace
        if clean and ws is not None and self._saved_state_is_clean:
            # Every change goes through the stack: undone back to the saved state, the
            # workspace holds what its file holds (closing must not ask to save).
            ws.dirty = False
        self.modified_changed.emit()

    # -- workspace ---------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace, name: str = "", *, sample: bool = False) -> None:
        """Install `workspace`: clear undo, restore its filter, compute its report.

        `sample` marks the bundled sample workspace, which the tabs label as such.
        """
        from kpi_desktop.core import series

        gc.unfreeze()  # the previous workspace's objects may be collected again
        self.workspace = workspace
        self.is_sample = sample
        self.workspace_name = name or (workspace.path.name if workspace.path else UNTITLED)
        self.undo_stack.clear()
        # A restored recovery file is unsaved work with an empty stack: undo never cleans it.
        self._saved_state_is_clean = not workspace.dirty
        if self.data_view is None or self.data_view.workspace is not workspace:
            self.data_view = series.DataView(workspace)
            saved = workspace.get_setting(series.FILTER_SETTING)
            self.selection = series.FilterSelection.from_json(saved)
        self.workspace_opened.emit()
        self.refresh()
        # A loaded workspace is long-lived: moving it out of the collector's generations
        # keeps full collections of a large heap from landing in the middle of an edit
        # (worst edit on 1M rows: 62 ms -> 48 ms, benchmarks/bench_store.py).
        gc.collect()
        gc.freeze()
        self.workspace_loaded.emit()

    def new_workspace(self) -> None:
        """Start an empty, untitled workspace."""
        from kpi_desktop.core.workspace import Workspace

        self.set_workspace(Workspace.new(), UNTITLED)

    def open(self, path: Path) -> None:
        """Open the workspace at `path`; raises `WorkspaceError` and changes nothing."""
        from kpi_desktop.core.workspace import Workspace

        workspace = Workspace.open(path)
        self.settings.add_recent_file(str(path))
        self.settings.last_directory = str(path.parent)
        self.set_workspace(workspace, path.name)

    def save_to(self, path: Path) -> None:
        """Save the workspace as `path`; raises `WorkspaceError` when it cannot."""
        assert self.workspace is not None
        self.workspace.save(path)
        self.workspace_name = path.name
        self._saved_state_is_clean = True
        self.undo_stack.setClean()
        self.settings.add_recent_file(str(path))
        self.settings.last_directory = str(path.parent)
        self.modified_changed.emit()
        self.message.emit(f"Saved {path.name}", 4000)

    def is_modified(self) -> bool:
        """True when the workspace has changes that are not saved."""
        ws = self.workspace
        return ws is not None and (bool(ws.dirty) or not self.undo_stack.isClean())

    def end(self) -> None:
        """The user closed the workspace cleanly: nothing is left to recover."""
        self.ended.emit()

    # -- changes -----------------------------------------------------------------------------
    def push(self, command: CoreCommand) -> None:
        """Run a core command through the undo stack (its Changes refresh the views)."""
        assert self.workspace is not None
        self.undo_stack.push(
            UndoCommand(command, self.workspace, self.apply_changes, self.error.emit)
        )

    def apply_changes(self, changes: Changes) -> None:
        """React to what a command or import changed (KPIs recomputed when needed)."""
        # `campaigns` None means every campaign; scope covers targets, notes, FX, aliases.
        campaigns_changed = changes.campaigns != frozenset()
        data_changed = changes.reset or changes.kpis_dirty or campaigns_changed
        if self.data_view is not None:
            self.data_view.apply(changes)  # it decides what of its cube is out of date
        if data_changed or (changes.scope and not changes.scope.outside_report):
            self.refresh()  # links, settings and chart notes move no KPI: no new report
        else:
            self.modified_changed.emit()
        self.changed.emit(changes)

    def set_selection(self, selection: FilterSelection) -> None:
        """Remember the filter in the workspace and show every tab through it."""
        from kpi_desktop.core import series

        if self.workspace is None:
            return
        self.workspace.set_setting(series.FILTER_SETTING, selection.to_json(), view_state=True)
        self.selection = selection
        self.refresh()

    def refresh(self) -> None:
        """Recompute the report and its context for the current filter."""
        from kpi_desktop.core import series

        ws, view = self.workspace, self.data_view
        if ws is None or view is None:
            return
        selection = self.selection or series.FilterSelection()
        self.report = view.report(selection)
        self.context = self._context(ws, view, selection)
        self.report_refreshed.emit()

    def _context(self, ws: Workspace, view: DataView, selection: FilterSelection) -> ReportContext:
        from kpi_desktop.core import series

        period = view.period(selection) or view.data_range
        start, end = period if period else (None, None)
        campaigns = ws.campaigns()
        notes = campaigns["notes"].to_dict() if "notes" in campaigns else {}
        return ReportContext(
            workspace_name=self.workspace_name,
            currency=ws.reporting_currency,
            start=start,
            end=end,
            fact_rows=len(ws.facts()),
            is_sample=self.is_sample,
            targets=ws.targets().get(None, {}),
            notes={str(k): str(v) for k, v in notes.items() if v},
            selection=selection,
            filter_text=series.filter_summary(
                selection, view.period(selection), view.campaign_names(), view.channel_names()
            ),
            data=view,
        )
