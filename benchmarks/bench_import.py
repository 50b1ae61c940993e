"""Import benchmarks (DESIGN section 10): event-log xlsx, campaign-day xlsx and a big CSV.

Generates its inputs once under `benchmarks/out/` (git-ignored), then prints, in one run:

- a 1,048,576-row x 13-column raw event-log .xlsx: our whole import (detection, parsing,
  mapping, aggregation) against fastexcel's bare read and pandas' calamine engine, with
  the ratios and the peak memory of our import (measured in a fresh subprocess);
- a 100k-row campaign-day .xlsx: ours against `pandas.read_excel(engine="openpyxl")`;
- a 1M-row CSV: ours against pandas' pyarrow engine.

`--quick` uses smaller sizes for a smoke run. pandas' calamine engine needs the
`python-calamine` package; without it that reference is reported as skipped.
"""

# ruff: noqa: E501 - the xlsx part templates below are kept verbatim, as Excel writes them

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

OUT = Path(__file__).resolve().parent / "out"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
# Style 1: date-time (built-in format 22), style 2: date (14), style 3: money.
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
</styleSheet>"""


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Strings:
    """Shared-string table, as Excel writes every text cell."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def ids(self, values: list[str]) -> list[int]:
        index = self.index
        out = []
        for value in values:
            if value is None:
                out.append(-1)
                continue
            found = index.get(value)
            if found is None:
                found = index[value] = len(index)
            out.append(found)
        return out

    def xml(self) -> Iterator[bytes]:
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(self.index)}" uniqueCount="{len(self.index)}">'
        ).encode()
        chunk: list[str] = []
        for text in self.index:
            chunk.append(f"<si><t>{escape(text)}</t></si>")
            if len(chunk) >= 50_000:
                yield "".join(chunk).encode()
                chunk = []
        yield ("".join(chunk) + "</sst>").encode()


def write_xlsx(path: Path, sheet: str, header: list[str], chunks: Iterator[list[list]]) -> None:
    """Write one sheet straight as XML into a zip stream: fast, and what Excel would write.

    Each chunk is a list of columns; a column is ("s", texts) for shared strings,
    ("n", numbers), ("d", excel serials styled as date-time), ("b", 0/1/None booleans)
    or ("m", money numbers). None cells are left out, as Excel does.
    """
    strings = _Strings()
    tmp = path.with_suffix(".tmp")
    letters = [_col_letter(i) for i in range(len(header))]
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet)))
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            ids = strings.ids(header)
            cells = "".join(
                f'<c r="{letters[i]}1" t="s"><v>{ids[i]}</v></c>' for i in range(len(header))
            )
            out.write(f'<row r="1">{cells}</row>'.encode())
            row = 2
            for columns in chunks:
                n = len(columns[0][1])
                rendered: list[list[str]] = []
                for c, (kind, values) in enumerate(columns):
                    letter = letters[c]
                    if kind == "s":
                        sid = strings.ids(values)
                        rendered.append(
                            [
                                "" if v is None else f'<c r="{letter}{{r}}" t="s"><v>{s}</v></c>'
                                for v, s in zip(values, sid, strict=True)
                            ]
                        )
                    elif kind == "b":
                        rendered.append(
                            [
                                ""
                                if v is None
                                else f'<c r="{letter}{{r}}" t="b"><v>{int(v)}</v></c>'
                                for v in values
                            ]
                        )
                    else:
                        style = {"n": "", "d": ' s="1"', "m": ' s="3"'}[kind]
                        rendered.append(
                            [
                                "" if v is None else f'<c r="{letter}{{r}}"{style}><v>{v!r}</v></c>'
                                for v in values
                            ]
                        )
                parts = []
                for i in range(n):
                    r = row + i
                    parts.append(
                        f'<row r="{r}">'
                        + "".join(col[i] for col in rendered).replace("{r}", str(r))
                        + "</row>"
                    )
                out.write("".join(parts).encode())
                row += n
            out.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            for part in strings.xml():
                out.write(part)
    os.replace(tmp, path)


EVENT_HEADER = [
    "Timestamp",
    "User ID",
    "Session ID",
    "Campaign",
    "Channel",
    "Variant",
    "Event type",
    "Matched",
    "Intent",
    "Attribute",
    "Value",
    "Button",
    "Bot",
]
CAMPAIGNS = [f"Spring Sale 2025 {i:02d}" for i in range(40)]
CHANNELS = ["Messenger", "Instagram", "WhatsApp"]
VARIANTS = ["A", "B"]
EVENT_TYPES = ["message", "button_click", "quick_reply", "link_click", "attribute_declared"]
EVENT_WEIGHTS = [0.35, 0.25, 0.2, 0.1, 0.1]


