"""Excel and CSV export: live formulas equal our KPIs, formats, charts, escaping, atomicity.

Every formula cell of the written workbook is recomputed with a small evaluator that
follows Excel's rules for exactly the functions the report emits (IF, OR, AND, SUM, ABS,
NA, ISNUMBER, arithmetic, comparisons, cell references). When LibreOffice is installed
the same workbook is also recalculated by a real spreadsheet.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi_desktop.core import atomic
from kpi_desktop.core.analysis import compare_periods, target_status, time_series
from kpi_desktop.core.kpi import KPIS, FxRates, aggregate, compute_kpis, report, select
from kpi_desktop.core.progress import Cancelled
from kpi_desktop.core.report import (
    CHART_SUFFIX,
    SUMMARY_FIRST_KPI_ROW,
    escape_csv_cell,
    write_csv,
    write_xlsx,
)
from kpi_desktop.core.schema import normalize_facts

# --------------------------------------------------------------------------- evaluator


@dataclass(frozen=True)
class XlError:
    code: str


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>"(?:[^"]|"")*")
    | (?P<func>[A-Z]+)\(
    | (?P<ref>(?:(?P<sheet>[A-Za-z_][A-Za-z0-9_]*|'[^']+')!)?\$?[A-Z]{1,3}\$?[0-9]+)
    | (?P<num>[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)
    | (?P<op><=|>=|<>|[-+*/=<>(),&])
    )""",
    re.VERBOSE,
)


def _tokens(formula: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = formula.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match, f"cannot read {text[pos:]!r} in {formula!r}"
        kind = match.lastgroup if match.lastgroup != "sheet" else "ref"
        kind = next(k for k in ("str", "func", "ref", "num", "op") if match.group(k) is not None)
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    """Recursive descent over Excel's precedence: comparison < & < +- < */ < unary."""

    def __init__(self, formula: str) -> None:
        self.tokens = _tokens(formula)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.pos]
        assert value is None or token[1] == value, (token, value)
        self.pos += 1
        return token

    def parse(self):
        tree = self.comparison()
        assert self.pos == len(self.tokens), self.tokens[self.pos :]
        return tree

    def comparison(self):
        left = self.concat()
        while (t := self.peek()) and t[1] in ("=", "<>", "<", ">", "<=", ">="):
            self.take()
            left = ("cmp", t[1], left, self.concat())
        return left

    def concat(self):
        left = self.additive()
        while (t := self.peek()) and t[1] == "&":
            self.take()
            left = ("cat", left, self.additive())
        return left

    def additive(self):
        left = self.term()
        while (t := self.peek()) and t[1] in ("+", "-"):
            self.take()
            left = ("bin", t[1], left, self.term())
        return left

    def term(self):
        left = self.unary()
        while (t := self.peek()) and t[1] in ("*", "/"):
            self.take()
            left = ("bin", t[1], left, self.unary())
        return left

    def unary(self):
        t = self.peek()
        if t and t[1] in ("-", "+"):
            self.take()
            operand = self.unary()
            return ("neg", operand) if t[1] == "-" else operand
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "num":
            return ("val", float(value))
        if kind == "str":
            return ("val", value[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", value)
        if kind == "func":
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.comparison())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.comparison())
            self.take(")")
            return ("func", value, args)
        assert value == "(", value
        inner = self.comparison()
        self.take(")")
        return inner


