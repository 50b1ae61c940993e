"""The PDF report: page count and sizes, its text, the repeated table header, atomicity.

The PDF is read back with a small parser for what Qt's writer emits (Flate streams,
Type0 fonts with ToUnicode maps, one `<hex> Tj` per glyph run), so the tests need no
PDF library.
"""

from __future__ import annotations

import os
import re
import zlib
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from kpi_desktop import cli
from kpi_desktop.core import commands
from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPIS
from kpi_desktop.core.progress import Cancelled
from kpi_desktop.core.schema import normalize_facts
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.pdf import export_workspace_pdf, gather_content
from kpi_desktop.ui.pdf.charts import nice_ticks
from kpi_desktop.ui.pdf.table import paginate

SAMPLE = Path(str(files("kpi_desktop") / "assets" / "sample.kpidesk"))
PERIOD = ("2026-10-28", "2026-11-26")
A4 = (595.0, 842.0)
LETTER = (612.0, 792.0)
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"}


# --------------------------------------------------------------------------- reading PDFs


class Pdf:
    """Pages of a PDF written by QPdfWriter: their MediaBox and their text."""

    _OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)

    def __init__(self, data: bytes) -> None:
        assert data.startswith(b"%PDF-")
        self.objects: dict[int, bytes] = {
            int(m.group(1)): m.group(2) for m in self._OBJECT.finditer(data)
        }
        self.pages = [n for n, body in self.objects.items() if re.search(rb"/Type /Page\b", body)]
        self.pages.sort()
        self._maps: dict[int, dict[int, str]] = {}

    def stream(self, number: int) -> bytes:
        body = self.objects[number]
        start = body.index(b"stream") + len(b"stream")
        raw = body[start : body.rindex(b"endstream")].strip(b"\r\n")
        return zlib.decompress(raw) if b"/FlateDecode" in body[:start] else raw

    def media_box(self, page: int) -> tuple[float, float]:
        match = re.search(rb"/MediaBox \[([^\]]*)\]", self.objects[self.pages[page]])
        assert match
        x0, y0, x1, y1 = (float(v) for v in match.group(1).split())
        return (x1 - x0, y1 - y0)

    def _ref(self, body: bytes, key: bytes) -> int:
        match = re.search(rb"/" + key + rb" (\d+) 0 R", body)
        assert match, key
        return int(match.group(1))

    def _unicode_map(self, font: int) -> dict[int, str]:
        if font not in self._maps:
            cmap = self.stream(self._ref(self.objects[font], b"ToUnicode")).decode("latin-1")
            mapping: dict[int, str] = {}
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                for lo, hi, dest in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block
                ):
                    codes = range(int(lo, 16), int(hi, 16) + 1)
                    if dest.startswith("["):
                        targets = re.findall(r"<([0-9A-Fa-f]+)>", dest)
                        for code, target in zip(codes, targets, strict=False):
                            mapping[code] = bytes.fromhex(target).decode("utf-16-be")
                    else:
                        first = int(dest.strip("<>"), 16)
                        for offset, code in enumerate(codes):
                            mapping[code] = chr(first + offset)
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    mapping[int(code, 16)] = bytes.fromhex(target).decode("utf-16-be")
            self._maps[font] = mapping
        return self._maps[font]

    def text(self, page: int) -> str:
        """The page's text with every run of white space as one space."""
        body = self.objects[self.pages[page]]
        resources = self.objects[self._ref(body, b"Resources")]
        fonts_ref = re.search(rb"/Font (\d+) 0 R", resources)
        fonts_body = self.objects[int(fonts_ref.group(1))] if fonts_ref else resources
        fonts = {
            name.decode(): int(number)
            for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", fonts_body)
        }
        content = self.stream(self._ref(body, b"Contents")).decode("latin-1")
        out, current = [], None
        for match in re.finditer(r"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj|\bET\b", content):
            if match.group(1):
                current = self._unicode_map(fonts[match.group(1)])
            elif match.group(2):
                assert current is not None
                codes = match.group(2)
                out.extend(
                    current.get(int(codes[i : i + 4], 16), "?") for i in range(0, len(codes), 4)
                )
            else:
                out.append(" ")
        text = "".join(out)
        for ligature, letters in LIGATURES.items():  # the shaper uses "ﬀ" in "Off target"
            text = text.replace(ligature, letters)
        return " ".join(text.split())


