"""The UTM tab: single-link builder with QR code, bulk table, history, links vs data.

Everything it knows about the workspace comes through a `LinkStore` (core/utm.py); the
builder logic lives in the core, this module only shows it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TypeVar

import pandas as pd
from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.utm import (
    PARAM_HELP,
    PARAM_LABELS,
    PARAM_NAMES,
    PRESETS,
    REQUIRED,
    TAGGED_COLUMN,
    UTM_KEYS,
    BuildResult,
    DriftGroup,
    LinkRecord,
    LinkStore,
    MemoryLinkStore,
    NamingConvention,
    Preset,
    UtmParams,
    build_url,
    links_frame,
    links_vs_data,
    looks_tagged,
    parse_url,
    qr_bytes,
    read_links_table,
    search_links,
    write_links_table,
)
from kpi_desktop.ui import style
from kpi_desktop.ui.models.bulk_links_model import COLUMNS, TAGGED, BulkLinksModel

_STYLESHEET = f"""
QLineEdit[invalid="true"] {{ border: 1px solid {style.BAD}; }}
QLabel[note="error"] {{ color: {style.BAD}; }}
QLabel[note="warning"] {{ color: {style.WARN}; }}
QLabel[note="change"] {{ color: {style.MUTED}; }}
QLabel#label_preview {{ background: {style.SURFACE}; border: 1px solid {style.BORDER};
    border-radius: 5px; padding: 6px 8px; }}
QLabel#label_preview[invalid="true"] {{ color: {style.UNDEFINED}; }}
QLabel#label_qr {{ background: {style.SURFACE}; border: 1px solid {style.BORDER};
    border-radius: 5px; color: {style.UNDEFINED}; }}
