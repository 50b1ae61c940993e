"""The live Excel formulas of the report: guarded KPIs, target status and traffic lights.

Each formula has a twin `*_result` that computes what the formula gives from the values
written in the cells it reads, by the same rules (a blank is "", "" makes it undefined);
the workbook stores that result as the formula's cached value.
"""

from __future__ import annotations

from collections.abc import Mapping

from kpi_desktop.core.analysis import WARN_TOLERANCE, target_status
from kpi_desktop.core.kpi import Kpi
from kpi_desktop.core.report.cells import Cached, Sheet

# Excel's own "good / neutral / bad" fills, which users already read as traffic lights.
_FILLS = {"good": "#C6EFCE", "warn": "#FFEB9C", "bad": "#FFC7CE"}

#: A cell value a formula reads: a number, or None for a blank cell.
Input = float | None


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


def kpi_result(kpi: Kpi, inputs: Mapping[str, Input]) -> Cached:
    """What `kpi_formula` gives over the cells holding `inputs` (field -> value or None)."""
    numerator, denominator = inputs.get(kpi.numerator), inputs.get(kpi.denominator)
    if numerator is None or denominator is None or denominator == 0:
        return ""
    top = numerator + sum(v for a in kpi.addends if (v := inputs.get(a)) is not None)
    return top / denominator - (1 if kpi.minus_one else 0)


def chart_result(value: Cached) -> Cached:
    """What the chart helper `IF(x="",NA(),x)` gives."""
    return "#N/A" if value == "" else value


def _number(value: Cached | None) -> float | None:
    return value if isinstance(value, float | int) and not isinstance(value, bool) else None


def change_formula(row: int) -> str:
    """Relative change of column B against column C on `row`; "" when undefined."""
    r = row
    return f'=IF(OR(B{r}="",C{r}="",C{r}=0),"",(B{r}-C{r})/ABS(C{r}))'


def change_result(current: Cached | None, previous: Cached | None) -> Cached:
    """What `change_formula` gives for B = `current`, C = `previous`."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or before == 0:
        return ""
    return (now - before) / abs(before)


def points_formula(row: int) -> str:
    """Change in percentage points of column B against column C on `row`."""
    r = row
    return f'=IF(OR(B{r}="",C{r}=""),"",(B{r}-C{r})*100)'


def points_result(current: Cached | None, previous: Cached | None) -> Cached:
    """What `points_formula` gives for B = `current`, C = `previous`."""
    now, before = _number(current), _number(previous)
    if now is None or before is None:
        return ""
    return (now - before) * 100


def status_formula(kpi: Kpi, row: int) -> str:
    """Live status text with the thresholds of `analysis.target_status`."""
    value, target = f"B{row}", f"F{row}"
    margin = f"{WARN_TOLERANCE}*ABS({target})"
    if kpi.higher_is_better:
        good, warn = f"{value}>={target}", f"{value}>={target}-{margin}"
    else:
        good, warn = f"{value}<={target}", f"{value}<={target}+{margin}"
    return f'=IF(OR({value}="",{target}=""),"",IF({good},"good",IF({warn},"warn","bad")))'


def status_result(kpi: Kpi, value: Cached | None, target: float | None) -> Cached:
    """What `status_formula` gives (its thresholds are those of `target_status`)."""
    return target_status(kpi, _number(value), target) or ""


def target_rules(sheet: Sheet, cells: str, kpi: Kpi, cell: str, target: str) -> None:
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
        fill = sheet.book.format(bg_color=_FILLS[status])
        criteria = f"=AND(ISNUMBER({cell}),ISNUMBER({target}),{condition})"
        sheet.ws.conditional_format(
            cells, {"type": "formula", "criteria": criteria, "format": fill}
        )