class Evaluator:
    """Excel semantics for the formulas the report writes; blank cells are None."""

    def __init__(self, workbook: openpyxl.Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str], object] = {}

    def cell(self, sheet: str, coordinate: str) -> object:
        key = (sheet, coordinate)
        if key not in self.cache:
            cell = self.workbook[sheet][coordinate]
            value = cell.value
            if cell.data_type == "f":
                value = self.formula(sheet, value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                value = float(value)
            self.cache[key] = value
        return self.cache[key]

    def formula(self, sheet: str, formula: str) -> object:
        assert formula.startswith("=")
        return self.eval(sheet, _Parser(formula[1:]).parse())

    def eval(self, sheet: str, node) -> object:
        kind = node[0]
        if kind == "val":
            return node[1]
        if kind == "ref":
            ref = node[1].replace("$", "")
            if "!" in ref:
                other, ref = ref.split("!")
                return self.cell(other.strip("'"), ref)
            return self.cell(sheet, ref)
        if kind == "neg":
            value = _num(self.eval(sheet, node[1]))
            return value if isinstance(value, XlError) else -value
        if kind == "bin":
            a, b = _num(self.eval(sheet, node[2])), _num(self.eval(sheet, node[3]))
            for v in (a, b):
                if isinstance(v, XlError):
                    return v
            match node[1]:
                case "+":
                    return a + b
                case "-":
                    return a - b
                case "*":
                    return a * b
                case "/":
                    return XlError("#DIV/0!") if b == 0 else a / b
        if kind == "cmp":
            return _compare(node[1], self.eval(sheet, node[2]), self.eval(sheet, node[3]))
        if kind == "cat":
            return f"{self.eval(sheet, node[1])}{self.eval(sheet, node[2])}"
        assert kind == "func", node
        return self.call(sheet, node[1], node[2])

    def call(self, sheet: str, name: str, args) -> object:
        if name == "IF":
            condition = self.eval(sheet, args[0])
            if isinstance(condition, XlError):
                return condition
            branch = args[1] if _truthy(condition) else (args[2] if len(args) > 2 else None)
            return False if branch is None else self.eval(sheet, branch)
        values = [self.eval(sheet, a) for a in args]
        for value in values:
            if isinstance(value, XlError) and name != "ISNUMBER":
                return value
        match name:
            case "OR":
                return any(_truthy(v) for v in values)
            case "AND":
                return all(_truthy(v) for v in values)
            case "SUM":
                # Referenced blanks and text are ignored by SUM.
                return sum(v for v in values if isinstance(v, float))
            case "ABS":
                value = _num(values[0])
                return value if isinstance(value, XlError) else abs(value)
            case "NA":
                return XlError("#N/A")
            case "ISNUMBER":
                return isinstance(values[0], float)
        raise AssertionError(f"unsupported function {name}")


def _num(value: object) -> float | XlError:
    if isinstance(value, XlError):
        return value
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, float):
        return value
    return XlError("#VALUE!")  # "" in arithmetic, as Excel


def _truthy(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool | float):
        return bool(value)
    raise AssertionError(f"not a condition: {value!r}")


def _compare(op: str, a: object, b: object) -> object:
    if isinstance(a, XlError):
        return a
    if isinstance(b, XlError):
        return b
    # A blank cell is "" next to text and 0 next to a number.
    if a is None:
        a = "" if isinstance(b, str) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else 0.0

    def rank(v: object) -> tuple[int, object]:
        if isinstance(v, bool):
            return (2, v)
        if isinstance(v, str):
            return (1, v.lower())
        return (0, float(v))  # type: ignore[arg-type]

    ra, rb = rank(a), rank(b)
    return {
        "=": ra == rb,
        "<>": ra != rb,
        "<": ra < rb,
        ">": ra > rb,
        "<=": ra <= rb,
        ">=": ra >= rb,
    }[op]


def test_evaluator_follows_excel_on_blanks_and_errors():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 5, 0, None
    ws["D1"] = '=IF(OR(A1="",B1="",B1=0),"",A1/B1)'
    ws["E1"] = "=A1/B1"
    ws["F1"] = '=IF(C1="",NA(),C1)'
    ws["G1"] = "=SUM(A1,C1)/2-1"
    ws["H1"] = '=IF(D1="","empty","x")'
    ev = Evaluator(wb)
    assert ev.cell("Sheet", "D1") == ""
    assert ev.cell("Sheet", "E1") == XlError("#DIV/0!")
    assert ev.cell("Sheet", "F1") == XlError("#N/A")
    assert ev.cell("Sheet", "G1") == 1.5
    assert ev.cell("Sheet", "H1") == "empty"


# --------------------------------------------------------------------------- fixtures

PERIOD = ("2026-03-03", "2026-03-04")
TARGETS = {"ctr": 0.12, "cost_per_conversion": 45.0, "conversion_rate": 0.06}
INJECTION = '=HYPERLINK("http://evil.example","click")'


