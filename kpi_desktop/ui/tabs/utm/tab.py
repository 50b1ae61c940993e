"""The UTM tab: assembles the link form, QR box and the five pages, and ties them together.

Everything it knows about the workspace comes through a `LinkStore` (core.utm); the
builder logic lives in the core, the panels only show it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.utm import (
    BuildResult,
    DriftGroup,
    LinkRecord,
    LinkStore,
    MemoryLinkStore,
    NamingConvention,
    Preset,
    UtmParams,
    links_vs_data,
)
from kpi_desktop.ui.tabs.utm.bulk_page import BulkPage
from kpi_desktop.ui.tabs.utm.common import STYLESHEET
from kpi_desktop.ui.tabs.utm.convention_page import ConventionPage
from kpi_desktop.ui.tabs.utm.data_page import LinksDataPage
from kpi_desktop.ui.tabs.utm.form import LinkForm
from kpi_desktop.ui.tabs.utm.history_page import HistoryPage
from kpi_desktop.ui.tabs.utm.presets_page import PresetsPage
from kpi_desktop.ui.tabs.utm.qr_panel import QrPanel
from kpi_desktop.ui.widgets.forms import named


class UtmTab(QWidget):
    """UTM link builder (DESIGN 6) as one tab; object name `tab_utm`.

    Signals:
        linkSaved(LinkRecord): a link was added to the history.
        aliasAdded(str, str, str): kind, from_value, to_value of a new alias.
        conventionChanged(NamingConvention): the naming convention was saved.
    """

    linkSaved = Signal(object)
    aliasAdded = Signal(str, str, str)
    conventionChanged = Signal(object)

    def __init__(
        self,
        links_store: LinkStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tab_utm")
        self.setAccessibleName("tab_utm")
        self.setStyleSheet(STYLESHEET)
        self.store: LinkStore = links_store if links_store is not None else MemoryLinkStore()
        self._convention = self.store.naming_convention()

        self.tabs_utm = named(QTabWidget(), "tabs_utm")
        self.page_bulk = BulkPage(self.store, self._convention)
        self.page_history = HistoryPage(lambda: self.store.links())
        self.page_data = LinksDataPage()
        self.page_convention = ConventionPage()
        self.page_presets = PresetsPage()
        self.tabs_utm.addTab(self.page_bulk, "Bulk links")
        self.tabs_utm.addTab(self.page_history, "History")
        self.tabs_utm.addTab(self.page_data, "Links && data")
        # The settings form is tall; scrolling keeps it from setting the tab's minimum height.
        scroll = named(QScrollArea(), "scroll_convention")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.page_convention)
        self.tabs_utm.addTab(scroll, "Naming convention")
        self.tabs_utm.addTab(self.page_presets, "Presets")

        self.form = LinkForm(self._convention)
        self.panel_qr = QrPanel()
        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.form, 1)
        top_layout.addWidget(self.panel_qr, 0)

        # The form scrolls rather than set the tab's minimum height: on a 1366×768 screen
        # the window must still fit (the form alone is ~640 px tall with DejaVu Sans).
        scroll_form = named(QScrollArea(), "scroll_form")
        scroll_form.setWidgetResizable(True)
        scroll_form.setFrameShape(QFrame.Shape.NoFrame)
        scroll_form.setWidget(top)
        self._form_sized = False
        self._form_area = top
        self.splitter_utm = named(QSplitter(Qt.Orientation.Vertical), "splitter_utm")
        self.splitter_utm.addWidget(scroll_form)
        self.splitter_utm.addWidget(self.tabs_utm)
        self.splitter_utm.setStretchFactor(0, 0)
        self.splitter_utm.setStretchFactor(1, 1)
        self.splitter_utm.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.splitter_utm)

        self._expose_widgets()
        self._connect_panels()
        self._refresh_completions()
        self._refresh_presets()
        self.page_convention.show_convention(self._convention)
        self.page_history.refresh()
        # Links vs data reads every fact row: built when its page is first looked at.
        self._data_stale = True
        self.tabs_utm.currentChanged.connect(self._page_changed)
        self.form.rebuild()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._form_sized:
            # First show: the whole form when the window is tall enough, the pages below
            # keep at least 170 px; a small window scrolls the form instead.
            self._form_sized = True
            area = self._form_area
            wanted = max(area.sizeHint().height(), area.minimumSizeHint().height()) + 4
            total = self.splitter_utm.height()
            form = max(min(wanted, total - 170), 120)
            self.splitter_utm.setSizes([form, max(total - form, 0)])
        self._page_changed()

    def _page_changed(self, *_: object) -> None:
        if self.isVisible() and self.tabs_utm.currentWidget() is self.page_data:
            self._ensure_data()

    def _ensure_data(self) -> None:
        if self._data_stale:
            self._data_stale = False
            self.refresh_data_panel()

    def data_changed(self) -> None:
        """The facts, links or aliases changed: refresh Links & data now if it is shown,
        else when it is (on a million rows it takes seconds; an edit must not wait)."""
        self._data_stale = True
        self._page_changed()

    def _expose_widgets(self) -> None:
        """The panels' widgets that the main window, screenshots and tests reach directly."""
        form, qr, bulk = self.form, self.panel_qr, self.page_bulk
        self.edits, self.notes = form.edits, form.notes
        self.edit_url, self.edit_label, self.combo_preset = (
            form.edit_url,
            form.edit_label,
            form.combo_preset,
        )
        self.label_preview, self.label_changes = form.label_preview, form.label_changes
        self.button_copy, self.button_save_link, self.button_open = (
            form.button_copy,
            form.button_save_link,
            form.button_open,
        )
        self.spin_qr_size, self.label_qr = qr.spin_qr_size, qr.label_qr
        self.button_qr_png, self.button_qr_svg, self.button_qr_copy = (
            qr.button_qr_png,
            qr.button_qr_svg,
            qr.button_qr_copy,
        )
        self.model_bulk, self.table_bulk = bulk.model_bulk, bulk.table_bulk
        self.button_bulk_add, self.label_bulk_status = bulk.button_bulk_add, bulk.label_bulk_status
        self.table_history = self.page_history.table_history
        self.edit_history_search = self.page_history.edit_history_search
        self.button_history_reuse = self.page_history.button_history_reuse
        self.table_drift = self.page_data.table_drift
        self.list_spend_no_link = self.page_data.list_spend_no_link
        self.list_no_traffic = self.page_data.list_no_traffic
        convention = self.page_convention
        self.combo_spaces, self.edit_allowed_values = (
            convention.combo_spaces,
            convention.edit_allowed_values,
        )
        self.button_convention_save = convention.button_convention_save
        self.label_convention_error = convention.label_convention_error
        self.table_presets = self.page_presets.table_presets

    def _connect_panels(self) -> None:
        """Wire the actions that cross panels or write to the store."""
        self.form.resultChanged.connect(self.panel_qr.show_result)
        self.form.button_copy.clicked.connect(self.copy_link)
        self.form.button_save_link.clicked.connect(self.save_link)
        self.form.button_open.clicked.connect(self.open_link)
        self.panel_qr.button_qr_png.clicked.connect(lambda: self.save_qr(kind="png"))
        self.panel_qr.button_qr_svg.clicked.connect(lambda: self.save_qr(kind="svg"))
        self.panel_qr.button_qr_copy.clicked.connect(self.copy_qr)
        self.page_bulk.button_bulk_from_form.clicked.connect(self.add_form_to_bulk)
        self.page_history.table_history.doubleClicked.connect(
            lambda _index: self.reuse_history_link()
        )
        self.page_history.button_history_reuse.clicked.connect(lambda: self.reuse_history_link())
        self.page_data.button_data_refresh.clicked.connect(self.refresh_data_panel)
        self.page_data.aliasRequested.connect(self.alias_group)
        self.page_convention.button_convention_save.clicked.connect(self.save_convention)
        self.page_presets.button_preset_add.clicked.connect(self.add_preset_from_form)
        self.page_presets.button_presets_save.clicked.connect(self.save_presets)

    def refresh(self) -> None:
        """Re-read everything from the store (after the workspace changed or was opened)."""
        self.set_convention(self.store.naming_convention())
        self.model_bulk.reload()
        self._refresh_presets()
        self._refresh_completions()
        self.page_history.refresh()
        self.data_changed()

    # -- the single-link form ----------------------------------------------------------
    def params(self) -> UtmParams:
        """The values as typed in the form."""
        return self.form.params()

    def result(self) -> BuildResult:
        """The current build of the form (tagged URL, errors, convention changes)."""
        return self.form.result()

    def set_form(self, url: str, params: UtmParams, label: str | None = None) -> None:
        """Fill the form; the preview follows."""
        self.form.set_form(url, params, label)

    def clear_form(self) -> None:
        self.form.clear_form()

    def completions(self, name: str) -> list[str]:
        return self.form.completions(name)

    def _refresh_completions(self) -> None:
        links = self.store.links()
        words = {
            "campaign": [*self.store.campaign_names(), *(link.params.campaign for link in links)],
            "source": [
                *(p.params.source for p in self.store.presets()),
                *(link.params.source for link in links),
            ],
            "medium": [
                *(p.params.medium for p in self.store.presets()),
                *(link.params.medium for link in links),
            ],
        }
        for name, values in words.items():
            self.form.set_completions(name, sorted({v for v in values if v}, key=str.lower))

    # -- actions -----------------------------------------------------------------------
    def save_link(self) -> LinkRecord | None:
        """Keep the current link in the history (not twice in a row); None if invalid."""
        result = self.result()
        if not result.ok:
            return None
        label = self.edit_label.text().strip()
        history = self.store.links()
        if history and history[-1].url == result.url and history[-1].label == label:
            return history[-1]
        record = LinkRecord.from_result(self.edit_url.text(), result, label)
        self.store.add_link(record)
        self.page_history.refresh()
        self._refresh_completions()
        self.linkSaved.emit(record)
        return record

    def copy_link(self) -> None:
        if self.save_link() is not None:
            QGuiApplication.clipboard().setText(self.result().url)

    def open_link(self) -> None:
        """Open the link in the browser, only when the user asks."""
        if self.save_link() is not None:
            QDesktopServices.openUrl(QUrl(self.result().url, QUrl.ParsingMode.TolerantMode))

    def qr_image(self) -> QImage:
        return self.panel_qr.image()

    def copy_qr(self) -> None:
        result = self.result()
        if not result.url:
            return
        self.save_link()
        self.panel_qr.copy(result.url)

    def save_qr(self, path: str | Path | None = None, kind: str | None = None) -> Path | None:
        """Save the QR code as PNG or SVG at the chosen size; asks for a file if no path."""
        result = self.result()
        if not result.url:
            return None
        target = self.panel_qr.save(result.url, path, kind)
        if target is not None:
            self.save_link()
        return target

    # -- bulk --------------------------------------------------------------------------
    def add_form_to_bulk(self) -> None:
        row = {"label": self.edit_label.text(), "url": self.edit_url.text()}
        row.update(self.params().to_dict())
        self.model_bulk.add_rows([row])

    def import_bulk(self, path: str | Path | None = None) -> bool:
        return self.page_bulk.import_bulk(path)

    def export_bulk(self, path: str | Path | None = None) -> Path | None:
        return self.page_bulk.export_bulk(path)

    # -- history -----------------------------------------------------------------------
    def history_rows(self) -> list[LinkRecord]:
        """The links shown in the history table, newest first."""
        return self.page_history.rows()

    def reuse_history_link(self, row: int | None = None) -> None:
        link = self.page_history.link_at(row)
        if link is not None:
            self.set_form(link.base_url, link.params, label=link.label)

    def export_history(self, path: str | Path | None = None) -> Path | None:
        return self.page_history.export_history(path)

    # -- links and data ----------------------------------------------------------------
    def refresh_data_panel(self) -> None:
        self._data_stale = False
        report = links_vs_data(self.store.links(), self.store.facts(), self.store.aliases())
        self.page_data.show_report(report)

    def drift_groups(self) -> list[DriftGroup]:
        self._ensure_data()
        return self.page_data.drift_groups()

    def alias_group(self, group: DriftGroup) -> None:
        """Make every other spelling in `group` an alias of its right name."""
        self.store.add_aliases(group.kind, dict.fromkeys(group.others, group.canonical))
        for other in group.others:  # one undo step above; one signal per spelling
            self.aliasAdded.emit(group.kind, other, group.canonical)
        self.refresh_data_panel()

    # -- convention and presets --------------------------------------------------------
    def convention_from_page(self) -> NamingConvention:
        """The convention as edited on its page; raises ValueError with the reason."""
        return self.page_convention.convention(self._convention.applies_to)

    def save_convention(self) -> bool:
        try:
            convention = self.convention_from_page()
        except ValueError as exc:
            self.label_convention_error.setText(str(exc))
            return False
        self.label_convention_error.setText("")
        self.set_convention(convention)
        self.store.set_naming_convention(convention)
        self.conventionChanged.emit(convention)
        return True

    def set_convention(self, convention: NamingConvention) -> None:
        """Use `convention` for the form and the bulk table (does not save it)."""
        self._convention = convention
        self.page_convention.show_convention(convention)
        self.model_bulk.set_convention(convention)
        self.form.convention = convention
        self.form.rebuild()

    def _refresh_presets(self) -> None:
        presets = self.store.presets()
        self.form.set_presets(presets)
        self.page_presets.fill(presets)

    def presets_from_table(self) -> list[Preset]:
        return self.page_presets.presets()

    def add_preset_from_form(self) -> None:
        params = self.params()
        keep = {n: params.get(n).strip() for n in ("source", "medium", "source_platform")}
        keep["creative_format"] = params.creative_format.strip()
        name = self.combo_preset.currentText() if self.combo_preset.currentData() else ""
        presets = [
            *self.presets_from_table(),
            Preset(f"{name or keep['source'] or 'New'} (copy)", UtmParams(**keep)),
        ]
        self.page_presets.fill(presets)

    def save_presets(self) -> None:
        self.store.save_presets(self.presets_from_table())
        self._refresh_presets()
        self._refresh_completions()
