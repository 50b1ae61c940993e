"""The single-link form of the UTM tab: URL, the nine values, live preview and notes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSignalBlocker, QStringListModel, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from kpi_desktop.core.utm import (
    PARAM_HELP,
    PARAM_LABELS,
    PARAM_NAMES,
    REQUIRED,
    UTM_KEYS,
    BuildResult,
    NamingConvention,
    Preset,
    UtmParams,
    build_url,
    looks_tagged,
    parse_url,
)
from kpi_desktop.ui import style
from kpi_desktop.ui.tabs.utm.common import make_button, set_prop
from kpi_desktop.ui.widgets.forms import named

_ZWSP = "\u200b"  # zero-width space: a line-break opportunity in the preview only
_FIRST_PARAM_ROW = 5  # grid rows 0-4: preset, label and URL; then 3 rows per 3 parameters


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


def _completer(edit: QLineEdit) -> QCompleter | None:
    """The edit's completer: None until one is set (PySide6's stubs say it never is)."""
    return edit.completer()


def _caption(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _note(name: str) -> QLabel:
    """A small label under a field for its error, warning or convention change."""
    label = named(QLabel(), name)
    label.setProperty("note", "error")
    font = label.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    label.setFont(font)
    label.setMinimumHeight(label.fontMetrics().height() + 2)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
    return label


class LinkForm(QGroupBox):
    """The "Link" box: every edit rebuilds the link under `convention`.

    The copy, save and open buttons are here but the tab connects them, because they
    write to the history.

    Signals:
        resultChanged(BuildResult): the link was rebuilt (after every edit).
    """

    resultChanged = Signal(object)

    def __init__(self, convention: NamingConvention, parent: QWidget | None = None) -> None:
        super().__init__("Link", parent)
        named(self, "group_link")
        self.convention = convention
        self._result: BuildResult | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.notes: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self._build_link_fields(grid)
        self._build_param_fields(grid)
        self._build_preview(grid, _FIRST_PARAM_ROW + 3 * 3)

    # -- construction ----------------------------------------------------------------
    def _build_link_fields(self, grid: QGridLayout) -> None:
        self.combo_preset = named(
            QComboBox(), "combo_preset", "Fill source, medium and more for a channel"
        )
        self.combo_preset.activated.connect(self._apply_preset)
        self.edit_label = named(
            QLineEdit(), "edit_label", "Your name for this link, kept in the history"
        )
        self.edit_label.setPlaceholderText("e.g. Quiz result button")
        self.edit_url = named(
            QLineEdit(),
            "edit_url",
            "The page the link opens. Paste a tagged link to fill the form from it.",
        )
        self.edit_url.setPlaceholderText("https://example.com/landing-page")
        self.edit_url.setClearButtonEnabled(True)
        self.edit_url.textEdited.connect(self._on_url_edited)
        self.edit_url.textChanged.connect(self.rebuild)
        self.notes["url"] = _note("label_error_url")

        grid.addWidget(_caption("Preset", self.combo_preset), 0, 0)
        grid.addWidget(_caption("Label", self.edit_label), 0, 1, 1, 2)
        grid.addWidget(self.combo_preset, 1, 0)
        grid.addWidget(self.edit_label, 1, 1, 1, 2)
        grid.addWidget(_caption("URL *", self.edit_url), 2, 0, 1, 3)
        grid.addWidget(self.edit_url, 3, 0, 1, 3)
        grid.addWidget(self.notes["url"], 4, 0, 1, 3)

    def _build_param_fields(self, grid: QGridLayout) -> None:
        for i, name in enumerate(PARAM_NAMES):
            edit = named(QLineEdit(), f"edit_utm_{name}", f"utm_{name}: {PARAM_HELP[name]}")
            edit.setPlaceholderText("required" if name in REQUIRED else "optional")
            edit.textChanged.connect(self.rebuild)
            self.edits[name] = edit
            self.notes[name] = _note(f"label_error_{name}")
            row, col = _FIRST_PARAM_ROW + 3 * (i // 3), i % 3
            caption = PARAM_LABELS[name] + (" *" if name in REQUIRED else "")
            grid.addWidget(_caption(caption, edit), row, col)
            grid.addWidget(edit, row + 1, col)
            grid.addWidget(self.notes[name], row + 2, col)
        for col in range(3):
            grid.setColumnStretch(col, 1)

    def _build_preview(self, grid: QGridLayout, row: int) -> None:
        self.label_preview = named(
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
        self.label_changes = named(
            QLabel(), "label_changes", "What the naming convention changed in your values"
        )
        self.label_changes.setWordWrap(True)
        self.label_changes.setProperty("note", "change")
        grid.addWidget(_caption("Tagged link", self.label_preview), row, 0, 1, 3)
        grid.addWidget(self.label_preview, row + 1, 0, 1, 3)
        grid.addWidget(self.label_changes, row + 2, 0, 1, 3)
        grid.addLayout(self._build_buttons(), row + 3, 0, 1, 3)

    def _build_buttons(self) -> QHBoxLayout:
        self.button_copy = make_button(
            "button_copy",
            "Copy link",
            "Copy the tagged link and keep it in the history",
            "Ctrl+Shift+C",
        )
        self.button_save_link = make_button(
            "button_save_link",
            "Save to history",
            "Keep this link in the workspace's history",
            "Ctrl+Return",
        )
        self.button_open = make_button(
            "button_open", "Open in browser", "Open the tagged link in your web browser"
        )
        self.button_clear = make_button(
            "button_clear", "Clear", "Empty the form (the preset and label too)"
        )
        self.button_clear.clicked.connect(self.clear_form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_copy)
        buttons.addWidget(self.button_save_link)
        buttons.addWidget(self.button_open)
        buttons.addStretch(1)
        buttons.addWidget(self.button_clear)
        return buttons

    # -- values ----------------------------------------------------------------------
    def params(self) -> UtmParams:
        """The values as typed in the form."""
        return UtmParams(**{name: edit.text() for name, edit in self.edits.items()})

    def result(self) -> BuildResult:
        """The current build of the form (tagged URL, errors, convention changes)."""
        if self._result is None:
            self.rebuild()
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
        self.rebuild()

    def clear_form(self) -> None:
        self.set_form("", UtmParams(), label="")
        self.combo_preset.setCurrentIndex(0)

    def set_presets(self, presets: list[Preset]) -> None:
        """Offer `presets` in the preset box, after a "Choose a channel…" entry."""
        self.combo_preset.clear()
        self.combo_preset.addItem("Choose a channel…", None)
        for preset in presets:
            self.combo_preset.addItem(preset.name, preset)
            self.combo_preset.setItemData(
                self.combo_preset.count() - 1,
                preset.note or preset.name,
                Qt.ItemDataRole.ToolTipRole,
            )

    def set_completions(self, name: str, values: list[str]) -> None:
        """Offer `values` (already unique and sorted) as completions of field `name`."""
        completer = _completer(self.edits[name])
        if completer is None:
            completer = QCompleter(self.edits[name])
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setModel(QStringListModel(completer))
            self.edits[name].setCompleter(completer)
        model = completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(values)

    def completions(self, name: str) -> list[str]:
        completer = _completer(self.edits[name])
        if completer is None:
            return []
        model = completer.model()
        return model.stringList() if isinstance(model, QStringListModel) else []

    def _on_url_edited(self, text: str) -> None:
        """A pasted tagged link fills the form: base URL in the URL field, values below."""
        if not looks_tagged(text):
            return
        base, params = parse_url(text)
        self.set_form(base, params)

    def _apply_preset(self, index: int) -> None:
        preset = self.combo_preset.itemData(index)
        if isinstance(preset, Preset):
            self.set_form(self.edit_url.text(), preset.apply(self.params()))

    # -- showing the build -------------------------------------------------------------
    def rebuild(self) -> None:
        """Build the link from the form and show it, its problems and the changes."""
        result = build_url(self.edit_url.text(), self.params(), self.convention)
        self._result = result
        url_filled = bool(self.edit_url.text().strip())
        self._show_notes(result, url_filled)
        self._show_preview(result, url_filled)
        self._show_summary(result)
        for button in (self.button_copy, self.button_save_link, self.button_open):
            button.setEnabled(result.ok)
        self.resultChanged.emit(result)

    def _show_notes(self, result: BuildResult, url_filled: bool) -> None:
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
                set_prop(note, "note", "error")
            elif warning:
                note.setText(warning)
                set_prop(note, "note", "warning")
            elif change:
                note.setText(f"→ {change.after}  ({change.reason})")
                set_prop(note, "note", "change")
            else:
                note.setText("")
            note.setToolTip(note.text())
            set_prop(edit, "invalid", bool(error))

    def _show_preview(self, result: BuildResult, url_filled: bool) -> None:
        if result.url:
            self.label_preview.setText(_preview_html(result.url, highlight=result.ok))
        elif url_filled:
            self.label_preview.setText("The link cannot be built: fix the URL above.")
        else:
            self.label_preview.setText("Type or paste the page's URL to build the link.")
        self.label_preview.setAccessibleDescription(result.url)
        self.label_preview.setToolTip(result.url or "The tagged link, as it will be copied")
        set_prop(self.label_preview, "invalid", not result.ok)

    def _show_summary(self, result: BuildResult) -> None:
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