def _facts() -> pd.DataFrame:
    alpha = {
        "campaign": "Alpha",
        "channel": "Messenger",
        "users": 4_000,
        "interactions": 10_000,
        "clicks": 500,
        "visitors": 1_000,
        "conversions": 50,
        "conversion_value": 12_500,
        "spend": 2_500,
    }
    return normalize_facts(
        pd.DataFrame(
            [
                {**alpha, "date": "2026-03-03"},
                {**alpha, "date": "2026-03-04"},
                # Previous period: CTR 500 / 5,000 = 10 %.
                {**alpha, "date": "2026-03-01", "users": 5_000},
                {
                    "date": "2026-03-03",
                    "campaign": "Beta",
                    "users": 100,
                    "clicks": 10,
                    "visitors": 0,
                    "conversions": 0,
                    "spend": 30.5,
                    "other_cost": 10,
                    "matched_responses": 100,
                    "total_messages": 200,
                },
                {
                    "date": "2026-03-04",
                    "campaign": INJECTION,
                    "users": 10,
                    "clicks": 1,
                    "visitors": 50,
                    "conversions": 2.5,
                },
                # Brand-lift study over the period: in Campaigns and Summary, not on any day.
                {
                    "campaign": "Alpha",
                    "first_day": "2026-03-03",
                    "last_day": "2026-03-04",
                    "ad_recall_exposed": 0.15,
                    "ad_recall_control": 0.05,
                },
            ]
        )
    )


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    path = tmp_path / "report.xlsx"
    write_xlsx(
        path,
        _facts(),
        title="March review",
        filters_text="All campaigns",
        period=PERIOD,
        targets=TARGETS,
        currency="USD",
    )
    return path


def _columns(ws) -> dict[str, str]:
    return {cell.value: cell.column_letter for cell in ws[1] if cell.value}


def _rows(ws) -> dict[object, int]:
    return {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}


def _same(shown: object, expected: float) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return shown == ""  # undefined: an empty string, never 0 or an error
    return isinstance(shown, float) and shown == pytest.approx(expected, rel=1e-12)


def _cached_same(cached: object, expected: float) -> bool:
    """A formula's stored result (what a viewer that does not recalculate shows)."""
    if isinstance(expected, float) and math.isnan(expected):
        return cached in (None, "")  # openpyxl reads a stored "" as None
    return isinstance(cached, int | float) and cached == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- formulas


