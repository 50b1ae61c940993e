"""The "Naming convention" page of the UTM tab: edit the workspace's rules for values."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.utm import PARAM_NAMES, NamingConvention
from kpi_desktop.ui.tabs.utm.common import make_button
from kpi_desktop.ui.widgets.forms import named

_SPACE_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Underscore _", "_"),
    ("Hyphen -", "-"),
    ("Keep spaces", None),
)


class ConventionPage(QWidget):
    """The convention's settings; "Save convention" is connected by the tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_fields()
        self.label_convention_error = named(QLabel(), "label_convention_error")
        self.label_convention_error.setProperty("note", "error")
        self.button_convention_save = make_button(
            "button_convention_save", "Save convention", "Apply and keep it in the workspace"
        )
        self.button_convention_off = make_button(
            "button_convention_off", "Turn off", "Only trim values, change nothing else"
        )
        self.button_convention_off.clicked.connect(
            lambda: self.show_convention(NamingConvention.off())
        )
        form = self._build_form()
        buttons = QHBoxLayout()
        buttons.addWidget(self.button_convention_save)
        buttons.addWidget(self.button_convention_off)
        buttons.addWidget(self.label_convention_error, 1)
        layout = QVBoxLayout(self)
        # The bar comes first, like the Bulk links page's: on a short screen the form
        # scrolls, and Save must not scroll away with it.
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addStretch(1)

    def _build_fields(self) -> None:
        self.check_lowercase = named(
            QCheckBox("Lower case every value"), "check_lowercase", "Facebook → facebook"
        )
        self.combo_spaces = named(QComboBox(), "combo_spaces", "What a run of spaces becomes")
        for text, value in _SPACE_CHOICES:
            self.combo_spaces.addItem(text, value)
        self.check_ascii = named(
            QCheckBox("Remove accents"), "check_ascii", "Été → ete (other scripts are kept)"
        )
        self.edit_allowed_chars = named(
            QLineEdit(),
            "edit_allowed_chars",
            "A regular-expression character set, e.g. a-z0-9_\\- ; "
            "\\w is any letter or digit; empty allows anything",
        )
        self.spin_max_length = named(
            QSpinBox(), "spin_max_length", "Longest value allowed; 0 means no limit"
        )
        self.spin_max_length.setRange(0, 2000)
        self.spin_max_length.setSpecialValueText("No limit")
        self.edit_allowed_values = named(
            QPlainTextEdit(),
            "edit_allowed_values",
            "One parameter per line: medium: chatbot, email, display",
        )
        self.edit_allowed_values.setPlaceholderText("medium: chatbot, email, display, qr")
        self.edit_allowed_values.setMaximumHeight(90)

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
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
        return form

    def show_convention(self, convention: NamingConvention) -> None:
        """Show `convention` in the fields and clear any error."""
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

    def convention(self, applies_to: tuple[str, ...]) -> NamingConvention:
        """The convention as edited, for the fields `applies_to`; raises ValueError."""
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
            applies_to=applies_to,
        )
