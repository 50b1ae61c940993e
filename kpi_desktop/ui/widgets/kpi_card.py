"""A dashboard card: a KPI's value, its change, a sparkline, the numbers behind it, its status."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kpi_desktop.ui import style
from kpi_desktop.ui.widgets.sparkline import Sparkline

STATUS_COLOURS = {"good": style.GOOD, "warn": style.WARN, "bad": style.BAD}


class KpiCard(QFrame):
    """One KPI. Object name `kpi_card` (for the stylesheet); accessible name `card_<id>`.

    The status shows three ways: a coloured stripe on the left, a symbol and words, so
    that it never depends on colour alone.
    """

    def __init__(self, kpi_id: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kpi_id = kpi_id
        self.status: str | None = None
        self.setObjectName("kpi_card")
        self.setAccessibleName(f"card_{kpi_id}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label_name = QLabel(title)
        self.label_name.setObjectName("card_name")
        self.label_value = QLabel()
        self.label_value.setObjectName("card_value")
        self.label_value.setFont(style.scaled_font(self.font(), 2.0, bold=True))
        self.label_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label_change = QLabel()
        self.label_change.setObjectName("card_change")
        self.label_change.setFont(style.scaled_font(self.font(), 1.05, bold=True))
        # "previous period: no declared data points data" must wrap, not widen the card
        # (three wide cards pushed the third column off a 1366-pixel window).
        self.label_change.setWordWrap(True)
        self.label_previous = QLabel()
        self.label_previous.setObjectName("card_detail")
        self.sparkline = Sparkline()
        self.label_detail = QLabel()
        self.label_detail.setObjectName("card_detail")
        self.label_detail.setWordWrap(True)
        self.label_reason = QLabel()
        self.label_reason.setObjectName("card_reason")
        self.label_reason.setWordWrap(True)
        self.label_status = QLabel()
        self.label_status.setObjectName("card_status")
        # What the date filter left out of this KPI, or that its numerator and
        # denominator cover different days: a badge, the sources and ranges in its tooltip.
        self.label_coverage = QLabel()
        self.label_coverage.setObjectName("card_coverage")
        self.label_coverage.setWordWrap(True)
        self.label_coverage.setStyleSheet(f"color: {style.WARN}; font-weight: 600;")
        self.label_coverage.setVisible(False)

        value_row = QHBoxLayout()
        value_row.setSpacing(10)
        value_row.addWidget(self.label_value, 0, Qt.AlignmentFlag.AlignBaseline)
        changes = QVBoxLayout()
        changes.setSpacing(0)
        changes.addStretch(1)
        changes.addWidget(self.label_change)
        changes.addWidget(self.label_previous)
        value_row.addLayout(changes, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(2)
        layout.addWidget(self.label_name)
        layout.addLayout(value_row)
        layout.addWidget(self.sparkline)
        layout.addWidget(self.label_detail)
        layout.addWidget(self.label_reason)
        layout.addWidget(self.label_status)
        layout.addWidget(self.label_coverage)
        layout.addStretch(1)
        self.label_change.setVisible(False)
        self.label_previous.setVisible(False)

    def set_content(
        self,
        value: str,
        *,
        detail: str = "",
        tooltip: str = "",
        reason: str | None = None,
        status: tuple[str, str] | None = None,
    ) -> None:
        """Show a formatted value; `reason` when undefined; `status` = (text, colour)."""
        self.label_value.setText(value)
        self.label_value.setProperty("undefined", reason is not None)
        # The stylesheet keys on the property: re-polish so the colour follows it.
        self.label_value.style().unpolish(self.label_value)
        self.label_value.style().polish(self.label_value)
        self.label_detail.setText(detail)
        self.label_detail.setVisible(bool(detail))
        self.label_reason.setText(f"No value: {reason}" if reason else "")
        self.label_reason.setVisible(reason is not None)
        if status is None:
            self.label_status.clear()
            self.label_status.setVisible(False)
            colour = style.BORDER
        else:
            text, colour = status
            self.label_status.setText(text)
            self.label_status.setStyleSheet(f"color: {colour}; font-weight: 600;")
            self.label_status.setVisible(True)
        # A card-local sheet beats the app's for the stripe; the hover colour stays.
        self.setStyleSheet(
            f"QFrame#kpi_card {{ border-left: 4px solid {colour}; }}"
            f"QFrame#kpi_card:hover {{ border-color: {style.ACCENT};"
            f" border-left: 4px solid {colour}; }}"
        )
        self.setToolTip(tooltip)
        self.setAccessibleDescription(f"{value}. {detail} {reason or ''}".strip())

    def set_coverage(self, left_out: Sequence[str], mismatch: str = "") -> None:
        """The badge of inputs a date filter left out (`left_out`: one sentence per source
        and range) and of a numerator and denominator over different days."""
        words = []
        if left_out:
            n = len(left_out)
            words.append(f"⚠ {n} {'source' if n == 1 else 'sources'} left out or undated")
        if mismatch:
            words.append("⚠ inputs cover different days")
        self.label_coverage.setText(" · ".join(words))
        self.label_coverage.setToolTip("\n".join([*left_out, mismatch]).strip())
        self.label_coverage.setAccessibleDescription(self.label_coverage.toolTip())
        self.label_coverage.setVisible(bool(words))

    @property
    def coverage_text(self) -> str:
        return self.label_coverage.text() if self.label_coverage.isVisibleTo(self) else ""

    @property
    def coverage_tooltip(self) -> str:
        return self.label_coverage.toolTip()

    def set_change(self, text: str, good: bool | None, previous: str = "") -> None:
        """The change against the previous period; blue when better, vermillion when worse."""
        colour = style.MUTED if good is None else style.GOOD if good else style.BAD
        self.label_change.setText(text)
        self.label_change.setStyleSheet(f"color: {colour};")
        self.label_change.setVisible(bool(text))
        self.label_previous.setText(previous)
        self.label_previous.setVisible(bool(previous))

    @property
    def value_text(self) -> str:
        return self.label_value.text()

    @property
    def reason_text(self) -> str:
        return self.label_reason.text()

    @property
    def change_text(self) -> str:
        return self.label_change.text()