def test_campaign_formulas_equal_our_kpis(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Campaigns"]
    cached = openpyxl.load_workbook(workbook_path, data_only=True)["Campaigns"]
    ev = Evaluator(wb)
    columns, rows = _columns(ws), _rows(ws)
    facts = _facts()
    expected = report(facts[select(facts, start=PERIOD[0], end=PERIOD[1])], "campaign")
    assert len(expected.rows) == 3
    for _, values in expected.rows.iterrows():
        r = rows[values["campaign"]]
        for kpi in KPIS:
            cell = f"{columns[kpi.name]}{r}"
            assert ws[cell].data_type == "f"
            shown = ev.cell("Campaigns", cell)
            assert _same(shown, values[kpi.id]), (values["campaign"], kpi.id, shown)
            # The stored result is the same number, so viewers that never recalculate
            # (previews, phones) show it rather than a blank.
            assert _cached_same(cached[cell].value, values[kpi.id]), (kpi.id, cached[cell].value)
    total = rows["Total"]
    for kpi in KPIS:
        cell = f"{columns[kpi.name]}{total}"
        shown = ev.cell("Campaigns", cell)
        assert _same(shown, expected.total[kpi.id]), kpi.id
        assert _cached_same(cached[cell].value, expected.total[kpi.id]), kpi.id


def test_campaign_formulas_by_hand(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    ws, ev = wb["Campaigns"], Evaluator(wb)
    columns, rows = _columns(ws), _rows(ws)

    def kpi(campaign: str, name: str) -> object:
        return ev.cell("Campaigns", f"{columns[name]}{rows[campaign]}")

    assert kpi("Alpha", "Chatbot CTR to website") == pytest.approx(0.125)  # 1,000 / 8,000
    assert kpi("Alpha", "Brand interactions per user") == pytest.approx(2.5)
    assert kpi("Alpha", "Conversion rate") == pytest.approx(0.05)  # 100 / 2,000
    assert kpi("Alpha", "Cost per conversion") == pytest.approx(50.0)  # $5,000 / 100
    assert kpi("Alpha", "Return on ad spend") == pytest.approx(5.0)
    assert kpi("Alpha", "Ad recall lift") == pytest.approx(2.0)
    assert kpi("Beta", "Matched response rate") == pytest.approx(0.5)
    assert kpi("Beta", "Conversion rate") == ""  # 0 visitors
    assert kpi("Beta", "Cost per conversion") == ""  # 0 conversions
    assert kpi("Beta", "Return on ad spend") == ""  # no conversion value
    assert kpi(INJECTION, "Conversion rate") == pytest.approx(0.05)  # 2.5 / 50
    # The hidden chart column turns "" into #N/A, which Excel leaves out of a chart.
    [helper] = [title for title in columns if title.endswith(CHART_SUFFIX)]
    source = columns[helper.removesuffix(CHART_SUFFIX)]
    for r in rows.values():
        if r == rows["Total"]:
            continue
        shown = ev.cell("Campaigns", f"{source}{r}")
        charted = ev.cell("Campaigns", f"{columns[helper]}{r}")
        assert charted == (XlError("#N/A") if shown == "" else shown)


def test_daily_formulas_equal_our_kpis(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    ws, ev = wb["Daily"], Evaluator(wb)
    cached = openpyxl.load_workbook(workbook_path, data_only=True)["Daily"]
    columns = _columns(ws)
    facts = _facts()
    in_period = facts[select(facts, start=PERIOD[0], end=PERIOD[1]) & facts["date"].notna()]
    sums = aggregate(in_period, "date")
    expected = sums.join(compute_kpis(sums))
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == [
        datetime(2026, 3, 3),
        datetime(2026, 3, 4),
    ]
    for offset, (_, values) in enumerate(expected.iterrows()):
        r = offset + 2
        assert ws[f"{columns['Users']}{r}"].value == values["users"]
        assert ws[f"{columns['Ad recall (exposed)']}{r}"].value is None  # lifetime row left out
        for kpi in KPIS:
            cell = f"{columns[kpi.name]}{r}"
            shown = ev.cell("Daily", cell)
            assert _same(shown, values[kpi.id]), (r, kpi.id, shown)
            assert _cached_same(cached[cell].value, values[kpi.id]), (r, kpi.id)
        helper = next(c for t, c in columns.items() if t.endswith(CHART_SUFFIX))
        assert cached[f"{helper}{r}"].value == ev.cell("Daily", f"{helper}{r}")
    # 3 March: (500 + 10) / (4,000 + 100), a ratio of sums across campaigns.
    assert ev.cell("Daily", f"{columns['Chatbot CTR to website']}2") == pytest.approx(510 / 4_100)


def test_daily_sheet_leaves_unknown_inputs_blank(workbook_path: Path):
    ws = openpyxl.load_workbook(workbook_path)["Daily"]
    cached = openpyxl.load_workbook(workbook_path, data_only=True)["Daily"]
    columns = _columns(ws)
    # 3 March has Beta's matched responses and other cost; 4 March has none: blank, not 0.
    assert ws[f"{columns['Matched responses']}2"].value == 100
    assert ws[f"{columns['Other cost']}2"].value == 10
    for title in ("Matched responses", "Total messages", "Other cost", "Declared data points"):
        assert ws[f"{columns[title]}3"].value is None, title
    # Beta's 0 visitors are known: a real 0 stays 0 (the sum with Alpha's 1,000).
    assert ws[f"{columns['Visitors']}2"].value == 1_000
    # And the KPI over the unknown input is undefined, stored as such (never 0).
    assert cached[f"{columns['Matched response rate']}3"].value in (None, "")


def test_undefined_chart_points_are_stored_as_na(tmp_path: Path):
    facts = normalize_facts(
        pd.DataFrame(
            [
                {"date": "2026-03-03", "campaign": "A", "visitors": 100, "conversions": 5},
                {"date": "2026-03-03", "campaign": "B", "visitors": 0, "conversions": 0},
            ]
        )
    )
    path = tmp_path / "na.xlsx"
    write_xlsx(path, facts, title="t", filters_text="", period=None)
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)["Campaigns"]
    ws = wb["Campaigns"]
    columns, rows = _columns(ws), _rows(ws)
    helper = columns["Conversion rate" + CHART_SUFFIX]
    assert cached[f"{helper}{rows['A']}"].value == pytest.approx(0.05)
    assert cached[f"{helper}{rows['B']}"].value == "#N/A"  # a gap on the chart, not 0
    assert Evaluator(wb).cell("Campaigns", f"{helper}{rows['B']}") == XlError("#N/A")


def test_summary_formulas_follow_totals_previous_period_and_targets(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    ws, ev = wb["Summary"], Evaluator(wb)
    cached = openpyxl.load_workbook(workbook_path, data_only=True)["Summary"]
    assert ws["A1"].value == "March review"
    assert ws["B2"].value == "All campaigns"
    assert ws["B3"].value == "2026-03-03 – 2026-03-04"
    assert ws["B4"].value == "2026-03-01 – 2026-03-02"
    comparison = compare_periods(_facts(), *PERIOD)
    for offset, kpi in enumerate(KPIS):
        r = SUMMARY_FIRST_KPI_ROW + offset
        assert ws[f"A{r}"].value == kpi.name
        change = comparison.kpi(kpi.id)
        current = math.nan if change.current is None else change.current
        assert _same(ev.cell("Summary", f"B{r}"), current), kpi.id
        relative = math.nan if change.relative is None else change.relative
        assert _same(ev.cell("Summary", f"D{r}"), relative), kpi.id
        if change.points is not None:
            assert ev.cell("Summary", f"E{r}") == pytest.approx(change.points)
        status = target_status(kpi, change.current, TARGETS.get(kpi.id))
        assert ev.cell("Summary", f"G{r}") == (status or ""), kpi.id
        # Every formula on the sheet stores the result it computes.
        for column in "BDEG":
            if ws[f"{column}{r}"].data_type != "f":
                continue
            live = ev.cell("Summary", f"{column}{r}")
            stored = cached[f"{column}{r}"].value
            if isinstance(live, float):
                assert stored == pytest.approx(live, rel=1e-12), (kpi.id, column)
            else:
                assert stored in (None, "") if live == "" else stored == live, (kpi.id, column)
    ctr_row = SUMMARY_FIRST_KPI_ROW + [k.id for k in KPIS].index("ctr")
    assert ws[f"C{ctr_row}"].value == pytest.approx(0.10)
    assert ev.cell("Summary", f"G{ctr_row}") == "good"  # 12.47 % against 12 %
    cost_row = SUMMARY_FIRST_KPI_ROW + [k.id for k in KPIS].index("cost_per_conversion")
    # ($5,000 + $30.50 + $10) / 102.5 = $49.18: worse than $45 but within 10 %.
    assert ev.cell("Summary", f"G{cost_row}") == "warn"
    assert ws[f"H{SUMMARY_FIRST_KPI_ROW + 8}"].value == "no purchase intent (exposed) data"


# --------------------------------------------------------------------------- layout


def test_formats_freeze_filter_widths(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == ["Summary", "Campaigns", "Daily"]
    ws = wb["Campaigns"]
    columns = _columns(ws)
    expected_formats = {
        "Brand interactions per user": "0.00",
        "Chatbot CTR to website": "0.0%",
        "Cost per conversion": '"$"#,##0.00',
        "Return on ad spend": '0.00"x"',
        "Ad recall lift": "+0%;-0%;0%",
        "Spend": '"$"#,##0.00',
        "Users": "#,##0",
        "Conversions": "#,##0.00",  # 2.5 conversions must not show as 3
        "Ad recall (exposed)": "0.0%",
    }
    for title, number_format in expected_formats.items():
        assert ws[f"{columns[title]}2"].number_format == number_format, title
    assert ws.freeze_panes == "B2"
    last_campaign = _rows(ws)["Total"] - 1
    assert ws.auto_filter.ref == f"A1:Y{last_campaign}"  # the Total row is not sorted along
    assert ws.column_dimensions["A"].width >= len(INJECTION)
    [helper] = [title for title in columns if title.endswith(CHART_SUFFIX)]
    assert ws.column_dimensions[columns[helper]].hidden
    daily = wb["Daily"]
    assert daily.freeze_panes == "B2"
    assert daily["A2"].number_format == "yyyy-mm-dd"
    assert daily.auto_filter.ref == "A1:Y3"
    summary = wb["Summary"]
    assert summary[f"D{SUMMARY_FIRST_KPI_ROW}"].number_format == "+0.0%;-0.0%;0.0%"
    assert summary[f"F{SUMMARY_FIRST_KPI_ROW + 2}"].value == pytest.approx(0.12)
    assert summary[f"F{SUMMARY_FIRST_KPI_ROW + 2}"].number_format == "0.0%"


def test_text_that_looks_like_a_formula_stays_text(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Campaigns"]
    cell = ws.cell(row=_rows(ws)[INJECTION], column=1)
    assert cell.data_type == "s"
    assert cell.value == INJECTION


def test_native_charts_and_target_colours(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    [bar] = wb["Campaigns"]._charts
    [line] = wb["Daily"]._charts
    assert type(bar).__name__ == "BarChart"
    assert type(line).__name__ == "LineChart"
    assert line.visible_cells_only is False  # the charted helper column is hidden
    with zipfile.ZipFile(workbook_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(archive.read(n).decode() for n in charts)
    assert "barChart>" in xml
    assert "lineChart>" in xml
    rules = {
        str(rng.sqref): [r.formula[0] for r in rng.rules]
        for rng in wb["Campaigns"].conditional_formatting
    }
    ctr = rules["S2:S5"]
    assert ctr[0] == "AND(ISNUMBER(S2),ISNUMBER(0.12),S2>=0.12)"
    cost = rules["U2:U5"]
    assert cost[2] == "AND(ISNUMBER(U2),ISNUMBER(45.0),U2>45.0+0.1*ABS(45.0))"
    summary_rules = [str(r.sqref) for r in wb["Summary"].conditional_formatting]
    assert f"B{SUMMARY_FIRST_KPI_ROW + 2}" in summary_rules


def test_money_is_converted_and_blank_without_a_rate(tmp_path: Path):
    facts = normalize_facts(
        pd.DataFrame(
            [
                {"date": "2026-03-03", "campaign": "eu", "spend": 100, "conversions": 4,
                 "currency": "EUR"},
                {"date": "2026-03-03", "campaign": "uk", "spend": 100, "conversions": 4,
                 "currency": "GBP"},
            ]
        )
    )  # fmt: skip
    fx = FxRates("USD", {"EUR": 2.0})
    path = tmp_path / "fx.xlsx"
    write_xlsx(path, facts, title="t", filters_text="", period=None, fx=fx)
    wb = openpyxl.load_workbook(path)
    ws, ev = wb["Campaigns"], Evaluator(wb)
    columns, rows = _columns(ws), _rows(ws)
    assert ws[f"{columns['Spend']}{rows['eu']}"].value == 200  # in the reporting currency
    assert ws[f"{columns['Spend']}{rows['eu']}"].number_format == '"$"#,##0.00'
    assert ev.cell("Campaigns", f"{columns['Cost per conversion']}{rows['eu']}") == 50
    uk_spend = ws[f"{columns['Spend']}{rows['uk']}"]
    assert uk_spend.value is None
    assert "no exchange rate for GBP" in uk_spend.comment.text
    assert ev.cell("Campaigns", f"{columns['Cost per conversion']}{rows['uk']}") == ""
    assert ev.cell("Campaigns", f"{columns['Cost per conversion']}{rows['Total']}") == ""
    assert wb["Summary"]["B7"].value == "no exchange rate for GBP"
    assert wb["Summary"]["B4"].value == "—"  # no period, no comparison


def test_empty_facts_still_give_a_valid_workbook(tmp_path: Path):
    path = tmp_path / "empty.xlsx"
    write_xlsx(path, normalize_facts(pd.DataFrame()), title="t", filters_text="", period=None)
    wb = openpyxl.load_workbook(path)
    assert wb["Campaigns"]["A2"].value == "Total"
    assert Evaluator(wb).cell("Campaigns", "S2") == ""
    assert wb["Daily"].max_row == 1


# --------------------------------------------------------------------------- progress, atomicity


class _Recorder:
    def __init__(self, cancel_at: float | None = None) -> None:
        self.fractions: list[float] = []
        self.cancel_at = cancel_at

    def report(self, fraction: float, message: str = "") -> None:
        self.fractions.append(fraction)

    @property
    def cancelled(self) -> bool:
        return (
            self.cancel_at is not None
            and bool(self.fractions)
            and (self.fractions[-1] >= self.cancel_at)
        )


def test_progress_is_reported_to_the_end(tmp_path: Path):
    progress = _Recorder()
    write_xlsx(
        tmp_path / "p.xlsx", _facts(), title="t", filters_text="", period=PERIOD, progress=progress
    )
    assert progress.fractions[0] == 0.0
    assert progress.fractions[-1] == 1.0
    assert progress.fractions == sorted(progress.fractions)


def test_cancel_leaves_the_old_file_and_no_temp_file(tmp_path: Path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(Cancelled):
        write_xlsx(
            path,
            _facts(),
            title="t",
            filters_text="",
            period=PERIOD,
            progress=_Recorder(cancel_at=0.5),
        )
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["report.xlsx"]


def test_failed_replace_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_csv(tmp_path / "out.csv", pd.DataFrame({"a": [1]}))
    with pytest.raises(OSError, match="disk full"):
        write_xlsx(tmp_path / "out.xlsx", _facts(), title="t", filters_text="", period=None)
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-5", "'-5"),  # text, so escaped
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),  # a number is data, not a formula
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_escape_csv_cell(value, written):
    assert escape_csv_cell(value) == written


def test_write_csv_bom_escaping_numbers_and_blanks(tmp_path: Path):
    frame = pd.DataFrame(
        {
            "name": ["=cmd|' /C calc'!A0", "Café", None, "-x"],
            "delta": [-5, 3, 0, 1],
            "rate": [0.125, float("nan"), -0.5, 1.0],
            "=HEADER": ["+1", "ok", "@x", "z"],
        }
    )
    path = tmp_path / "out.csv"
    write_csv(path, frame)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0] == ["name", "delta", "rate", "'=HEADER"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-5", "0.125", "'+1"]
    assert rows[2] == ["Café", "3", "", "ok"]
    assert rows[3] == ["", "0", "-0.5", "'@x"]
    assert rows[4] == ["'-x", "1", "1.0", "z"]
    assert b"\r\n" in data


def test_write_csv_keeps_a_meaningful_index(tmp_path: Path):
    facts = _facts()
    series = time_series(facts, "users", "D", by="campaign")
    path = tmp_path / "series.csv"
    write_csv(path, series)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[0] == ["period", "'" + INJECTION, "Alpha", "Beta"]
    assert rows[1] == ["2026-03-01", "", "5000.0", ""]
    assert rows[2] == ["2026-03-02", "", "", ""]  # a gap stays empty, never 0


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_recalculates_the_same_kpis(workbook_path: Path, tmp_path: Path):
    out = tmp_path / "recalculated"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(workbook_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    wb = openpyxl.load_workbook(out / workbook_path.name, data_only=True)
    ws = wb["Campaigns"]
    columns, rows = _columns(ws), _rows(ws)
    facts = _facts()
    expected = report(facts[select(facts, start=PERIOD[0], end=PERIOD[1])], "campaign")
    for _, values in expected.rows.iterrows():
        for kpi in KPIS:
            shown = ws[f"{columns[kpi.name]}{rows[values['campaign']]}"].value
            if math.isnan(values[kpi.id]):
                assert shown in (None, ""), (kpi.id, shown)
            else:
                assert shown == pytest.approx(values[kpi.id], rel=1e-9), kpi.id
    summary = wb["Summary"]
    comparison = compare_periods(facts, *PERIOD)
    for offset, kpi in enumerate(KPIS):
        status = target_status(kpi, comparison.kpi(kpi.id).current, TARGETS.get(kpi.id))
        assert summary[f"G{SUMMARY_FIRST_KPI_ROW + offset}"].value in (
            (status,) if status else (None, "")
        )


def test_period_dates_are_written_as_dates(workbook_path: Path):
    wb = openpyxl.load_workbook(workbook_path)
    assert wb["Daily"]["A2"].value.date() == date(2026, 3, 3)
