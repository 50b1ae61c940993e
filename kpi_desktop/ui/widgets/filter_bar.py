"""The filter bar above every tab: period (presets or custom dates), campaigns, channels.

It only holds the choice (a Qt-free `series.FilterSelection`) and says when it changed;
the main window stores it in the workspace and hands it to every tab with the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from kpi_desktop.core import series
from kpi_desktop.core.series import CUSTOM, PERIOD_LABELS, FilterSelection
from kpi_desktop.ui import style

DATE_FORMAT = "d MMM yyyy"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class _ChecklistMenu(QMenu):
    """A drop-down with All / None buttons over a list of check boxes."""

    def __init__(self, name: str, noun: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(f"menu_{name}")
        self.list = QListWidget()
        self.list.setObjectName(f"list_{name}")
        self.list.setAccessibleName(f"list_{name}")
        self.list.setMinimumWidth(260)
        self.button_all = QPushButton(f"All {noun}")
        self.button_all.setObjectName(f"button_all_{name}")
        self.button_none = QPushButton("None")
        self.button_none.setObjectName(f"button_none_{name}")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_all)
        buttons.addWidget(self.button_none)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        action = QWidgetAction(self)
        action.setDefaultWidget(box)
        self.addAction(action)
        self.button_all.clicked.connect(lambda: self.check_all(True))
        self.button_none.clicked.connect(lambda: self.check_all(False))

    def check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(state)
        self.list.blockSignals(False)
        # One signal for the whole change, not one per item.
        self.list.itemChanged.emit(self.list.item(0)) if self.list.count() else None

    def fill(self, items: Mapping[str, str], chosen: Sequence[str] | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for key, text in items.items():
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = chosen is None or key in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        rows = min(max(self.list.count(), 1), 12)
        self.list.setFixedHeight(
            rows * self.list.sizeHintForRow(0) + 6 if self.list.count() else 30
        )
        self.list.blockSignals(False)

    def chosen(self) -> tuple[str, ...] | None:
        """Checked keys; None when every item is checked (= no filter)."""
        keys = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                keys.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return None if len(keys) == self.list.count() else tuple(keys)


class FilterBar(QWidget):
    """Object name `widget_filter_bar`; emits `selection_changed` with a FilterSelection."""

    #: the user changed the period, campaigns or channels (a `series.FilterSelection`).
    selection_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("widget_filter_bar")
        self.setAccessibleName("widget_filter_bar")
        self._selection = FilterSelection()
        self._last_day: dt.date | None = None
        self._data_range: tuple[dt.date, dt.date] | None = None
        self._campaigns: dict[str, str] = {}
        self._channels: tuple[str, ...] = ()
        self._ranges: tuple[series.LeftOut, ...] = ()
        self._updating = False

        self.combo_period = QComboBox()
        self.combo_period.setObjectName("combo_period")
        self.combo_period.setAccessibleName("combo_period")
        for key, label in PERIOD_LABELS.items():
            self.combo_period.addItem(label, key)
        self.combo_period.setToolTip(
            "Which days to show. Presets count back from the latest day in your data; "
            "the dashboard compares them with the period of equal length just before."
        )
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit, name, tip in (
            (self.date_from, "date_from", "First day (inclusive)"),
            (self.date_to, "date_to", "Last day (inclusive)"),
        ):
            edit.setObjectName(name)
            edit.setAccessibleName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setToolTip(f"{tip}; changing it switches the period to a custom range")
        self.menu_campaigns = _ChecklistMenu("campaigns", "campaigns", self)
        self.list_campaigns = self.menu_campaigns.list
        self.button_campaigns = self._menu_button("button_campaigns", self.menu_campaigns)
        self.button_campaigns.setToolTip("Choose which campaigns every tab shows")
        self.menu_channels = _ChecklistMenu("channels", "channels", self)
        self.list_channels = self.menu_channels.list
        self.button_channels = self._menu_button("button_channels", self.menu_channels)
        self.button_channels.setToolTip("Choose which channels every tab shows")
        self.label_note = QLabel()
        self.label_note.setObjectName("label_note")
        # Said where the period is chosen: the period cuts a source's reporting range,
        # whose rows are then left out (never pro-rated).
        self.label_cut = QLabel()
        self.label_cut.setObjectName("label_cut")
        self.label_cut.setStyleSheet(f"color: {style.WARN}; font-weight: 600;")
        self.label_cut.setVisible(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 1, 12, 1)
        layout.setSpacing(8)
        period = QLabel("Period")
        period.setObjectName("label_filter")
        layout.addWidget(period)
        layout.addWidget(self.combo_period)
        layout.addWidget(self.date_from)
        dash = QLabel("–")
        layout.addWidget(dash)
        layout.addWidget(self.date_to)
        layout.addWidget(self.label_cut)
        layout.addSpacing(12)
        layout.addWidget(self.button_campaigns)
        layout.addWidget(self.button_channels)
        layout.addSpacing(12)
        layout.addWidget(self.label_note, 1)

        self.combo_period.currentIndexChanged.connect(self._period_chosen)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        self.list_campaigns.itemChanged.connect(self._lists_changed)
        self.list_channels.itemChanged.connect(self._lists_changed)

    @staticmethod
    def _menu_button(name: str, menu: QMenu) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setAccessibleName(name)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMenu(menu)
        return button

    # -- state in
    @property
    def selection(self) -> FilterSelection:
        return self._selection

    def set_options(
        self,
        campaigns: Mapping[str, str],
        channels: Sequence[str],
        data_range: tuple[dt.date, dt.date] | None,
        *,
        ranges: Sequence[series.LeftOut] = (),
    ) -> None:
        """What can be chosen: campaign key -> name, channel names and the dates with data;
        `ranges`: the sources' reporting ranges that a period may cut (`DataView.range_rows`)."""
        self._ranges = tuple(ranges)
        self._campaigns = dict(campaigns)
        self._channels = tuple(channels)
        self._last_day = data_range[1] if data_range else None
        self._data_range = data_range
        self._updating = True
        self.menu_campaigns.fill(self._campaigns, self._selection.campaigns)
        self.menu_channels.fill({c: c for c in self._channels}, self._selection.channels)
        self._updating = False
        self.button_channels.setEnabled(bool(self._channels))
        if data_range is None:
            self.label_note.setText("No dated data yet")
        else:
            self.label_note.setText(
                f"Data from {series.day_text(data_range[0])} to {series.day_text(data_range[1])};"
                " presets end on the latest day"
            )
        self._show(self._selection)

    def set_selection(self, selection: FilterSelection, *, emit: bool = False) -> None:
        """Show `selection` (from the workspace); emits only when asked."""
        self._selection = selection
        self._updating = True
        self.menu_campaigns.fill(self._campaigns, selection.campaigns)
        self.menu_channels.fill({c: c for c in self._channels}, selection.channels)
        self._updating = False
        self._show(selection)
        if emit:
            self.selection_changed.emit(selection)

    def period(self) -> tuple[dt.date, dt.date] | None:
        return series.resolve_period(self._selection, self._last_day)

    def _show(self, selection: FilterSelection) -> None:
        self._updating = True
        self.combo_period.setCurrentIndex(max(self.combo_period.findData(selection.preset), 0))
        period = series.resolve_period(selection, self._last_day)
        shown = period or self._data_range  # "All dates" shows the days with data
        if shown is not None:
            self.date_from.setDate(_qdate(shown[0]))
            self.date_to.setDate(_qdate(shown[1]))
        self._updating = False
        self._show_cuts(selection, period)
        self.button_campaigns.setText(
            self._count_text(selection.campaigns, self._campaigns, "campaigns")
        )
        self.button_channels.setText(
            self._count_text(selection.channels, dict.fromkeys(self._channels), "channels")
        )

    def cut_sentences(self, period: tuple[dt.date, dt.date] | None) -> list[str]:
        """One sentence per source range that `period` cuts."""
        return [
            f"{r.source} covers {r.range_text} as one range: this period leaves it out."
            for r in self._ranges
            if r.cut_by(period)
        ]

    def _show_cuts(
        self, selection: FilterSelection, period: tuple[dt.date, dt.date] | None
    ) -> None:
        """The warning beside the dates, and on each preset in the list that cuts a range."""
        cut = self.cut_sentences(period)
        self.label_cut.setText(
            f"⚠ leaves out {len(cut)} reporting {'range' if len(cut) == 1 else 'ranges'}"
            if cut
            else ""
        )
        self.label_cut.setToolTip("\n".join(cut))
        self.label_cut.setVisible(bool(cut))
        for i in range(self.combo_period.count()):
            preset = str(self.combo_period.itemData(i))
            if preset == CUSTOM:
                continue
            would = series.resolve_period(
                replace_period(selection, preset, None, None), self._last_day
            )
            tip = "\n".join(self.cut_sentences(would))
            self.combo_period.setItemData(i, tip or None, Qt.ItemDataRole.ToolTipRole)

    @staticmethod
    def _count_text(chosen: Sequence[str] | None, items: Mapping[str, object], noun: str) -> str:
        if chosen is None:
            return f"All {noun}"
        if len(chosen) == 1:
            value = items.get(chosen[0])
            return str(value if isinstance(value, str) else chosen[0])
        return f"{len(chosen)} of {len(items)} {noun}"

    # -- user changes
    def _emit(self, selection: FilterSelection) -> None:
        if selection == self._selection:
            return
        self._selection = selection
        self._show(selection)
        self.selection_changed.emit(selection)

    def _period_chosen(self, index: int) -> None:
        if self._updating:
            return
        preset = str(self.combo_period.itemData(index))
        if preset == CUSTOM:
            start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
            self._emit(replace_period(self._selection, CUSTOM, start, end))
        else:
            self._emit(replace_period(self._selection, preset, None, None))

    def _dates_edited(self) -> None:
        if self._updating:
            return
        start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
        if start > end:
            start, end = end, start
        self._emit(replace_period(self._selection, CUSTOM, start, end))

    def _lists_changed(self) -> None:
        if self._updating:
            return
        s = self._selection
        self._emit(
            FilterSelection(
                s.preset, s.start, s.end, self.menu_campaigns.chosen(), self.menu_channels.chosen()
            )
        )


def replace_period(
    selection: FilterSelection, preset: str, start: dt.date | None, end: dt.date | None
) -> FilterSelection:
    return FilterSelection(preset, start, end, selection.campaigns, selection.channels)
