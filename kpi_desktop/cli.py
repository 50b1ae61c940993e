"""Headless commands (DESIGN section 9): report, import, utm. Exit 0 on success, 2 on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kpi_desktop.core.atomic import atomic_write

if TYPE_CHECKING:  # the core loads lazily: `kpi-desktop --version` must stay instant
    from kpi_desktop.core.io.result import ImportResult
    from kpi_desktop.core.progress import Progress
    from kpi_desktop.core.workspace import Workspace

SUBCOMMANDS = ("report", "import", "utm")


class CliError(Exception):
    """Bad input: printed as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kpi-desktop", description="KPI Desk command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    report = sub.add_parser("report", help="import files and print or write their KPIs")
    report.add_argument("files", nargs="+", metavar="FILE")
    report.add_argument(
        "--by", choices=("campaign", "date", "channel", "variant"), default="campaign"
    )
    report.add_argument("--from", dest="start", metavar="D", help="first day (YYYY-MM-DD)")
    report.add_argument("--to", dest="end", metavar="D", help="last day (YYYY-MM-DD)")
    report.add_argument(
        "--format", choices=("table", "json", "csv", "xlsx", "pdf"), default="table"
    )
    report.add_argument("-o", "--output", metavar="OUT", help="file to write (stdout if omitted)")
    report.add_argument(
        "--currency",
        metavar="CODE",
        help="reporting currency (default: the workspace's, else that of the largest spend)",
    )
    report.add_argument(
        "--fx",
        action="append",
        default=[],
        metavar="CODE=RATE",
        help="exchange rate: 1 CODE = RATE units of the reporting currency (repeatable)",
    )

    imp = sub.add_parser("import", help="import files into a workspace (created if missing)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--workspace", required=True, metavar="W.kpidesk")

    utm = sub.add_parser("utm", help="print a UTM-tagged URL")
    utm.add_argument("url")
    utm.add_argument("--source", required=True)
    utm.add_argument("--medium", required=True)
    utm.add_argument("--campaign", required=True)
    utm.add_argument("--id", dest="id_")
    utm.add_argument("--term")
    utm.add_argument("--content")
    utm.add_argument("--source-platform")
    utm.add_argument("--creative-format")
    utm.add_argument("--marketing-tactic")
    return parser


def run(argv: Sequence[str]) -> int:
    """Run a headless command; returns the exit status (never raises for bad input)."""
    try:
        args = build_parser().parse_args(list(argv))
        if args.command == "report":
            return _report(args)
        if args.command == "import":
            return _import(args)
        return _utm(args)
    except CliError as error:
        return _fail(str(error))
    except Exception as error:  # a user never sees a traceback, whatever failed
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        return _fail(str(message))


def _fail(message: str) -> int:
    line = " ".join(str(message).split())
    print(f"kpi-desktop: error: {line}", file=sys.stderr)
    return 2


def _check_files(files: Sequence[str]) -> list[Path]:
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.exists():
            raise CliError(f"{path}: no such file")
        if path.is_dir():
            raise CliError(f"{path}: is a folder, not a file")
    return paths


def load_workspace(files: Sequence[Path], *, progress: Progress | None = None) -> Workspace:
    """A workspace holding `files`: a `.kpidesk` contributes its data and edits, any
    other file is imported exactly as the GUI imports it."""
    return _load_workspace(files, progress)[0]


def _load_workspace(
    files: Sequence[Path], progress: Progress | None = None
) -> tuple[Workspace, str]:
    """`load_workspace`, and the reporting currency the `.kpidesk` had ("" if none)."""
    from kpi_desktop.core.workspace import Workspace

    workspaces = [p for p in files if p.suffix.lower() == ".kpidesk"]
    others = [p for p in files if p.suffix.lower() != ".kpidesk"]
    if len(workspaces) > 1:
        raise CliError("give at most one .kpidesk workspace")
    ws = Workspace.open(workspaces[0]) if workspaces else Workspace.new()
    stored = ws.reporting_currency
    results = [_import_known(path, progress) for path in others]
    if results:
        ws.add_imports(results)
    return ws, stored