QGroupBox {{ font-weight: 600; }}
"""
_FILE_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv)"
_SPACE_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Underscore _", "_"),
    ("Hyphen -", "-"),
    ("Keep spaces", None),
)
QR_PREVIEW_PX = 176
_ZWSP = "\u200b"  # zero-width space: a line-break opportunity in the preview only
_W = TypeVar("_W", bound=QWidget)


def _preview_html(url: str, *, highlight: bool) -> str:
    """The tagged URL as rich text: UTM items in the accent colour, breakable after / & ?."""

    def breakable(text: str) -> str:
        return escape(text).replace("/", "/" + _ZWSP)

    main, hash_sign, fragment = url.partition("#")
    head, question, query = main.partition("?")
    html = breakable(head)
    if question:
        items = []
        for item in query.split("&"):
            text = breakable(item)
            if highlight and item.split("=", 1)[0].lower() in UTM_KEYS.values():
                text = f'<span style="color:{style.ACCENT}">{text}</span>'
            items.append(text)
        html += "?" + _ZWSP + ("&amp;" + _ZWSP).join(items)
    if hash_sign:
        html += _ZWSP + "#" + breakable(fragment)
    return html


def _set_prop(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property that the stylesheet reads and re-polish the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


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
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tab_utm")
        self.setAccessibleName("tab_utm")
        self.setStyleSheet(_STYLESHEET)
        self.store: LinkStore = links_store if links_store is not None else MemoryLinkStore()
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._convention = self.store.naming_convention()
        self._result: BuildResult | None = None
        self._qr_image = QImage()
        self.edits: dict[str, QLineEdit] = {}
        self.notes: dict[str, QLabel] = {}

        self.tabs_utm = self._named(QTabWidget(), "tabs_utm")
        self.tabs_utm.addTab(self._build_bulk_page(), "Bulk links")
        self.tabs_utm.addTab(self._build_history_page(), "History")
        self.tabs_utm.addTab(self._build_data_page(), "Links && data")
        # The settings form is tall; scrolling keeps it from setting the tab's minimum height.
        scroll = self._named(QScrollArea(), "scroll_convention")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._build_convention_page())
        self.tabs_utm.addTab(scroll, "Naming convention")
        self.tabs_utm.addTab(self._build_presets_page(), "Presets")

        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self._build_form(), 1)
        top_layout.addWidget(self._build_qr_panel(), 0)

        self.splitter_utm = self._named(QSplitter(Qt.Orientation.Vertical), "splitter_utm")
        self.splitter_utm.addWidget(top)
        self.splitter_utm.addWidget(self.tabs_utm)
        self.splitter_utm.setStretchFactor(0, 0)
        self.splitter_utm.setStretchFactor(1, 1)
        self.splitter_utm.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.splitter_utm)

        self._refresh_completions()
        self._refresh_presets()
        self._show_convention(self._convention)
        self._refresh_history()
        self.refresh_data_panel()
        self._update()

    def refresh(self) -> None:
        """Re-read everything from the store (after the workspace changed or was opened)."""
        self._convention = self.store.naming_convention()
        self._show_convention(self._convention)
        self.model_bulk.set_convention(self._convention)
        self._refresh_presets()
        self._refresh_completions()
        self._refresh_history()
        self.refresh_data_panel()
        self._update()

    # -- construction ----------------------------------------------------------------
    @staticmethod
    def _named(widget: _W, name: str, tip: str = "") -> _W:
        widget.setObjectName(name)
        widget.setAccessibleName(name)
        if tip:
            widget.setToolTip(tip)
        return widget

    def _button(self, name: str, text: str, tip: str, shortcut: str = "") -> QPushButton:
        button = self._named(QPushButton(text), name)
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
            native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{tip} ({native})"
        button.setToolTip(tip)
        return button

    def _build_form(self) -> QGroupBox:
        box = self._named(QGroupBox("Link"), "group_link")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)

        self.combo_preset = self._named(
            QComboBox(), "combo_preset", "Fill source, medium and more for a channel"
        )
        self.combo_preset.activated.connect(self._apply_preset)
        self.edit_label = self._named(
            QLineEdit(), "edit_label", "Your name for this link, kept in the history"
        )
        self.edit_label.setPlaceholderText("e.g. Quiz result button")
        self.edit_url = self._named(
            QLineEdit(),
            "edit_url",
            "The page the link opens. Paste a tagged link to fill the form from it.",
        )
        self.edit_url.setPlaceholderText("https://example.com/landing-page")
        self.edit_url.setClearButtonEnabled(True)
        self.edit_url.textEdited.connect(self._on_url_edited)
        self.edit_url.textChanged.connect(self._update)
        self.notes["url"] = self._note("label_error_url")

        grid.addWidget(self._caption("Preset", self.combo_preset), 0, 0)
        grid.addWidget(self._caption("Label", self.edit_label), 0, 1, 1, 2)
        grid.addWidget(self.combo_preset, 1, 0)
        grid.addWidget(self.edit_label, 1, 1, 1, 2)
        grid.addWidget(self._caption("URL *", self.edit_url), 2, 0, 1, 3)
        grid.addWidget(self.edit_url, 3, 0, 1, 3)
        grid.addWidget(self.notes["url"], 4, 0, 1, 3)

        for i, name in enumerate(PARAM_NAMES):
            edit = self._named(QLineEdit(), f"edit_utm_{name}", f"utm_{name}: {PARAM_HELP[name]}")
            edit.setPlaceholderText("required" if name in REQUIRED else "optional")
            edit.textChanged.connect(self._update)
            self.edits[name] = edit
            self.notes[name] = self._note(f"label_error_{name}")
            row, col = 5 + 3 * (i // 3), i % 3
            caption = PARAM_LABELS[name] + (" *" if name in REQUIRED else "")
            grid.addWidget(self._caption(caption, edit), row, col)
            grid.addWidget(edit, row + 1, col)
            grid.addWidget(self.notes[name], row + 2, col)
        for col in range(3):
            grid.setColumnStretch(col, 1)

        self.label_preview = self._named(
            QLabel(), "label_preview", "The tagged link, as it will be copied"
        )
        self.label_preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.label_preview.setWordWrap(True)
        self.label_preview.setTextFormat(Qt.TextFormat.RichText)
        # Not selectable: the display has break opportunities (zero-width spaces) that
        # must never reach a copied link; "Copy link" copies the exact text.
        self.label_preview.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        lines = self.label_preview.fontMetrics().lineSpacing()
        self.label_preview.setMinimumHeight(3 * lines + 16)
        self.label_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label_preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.label_changes = self._named(
            QLabel(), "label_changes", "What the naming convention changed in your values"
        )
        self.label_changes.setWordWrap(True)
        self.label_changes.setProperty("note", "change")

        self.button_copy = self._button(
            "button_copy",
            "Copy link",
            "Copy the tagged link and keep it in the history",
            "Ctrl+Shift+C",
        )
        self.button_copy.clicked.connect(self.copy_link)
        self.button_save_link = self._button(
            "button_save_link",
            "Save to history",
            "Keep this link in the workspace's history",
            "Ctrl+Return",
        )
        self.button_save_link.clicked.connect(self.save_link)
        self.button_open = self._button(
            "button_open", "Open in browser", "Open the tagged link in your web browser"
        )
        self.button_open.clicked.connect(self.open_link)
        self.button_clear = self._button(
            "button_clear", "Clear", "Empty the form (the preset and label too)"
        )
        self.button_clear.clicked.connect(self.clear_form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_copy)
        buttons.addWidget(self.button_save_link)
        buttons.addWidget(self.button_open)
        buttons.addStretch(1)
        buttons.addWidget(self.button_clear)

        row = 5 + 3 * 3
        grid.addWidget(self._caption("Tagged link", self.label_preview), row, 0, 1, 3)
        grid.addWidget(self.label_preview, row + 1, 0, 1, 3)
        grid.addWidget(self.label_changes, row + 2, 0, 1, 3)
        grid.addLayout(buttons, row + 3, 0, 1, 3)
        return box

    def _caption(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _note(self, name: str) -> QLabel:
        label = self._named(QLabel(), name)
        label.setProperty("note", "error")
        font = label.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        label.setFont(font)
        label.setMinimumHeight(label.fontMetrics().height() + 2)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        return label

    def _build_qr_panel(self) -> QGroupBox:
        box = self._named(QGroupBox("QR code"), "group_qr")
        layout = QVBoxLayout(box)
        self.label_qr = self._named(QLabel(), "label_qr", "QR code of the tagged link")
        self.label_qr.setFixedSize(QR_PREVIEW_PX + 8, QR_PREVIEW_PX + 8)
        self.label_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label_qr.setWordWrap(True)
        self.spin_qr_size = self._named(
            QSpinBox(), "spin_qr_size", "Width and height of the saved QR code in pixels"
        )
        self.spin_qr_size.setRange(64, 4096)
        self.spin_qr_size.setSingleStep(64)
        self.spin_qr_size.setValue(512)
        self.spin_qr_size.setSuffix(" px")
        self.button_qr_png = self._button("button_qr_png", "Save PNG…", "Save the QR code as PNG")
        self.button_qr_png.clicked.connect(lambda: self.save_qr(kind="png"))
        self.button_qr_svg = self._button(
            "button_qr_svg", "Save SVG…", "Save the QR code as SVG (scales for print)"
        )
        self.button_qr_svg.clicked.connect(lambda: self.save_qr(kind="svg"))
        self.button_qr_copy = self._button(
            "button_qr_copy", "Copy image", "Copy the QR code to the clipboard as an image"
        )
        self.button_qr_copy.clicked.connect(self.copy_qr)
        size_row = QHBoxLayout()
        size_row.addWidget(QLabel("Size"))
        size_row.addWidget(self.spin_qr_size, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.button_qr_png)
        save_row.addWidget(self.button_qr_svg)
        layout.addWidget(self.label_qr, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(size_row)
        layout.addLayout(save_row)
        layout.addWidget(self.button_qr_copy)
        layout.addStretch(1)
        return box

    def _build_bulk_page(self) -> QWidget:
        page = QWidget()
        self.model_bulk = BulkLinksModel(self.undo_stack, self._convention, self)
        self.table_bulk = self._named(
            QTableView(), "table_bulk", "One link per row; cells with a problem are marked"
        )
        self.table_bulk.setModel(self.model_bulk)
        self.table_bulk.setAlternatingRowColors(True)
        self.table_bulk.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table_bulk.setWordWrap(False)  # long URLs elide in the middle, both ends show
        self.table_bulk.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_bulk.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table_bulk.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, name in enumerate(COLUMNS):
            wanted = {"url": 220, "label": 130, "campaign": 140, TAGGED_COLUMN: 380}.get(name, 0)
            self.table_bulk.setColumnWidth(column, max(wanted, header.sectionSizeHint(column)))
        self.table_bulk.verticalHeader().setDefaultSectionSize(26)
        self.model_bulk.modelReset.connect(self._update_bulk_status)
        self.model_bulk.rowsInserted.connect(self._update_bulk_status)
        self.model_bulk.rowsRemoved.connect(self._update_bulk_status)
        self.model_bulk.dataChanged.connect(self._update_bulk_status)

        self.button_bulk_add = self._button(
            "button_bulk_add", "Add row", "Add an empty link at the end"
        )
        self.button_bulk_add.clicked.connect(lambda: self.model_bulk.add_rows())
        self.button_bulk_from_form = self._button(
            "button_bulk_from_form", "Add from form", "Add the link in the form as a row"
        )
        self.button_bulk_from_form.clicked.connect(self.add_form_to_bulk)
        self.button_bulk_remove = self._button(
            "button_bulk_remove", "Remove rows", "Remove the selected links"
        )
        self.button_bulk_remove.clicked.connect(self._remove_selected_rows)
        self.button_bulk_import = self._button(
            "button_bulk_import", "Import…", "Read links from an .xlsx or .csv file"
        )
        self.button_bulk_import.clicked.connect(lambda: self.import_bulk())
        self.button_bulk_export = self._button(
            "button_bulk_export", "Export…", "Write the links with their tagged URLs"
        )
        self.button_bulk_export.clicked.connect(lambda: self.export_bulk())
        # Actions from the stack follow its state and text ("Undo Edit Source of link 2").
        self.action_bulk_undo = self.undo_stack.createUndoAction(self, "Undo")
        self.action_bulk_redo = self.undo_stack.createRedoAction(self, "Redo")
        self.button_bulk_undo = self._named(QToolButton(), "button_bulk_undo")
        self.button_bulk_undo.setDefaultAction(self.action_bulk_undo)
        self.button_bulk_redo = self._named(QToolButton(), "button_bulk_redo")
        self.button_bulk_redo.setDefaultAction(self.action_bulk_redo)
        for tool in (self.button_bulk_undo, self.button_bulk_redo):
            tool.setAutoRaise(False)
        self.label_bulk_status = self._named(QLabel(), "label_bulk_status")
        self.label_bulk_status.setProperty("note", "change")

        bar = QHBoxLayout()
        buttons: tuple[QWidget, ...] = (
            self.button_bulk_add,
            self.button_bulk_from_form,
            self.button_bulk_remove,
            self.button_bulk_import,
            self.button_bulk_export,
            self.button_bulk_undo,
            self.button_bulk_redo,
        )
        for button in buttons:
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.label_bulk_status)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.table_bulk)
        self._update_bulk_status()
        return page

    def _build_history_page(self) -> QWidget:
        page = QWidget()
        self.edit_history_search = self._named(
            QLineEdit(), "edit_history_search", "Words to find in label, URL or any UTM value"
        )
        self.edit_history_search.setPlaceholderText("Search links…")
        self.edit_history_search.setClearButtonEnabled(True)
        self.edit_history_search.textChanged.connect(self._refresh_history)
        self.table_history = self._named(
            QTableWidget(0, 6), "table_history", "Double-click a link to load it into the form"
        )
        self.table_history.setHorizontalHeaderLabels(
            ["Made", "Label", "Campaign", "Source", "Medium", "Tagged link"]
        )
        self.table_history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_history.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table_history.setWordWrap(False)
        self.table_history.horizontalHeader().setStretchLastSection(True)
        self.table_history.verticalHeader().setVisible(False)
        self.table_history.doubleClicked.connect(lambda _index: self.reuse_history_link())
        self.button_history_reuse = self._button(
            "button_history_reuse", "Use in form", "Load the selected link into the form"
        )
        self.button_history_reuse.clicked.connect(lambda: self.reuse_history_link())
        self.button_history_export = self._button(
            "button_history_export", "Export…", "Write the links shown to .xlsx or .csv"
        )
        self.button_history_export.clicked.connect(lambda: self.export_history())
        bar = QHBoxLayout()
        bar.addWidget(self.edit_history_search, 1)
        bar.addWidget(self.button_history_reuse)
        bar.addWidget(self.button_history_export)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.table_history)
        self._history_rows: list[LinkRecord] = []
        return page

    def _build_data_page(self) -> QWidget:
        page = QWidget()
        self.table_drift = self._named(
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
        self.list_spend_no_link = self._named(
            QListWidget(), "list_spend_no_link", "Campaigns that spent money but have no link"
        )
        self.list_no_traffic = self._named(
            QListWidget(), "list_no_traffic", "Links whose campaign has no visitors in the data"
        )
        self.button_data_refresh = self._button(
            "button_data_refresh", "Refresh", "Compare the links with the imported data again"
        )
        self.button_data_refresh.clicked.connect(self.refresh_data_panel)
        self.label_data_summary = self._named(QLabel(), "label_data_summary")
        self.label_data_summary.setProperty("note", "change")

        def group(title: str, widget: QWidget, name: str) -> QGroupBox:
            box = self._named(QGroupBox(title), name)
            inner = QVBoxLayout(box)
            inner.addWidget(widget)
            return box

        lists = QSplitter(Qt.Orientation.Horizontal)
        lists.addWidget(group("Naming drift", self.table_drift, "group_drift"))
        lists.addWidget(group("Spend but no link", self.list_spend_no_link, "group_no_link"))
        lists.addWidget(group("Links with no traffic", self.list_no_traffic, "group_no_traffic"))
        lists.setSizes([560, 260, 260])
        bar = QHBoxLayout()
        bar.addWidget(self.label_data_summary, 1)
        bar.addWidget(self.button_data_refresh)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(lists)
        return page

    def _build_convention_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self.check_lowercase = self._named(
            QCheckBox("Lower case every value"), "check_lowercase", "Facebook → facebook"
        )
        self.combo_spaces = self._named(QComboBox(), "combo_spaces", "What a run of spaces becomes")
        for text, value in _SPACE_CHOICES:
            self.combo_spaces.addItem(text, value)
        self.check_ascii = self._named(
            QCheckBox("Remove accents"), "check_ascii", "Été → ete (other scripts are kept)"
        )
        self.edit_allowed_chars = self._named(
            QLineEdit(),
            "edit_allowed_chars",
            "A regular-expression character set, e.g. a-z0-9_\\- ; "
            "\\w is any letter or digit; empty allows anything",
        )
        self.spin_max_length = self._named(
            QSpinBox(), "spin_max_length", "Longest value allowed; 0 means no limit"
        )
        self.spin_max_length.setRange(0, 2000)
        self.spin_max_length.setSpecialValueText("No limit")
        self.edit_allowed_values = self._named(
            QPlainTextEdit(),
            "edit_allowed_values",
            "One parameter per line: medium: chatbot, email, display",
        )
        self.edit_allowed_values.setPlaceholderText("medium: chatbot, email, display, qr")
        self.edit_allowed_values.setMaximumHeight(90)
        self.label_convention_error = self._named(QLabel(), "label_convention_error")
        self.label_convention_error.setProperty("note", "error")
        self.button_convention_save = self._button(
            "button_convention_save", "Save convention", "Apply and keep it in the workspace"
        )
        self.button_convention_save.clicked.connect(self.save_convention)
        self.button_convention_off = self._button(
            "button_convention_off", "Turn off", "Only trim values, change nothing else"
        )
        self.button_convention_off.clicked.connect(
            lambda: self._show_convention(NamingConvention.off())
        )
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.combo_spaces.setMinimumWidth(220)
        self.edit_allowed_chars.setMinimumWidth(320)
        self.spin_max_length.setMinimumWidth(120)
        self.edit_allowed_values.setMinimumWidth(480)
        self.edit_allowed_values.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        form.addRow("", self.check_lowercase)
        form.addRow("Spaces become", self.combo_spaces)
        form.addRow("", self.check_ascii)
        form.addRow("Allowed characters", self.edit_allowed_chars)
        form.addRow("Maximum length", self.spin_max_length)
        form.addRow("Allowed values", self.edit_allowed_values)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_convention_save)
        buttons.addWidget(self.button_convention_off)
        buttons.addWidget(self.label_convention_error, 1)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_presets_page(self) -> QWidget:
        page = QWidget()
        self.table_presets = self._named(
            QTableWidget(0, 1 + len(PARAM_NAMES)),
            "table_presets",
            "Edit a cell to change a preset; empty cells leave the form's value alone",
        )
        self.table_presets.setHorizontalHeaderLabels(
            ["Name", *(PARAM_LABELS[n] for n in PARAM_NAMES)]
        )
        self.table_presets.verticalHeader().setVisible(False)
        self.table_presets.horizontalHeader().setStretchLastSection(True)
        self.button_preset_add = self._button(
            "button_preset_add", "New from form", "Add a preset with the form's values"
        )
        self.button_preset_add.clicked.connect(self.add_preset_from_form)
        self.button_preset_remove = self._button(
            "button_preset_remove", "Remove", "Remove the selected preset"
        )
        self.button_preset_remove.clicked.connect(self._remove_preset)
        self.button_presets_reset = self._button(
            "button_presets_reset", "Built-in presets", "Put back the built-in presets"
        )
        self.button_presets_reset.clicked.connect(lambda: self._fill_presets_table(PRESETS))
        self.button_presets_save = self._button(
            "button_presets_save", "Save presets", "Keep the presets in the workspace"
        )
        self.button_presets_save.clicked.connect(self.save_presets)
        bar = QHBoxLayout()
        for button in (
            self.button_preset_add,
            self.button_preset_remove,
            self.button_presets_reset,
            self.button_presets_save,
        ):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.table_presets)
        return page

    # -- the single-link form ----------------------------------------------------------
    def params(self) -> UtmParams:
        """The values as typed in the form."""
        return UtmParams(**{name: edit.text() for name, edit in self.edits.items()})

    def result(self) -> BuildResult:
        """The current build of the form (tagged URL, errors, convention changes)."""
        if self._result is None:
            self._update()
        assert self._result is not None
        return self._result

    def set_form(self, url: str, params: UtmParams, label: str | None = None) -> None:
        """Fill the form; the preview follows."""
        blockers = [QSignalBlocker(w) for w in (self.edit_url, *self.edits.values())]
        self.edit_url.setText(url)
        for name, edit in self.edits.items():
            edit.setText(params.get(name))
        del blockers
        if label is not None:
            self.edit_label.setText(label)
        self._update()

    def clear_form(self) -> None:
        self.set_form("", UtmParams(), label="")
        self.combo_preset.setCurrentIndex(0)

    def _on_url_edited(self, text: str) -> None:
        """A pasted tagged link fills the form: base URL in the URL field, values below."""
        if not looks_tagged(text):
            return
        base, params = parse_url(text)
        self.set_form(base, params)

    def _update(self) -> None:
        result = build_url(self.edit_url.text(), self.params(), self._convention)
        self._result = result
        url_filled = bool(self.edit_url.text().strip())
        for name, note in self.notes.items():
            edit = self.edit_url if name == "url" else self.edits[name]
            # A required field is only flagged once the user has started (URL typed).
            error = result.errors.get(name, "")
            if not url_filled and not edit.text().strip():
                error = ""
            warning = result.warnings.get(name, "")
            change = next((c for c in result.changes if c.field == name), None)
            if error:
                note.setText(error)
                _set_prop(note, "note", "error")
            elif warning:
                note.setText(warning)
                _set_prop(note, "note", "warning")
            elif change:
                note.setText(f"→ {change.after}  ({change.reason})")
                _set_prop(note, "note", "change")
            else:
                note.setText("")
            note.setToolTip(note.text())
            _set_prop(edit, "invalid", bool(error))

        if result.url:
            self.label_preview.setText(_preview_html(result.url, highlight=result.ok))
        elif url_filled:
            self.label_preview.setText("The link cannot be built: fix the URL above.")
        else:
            self.label_preview.setText("Type or paste the page's URL to build the link.")
        self.label_preview.setAccessibleDescription(result.url)
        self.label_preview.setToolTip(result.url or "The tagged link, as it will be copied")
        _set_prop(self.label_preview, "invalid", not result.ok)
        parts = []
        if result.errors:
            fields = ", ".join("URL" if k == "url" else PARAM_LABELS[k] for k in result.errors)
            count = len(result.errors)
            parts.append(f"{count} problem{'s' if count > 1 else ''} to fix: {fields}.")
        if result.changes:
            names = ", ".join(PARAM_LABELS[c.field] for c in result.changes)
            count = len(result.changes)
            parts.append(
                f"The naming convention changed {count} value{'s' if count > 1 else ''}: "
                f"{names} (see the grey notes under the fields)."
            )
        self.label_changes.setText("  ".join(parts))
        self.label_changes.setToolTip("\n".join(c.describe() for c in result.changes))
        for button in (self.button_copy, self.button_save_link, self.button_open):
            button.setEnabled(result.ok)
        self._update_qr(result)

    def _update_qr(self, result: BuildResult) -> None:
        enabled = bool(result.url)
        if enabled:
            ratio = self.devicePixelRatioF()
            side = int(QR_PREVIEW_PX * ratio)
            # One pixel per module, then scaled without smoothing to fill the preview box.
            image = QImage.fromData(qr_bytes(result.url, "png", 1, border=2), "PNG")
            image = image.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            self._qr_image = image
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            self.label_qr.setPixmap(pixmap)
        else:
            self._qr_image = QImage()
            self.label_qr.clear()
            self.label_qr.setText("The QR code appears when the URL is valid")
        for button in (self.button_qr_png, self.button_qr_svg, self.button_qr_copy):
            button.setEnabled(enabled)

    def _apply_preset(self, index: int) -> None:
        preset = self.combo_preset.itemData(index)
        if isinstance(preset, Preset):
            self.set_form(self.edit_url.text(), preset.apply(self.params()))

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
        self._refresh_history()
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
        return QImage(self._qr_image)

    def copy_qr(self) -> None:
        result = self.result()
        if not result.url:
            return
        self.save_link()
        png = qr_bytes(result.url, "png", self.spin_qr_size.value())
        QGuiApplication.clipboard().setImage(QImage.fromData(png, "PNG"))

    def save_qr(self, path: str | Path | None = None, kind: str | None = None) -> Path | None:
        """Save the QR code as PNG or SVG at the chosen size; asks for a file if no path."""
        result = self.result()
        if not result.url:
            return None
        if path is None:
            wanted = kind or "png"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save QR code", f"qr.{wanted}", f"{wanted.upper()} image (*.{wanted})"
            )
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        kind = kind or target.suffix.lower().lstrip(".") or "png"
        if target.suffix.lower() != f".{kind}":
            target = target.with_suffix(f".{kind}")
        data = qr_bytes(result.url, kind, self.spin_qr_size.value())
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        self.save_link()
        return target

    # -- bulk --------------------------------------------------------------------------
    def add_form_to_bulk(self) -> None:
        row = {"label": self.edit_label.text(), "url": self.edit_url.text()}
        row.update(self.params().to_dict())
        self.model_bulk.add_rows([row])

    def _remove_selected_rows(self) -> None:
        rows = [index.row() for index in self.table_bulk.selectionModel().selectedRows()]
        if not rows and self.table_bulk.currentIndex().isValid():
            rows = [self.table_bulk.currentIndex().row()]
        self.model_bulk.remove_rows(rows)

    def import_bulk(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import links", "", _FILE_FILTER)
            if not chosen:
                return False
            path = chosen
        try:
            frame = read_links_table(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Import links", f"Cannot read {Path(path).name}: {exc}")
            return False
        self.model_bulk.replace_all(frame, f"Import {Path(path).name}")
        return True

    def export_bulk(self, path: str | Path | None = None) -> Path | None:
        return self._export(self.model_bulk.frame(), path, "Export links", "links.xlsx")

    def _update_bulk_status(self, *_args: object) -> None:
        rows = self.model_bulk.rowCount()
        problems = self.model_bulk.problem_count()
        text = f"{rows} link{'s' if rows != 1 else ''}"
        if problems:
            text += f", {problems} with problems (hover a marked cell for the reason)"
        self.label_bulk_status.setText(text)

    # -- history -----------------------------------------------------------------------
    def _refresh_history(self) -> None:
        links = list(reversed(self.store.links()))
        self._history_rows = search_links(links, self.edit_history_search.text())
        table = self.table_history
        table.setRowCount(len(self._history_rows))
        for row, link in enumerate(self._history_rows):
            cells = [
                link.created.strftime("%Y-%m-%d %H:%M"),
                link.label,
                link.params.campaign,
                link.params.source,
                link.params.medium,
                link.url,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)

    def history_rows(self) -> list[LinkRecord]:
        """The links shown in the history table, newest first."""
        return list(self._history_rows)

    def reuse_history_link(self, row: int | None = None) -> None:
        if row is None:
            row = self.table_history.currentRow()
        if not 0 <= row < len(self._history_rows):
            return
        link = self._history_rows[row]
        self.set_form(link.base_url, link.params, label=link.label)

    def export_history(self, path: str | Path | None = None) -> Path | None:
        return self._export(links_frame(self._history_rows), path, "Export history", "links.csv")

    def _export(
        self, frame: pd.DataFrame, path: str | Path | None, title: str, default: str
    ) -> Path | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, title, default, _FILE_FILTER)
            if not chosen:
                return None
            path = chosen
        try:
            write_links_table(frame, path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, title, f"Cannot write {Path(path).name}: {exc}")
            return None
        return Path(path)

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
            unique = sorted({v for v in values if v}, key=str.lower)
            completer = self.edits[name].completer()
            if completer is None:
                completer = QCompleter(self.edits[name])
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setModel(QStringListModel(completer))
                self.edits[name].setCompleter(completer)
            model = completer.model()
            assert isinstance(model, QStringListModel)
            model.setStringList(unique)

    def completions(self, name: str) -> list[str]:
        completer = self.edits[name].completer()
        if completer is None:
            return []
        model = completer.model()
        return model.stringList() if isinstance(model, QStringListModel) else []

    # -- links and data ----------------------------------------------------------------
    def refresh_data_panel(self) -> None:
        report = links_vs_data(self.store.links(), self.store.facts(), self.store.aliases())
        self._drift = list(report.drift)
        table = self.table_drift
        table.setRowCount(len(self._drift))
        for row, group in enumerate(self._drift):
            variants = ", ".join(f"{v} ({n})" for v, n in group.variants)
            for column, text in enumerate([group.kind.capitalize(), group.canonical, variants]):
                item = QTableWidgetItem(text)
                item.setToolTip(group.describe())
                table.setItem(row, column, item)
            button = self._named(
                QPushButton(f"Use '{group.canonical}'"),
                f"button_alias_{row}",
                f"Make {', '.join(group.others)} aliases of '{group.canonical}'",
            )
            button.clicked.connect(lambda _=False, g=group: self.alias_group(g))
            table.setCellWidget(row, 3, button)
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(1)

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

    def drift_groups(self) -> list[DriftGroup]:
        return list(self._drift)

    def alias_group(self, group: DriftGroup) -> None:
        """Make every other spelling in `group` an alias of its right name."""
        for other in group.others:
            self.store.add_alias(group.kind, other, group.canonical)
            self.aliasAdded.emit(group.kind, other, group.canonical)
        self.refresh_data_panel()

    # -- convention and presets --------------------------------------------------------
    def _show_convention(self, convention: NamingConvention) -> None:
        self.check_lowercase.setChecked(convention.lowercase)
        index = self.combo_spaces.findData(convention.space_replacement)
        self.combo_spaces.setCurrentIndex(max(0, index))
        self.check_ascii.setChecked(convention.ascii_only)
        self.edit_allowed_chars.setText(convention.allowed_chars)
        self.spin_max_length.setValue(convention.max_length)
        self.edit_allowed_values.setPlainText(
            "\n".join(f"{k}: {', '.join(v)}" for k, v in convention.allowed_values.items())
        )
        self.label_convention_error.setText("")

    def convention_from_page(self) -> NamingConvention:
        """The convention as edited on its page; raises ValueError with the reason."""
        allowed: dict[str, tuple[str, ...]] = {}
        for line in self.edit_allowed_values.toPlainText().splitlines():
            if not line.strip():
                continue
            name, sep, values = line.partition(":")
            key = name.strip().lower().removeprefix("utm_").replace(" ", "_")
            if not sep or key not in PARAM_NAMES:
                raise ValueError(f"Write allowed values as 'medium: chatbot, email': {line}")
            allowed[key] = tuple(v.strip() for v in values.split(",") if v.strip())
        return NamingConvention(
            lowercase=self.check_lowercase.isChecked(),
            space_replacement=self.combo_spaces.currentData(),
            ascii_only=self.check_ascii.isChecked(),
            allowed_chars=self.edit_allowed_chars.text().strip(),
            max_length=self.spin_max_length.value(),
            allowed_values=allowed,
            applies_to=self._convention.applies_to,
        )

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
        self._show_convention(convention)
        self.model_bulk.set_convention(convention)
        self._update()

    def _refresh_presets(self) -> None:
        presets = self.store.presets()
        self.combo_preset.clear()
        self.combo_preset.addItem("Choose a channel…", None)
        for preset in presets:
            self.combo_preset.addItem(preset.name, preset)
            self.combo_preset.setItemData(
                self.combo_preset.count() - 1,
                preset.note or preset.name,
                Qt.ItemDataRole.ToolTipRole,
            )
        self._fill_presets_table(presets)

    def _fill_presets_table(self, presets: list[Preset] | tuple[Preset, ...]) -> None:
        table = self.table_presets
        table.setRowCount(len(presets))
        for row, preset in enumerate(presets):
            item = QTableWidgetItem(preset.name)
            item.setToolTip(preset.note)
            item.setData(Qt.ItemDataRole.UserRole, preset.note)
            table.setItem(row, 0, item)
            for column, name in enumerate(PARAM_NAMES, start=1):
                table.setItem(row, column, QTableWidgetItem(preset.params.get(name)))
        table.resizeColumnsToContents()

    def presets_from_table(self) -> list[Preset]:
        presets = []
        table = self.table_presets
        for row in range(table.rowCount()):

            def text(column: int, row: int = row) -> str:
                item = table.item(row, column)
                return item.text().strip() if item is not None else ""

            name = text(0)
            if not name:
                continue
            name_item = table.item(row, 0)
            note = name_item.data(Qt.ItemDataRole.UserRole) if name_item is not None else ""
            values = {n: text(c) for c, n in enumerate(PARAM_NAMES, start=1)}
            presets.append(Preset(name, UtmParams(**values), str(note or "")))
        return presets

    def add_preset_from_form(self) -> None:
        params = self.params()
        keep = {n: params.get(n).strip() for n in ("source", "medium", "source_platform")}
        keep["creative_format"] = params.creative_format.strip()
        name = self.combo_preset.currentText() if self.combo_preset.currentData() else ""
        presets = [
            *self.presets_from_table(),
            Preset(f"{name or keep['source'] or 'New'} (copy)", UtmParams(**keep)),
        ]
        self._fill_presets_table(presets)

    def _remove_preset(self) -> None:
        row = self.table_presets.currentRow()
        if row >= 0:
            self.table_presets.removeRow(row)

    def save_presets(self) -> None:
        self.store.save_presets(self.presets_from_table())
        self._refresh_presets()
        self._refresh_completions()

    # -- convenience for the main window ---------------------------------------------
    def bulk_column(self, name: str) -> int:
        """Column index of a bulk field in `table_bulk` (for tests and the main window)."""
        return COLUMNS.index(name)

    def tagged_column(self) -> int:
        return TAGGED
