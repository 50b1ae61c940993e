"""The PDF document: pages in order with footers, rendered in memory and written atomically."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize
from PySide6.QtWidgets import QApplication

from kpi_desktop import APP_NAME
from kpi_desktop.core.atomic import atomic_write
from kpi_desktop.core.progress import Progress, check
from kpi_desktop.ui import style
from kpi_desktop.ui.pdf.charts import charts_page
from kpi_desktop.ui.pdf.content import PdfContent, gather_content
from kpi_desktop.ui.pdf.edits_page import edits_capacity, edits_page
from kpi_desktop.ui.pdf.painter import LEFT, MARGIN, PAGE_SIZES, RIGHT, Pages
from kpi_desktop.ui.pdf.summary_page import summary_page
from kpi_desktop.ui.pdf.table import paginate, table_capacity, table_layout, table_page

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace

_app: QApplication | None = None  # kept alive when this module had to create it


def _footer(pages: Pages, content: PdfContent, number: int, total: int) -> None:
    y = pages.height - MARGIN + 4
    width = pages.width - 2 * MARGIN
    pages.line(MARGIN, y, MARGIN + width, y, pages.pen(style.BORDER))
    small = pages.font(7)
    left = (
        f"{content.title} · {content.workspace_name}" if content.workspace_name else content.title
    )
    left = f"{left} · generated {content.generated} by {APP_NAME}"
    pages.text(pages.r(MARGIN, y + 2, width * 0.8, 12), left, small, style.MUTED, LEFT)
    pages.text(
        pages.r(MARGIN, y + 2, width, 12), f"Page {number} of {total}", small, style.MUTED, RIGHT
    )


def render_pdf(
    content: PdfContent,
    *,
    page_size: str = "A4",
    progress: Progress | None = None,
) -> bytes:
    """The report as PDF bytes (nothing is written to disk here).

    Raises:
        ValueError: for an unknown page size.
        Cancelled: when `progress` is cancelled.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"unknown page size {page_size!r}; use {' or '.join(PAGE_SIZES)}")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = Pages(buffer, page_size, content.title)
    try:
        landscape = QPageSize(PAGE_SIZES[page_size]).size(QPageSize.Unit.Point)
        capacity = table_capacity(min(landscape.width(), landscape.height()))
        table_pages = paginate(len(content.table_rows), capacity, capacity)
        edit_capacity = edits_capacity(max(landscape.width(), landscape.height()))
        edit_pages = paginate(len(content.edits), edit_capacity, edit_capacity)
        edit_pages = edit_pages if content.edits else []
        total = 2 + len(table_pages) + len(edit_pages)
        portrait = QPageLayout.Orientation.Portrait
        pages.new_page(portrait)
        summary_page(pages, content)
        _footer(pages, content, 1, total)
        _progress(progress, 0.3, "Drawing charts")
        pages.new_page(portrait)
        charts_page(pages, content)
        _footer(pages, content, 2, total)
        _progress(progress, 0.5, "Drawing the campaign table")
        pages.new_page(QPageLayout.Orientation.Landscape)
        widths, font, bold = table_layout(pages, content)
        for number, rows in enumerate(table_pages):
            if number:
                pages.new_page(QPageLayout.Orientation.Landscape)
            last = number == len(table_pages) - 1
            table_page(pages, content, rows, widths, (font, bold), number == 0, last)
            _footer(pages, content, 3 + number, total)
            _progress(progress, 0.5 + 0.4 * (number + 1) / len(table_pages), "")
        for number, rows in enumerate(edit_pages):
            pages.new_page(portrait)
            edits_page(pages, content, rows, number == 0)
            _footer(pages, content, 3 + len(table_pages) + number, total)
    finally:
        pages.end()
        buffer.close()
    return bytes(data.data())


def _progress(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        check(progress, fraction, message)


def ensure_application() -> QGuiApplication:
    """The running application, or a new offscreen one for headless use (the CLI)."""
    global _app
    instance = QCoreApplication.instance()
    if instance is not None:
        if not isinstance(instance, QGuiApplication):
            raise RuntimeError("the PDF report needs a QGuiApplication, not a QCoreApplication")
        return instance
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication rather than a bare QGuiApplication, so that widgets may follow.
    _app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else APP_NAME])
    return _app


def export_workspace_pdf(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    page_size: str = "A4",
    title: str | None = None,
    filters_text: str | None = None,
    workspace_name: str | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the PDF report of a workspace selection atomically.

    Args:
        ws: the workspace.
        path: the .pdf file (replaced atomically; nothing is left behind on failure).
        start: first day (None with `end` None: all dates); an open end is closed by
            the data's first/last day.
        end: last day.
        campaigns: canonical campaign keys (None: all).
        channels: channel names (None: all).
        page_size: "A4" or "Letter".
        title: the report title ("KPI report").
        filters_text: the filter in words (the UI passes the filter bar's summary).
        workspace_name: shown under the title; by default the workspace file's name.
        progress: reports fractions; its cancellation stops the export (no file).
    """
    ensure_application()
    if page_size not in PAGE_SIZES:
        raise ValueError(f"unknown page size {page_size!r}; use {' or '.join(PAGE_SIZES)}")
    _progress(progress, 0.0, "Summarising")
    name = workspace_name if workspace_name is not None else (Path(ws.path).name if ws.path else "")
    content = gather_content(
        ws,
        start=start,
        end=end,
        campaigns=campaigns,
        channels=channels,
        title=title,
        filters_text=filters_text,
        workspace_name=name,
    )
    _progress(progress, 0.2, "Drawing the summary")
    data = render_pdf(content, page_size=page_size, progress=progress)
    _progress(progress, 0.95, "Saving")
    atomic_write(path, data)
    _progress(progress, 1.0, "Done")
