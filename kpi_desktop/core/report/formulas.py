"""The live Excel formulas of the report: guarded KPIs, target status and traffic lights."""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kpi_desktop.core.analysis import WARN_TOLERANCE
from kpi_desktop.core.kpi import Kpi

# Excel's own "good / neutral / bad" fills, which users already read as traffic lights.
_FILLS = {
    "good": PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE"),
    "warn": PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
    "bad": PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
}


def kpi_formula(kpi: Kpi, row: int, columns: Mapping[str, str]) -> str:
    """The guarded Excel formula of `kpi` over input cells on `row`.

    `columns` maps field names to column letters. A missing numerator or denominator,
    or a zero denominator, gives "" (undefined), exactly where `kpi.kpi_column` gives NaN.
    """
    numerator = f"{columns[kpi.numerator]}{row}"
    denominator = f"{columns[kpi.denominator]}{row}"
    top = numerator
    if kpi.addends:
        # SUM treats a blank addend as 0, as the KPI treats a missing other_cost.
        parts = ",".join(f"{columns[a]}{row}" for a in kpi.addends)
        top = f"SUM({numerator},{parts})"
    expression = f"{top}/{denominator}" + ("-1" if kpi.minus_one else "")
    guard = f'OR({numerator}="",{denominator}="",{denominator}=0)'
    return f'=IF({guard},"",{expression})'


def change_formula(row: int) -> str:
    """Relative change of column B against column C on `row`; "" when undefined."""
    r = row
    return f'=IF(OR(B{r}="",C{r}="",C{r}=0),"",(B{r}-C{r})/ABS(C{r}))'


def points_formula(row: int) -> str:
    """Change in percentage points of column B against column C on `row`."""
    r = row
    return f'=IF(OR(B{r}="",C{r}=""),"",(B{r}-C{r})*100)'


def status_formula(kpi: Kpi, row: int) -> str:
    """Live status text with the thresholds of `analysis.target_status`."""
    value, target = f"B{row}", f"F{row}"
    margin = f"{WARN_TOLERANCE}*ABS({target})"
    if kpi.higher_is_better:
        good, warn = f"{value}>={target}", f"{value}>={target}-{margin}"
    else:
        good, warn = f"{value}<={target}", f"{value}<={target}+{margin}"
    return f'=IF(OR({value}="",{target}=""),"",IF({good},"good",IF({warn},"warn","bad")))'


def target_rules(ws: Worksheet, cells: str, kpi: Kpi, cell: str, target: str) -> None:
    """Traffic-light fills of `cells` (top-left `cell`) against `target` (literal or ref).

    The thresholds are those of `analysis.target_status`; ISNUMBER leaves undefined ("")
    cells uncoloured.
    """
    margin = f"{WARN_TOLERANCE}*ABS({target})"
    if kpi.higher_is_better:
        good = f"{cell}>={target}"
        warn = f"{cell}<{target},{cell}>={target}-{margin}"
        bad = f"{cell}<{target}-{margin}"
    else:
        good = f"{cell}<={target}"
        warn = f"{cell}>{target},{cell}<={target}+{margin}"
        bad = f"{cell}>{target}+{margin}"
    for status, condition in (("good", good), ("warn", warn), ("bad", bad)):
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER({cell}),ISNUMBER({target}),{condition})"],
            fill=_FILLS[status],
        )
        ws.conditional_formatting.add(cells, rule)