def _import_known(path: Path, progress: Progress | None = None) -> ImportResult:
    """Import one file; a file none of whose columns is a known field is bad input."""
    from kpi_desktop.core.io.importer import import_file

    result = import_file(path, progress=progress)
    if not any(result.mapping.values()):
        headers = ", ".join(str(h) for h in list(result.mapping)[:6])
        raise CliError(f"{path.name}: no column is a known field ({headers})")
    return result


def _report(args: argparse.Namespace) -> int:
    files = _check_files(args.files)
    rates = _fx_options(args.fx)
    currency_option = _currency_code(args.currency, "--currency") if args.currency else ""
    ws, stored = _load_workspace(files)
    warnings = _apply_currency(ws, currency_option or stored, rates, rebase=stored)
    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    result = ws.report(args.by, start=start, end=end)
    warnings = list(ws.warnings()) + warnings
    # Where merged fields come from (DESIGN section 4: "the UI says which").
    warnings += ws.merge_summary()
    warnings += _coverage_warnings(ws, start, end)
    if not result.users_exact and "users" in result.rows:
        warnings.append("users are the sum of daily users (no event log)")
    out = Path(args.output) if args.output else None
    currency = ws.reporting_currency
    if args.format in ("xlsx", "pdf"):
        if out is None:
            raise CliError(f"--format {args.format} needs -o OUT")
        _write_document(ws, args, out)
        return 0
    text = {
        "table": _as_table,
        "json": _as_json,
        "csv": _as_csv,
    }[args.format](result, args.by, currency, warnings)
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, text.encode("utf-8-sig" if args.format == "csv" else "utf-8"))
    return 0