def _close(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return all(abs(a - b) < 1.0 for a, b in zip(size, expected, strict=True))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace.open(SAMPLE)


@pytest.fixture(scope="module")
def sample_pdf(qapp, workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Pdf:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    export_workspace_pdf(workspace, path, start=PERIOD[0], end=PERIOD[1])
    return Pdf(path.read_bytes())


def _many_campaigns(count: int) -> Workspace:
    rows = [
        {
            "date": day,
            "campaign": f"Campaign {i:03d}",
            "users": 100 + i,
            "clicks": 10,
            "visitors": 50,
            "conversions": i % 4,
            "spend": 20.0,
        }
        for i in range(count)
        for day in ("2026-03-01", "2026-03-02")
    ]
    return Workspace.from_facts(normalize_facts(pd.DataFrame(rows)), currency="USD")


# --------------------------------------------------------------------------- tests


def test_sample_a4_has_three_pages_of_the_right_sizes(sample_pdf: Pdf):
    assert len(sample_pdf.pages) == 3
    assert _close(sample_pdf.media_box(0), A4)
    assert _close(sample_pdf.media_box(1), A4)
    assert _close(sample_pdf.media_box(2), A4[::-1])  # the table is landscape


def test_sample_letter_pages(qapp, workspace: Workspace, tmp_path: Path):
    path = tmp_path / "letter.pdf"
    export_workspace_pdf(workspace, path, start=PERIOD[0], end=PERIOD[1], page_size="Letter")
    pdf = Pdf(path.read_bytes())
    assert len(pdf.pages) == 3
    assert [_close(pdf.media_box(i), LETTER) for i in range(2)] == [True, True]
    assert _close(pdf.media_box(2), LETTER[::-1])


def test_title_page_shows_period_filters_and_every_kpi_card(sample_pdf: Pdf, workspace: Workspace):
    text = sample_pdf.text(0)
    assert "KPI report" in text
    assert "28 Oct 2026 – 26 Nov 2026 (30 days)" in text
    assert "28 Sep 2026 – 27 Oct 2026 (30 days)" in text  # the comparison period
    assert "all campaigns · all channels" in text
    total = workspace.report("campaign", start=PERIOD[0], end=PERIOD[1]).total
    for kpi in KPIS:
        assert kpi.name in text
        value = total[kpi.id]
        assert fmt.kpi_value(kpi, None if pd.isna(value) else value, "USD") in text
    assert "On target" in text
    assert "Off target" in text
    assert "Page 1 of 3" in text


def test_charts_page_names_the_charted_kpi(sample_pdf: Pdf):
    text = sample_pdf.text(1)
    assert "Conversion rate per day" in text
    assert "Conversion rate by campaign" in text
    assert "Target 5.0 %" in text


def test_table_lists_every_campaign_and_the_total(sample_pdf: Pdf, workspace: Workspace):
    text = sample_pdf.text(2)
    for name in workspace.campaigns()["display_name"]:
        assert name in text
    assert "Total" in text
    assert "Page 3 of 3" in text


def test_long_tables_repeat_their_header_on_every_page(qapp, tmp_path: Path):
    ws = _many_campaigns(90)
    path = tmp_path / "long.pdf"
    export_workspace_pdf(ws, path)
    pdf = Pdf(path.read_bytes())
    table_pages = range(2, len(pdf.pages))
    assert len(table_pages) >= 3
    seen = set()
    for page in table_pages:
        text = pdf.text(page)
        assert text.count("Campaign") >= 2  # the heading and the column header
        assert "Conversion rate" in text
        assert "Cost per conversion" in text
        assert f"Page {page + 1} of {len(pdf.pages)}" in text
        seen.update(re.findall(r"Campaign \d{3}", text))
    assert len(seen) == 90  # no row lost between pages
    assert "Total" in pdf.text(len(pdf.pages) - 1)


def test_cancel_and_bad_page_size_write_nothing(qapp, workspace: Workspace, tmp_path: Path):
    class Stop:
        def report(self, fraction: float, message: str = "") -> None:
            pass

        cancelled = True

    with pytest.raises(Cancelled):
        export_workspace_pdf(workspace, tmp_path / "x.pdf", progress=Stop())
    with pytest.raises(ValueError, match="page size"):
        export_workspace_pdf(workspace, tmp_path / "x.pdf", page_size="A3")
    assert os.listdir(tmp_path) == []


def test_a_failing_write_leaves_no_partial_file(
    qapp, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from kpi_desktop.core import atomic

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    (tmp_path / "old.pdf").write_bytes(b"old")
    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        export_workspace_pdf(workspace, tmp_path / "old.pdf")
    assert os.listdir(tmp_path) == ["old.pdf"]
    assert (tmp_path / "old.pdf").read_bytes() == b"old"


def test_cli_writes_the_pdf(qapp, tmp_path: Path):
    out = tmp_path / "report.pdf"
    args = ["report", str(SAMPLE), "--format", "pdf", "--from", PERIOD[0], "--to", PERIOD[1]]
    assert cli.run([*args, "-o", str(out)]) == 0
    pdf = Pdf(out.read_bytes())
    assert len(pdf.pages) == 3
    assert "Autumn Sale 2026" in pdf.text(2)


@pytest.mark.parametrize(
    ("count", "first", "others", "sizes"),
    [(0, 5, 5, [0]), (3, 5, 5, [3]), (5, 5, 5, [5]), (11, 5, 4, [5, 4, 2])],
)
def test_paginate(count: int, first: int, others: int, sizes: list[int]):
    pages = paginate(count, first, others)
    assert [len(p) for p in pages] == sizes
    assert [i for p in pages for i in p] == list(range(count))


def test_nice_ticks_cover_the_range_with_round_steps():
    ticks = nice_ticks(0.0, 8.9)
    assert ticks == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    flat = nice_ticks(3.0, 3.0)
    assert flat[0] < 3.0 < flat[-1]


# --------------------------------------------------------------------------- what it shows


def _short_workspace() -> Workspace:
    """Data on 3-5 March 2026 only, two campaigns."""
    rows = [
        {"date": day, "campaign": name, "users": 100, "clicks": 10, "spend": 20.0}
        for name in ("Alpha", "Beta")
        for day in ("2026-03-03", "2026-03-04", "2026-03-05")
    ]
    return Workspace.from_facts(normalize_facts(pd.DataFrame(rows)), currency="USD")


def test_the_period_names_the_days_the_data_covers():
    ws = _short_workspace()
    # A month-long filter over three days of data must not claim a month of data.
    month = dict(gather_content(ws, start="2026-03-01", end="2026-03-31").info)["Period"]
    assert month == (
        "3 Mar 2026 – 5 Mar 2026 (3 days) "
        "(data shown; the filter asks for 1 Mar 2026 – 31 Mar 2026 (31 days))"
    )
    exact = dict(gather_content(ws, start="2026-03-03", end="2026-03-05").info)["Period"]
    assert exact == "3 Mar 2026 – 5 Mar 2026 (3 days)"
    assert dict(gather_content(ws).info)["Period"] == "All dates: 3 Mar 2026 – 5 Mar 2026 (3 days)"
    empty = dict(gather_content(ws, start="2026-04-01", end="2026-04-02").info)["Period"]
    assert empty == "1 Apr 2026 – 2 Apr 2026 (2 days): no dated data in this range"


def test_manual_edits_in_force_are_listed(qapp, tmp_path: Path):
    ws = _short_workspace()
    content = gather_content(ws)
    assert content.edits == ()
    assert dict(content.info)["Manual edits"] == "none: every figure is as imported"
    facts = ws.facts()
    [row] = facts.index[(facts["campaign"] == "Beta") & (facts["date"] == "2026-03-04")]
    commands.EditCell(ws, int(facts.loc[row, "row_id"]), "users", 150).do(ws)
    commands.EditCampaignTotal(ws, "alpha", "spend", 75).do(ws)
    content = gather_content(ws)
    assert set(content.edits) == {
        ("Beta", "4 Mar 2026", "Users", "100", "150"),
        ("Alpha", "all dates (campaign total)", "Spend", "$60.00", "$75.00"),
    }
    assert dict(content.info)["Manual edits"] == (
        "2 in force, listed under “Manual edits in force”"
    )
    path = tmp_path / "edited.pdf"
    export_workspace_pdf(ws, path)
    pdf = Pdf(path.read_bytes())
    assert len(pdf.pages) == 4  # summary, charts, table, the edits
    assert _close(pdf.media_box(3), A4)
    last = pdf.text(3)
    assert "Manual edits in force" in last
    for edit in content.edits:
        for cell in edit:
            assert cell in last, cell
    assert "Page 4 of 4" in last
    assert "2 in force" in pdf.text(0)
