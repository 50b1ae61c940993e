"""Copy / Copy as Image / Export context menus on the dashboard and the campaign table.

The copied KPIs are computed by the core from the session (not read off widgets); the
Export entries open the export dialog over the session's filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from kpi_desktop.ui import clipboard
from kpi_desktop.ui.dialogs.export import open_export_dialog

if TYPE_CHECKING:
    from kpi_desktop.ui.session import Session
    from kpi_desktop.ui.widgets.editable_table import EditableTableView


def dashboard_rows(session: Session) -> list[list[str]]:
    """The dashboard's KPI cards as rows of text, computed by the core (not read off widgets)."""
    from kpi_desktop.core import series

    view, report, context = session.data_view, session.report, session.context
    if view is None or report is None:  # the session computes both, or neither
        return []
    data = view.dashboard(
        session.selection or series.FilterSelection(),
        report,
        targets=context.targets,
        currency=context.currency,
    )
    header = ["KPI", "Value", "Change", "Previous period", "Target"]
    return [
        header,
        *(
            [c.kpi.name, c.value_text, c.change_text, c.previous_text, c.status_text]
            for c in data.cards
        ),
    ]


def _menu(parent: QWidget, entries: Sequence[tuple[str, str, Callable[[], object]]]) -> QMenu:
    menu = QMenu(parent)
    for name, text, slot in entries:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
    return menu


def dashboard_menu(session: Session, dashboard: QWidget) -> QMenu:
    """Copy the KPIs as text or the dashboard as an image; export the report as PDF."""
    return _menu(
        dashboard,
        [
            (
                "action_copy_dashboard",
                "Copy",
                lambda: clipboard.copy_text(clipboard.rows_to_tsv(dashboard_rows(session))),
            ),
            (
                "action_copy_dashboard_image",
                "Copy as Image",
                lambda: clipboard.copy_widget_image(dashboard),
            ),
            (
                "action_export_dashboard",
                "Export Report…",
                lambda: open_export_dialog(session, dashboard.window(), "pdf"),
            ),
        ],
    )


def campaigns_menu(session: Session, view: EditableTableView) -> QMenu:
    """Copy the selection, the whole table or its image; export the table as CSV."""
    return _menu(
        view,
        [
            ("action_copy_table", "Copy", lambda: clipboard.copy_table(view)),
            (
                "action_copy_table_all",
                "Copy Whole Table",
                lambda: clipboard.copy_table(view, whole=True),
            ),
            ("action_copy_table_image", "Copy as Image", lambda: clipboard.copy_widget_image(view)),
            (
                "action_export_table_csv",
                "Export Table as CSV…",
                lambda: open_export_dialog(session, view.window(), "csv"),
            ),
        ],
    )


def install_context_menus(
    session: Session, dashboard: QWidget, campaigns_view: EditableTableView
) -> None:
    """The dashboard's menu, the campaign table's copy/export entries (before its own
    Paste and editing entries) and Ctrl+C on the table."""
    dashboard.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    dashboard.customContextMenuRequested.connect(
        lambda pos: _show(dashboard_menu(session, dashboard), dashboard, pos)
    )
    campaigns_view.extra_menu = lambda: campaigns_menu(session, campaigns_view)
    copy = QAction("Copy", campaigns_view)
    copy.setObjectName("action_copy_campaigns")
    copy.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Copy))
    copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    copy.triggered.connect(lambda: clipboard.copy_table(campaigns_view))
    campaigns_view.addAction(copy)


def _show(menu: QMenu, widget: QWidget, pos: QPoint) -> None:
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.popup(widget.mapToGlobal(pos))