def _currency_code(text: str, option: str, given: str | None = None) -> str:
    """`text` as an upper-case ISO 4217 code; `given` is the option's text as typed."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        shown = text if given is None else given
        raise CliError(f"{option} {shown!r}: a currency is a 3-letter code such as EUR")
    return code


def _fx_options(options: Sequence[str]) -> dict[str, float]:
    """`--fx CODE=RATE` options as currency -> rate; bad input is a CliError."""
    import math

    rates: dict[str, float] = {}
    for option in options:
        code_text, sep, rate_text = option.partition("=")
        if not sep:
            raise CliError(f"--fx {option!r}: write CODE=RATE, e.g. --fx EUR=1.08")
        code = _currency_code(code_text, "--fx", option)
        try:
            rate = float(rate_text.strip())
        except ValueError:
            rate = math.nan
        if not (math.isfinite(rate) and rate > 0):
            raise CliError(f"--fx {option!r}: the rate must be a positive number, e.g. EUR=1.08")
        if code in rates and rates[code] != rate:
            raise CliError(f"--fx gives two rates for {code}")
        rates[code] = rate
    return rates


def _apply_currency(ws: Workspace, wanted: str, rates: dict[str, float], rebase: str) -> list[str]:
    """Set the reporting currency and the `--fx` rates on `ws`; returns notes for the
    warnings. Money in a currency without a rate is bad input (exit 2).

    Args:
        wanted: `--currency`, else the `.kpidesk`'s reporting currency ("": the currency
            of the largest spend).
        rates: the `--fx` rates; they override rates stored in the workspace.
        rebase: the currency the workspace's stored rates are relative to.
    """
    from kpi_desktop.core import kpi

    facts = ws.facts()
    code = wanted or _largest_spend_currency(facts) or ws.reporting_currency
    if code and code != ws.reporting_currency:
        stored = ws.fx_rates()
        ws.set_reporting_currency(code)
        # Stored rates are relative to the old reporting currency: restate them.
        base = stored.get(code) if rebase else None
        for other, rate in stored.items():
            ws.set_fx_rate(other, rate / base if base and other != code else None)
        if base:
            ws.set_fx_rate(rebase, 1.0 / base)
    for other, rate in rates.items():
        if other != code:
            ws.set_fx_rate(other, rate)
    missing = kpi.missing_currencies(facts, ws.fx())
    if missing:
        first = missing[0]
        raise CliError(
            f"money in {', '.join(missing)} has no exchange rate to {code}, the reporting "
            f"currency: give --fx {first}=RATE (1 {first} = RATE {code})"
            + ("" if len(missing) == 1 else " for each")
        )
    return _uncoded_money_notes(ws, facts, code)


def _largest_spend_currency(facts: Any) -> str:
    """The currency holding the most spend (else the most money), "" when none."""
    from kpi_desktop.core.schema import MONEY_FIELDS

    if "currency" not in facts or facts.empty:
        return ""
    coded = facts[facts["currency"].fillna("").astype(str) != ""]
    for fields in (["spend"], [m for m in MONEY_FIELDS if m in facts]):
        present = [f for f in fields if f in coded]
        if not present:
            continue
        totals = coded[present].sum(axis=1, min_count=1).groupby(coded["currency"]).sum()
        totals = totals[totals > 0]
        if len(totals):
            return str(totals.sort_values(ascending=False, kind="stable").index[0])
    return ""


def _uncoded_money_notes(ws: Workspace, facts: Any, code: str) -> list[str]:
    """Say where money carries no currency (GA4 revenue): it counts as `code`."""
    from kpi_desktop.core.schema import FIELDS, MONEY_FIELDS

    money = [m for m in MONEY_FIELDS if m in facts]
    if not code or not money or "currency" not in facts or "source_id" not in facts:
        return []
    uncoded = facts["currency"].fillna("").astype(str) == ""
    nonzero = facts[money].fillna(0.0) != 0
    rows = facts[uncoded.to_numpy() & nonzero.any(axis=1).to_numpy()]
    if rows.empty:
        return []
    names = {s.id: s.file_name or s.id for s in ws.sources()}
    notes = []
    for sid, part in rows.groupby("source_id", sort=True):
        labels = [FIELDS[m].label.lower() for m in money if (part[m].fillna(0.0) != 0).any()]
        notes.append(
            f"{names.get(str(sid), str(sid))}: {' and '.join(labels)} carries no currency "
            f"and is taken to be in {code}, the reporting currency"
        )
    return notes


def _write_document(ws: Any, args: argparse.Namespace, out: Path) -> None:
    from kpi_desktop.core import report as report_module

    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    if args.format == "xlsx":
        report_module.export_workspace_xlsx(ws, out, start=start, end=end)
        return
    from kpi_desktop.ui.pdf import export_workspace_pdf

    export_workspace_pdf(ws, out, start=start, end=end)


def _date(text: str | None, option: str) -> Any:
    if text is None:
        return None
    import pandas as pd

    try:
        return pd.Timestamp(text).normalize()
    except ValueError as error:
        raise CliError(f"{option} {text!r} is not a date (use YYYY-MM-DD)") from error


def _rows(result: Any, by: str) -> list[tuple[str, Any]]:
    import pandas as pd

    rows = []
    for label, row in result.rows.iterrows():
        if by == "campaign":
            name = row.get("campaign") or label
        elif by == "date":
            name = "" if pd.isna(label) else pd.Timestamp(label).strftime("%Y-%m-%d")
        else:
            name = "" if label is None else str(label)
        rows.append((str(name), row))
    return rows


def _coverage_warnings(ws: Workspace, start: Any, end: Any) -> list[str]:
    """What the date range left out, and KPIs whose inputs cover different days."""
    from kpi_desktop.core.series.coverage import coverage_warnings, source_names

    return coverage_warnings(ws.facts(), start, end, source_names(ws.sources()))


def _plain(value: Any) -> float | int | None:
    from kpi_desktop.core.format import optional_number

    number = optional_number(value)
    if number is None:
        return None
    return int(number) if number.is_integer() else round(number, 10)


def _record(name_key: str, name: str, row: Any) -> dict[str, Any]:
    from kpi_desktop.core import format as fmt
    from kpi_desktop.core.kpi import KPIS
    from kpi_desktop.core.schema import NUMERIC_FIELDS

    record: dict[str, Any] = {name_key: name}
    for field in NUMERIC_FIELDS:
        record[field] = _plain(row.get(field))
    record["kpis"] = {k.id: fmt.kpi_number(k, _plain(row.get(k.id))) for k in KPIS}
    return record


def _site_record(result: Any, by: str) -> dict[str, Any] | None:
    from kpi_desktop.core.kpi import SITE_TRAFFIC_NAME

    site = result.site_traffic
    return None if site is None else _record(by, SITE_TRAFFIC_NAME, site)


def _as_json(result: Any, by: str, currency: str, warnings: list[str]) -> str:
    payload = {
        "rows": [_record(by, name, row) for name, row in _rows(result, by)],
        "total": _record(by, "Total", result.total),
        # Web analytics rows with no campaign: apart, in no row, total or KPI above.
        "site_traffic": _site_record(result, by),
        "warnings": warnings,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


#: What the table says under the site traffic line.
SITE_TRAFFIC_NOTE = (
    "site traffic is web analytics visits with no campaign (direct, organic, referral…); "
    "it is in no row, total or KPI above"
)


def _table_cells(result: Any, by: str, currency: str) -> tuple[list[str], list[list[str]]]:
    from kpi_desktop.core import format as fmt
    from kpi_desktop.core.kpi import KPIS, SITE_TRAFFIC_NAME

    fields = ("users", "clicks", "visitors", "conversions", "conversion_value", "spend")
    header = [by.capitalize(), *fields, *(k.id for k in KPIS)]
    body = []
    site = [] if result.site_traffic is None else [(SITE_TRAFFIC_NAME, result.site_traffic)]
    for name, row in [*_rows(result, by), ("Total", result.total), *site]:
        cells = [name]
        cells += [fmt.field_value(f, _plain(row.get(f)), currency) for f in fields]
        cells += [fmt.kpi_value(k, _plain(row.get(k.id)), currency) for k in KPIS]
        body.append(cells)
    return header, body


def _as_table(result: Any, by: str, currency: str, warnings: list[str]) -> str:
    header, body = _table_cells(result, by, currency)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = []
    total_at = len(result.rows) + 1  # in [header, *body]; the site traffic line follows
    for r_i, cells in enumerate([header, *body]):
        parts = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ]
        lines.append("  ".join(parts).rstrip())
        if r_i in (0, total_at - 1, total_at) and r_i < len(body):
            lines.append("  ".join("-" * w for w in widths))
    if result.site_traffic is not None:
        lines.append(f"note: {SITE_TRAFFIC_NOTE}")
    lines += [f"note: {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _as_csv(result: Any, by: str, currency: str, warnings: list[str]) -> str:
    import csv
    import io

    from kpi_desktop.core.report import escape_csv_cell

    records = [_record(by, n, r) for n, r in _rows(result, by)]
    records.append(_record(by, "Total", result.total))
    site = _site_record(result, by)
    if site is not None:
        records.append(site)  # the last line, labelled: in no row or total above
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = [k for k in records[0] if k != "kpis"]
    kpis = list(records[0]["kpis"])
    writer.writerow([*fields, *kpis])
    for record in records:
        values = [record[f] for f in fields] + [record["kpis"][k] for k in kpis]
        writer.writerow(["" if v is None else escape_csv_cell(v) for v in values])
    return buffer.getvalue()


def _import(args: argparse.Namespace) -> int:
    from kpi_desktop.core.workspace import Workspace

    files = _check_files(args.files)
    target = Path(args.workspace)
    if target.suffix.lower() != ".kpidesk":
        raise CliError(f"{target}: a workspace file ends in .kpidesk")
    ws = Workspace.open(target) if target.exists() else Workspace.new()
    results = [_import_known(path) for path in files]
    ws.add_imports(results)
    ws.save(target)
    for result in results:
        problems = len(result.problems)
        print(
            f"{result.file_name}: {len(result.facts):,} rows ({result.preset})"
            + (f", {problems} problem(s)" if problems else "")
        )
    return 0


def _utm(args: argparse.Namespace) -> int:
    from kpi_desktop.core import utm

    params = utm.UtmParams(
        source=args.source,
        medium=args.medium,
        campaign=args.campaign,
        id=args.id_ or "",
        term=args.term or "",
        content=args.content or "",
        source_platform=args.source_platform or "",
        creative_format=args.creative_format or "",
        marketing_tactic=args.marketing_tactic or "",
    )
    result = utm.build_url(args.url, params)
    if result.errors:
        field, reason = next(iter(result.errors.items()))
        raise CliError(f"{field}: {reason}")
    print(result.url)
    return 0
