"""The "Links & data" page of the UTM tab: naming drift, spend with no link, idle links."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.utm import DriftGroup, LinksDataReport
from kpi_desktop.ui.tabs.utm.common import make_button
from kpi_desktop.ui.widgets.forms import named


def _group(title: str, widget: QWidget, name: str) -> QGroupBox:
    box = named(QGroupBox(title), name)
    inner = QVBoxLayout(box)
    inner.addWidget(widget)
    return box


class LinksDataPage(QWidget):
    """Shows a `LinksDataReport`; "Refresh" is connected by the tab.

    Signals:
        aliasRequested(DriftGroup): the user chose a drift group's right name.
    """

    aliasRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drift: list[DriftGroup] = []
        self.table_drift = named(
            QTableWidget(0, 4),
            "table_drift",
            "One name written several ways in the data or the links",
        )
        self.table_drift.setHorizontalHeaderLabels(["Kind", "Right name", "Written as", ""])
        self.table_drift.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_drift.verticalHeader().setVisible(False)
        header = self.table_drift.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.list_spend_no_link = named(
            QListWidget(), "list_spend_no_link", "Campaigns that spent money but have no link"
        )
        self.list_no_traffic = named(
            QListWidget(), "list_no_traffic", "Links whose campaign has no visitors in the data"
        )
        self.button_data_refresh = make_button(
            "button_data_refresh", "Refresh", "Compare the links with the imported data again"
        )
        self.label_data_summary = named(QLabel(), "label_data_summary")
        self.label_data_summary.setProperty("note", "change")

        lists = QSplitter(Qt.Orientation.Horizontal)
        lists.addWidget(_group("Naming drift", self.table_drift, "group_drift"))
        lists.addWidget(_group("Spend but no link", self.list_spend_no_link, "group_no_link"))
        lists.addWidget(_group("Links with no traffic", self.list_no_traffic, "group_no_traffic"))
        lists.setSizes([560, 260, 260])
        bar = QHBoxLayout()
        bar.addWidget(self.label_data_summary, 1)
        bar.addWidget(self.button_data_refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(lists)

    def show_report(self, report: LinksDataReport) -> None:
        """Fill the drift table, both lists and the summary line from `report`."""
        self._drift = list(report.drift)
        self._fill_drift_table()
        self.list_spend_no_link.clear()
        for gap in report.spend_without_link:
            self.list_spend_no_link.addItem(f"{gap.campaign}  —  spend {gap.spend:,.2f}")
        self.list_no_traffic.clear()
        if not report.traffic_known:
            self.list_no_traffic.addItem("No visitors in the imported data to compare with")
        for link in report.links_without_traffic:
            self.list_no_traffic.addItem(f"{link.label or link.campaign}  —  {link.url}")
        self.label_data_summary.setText(
            f"{len(self._drift)} names written several ways, "
            f"{len(report.spend_without_link)} campaigns with spend but no link, "
            f"{len(report.links_without_traffic)} links with no traffic"
        )

    def _fill_drift_table(self) -> None:
        table = self.table_drift
        table.setRowCount(len(self._drift))
        for row, group in enumerate(self._drift):
            variants = ", ".join(f"{v} ({n})" for v, n in group.variants)
            for column, text in enumerate([group.kind.capitalize(), group.canonical, variants]):
                item = QTableWidgetItem(text)
                item.setToolTip(group.describe())
                table.setItem(row, column, item)
            button = named(
                QPushButton(f"Use '{group.canonical}'"),
                f"button_alias_{row}",
                f"Make {', '.join(group.others)} aliases of '{group.canonical}'",
            )
            button.clicked.connect(lambda _=False, g=group: self.aliasRequested.emit(g))
            table.setCellWidget(row, 3, button)
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(1)

    def drift_groups(self) -> list[DriftGroup]:
        return list(self._drift)
