"""The app's look: a calm light palette, one stylesheet and colour-blind-safe status colours."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Neutral surfaces and text.
WINDOW = "#f4f6f9"
SURFACE = "#ffffff"
BORDER = "#dfe3ea"
TEXT = "#1f2933"
MUTED = "#5f6b7a"  # secondary text; 5.6:1 on white
ACCENT = "#2f6fdf"
ACCENT_SOFT = "#e8f0fd"
TOTAL_ROW = "#eef2f7"

# Status colours from the Okabe–Ito set, distinguishable with any colour vision;
# they are always paired with a symbol or a word, never used alone.
GOOD = "#0072b2"  # blue: on or better than target
BAD = "#d55e00"  # vermillion: worse than target
WARN = "#b07800"  # dark amber: needs attention
UNDEFINED = "#7b8794"  # grey: no value

_PLATFORM_FONT_FAMILIES = {"offscreen": "DejaVu Sans", "minimal": "DejaVu Sans"}

STYLESHEET = f"""
QMainWindow, QWidget#page {{ background: {WINDOW}; }}
QTabWidget::pane {{ border: none; background: {WINDOW}; }}
QTabBar::tab {{
    padding: 7px 18px; margin-right: 2px; color: {MUTED};
    border: none; border-bottom: 2px solid transparent; background: transparent;
}}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:hover:!selected {{ color: {TEXT}; }}
QToolBar {{ background: {SURFACE}; border: none; border-bottom: 1px solid {BORDER};
    spacing: 4px; padding: 3px 6px; }}
QToolButton {{ padding: 4px 8px; border-radius: 4px; }}
QToolButton:hover {{ background: {ACCENT_SOFT}; }}
QToolButton:disabled {{ color: {UNDEFINED}; }}
QFrame#banner {{ background: {ACCENT_SOFT}; border: 1px solid #c9dafa; border-radius: 6px; }}
QFrame#banner QLabel {{ color: {TEXT}; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 8px; }}
QFrame#kpi_card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame#kpi_card:hover {{ border-color: {ACCENT}; }}
QLabel#card_name {{ color: {MUTED}; font-weight: 600; }}
QLabel#card_value {{ color: {TEXT}; }}
QLabel#card_value[undefined="true"] {{ color: {UNDEFINED}; }}
QLabel#card_detail {{ color: {MUTED}; }}
QLabel#card_reason {{ color: {UNDEFINED}; font-style: italic; }}
QLabel#label_heading {{ color: {TEXT}; }}
QLabel#label_subheading, QLabel#label_note {{ color: {MUTED}; }}
QTableView {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px;
    gridline-color: {BORDER}; selection-background-color: {ACCENT_SOFT};
    selection-color: {TEXT}; alternate-background-color: #fafbfc; }}
QTableView::item {{ padding: 0 8px; }}
QHeaderView::section {{ background: {SURFACE}; color: {MUTED}; font-weight: 600;
    border: none; border-bottom: 1px solid {BORDER}; border-right: 1px solid {BORDER};
    padding: 5px 8px; }}
QLineEdit {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 5px;
    padding: 5px 8px; }}
QLineEdit:focus {{ border-color: {ACCENT}; }}
QToolTip {{ background: {SURFACE}; color: {TEXT}; border: 1px solid {BORDER}; padding: 6px; }}
"""


def apply(app: QApplication) -> None:
    """Give `app` the palette, font and stylesheet of KPI Desk."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(WINDOW))
    palette.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#fafbfc"))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Button, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(UNDEFINED))
    app.setPalette(palette)
    family = _PLATFORM_FONT_FAMILIES.get(QGuiApplication.platformName())
    if family:
        # Headless platforms fall back to a generic font; desktops keep their own.
        font = QFont(family, 10)
        app.setFont(font)
    app.setStyleSheet(STYLESHEET)


def scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    """`base` at `factor` times its size, optionally bold (card values, headings)."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font
