"""Page 1 of the PDF report: the title block and the KPI cards."""

from __future__ import annotations

import math

from kpi_desktop.core import series
from kpi_desktop.ui import style
from kpi_desktop.ui.pdf.content import PdfContent
from kpi_desktop.ui.pdf.painter import FOOTER, LEFT, MARGIN, TOP_LEFT, WRAP, Pages, heading

_STATUS_COLOURS = {"good": style.GOOD, "warn": style.WARN, "bad": style.BAD}


def summary_page(pages: Pages, content: PdfContent) -> None:
    """Title, workspace name, the info lines and the KPI cards three to a row."""
    width = pages.width - 2 * MARGIN
    y = MARGIN
    pages.box(pages.r(MARGIN, y, width, 4), fill=style.ACCENT)
    y += 14
    pages.text(pages.r(MARGIN, y, width, 30), content.title, pages.font(22, bold=True))
    y += 32
    if content.workspace_name:
        pages.text(
            pages.r(MARGIN, y, width, 16), content.workspace_name, pages.font(11), style.MUTED
        )
        y += 18
    y += 6
    label_font, value_font = pages.font(9, bold=True), pages.font(9)
    for label, value in content.info:
        pages.text(pages.r(MARGIN, y, 90, 14), label, label_font, style.MUTED, LEFT)
        pages.text(pages.r(MARGIN + 92, y, width - 92, 14), value, value_font, style.TEXT, LEFT)
        y += 15
    y += 12
    y = heading(pages, y, "Key figures")
    columns, gap = 3, 10.0
    card_w = (width - gap * (columns - 1)) / columns
    available = pages.height - MARGIN - FOOTER - y
    rows = math.ceil(len(content.cards) / columns)
    card_h = min(128.0, (available - gap * (rows - 1)) / rows)
    for index, card in enumerate(content.cards):
        col, row = index % columns, index // columns
        _card(pages, MARGIN + col * (card_w + gap), y + row * (card_h + gap), card_w, card_h, card)


def _card(pages: Pages, x: float, y: float, w: float, h: float, card: series.KpiCardData) -> None:
    """One KPI card: name, value, detail or reason, change, previous value, status."""
    pages.box(pages.r(x, y, w, h), fill=style.SURFACE, border=style.BORDER, radius=5)
    pad = 9.0
    inner = w - 2 * pad
    name_font = pages.font(8.5, bold=True)
    pages.text(
        pages.r(x + pad, y + pad, inner, 13),
        pages.elide(card.kpi.name, name_font, inner),
        name_font,
        style.MUTED,
        LEFT,
    )
    undefined = card.value is None
    pages.text(
        pages.r(x + pad, y + pad + 14, inner, 26),
        card.value_text,
        pages.font(19, bold=True),
        style.UNDEFINED if undefined else style.TEXT,
        LEFT,
    )
    line_y = _card_detail(pages, x + pad, y + pad + 44, inner, card)
    if card.change is not None:
        _card_change(pages, x + pad, line_y, inner, card)
    status_colour = _STATUS_COLOURS.get(card.status or "", style.MUTED)
    status_font = pages.font(7.5, bold=card.status is not None)
    pages.text(
        pages.r(x + pad, y + h - pad - 11, inner, 11),
        pages.elide(card.status_text, status_font, inner),
        status_font,
        status_colour,
        LEFT,
    )


def _card_detail(pages: Pages, x: float, y: float, inner: float, card: series.KpiCardData) -> float:
    """The formula in figures, or why the KPI is undefined; returns the y below it."""
    small = pages.font(7.5)
    if card.value is None:
        pages.text(
            pages.r(x, y, inner, 22),
            card.reason or "not enough data",
            small,
            style.UNDEFINED,
            TOP_LEFT | WRAP,
        )
        return y + 24
    # Two lines: "($15,314.33 spend + $540.00 other cost) / 275 conversions" is long.
    lines = 1 if pages.text_width(card.detail, small) <= inner else 2
    pages.text(
        pages.r(x, y, inner, 10.5 * lines),
        card.detail,
        small,
        style.MUTED,
        TOP_LEFT | WRAP,
    )
    return y + (10.5 * lines + 2.5)


def _card_change(pages: Pages, x: float, y: float, inner: float, card: series.KpiCardData) -> None:
    """The change against the previous period, coloured by whether it is good news."""
    small = pages.font(7.5)
    colour = style.MUTED
    if card.change_good is True:
        colour = style.GOOD
    elif card.change_good is False:
        colour = style.BAD
    change = pages.elide(card.change_text, small, inner)
    pages.text(pages.r(x, y, inner, 11), change, small, colour, LEFT)
    previous = f"Previous period: {card.previous_text}"
    pages.text(pages.r(x, y + 12, inner, 11), previous, small, style.MUTED, LEFT)
