"""Copy tables as TSV (what Excel pastes into cells) and widgets as images."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

#: Text that a spreadsheet would run as a formula when pasted (numbers never start so).
_FORMULA_STARTS = ("=", "@")


def tsv_cell(text: str) -> str:
    """One TSV cell as Excel reads a paste: quoted when it holds a tab or a line break, or
    starts with a quote (which Excel would take as an opening one)."""
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text  # a campaign named "=HYPERLINK(…)" stays text in the sheet
    if text.startswith('"') or any(c in text for c in ("\t", "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def rows_to_tsv(rows: Sequence[Sequence[str]]) -> str:
    """Rows of display text as TSV with CRLF line ends (Excel's own clipboard format)."""
    return "".join("\t".join(tsv_cell(c) for c in row) + "\r\n" for row in rows)


def table_rows(view: QAbstractItemView, *, whole: bool = False) -> list[list[str]]:
    """The selection's display text (or, with `whole` or no selection, every row), with a
    header row; hidden columns are left out and columns follow their on-screen order."""
    model = view.model()
    if model is None:  # before setModel(); PySide6's stubs say model() never is None
        return []  # type: ignore[unreachable]
    header = getattr(view, "horizontalHeader", lambda: None)()
    columns = list(range(model.columnCount()))
    if header is not None:
        columns = sorted(
            (c for c in columns if not header.isSectionHidden(c)), key=header.visualIndex
        )
    selection = view.selectionModel()
    indexes = [] if whole or selection is None else selection.selectedIndexes()
    if indexes:
        rows = sorted({i.row() for i in indexes})
        chosen = {i.column() for i in indexes}
        columns = [c for c in columns if c in chosen]
        picked = {(i.row(), i.column()) for i in indexes}
    else:
        rows = list(range(model.rowCount()))
        picked = None

    def cell(row: int, column: int) -> str:
        if picked is not None and (row, column) not in picked:
            return ""
        return _text(model.index(row, column, QModelIndex()).data())

    header_row = [_text(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]
    return [header_row, *([cell(r, c) for c in columns] for r in rows)]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def copy_table(view: QAbstractItemView, *, whole: bool = False) -> str:
    """Put the view's selection (header row included) on the clipboard as TSV; returns it."""
    text = rows_to_tsv(table_rows(view, whole=whole))
    QApplication.clipboard().setText(text)
    return text


def copy_text(text: str) -> None:
    """Put plain text (e.g. TSV made by the core) on the clipboard."""
    QApplication.clipboard().setText(text)


def copy_widget_image(widget: QWidget) -> None:
    """Put a picture of the widget, as shown, on the clipboard."""
    QApplication.clipboard().setImage(widget.grab().toImage())


__all__ = ["copy_table", "copy_text", "copy_widget_image", "rows_to_tsv", "table_rows"]
