"""The PDF report (DESIGN section 8): summary with KPI cards, vector charts, campaign table.

Every number comes from the core (`series.DataView`, the same reports the dashboard
shows) and every string from `core.format`; this package only places them on pages.
Pages are drawn with QPainter into Qt's own PDF writer, so charts stay vector graphics
and text stays text. The document is rendered into memory and written atomically, so a
failure or a cancellation leaves no partial file.

Pages: 1 the title block (period, comparison period, filters) and the nine KPI cards
(`summary_page`); 2 a KPI over time and the campaign comparison (`charts`); 3+ the
campaign table in landscape, its header repeated on every page (`table`). `content`
gathers what they show, `painter` draws in points, `document` puts the pages together.
"""

from kpi_desktop.ui.pdf.content import PdfContent, gather_content
from kpi_desktop.ui.pdf.document import export_workspace_pdf, render_pdf
from kpi_desktop.ui.pdf.painter import PAGE_SIZES

__all__ = ["PAGE_SIZES", "PdfContent", "export_workspace_pdf", "gather_content", "render_pdf"]