def event_chunks(rows: int, seed: int = 7, chunk: int = 100_000) -> Iterator[list[list]]:
    """Random but realistic bot events, in chunks of columns."""
    rng = np.random.default_rng(seed)
    users = max(rows // 5, 10)
    start = (dt.datetime(2025, 3, 1) - EXCEL_EPOCH).total_seconds() / 86400
    done = 0
    while done < rows:
        n = min(chunk, rows - done)
        serial = np.round(start + np.sort(rng.uniform(0, 60, n)), 6)
        uid = rng.integers(0, users, n)
        kind = rng.choice(len(EVENT_TYPES), n, p=EVENT_WEIGHTS)
        matched = rng.random(n) < 0.6
        campaign = rng.integers(0, len(CAMPAIGNS), n)
        channel = rng.integers(0, len(CHANNELS), n)
        variant = rng.integers(0, len(VARIANTS), n)
        is_msg = kind == 0
        is_attr = kind == 4
        yield [
            ("d", serial.tolist()),
            ("s", [f"{2_984_712_938_000_000 + u}" for u in uid.tolist()]),
            ("s", [f"s{u}-{int(s)}" for u, s in zip(uid.tolist(), serial.tolist(), strict=True)]),
            ("s", [CAMPAIGNS[c] for c in campaign.tolist()]),
            ("s", [CHANNELS[c] for c in channel.tolist()]),
            ("s", [VARIANTS[c] for c in variant.tolist()]),
            ("s", [EVENT_TYPES[k] for k in kind.tolist()]),
            ("b", [bool(m) if s else None for m, s in zip(matched, is_msg, strict=True)]),
            ("s", ["order_status" if s else None for s in is_msg.tolist()]),
            ("s", ["email" if a else None for a in is_attr.tolist()]),
            ("s", ["yes" if a else None for a in is_attr.tolist()]),
            ("s", ["Shop now" if k in (1, 3) else None for k in kind.tolist()]),
            ("s", ["ShopBot"] * n),
        ]
        done += n


DAILY_HEADER = [
    "Date",
    "Campaign",
    "Channel",
    "Variant",
    "Users",
    "Interactions",
    "Declared data points",
    "Clicks to website",
    "Matched responses",
    "Total messages",
    "Spend",
]


def daily_chunks(rows: int, seed: int = 3, chunk: int = 50_000) -> Iterator[list[list]]:
    """Campaign-day stats, in chunks of columns."""
    rng = np.random.default_rng(seed)
    start = (dt.datetime(2020, 1, 1) - EXCEL_EPOCH).days
    done = 0
    while done < rows:
        n = min(chunk, rows - done)
        idx = np.arange(done, done + n)
        users = rng.integers(50, 5000, n)
        yield [
            ("d", (start + idx // 200).astype(float).tolist()),
            ("s", [f"Campaign {i % 200:03d}" for i in idx.tolist()]),
            ("s", [CHANNELS[i % 3] for i in idx.tolist()]),
            ("s", [VARIANTS[i % 2] for i in idx.tolist()]),
            ("n", users.tolist()),
            ("n", (users * rng.integers(1, 4, n)).tolist()),
            ("n", (users // 10).tolist()),
            ("n", (users // 8).tolist()),
            ("n", (users // 3).tolist()),
            ("n", (users // 2).tolist()),
            ("m", np.round(rng.uniform(1, 500, n), 2).tolist()),
        ]
        done += n


def write_csv(path: Path, rows: int) -> None:
    """A big plain campaign-day CSV, written vectorised."""
    import pandas as pd

    rng = np.random.default_rng(11)
    idx = np.arange(rows)
    users = rng.integers(50, 5000, rows)
    frame = pd.DataFrame(
        {
            "Date": (np.datetime64("2020-01-01") + idx // 500).astype("datetime64[D]").astype(str),
            "Campaign": np.array([f"Campaign {i:03d}" for i in range(500)])[idx % 500],
            "Channel": np.array(CHANNELS)[idx % 3],
            "Users": users,
            "Interactions": users * 2,
            "Clicks to website": users // 8,
            "Total messages": users // 2,
            "Spend": np.round(rng.uniform(1, 500, rows), 2),
        }
    )
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def ensure(path: Path, make: object, *args: object) -> Path:
    if not path.exists():
        started = time.perf_counter()
        make(*args)  # type: ignore[operator]
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def timed(fn: object, *args: object, **kwargs: object) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)  # type: ignore[operator]
    return time.perf_counter() - started, value


def _peak_kib(maxrss: int) -> int:
    """Peak memory of this process in KiB.

    Linux keeps `ru_maxrss` across fork+exec, so a child started by a parent that held
    2 GB reports 2 GB; the kernel's VmHWM belongs to this process image alone.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return maxrss


def _child(path: str) -> None:
    """Run one import in a fresh process and report its time and peak memory."""
    import resource

    from kpi_desktop.core.io.importer import import_file

    seconds, result = timed(import_file, path)
    peak_kib = _peak_kib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_kib / 1024,
                "facts": len(result.facts),  # type: ignore[attr-defined]
                "events": 0 if result.events is None else len(result.events),  # type: ignore[attr-defined]
                "preset": result.preset,  # type: ignore[attr-defined]
            }
        )
    )


def ours_in_subprocess(path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fastexcel_bare(path: Path) -> int:
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    batch = reader.load_sheet(0, eager=True)
    return batch.num_rows


def pandas_excel(path: Path, engine: str) -> int:
    import pandas as pd

    return len(pd.read_excel(path, engine=engine))


def verdict(ok: bool, misses: list[str], what: str) -> str:
    """Empty when a target holds, else "  MISSED" (`what` then counts for the exit code)."""
    if ok:
        return ""
    misses.append(what)
    return "  MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs for a smoke run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0
    misses: list[str] = []
    OUT.mkdir(exist_ok=True)
    event_rows = 100_000 if args.quick else 1_048_575  # + header = 1,048,576 sheet rows
    daily_rows = 10_000 if args.quick else 100_000
    csv_rows = 100_000 if args.quick else 1_000_000
    suffix = "_quick" if args.quick else ""

    print("Preparing inputs…", flush=True)
    events = ensure(
        OUT / f"events{suffix}.xlsx",
        lambda: write_xlsx(
            OUT / f"events{suffix}.xlsx", "Events", EVENT_HEADER, event_chunks(event_rows)
        ),
    )
    daily = ensure(
        OUT / f"daily{suffix}.xlsx",
        lambda: write_xlsx(
            OUT / f"daily{suffix}.xlsx", "Daily stats", DAILY_HEADER, daily_chunks(daily_rows)
        ),
    )
    big_csv = ensure(OUT / f"daily{suffix}.csv", write_csv, OUT / f"daily{suffix}.csv", csv_rows)

    print(f"\n1) Event log xlsx: {event_rows + 1:,} rows x {len(EVENT_HEADER)} columns")
    ours = ours_in_subprocess(events)
    bare, _ = timed(fastexcel_bare, events)
    print(
        f"  ours (whole import):        {ours['seconds']:8.2f} s  ({ours['preset']}, "
        f"{ours['facts']:,} facts, {ours['events']:,} event-user rows)"
    )
    print(f"  fastexcel bare read:        {bare:8.2f} s")
    ratio = ours["seconds"] / bare
    miss = verdict(ratio <= 1.3, misses, "event log vs fastexcel")
    print(f"  ratio ours / fastexcel:     {ratio:8.2f}x  (target <= 1.3x){miss}")
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        print("  pandas calamine engine:     skipped (python-calamine is not installed)")
    else:
        cal, _ = timed(pandas_excel, events, "calamine")
        print(f"  pandas calamine engine:     {cal:8.2f} s")
        faster = cal / ours["seconds"]
        miss = verdict(faster >= 3, misses, "event log vs pandas calamine")
        print(f"  pandas calamine / ours:     {faster:8.2f}x  (target >= 3x){miss}")
    miss = verdict(ours["peak_mb"] < 2048, misses, "event log memory")
    print(f"  peak memory (ours):         {ours['peak_mb']:8.0f} MB (target < 2048 MB){miss}")

    print(f"\n2) Campaign-day xlsx: {daily_rows:,} rows x {len(DAILY_HEADER)} columns")
    ours_daily = ours_in_subprocess(daily)
    opx, _ = timed(pandas_excel, daily, "openpyxl")
    print(f"  ours (whole import):        {ours_daily['seconds']:8.2f} s")
    print(f"  pandas openpyxl engine:     {opx:8.2f} s")
    faster = opx / ours_daily["seconds"]
    miss = verdict(faster >= 20, misses, "campaign-day vs openpyxl")
    print(f"  openpyxl / ours:            {faster:8.2f}x  (target >= 20x){miss}")

    print(f"\n3) CSV: {csv_rows:,} rows")
    ours_csv = ours_in_subprocess(big_csv)

    def pandas_pyarrow(path: Path) -> int:
        import pandas as pd

        return len(pd.read_csv(path, engine="pyarrow"))

    ref, _ = timed(pandas_pyarrow, big_csv)
    miss = verdict(ours_csv["seconds"] < 3, misses, "CSV")
    print(f"  ours (whole import):        {ours_csv['seconds']:8.2f} s  (target < 3 s){miss}")
    print(f"  pandas pyarrow engine:      {ref:8.2f} s")
    print(f"  peak memory (ours):         {ours_csv['peak_mb']:8.0f} MB")
    if misses:
        print(f"\nTARGET MISSED: {', '.join(misses)}")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
