"""The Edit-menu actions over the open workspace: revert, add / rename / delete a
campaign, rows by day, notes and targets, currency (object names of DESIGN section 9).

Every change goes through the session's undo stack as core commands; a dialog's OK is
one undo step. Messages go to the session's status-bar `message` signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kpi_desktop.ui.actions import make_action
from kpi_desktop.ui.dialogs.add_campaign import AddCampaignDialog
from kpi_desktop.ui.dialogs.currency import CurrencyDialog
from kpi_desktop.ui.dialogs.targets import TargetsDialog
from kpi_desktop.ui.widgets.editable_table import EditableTableView
from kpi_desktop.ui.widgets.forms import CommandDialog

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    from kpi_desktop.core.workspace import Changes
    from kpi_desktop.ui.dialogs.daily import DailyDialog
    from kpi_desktop.ui.session import Session
    from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab
    from kpi_desktop.ui.undo import CoreCommand
    from kpi_desktop.ui.widgets.filter_bar import FilterBar

MESSAGE_MS = 5000


_Dialog = TypeVar("_Dialog", bound=CommandDialog)


class WorkspaceActions:
    """The Edit-menu actions over the session's workspace.

    Args:
        session: the open workspace and its undo stack.
        parent: owns the actions (their shortcuts work there) and the dialogs.
        campaigns_tab: the table the campaign actions work on.
        filter_bar: set to all dates when the Campaigns tab asks for it.
        show_tab: brings a tab to the front (rename starts on the Campaigns tab).
    """

    def __init__(
        self,
        session: Session,
        parent: QWidget,
        campaigns_tab: CampaignsTab,
        filter_bar: FilterBar,
        show_tab: Callable[[QWidget], object],
    ) -> None:
        self.session = session
        self.parent = parent
        self.campaigns_tab = campaigns_tab
        self.filter_bar = filter_bar
        self.show_tab = show_tab
        self._create_actions()
        # The table's shortcut (F2) would clash with the view's own edit key: menu only.
        self.action_rename_campaign.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.campaign_actions = [
            self.action_revert,
            self.action_daily,
            self.action_rename_campaign,
            self.action_delete_campaign,
            self.action_add_campaign,
            self.action_targets,
        ]
        self.set_enabled(session.workspace is not None)
        campaigns_tab.add_context_actions(self.campaign_actions)
        campaigns_tab.all_dates_requested.connect(self.show_all_dates)
        session.changed.connect(self.report_dropped)

    def _create_actions(self) -> None:
        act = make_action
        parent = self.parent
        self.action_revert = act(
            parent, "action_revert", "Revert to &Imported",
            "Put the imported value back in the selected edited cells", self.revert,
            [QKeySequence("Ctrl+Shift+R")],
        )  # fmt: skip
        self.action_add_campaign = act(
            parent, "action_add_campaign", "&Add Campaign…",
            "Type in a campaign's numbers by hand (no export needed)", self.add_campaign,
            [QKeySequence("Ctrl+Shift+N")],
        )  # fmt: skip
        self.action_rename_campaign = act(
            parent, "action_rename_campaign", "Re&name Campaign",
            "Type a new name for the current campaign", self.rename_campaign,
            [QKeySequence("F2")],
        )  # fmt: skip
        self.action_delete_campaign = act(
            parent, "action_delete_campaign", "&Delete Campaign",
            "Delete the selected campaigns (undo brings them back)", self.delete_campaign,
        )  # fmt: skip
        self.action_daily = act(
            parent, "action_daily", "Rows by &Day…",
            "Show and edit the current campaign's rows by day", self.open_daily,
        )  # fmt: skip
        self.action_targets = act(
            parent, "action_targets", "Notes and &Targets…",
            "Targets per KPI for every campaign or one, and a campaign's notes",
            self.edit_targets, [QKeySequence("Ctrl+T")],
        )  # fmt: skip
        self.action_currency = act(
            parent, "action_currency", "&Currency, Rates and Number Format…",
            "The reporting currency, the rates that convert other currencies, and how "
            "typed numbers are read (1,234.50 or 1.234,50)",
            self.edit_currency,
        )  # fmt: skip

    def add_to_menu(self, menu: QMenu) -> None:
        """Append the actions to the Edit menu, in groups."""
        menu.addSeparator()
        menu.addActions([self.action_revert])
        menu.addSeparator()
        menu.addActions(
            [
                self.action_add_campaign,
                self.action_rename_campaign,
                self.action_delete_campaign,
                self.action_daily,
            ]
        )
        menu.addSeparator()
        menu.addActions([self.action_targets, self.action_currency])

    @property
    def actions(self) -> list[QAction]:
        """Every action, the campaign actions first."""
        return [*self.campaign_actions, self.action_currency]

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions:
            action.setEnabled(enabled)

    def bind(self) -> None:
        """Give the Campaigns tab the new workspace and the undo stack's push (called by
        the window when a workspace opens, before its first report)."""
        self.set_enabled(self.session.workspace is not None)
        self.campaigns_tab.set_workspace(self.session.workspace, self.session.push)

    def _say(self, text: str) -> None:
        self.session.message.emit(text, MESSAGE_MS)

    def _focused_table(self) -> EditableTableView:
        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, EditableTableView):
            widget = widget.parentWidget()
        return widget if widget is not None else self.campaigns_tab.table_campaigns

    def report_dropped(self, changes: Changes) -> None:
        """Tell the user which edits a re-import left without a row (they are kept)."""
        dropped = changes.dropped_edits
        if not dropped:
            return
        lines = [_dropped_line(rec) for rec in dropped[:12]]
        more = len(dropped) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more")
        box = QMessageBox(self.parent)
        box.setObjectName("dialog_dropped_edits")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Edits that no longer apply")
        box.setText(
            f"{len(dropped)} of your edits no longer match a row in the new data. They are "
            "kept in the workspace and apply again if the rows come back."
        )
        box.setDetailedText("\n".join(lines))
        box.setInformativeText("\n".join(lines[:5]))
        box.open()

    def revert(self) -> None:
        if not self._focused_table().revert_selection():
            self._say(
                "Nothing to revert: select cells that were edited (italic, with a corner mark)."
            )

    def add_campaign(self) -> AddCampaignDialog | None:
        ws = self.session.workspace
        return None if ws is None else self._open(AddCampaignDialog(ws, self.parent))

    def rename_campaign(self) -> None:
        self.show_tab(self.campaigns_tab)
        self.campaigns_tab.rename_current()

    def delete_campaign(self) -> None:
        if not self.campaigns_tab.delete_selected():
            self._say("Select a campaign row to delete.")

    def open_daily(self) -> DailyDialog | None:
        key = self.campaigns_tab.current_campaign()
        if key is None:
            self._say("Select a campaign to see its days.")
            return None
        return self.campaigns_tab.open_daily(key)

    def edit_targets(self) -> TargetsDialog | None:
        ws = self.session.workspace
        if ws is None:
            return None
        key = self.campaigns_tab.current_campaign()
        return self._open(TargetsDialog(ws, key, self.parent))

    def edit_currency(self) -> CurrencyDialog | None:
        ws = self.session.workspace
        return None if ws is None else self._open(CurrencyDialog(ws, self.parent))

    def _open(self, dialog: _Dialog) -> _Dialog:
        """Show `dialog` (window-modal, not blocking); its OK pushes its one command."""
        dialog.accepted.connect(lambda: self._push(dialog.command))
        dialog.open()
        return dialog

    def show_all_dates(self) -> None:
        from kpi_desktop.core.series import ALL, FilterSelection

        self.filter_bar.set_selection(FilterSelection(preset=ALL), emit=True)

    def _push(self, command: CoreCommand | None) -> None:
        if command is not None and self.session.workspace is not None:
            self.session.push(command)


def _dropped_line(rec: Any) -> str:
    """`• Users of spring_sale 2026-03-01 Messenger: 120` for one edit left without a row."""
    from kpi_desktop.core.schema import FIELDS

    key = rec.row_key
    where = (
        f"{key.campaign_key} {key.date or 'lifetime'} {key.channel}".strip()
        if hasattr(key, "campaign_key")
        else str(key)
    )
    label = FIELDS[rec.field].label if rec.field in FIELDS else rec.field
    value = f"{rec.new_value:g}" if rec.new_value is not None else "blank"
    return f"• {label} of {where}: {value}"
