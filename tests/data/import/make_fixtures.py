"""Write the import fixtures in each platform's real layout (see /work/shared/FORMATS.md).

Run `python tests/data/import/make_fixtures.py`; the generated files are committed so that
tests never depend on this script. The numbers are small and chosen so that the expected
per-campaign totals in the tests can be checked by hand.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

HERE = Path(__file__).resolve().parent
SPRING_META = "Spring Sale 2025 – Messenger"


def write_text(name: str, text: str, encoding: str = "utf-8", bom: bytes = b"") -> None:
    (HERE / name).write_bytes(bom + text.encode(encoding))


def meta_csv() -> None:
    header = (
        '"Reporting starts","Reporting ends","Campaign name","Campaign ID",Day,'
        '"Campaign delivery",Results,"Result indicator","Cost per results",'
        '"Amount spent (USD)",Impressions,Reach,"Link clicks",'
        '"CPC (cost per link click) (USD)","CTR (link click-through rate)",'
        '"Messaging conversations started",Purchases,"Purchases conversion value"'
    )
    rows = [
        # Account summary row: dates filled, campaign name and ID empty, numbers = totals.
        "2025-03-03,2025-03-05,,,,,260,,1.73,450.25,6100,4100,215,2.09,3.52,260,5,250",
        f'2025-03-03,2025-03-05,"{SPRING_META}",120210000000000001,2025-03-03,active,50,'
        "actions:onsite_conversion.messaging_conversation_started_7d,1.6,80,1000,800,40,2,4,50,2,100",
        f'2025-03-03,2025-03-05,"{SPRING_META}",120210000000000001,2025-03-04,active,60,'
        "actions:onsite_conversion.messaging_conversation_started_7d,2.01,120.5,1500,1100,55,2.19,3.67,60,,",
        f'2025-03-03,2025-03-05,"{SPRING_META}",120210000000000001,2025-03-05,active,55,'
        "actions:onsite_conversion.messaging_conversation_started_7d,1.81,99.5,1200,900,45,2.21,3.75,55,3,150",
        '2025-03-03,2025-03-05,"Summer Bot Launch",120210000000000002,2025-03-03,active,30,'
        "actions:onsite_conversion.messaging_conversation_started_7d,1.67,50,800,500,20,2.5,2.5,30,,",
        '2025-03-03,2025-03-05,"Summer Bot Launch",120210000000000002,2025-03-04,active,35,'
        "actions:onsite_conversion.messaging_conversation_started_7d,1.43,50,900,500,25,2,2.78,35,,",
        '2025-03-03,2025-03-05,"Summer Bot Launch",120210000000000002,2025-03-05,active,30,'
        "actions:onsite_conversion.messaging_conversation_started_7d,1.68,50.25,700,300,30,1.68,4.29,30,,",
    ]
    write_text("meta_ads.csv", "\n".join([header, *rows]) + "\n", bom=b"\xef\xbb\xbf")


def meta_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Raw Data Report"
    ws["B1"] = "Meta Ads Manager – Shop Account"
    ws["B2"] = "Exported 2025-03-06"
    header = [
        "Campaign name",
        "Day",
        "Amount spent (EUR)",
        "Impressions",
        "Link clicks",
        "Results",
        "Purchases",
        "Purchases conversion value",
        "Campaign ID",
    ]
    for j, text in enumerate(header):
        ws.cell(row=4, column=2 + j, value=text)
    data = [
        (SPRING_META, dt.datetime(2025, 3, 3), 80, 1000, 40, 50, 2, 100, "120210000000000001"),
        (
            SPRING_META,
            dt.datetime(2025, 3, 4),
            120.5,
            1500,
            55,
            60,
            None,
            None,
            "120210000000000001",
        ),
        (
            "Summer Bot Launch",
            dt.datetime(2025, 3, 3),
            50,
            800,
            20,
            30,
            None,
            None,
            "120210000000000002",
        ),
    ]
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            cell = ws.cell(row=5 + i, column=2 + j, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    info = wb.create_sheet("Report info")
    info["A1"] = "Report name"
    info["B1"] = "Spring campaigns"
    wb.save(HERE / "meta_formatted.xlsx")


GOOGLE_HEADER = [
    "Campaign state",
    "Campaign",
    "Campaign ID",
    "Day",
    "Campaign type",
    "Currency code",
    "Impr.",
    "Clicks",
    "CTR",
    "Avg. CPC",
    "Cost",
    "Conversions",
    "Cost / conv.",
    "Conv. rate",
    "Conv. value",
    "Conv. value / cost",
]
GOOGLE_ROWS = [
    [
        "Enabled",
        "Spring Sale 2025 – Search",
        "21000000001",
        "2025-03-03",
        "Search",
        "USD",
        "4,000",
        "200",
        "5.00%",
        "6.33",
        "1,266.50",
        "1.50",
        "844.33",
        "0.75%",
        "150.00",
        "0.12",
    ],
    [
        "Enabled",
        "Spring Sale 2025 – Search",
        "21000000001",
        "2025-03-04",
        "Search",
        "USD",
        "3,500",
        "150",
        "4.29%",
        "4.89",
        "733.50",
        "2.00",
        "366.75",
        "1.33%",
        "200.00",
        "0.27",
    ],
    [
        "Enabled",
        "Spring Sale 2025 – Search",
        "21000000001",
        "2025-03-05",
        "Search",
        "USD",
        "2,500",
        "100",
        "4.00%",
        "5.00",
        "500.00",
        "0.50",
        "1,000.00",
        "0.50%",
        "50.00",
        "0.10",
    ],
    [
        "Enabled",
        "Brand PMax",
        "21000000002",
        "2025-03-03",
        "Performance Max",
        "USD",
        "1,200",
        "30",
        "2.50%",
        "3.00",
        "90.00",
        "0.00",
        "--",
        "0.00%",
        "0.00",
        "0.00",
    ],
    [
        "Paused",
        "Brand PMax",
        "21000000002",
        "2025-03-04",
        "Performance Max",
        "USD",
        "800",
        "20",
        "2.50%",
        "3.00",
        "60.00",
        "1.00",
        "60.00",
        "5.00%",
        "75.00",
        "1.25",
    ],
]
GOOGLE_TOTALS = [
    [
        "Total: Account",
        "--",
        "--",
        "--",
        "--",
        "USD",
        "12,000",
        "500",
        "4.17%",
        "5.30",
        "2,650.00",
        "5.00",
        "530.00",
        "1.00%",
        "475.00",
        "0.18",
    ],
    [
        "Total: Search",
        "--",
        "--",
        "--",
        "--",
        "USD",
        "10,000",
        "450",
        "4.50%",
        "5.56",
        "2,500.00",
        "4.00",
        "625.00",
        "0.89%",
        "400.00",
        "0.16",
    ],
    [
        "Total: Performance Max",
        "--",
        "--",
        "--",
        "--",
        "USD",
        "2,000",
        "50",
        "2.50%",
        "3.00",
        "150.00",
        "1.00",
        "150.00",
        "2.00%",
        "75.00",
        "0.50",
    ],
    [
        "Total: Campaigns",
        "--",
        "--",
        "--",
        "--",
        "USD",
        "12,000",
        "500",
        "4.17%",
        "5.30",
        "2,650.00",
        "5.00",
        "530.00",
        "1.00%",
        "475.00",
        "0.18",
    ],
]


def _csv_line(cells: list[str], sep: str) -> str:
    out = []
    for cell in cells:
        if sep in cell or '"' in cell:
            out.append('"' + cell.replace('"', '""') + '"')
        else:
            out.append(cell)
    return sep.join(out)


def google_csv() -> None:
    lines = ["Campaign report", '"March 3, 2025 - March 5, 2025"', _csv_line(GOOGLE_HEADER, ",")]
    lines += [_csv_line(r, ",") for r in GOOGLE_ROWS + GOOGLE_TOTALS]
    write_text("google_ads.csv", "\n".join(lines) + "\n")
    tab = ["Campaign report", "March 3, 2025 - March 5, 2025", "\t".join(GOOGLE_HEADER)]
    tab += ["\t".join(r) for r in GOOGLE_ROWS + GOOGLE_TOTALS]
    write_text("google_ads_excel.csv", "\r\n".join(tab) + "\r\n", "utf-16-le", b"\xff\xfe")


def google_de_csv() -> None:
    header = [
        "Kampagnenstatus",
        "Kampagne",
        "Kampagnen-ID",
        "Tag",
        "Kampagnentyp",
        "Währungscode",
        "Impr.",
        "Klicks",
        "CTR",
        "Durchschn. CPC",
        "Kosten",
        "Conversions",
        "Kosten/Conv.",
        "Conv.-Rate",
        "Conv.-Wert",
        "Conv.-Wert/Kosten",
    ]
    rows = [
        [
            "Aktiviert",
            "Frühjahrsaktion 2025",
            "21000000003",
            "03.03.2025",
            "Suche",
            "EUR",
            "4.000",
            "200",
            "5,00 %",
            "6,33",
            "1.266,50",
            "1,50",
            "844,33",
            "0,75 %",
            "150,00",
            "0,12",
        ],
        [
            "Aktiviert",
            "Frühjahrsaktion 2025",
            "21000000003",
            "04.03.2025",
            "Suche",
            "EUR",
            "3.500",
            "150",
            "4,29 %",
            "4,89",
            "733,50",
            "2,00",
            "366,75",
            "1,33 %",
            "1.200,00",
            "1,64",
        ],
        [
            "Aktiviert",
            "Frühjahrsaktion 2025",
            "21000000003",
            "13.03.2025",
            "Suche",
            "EUR",
            "2.500",
            "100",
            "4,00 %",
            "5,00",
            "500,00",
            "0,50",
            "1.000,00",
            "0,50 %",
            "50,00",
            "0,10",
        ],
        [
            "Gesamt: Konto",
            "--",
            "--",
            "--",
            "--",
            "EUR",
            "10.000",
            "450",
            "4,50 %",
            "5,56",
            "2.500,00",
            "4,00",
            "625,00",
            "0,89 %",
            "1.400,00",
            "0,56",
        ],
    ]
    lines = ["Kampagnenbericht", '"3. März 2025 - 13. März 2025"', _csv_line(header, ",")]
    lines += [_csv_line(r, ",") for r in rows]
    write_text("google_ads_de.csv", "\n".join(lines) + "\n")


def ga4_csv() -> None:
    lines = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session campaign",
        "# Account: Shop",
        "# Property: Shop Web",
        "# ----------------------------------------",
        "#",
        "# All Users",
        "# Start date: 20250303",
        "# End date: 20250305",
        "Session campaign,Session source / medium,Sessions,Engaged sessions,Engagement rate,"
        "Key events,Session key event rate,Total revenue",
        ",,9600,6500,0.6770833333,108,0.01125,5320.5",
        "spring_sale_2025,messenger / chatbot,1200,900,0.75,30,0.025,1500",
        "summer_bot_launch,messenger / chatbot,400,300,0.75,8,0.02,320.5",
        "(direct),(direct) / (none),5000,3300,0.66,50,0.01,2500",
        "(organic),google / organic,3000,2000,0.6666666667,20,0.0066666667,1000",
    ]
    write_text("ga4_traffic.csv", "\n".join(lines) + "\n")


def ga4_exploration() -> None:
    lines = [
        "# ----------------------------------------",
        "# Free form 1",
        "",
        "Date,Session campaign,Sessions,Key events,Total revenue",
        'Grand total,,"2,050",43,"2,070.50"',
        "20250303,spring_sale_2025,600,15,750.00",
        '20250304,spring_sale_2025,"1,050",20,"1,000.00"',
        "20250305,summer_bot_launch,400,8,320.50",
    ]
    write_text("ga4_exploration.csv", "\n".join(lines) + "\n")


def dv360_csv() -> None:
    header = (
        "Date,Advertiser,Advertiser ID,Advertiser Currency,Insertion Order,"
        "Insertion Order ID,Line Item,Line Item ID,Impressions,Clicks,Click Rate (CTR),"
        "Total Conversions,Post-Click Conversions,Post-View Conversions,"
        "Revenue (Adv Currency),TrueView Views"
    )
    rows = [
        "2025/03/03,Shop,1001,EUR,Spring Sale 2025 – DV360,2001,Display LI,3001,10000,10,"
        "0.10%,1,1,0,100.00,0",
        "2025/03/04,Shop,1001,EUR,Spring Sale 2025 – DV360,2001,Display LI,3001,12000,12,"
        "0.10%,0,0,0,120.00,0",
        "2025/03/04,Shop,1001,EUR,Spring Sale 2025 – DV360,2001,Video LI,3002,3000,3,"
        "0.10%,0,0,0,30.00,150",
        ",,,,,,,,25000,25,0.10%,1,1,0,250.00,150",
        "",
        "Report Time:,2025/03/06 10:00:00 GMT",
        "Date Range:,2025/03/03 to 2025/03/04",
        "Group By:,Date,Advertiser,Insertion Order,Line Item",
        'Filter:,"Advertiser=Shop"',
    ]
    write_text("dv360.csv", "\n".join([header, *rows]) + "\n")


# ------------------------------------------------------------------ a tiny xlsx writer


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # (formula, cached value)
        formula, cached = value
        kind = ' t="str"' if isinstance(cached, str) else ""
        style = ' s="2"' if isinstance(cached, float) and cached < 1 else ""
        return f'<c r="{ref}"{kind}{style}><f>{escape(formula)}</f><v>{cached}</v></c>'
    if isinstance(value, dt.date):
        serial = (value - dt.date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """An .xlsx with formulas carrying cached values, as Excel saves them (openpyxl cannot)."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(len(names))
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        sheet_xml = "".join(
            f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, n in enumerate(names)
        )
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
            f'.org/officeDocument/2006/relationships"><sheets>{sheet_xml}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(names))
        )
        rels += (
            f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        zf.writestr(
            "xl/styles.xml",
            '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="10" applyNumberFormat="1"/>'
            "</cellXfs></styleSheet>",
        )
        for i, rows in enumerate(sheets.values()):
            body = []
            for r, row in enumerate(rows, start=1):
                cells = "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row))
                if cells:
                    body.append(f'<row r="{r}">{cells}</row>')
            zf.writestr(
                f"xl/worksheets/sheet{i + 1}.xml",
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                + "".join(body)
                + "</sheetData></worksheet>",
            )


BOT_DAILY = [
    (dt.date(2025, 3, 3), "Spring Sale 2025", "Messenger", 100, 250, 10, 12, 40, 10, 50),
    (dt.date(2025, 3, 4), "Spring Sale 2025", "Messenger", 120, 300, 12, 15, 45, 15, 60),
    (dt.date(2025, 3, 5), "Spring Sale 2025", "Instagram", 80, 150, 8, 9, 20, 5, 25),
    (dt.date(2025, 3, 3), "Summer Bot Launch", "Messenger", 50, 100, 5, 4, 10, 10, 20),
]
BOT_EVENTS = [
    # timestamp, user id (text), campaign, channel, variant, event type, matched
    ("2025-03-03 09:00:00", "7001", "Spring Sale 2025", "Messenger", "A", "message", True),
    ("2025-03-03 09:00:30", "7001", "Spring Sale 2025", "Messenger", "A", "button_click", None),
    ("2025-03-03 09:01:00", "7001", "Spring Sale 2025", "Messenger", "A", "link_click", None),
    ("2025-03-03 10:00:00", "7002", "Spring Sale 2025", "Messenger", "B", "message", False),
    (
        "2025-03-03 10:00:10",
        "7002",
        "Spring Sale 2025",
        "Messenger",
        "B",
        "attribute_declared",
        None,
    ),
    ("2025-03-03 11:00:00", "7003", "Spring Sale 2025", "Messenger", "A", "delivered", None),
    ("2025-03-04 09:00:00", "7001", "Spring Sale 2025", "Messenger", "A", "quick_reply", None),
    ("2025-03-04 09:05:00", "7004", "Spring Sale 2025", "Messenger", "A", "message", True),
    ("2025-03-04 09:06:00", "7004", "Spring Sale 2025", "Messenger", "A", "message", True),
    ("2025-03-04 12:00:00", "7005", "Summer Bot Launch", "Instagram", "A", "message", False),
    ("2025-03-05 08:00:00", "7002", "Spring Sale 2025", "Messenger", "B", "link_click", None),
    ("2025-03-05 08:30:00", "7006", "Spring Sale 2025", "Messenger", "B", "carousel_click", None),
    ("2025-03-05 09:00:00", "7001", "Spring Sale 2025", "Messenger", "A", "message", True),
]


def bot_xlsx() -> None:
    header = [
        "Date",
        "Campaign",
        "Channel",
        "Users",
        "Interactions",
        "Declared data points",
        "Clicks to website",
        "Matched responses",
        "Unmatched responses",
        "Total messages",
        "Matched response rate",
    ]
    rows: list[list[object]] = [
        ["ShopBot analytics"],
        ["Bot: ShopBot"],
        ["Date range: 2025-03-03 – 2025-03-05 (Europe/Berlin)"],
        ["Exported: 2025-03-06 09:00"],
        [],
        header,
    ]
    for i, (day, camp, chan, *numbers) in enumerate(BOT_DAILY):
        r = 7 + i
        rate = numbers[4] / numbers[6]
        rows.append([day, camp, chan, *numbers, (f"H{r}/J{r}", rate)])
    last = 6 + len(BOT_DAILY)
    total_row: list[object] = ["Total", None, None]
    for c in range(3, 10):
        letter = _col(c)
        total_row.append((f"SUM({letter}7:{letter}{last})", sum(row[c] for row in BOT_DAILY)))  # type: ignore[misc]
    total_row.append((f"H{last + 1}/J{last + 1}", 115 / 155))
    rows.append(total_row)
    events: list[list[object]] = [
        ["Timestamp", "User ID", "Campaign", "Channel", "Variant", "Event type", "Matched"]
    ]
    for ts, user, camp, chan, var, kind, matched in BOT_EVENTS:
        events.append([ts, user, camp, chan, var, kind, matched])
    attributes = [["Attribute", "Value", "Count"], ["email", "given", 20], ["size", "M", 15]]
    write_xlsx(
        HERE / "bot_stats.xlsx",
        {"Daily stats": rows, "Raw events": events, "Declared attributes": attributes},
    )


def bot_events_csv() -> None:
    lines = ["Timestamp,User ID,Campaign,Channel,Variant,Event type,Matched"]
    for ts, user, camp, chan, var, kind, matched in BOT_EVENTS:
        flag = "" if matched is None else ("TRUE" if matched else "FALSE")
        lines.append(f"{ts},{user},{camp},{chan},{var},{kind},{flag}")
    write_text("bot_events.csv", "\n".join(lines) + "\n")


def handmade_cp1252() -> None:
    nbsp = "\u00a0"
    lines = [
        "Auswertung Frühjahr;;;;",
        "",
        "Datum;Kampagne;Ausgaben;Umsatz;Besucher",
        f"03.03.2025;Frühjahrsaktion;1.234,56{nbsp}€;2.500,00{nbsp}€;1.200",
        f"04.03.2025;Frühjahrsaktion;765,44{nbsp}€;1.500,00{nbsp}€;800",
        f"04.03.2025;Sommer-Bot;100,00{nbsp}€;;300",
        f"Gesamt;;2.100,00{nbsp}€;4.000,00{nbsp}€;2.300",
    ]
    write_text("handmade_de.csv", "\r\n".join(lines) + "\r\n", "cp1252")


def handmade_merged_xlsx() -> None:
    """A hand-made sheet: a title merged over the table, a two-row header whose upper row
    groups columns (`Messenger` over `Users` and `Clicks to website`), campaign cells
    merged down their days, amounts typed as German text, and a merged `Gesamt` row."""
    nbsp = "\u00a0"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Übersicht"
    ws["A1"] = "Kampagnenauswertung März 2025"
    ws.merge_cells("A1:G1")
    for ref, text in (("A3", "Datum"), ("B3", "Kampagne"), ("G3", "Kosten")):
        ws[ref] = text
        ws.merge_cells(f"{ref}:{ref[0]}4")
    ws["C3"] = "Messenger"
    ws.merge_cells("C3:D3")
    ws["E3"] = "Website"
    ws.merge_cells("E3:F3")
    for ref, text in (("C4", "Users"), ("D4", "Clicks to website"), ("E4", "Besucher")):
        ws[ref] = text
    ws["F4"] = "Umsatz"
    rows = [
        (dt.datetime(2025, 3, 3), "Frühjahrsaktion", 100, 10, 80, f"1.234,56{nbsp}€", 50),
        (dt.datetime(2025, 3, 4), None, 120, 12, 90, f"765,44{nbsp}€", 60),
        (dt.datetime(2025, 3, 5), None, 80, 8, 70, f"500,00{nbsp}€", 40),
        (dt.datetime(2025, 3, 3), "Sommer-Bot", 50, 5, 30, f"100,00{nbsp}€", 20),
        (dt.datetime(2025, 3, 4), None, 40, 4, 20, None, 10),
        ("Gesamt", None, 390, 39, 290, f"2.600,00{nbsp}€", 180),
    ]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = ws.cell(row=5 + i, column=1 + j, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "dd.mm.yyyy"
    ws.merge_cells("B5:B7")
    ws.merge_cells("B8:B9")
    ws.merge_cells("A10:B10")
    wb.save(HERE / "handmade_merged.xlsx")


def converted_copies() -> None:
    """.xls, .ods and .xlsm copies of two workbooks, saved by LibreOffice as a user would.

    Needs `soffice` on the PATH; the committed copies make the tests independent of it.
    """
    import shutil
    import subprocess
    import tempfile

    if shutil.which("soffice") is None:
        print("soffice not found: the .xls/.ods/.xlsm copies were not regenerated")
        return
    targets = ("xls", "ods", "xlsm:Calc MS Excel 2007 VBA XML")
    with tempfile.TemporaryDirectory() as tmp:
        for name, formats in (
            ("bot_stats.xlsx", targets[:2]),
            ("meta_formatted.xlsx", targets),
        ):
            for fmt in formats:
                subprocess.run(
                    ["soffice", "--headless", "--convert-to", fmt, "--outdir", tmp, HERE / name],
                    check=True,
                    capture_output=True,
                )
        for made in Path(tmp).iterdir():
            shutil.copyfile(made, HERE / made.name)


def canonical_csv() -> None:
    lines = [
        "date,campaign,channel,variant,users,interactions,clicks,spend,currency",
        "2025-03-03,Spring Sale 2025,Messenger,A,100,250,12,80.5,USD",
        "2025-03-04,Spring Sale 2025,Messenger,B,120,300,15,19.5,USD",
        '2025-03-04,"=HYPERLINK(""http://evil"")",Messenger,,10,20,1,,USD',
    ]
    write_text("canonical.csv", "\n".join(lines) + "\n")


def bad_rows_csv() -> None:
    lines = [
        "Date,Campaign,Users,Interactions,Clicks to website",
        "2025-03-03,Spring Sale 2025,100,250,12",
        "2025-03-04,Spring Sale 2025,lots,300,15",
        "not a date,Spring Sale 2025,90,200,10",
        "2025-03-05,-5% Promo,80,150,9",
        "2025-03-05,@launch,80,150,9,extra,cells",
        "2025-03-05,+plus,20,40,n/a",
    ]
    write_text("bad_rows.csv", "\n".join(lines) + "\n")


def bad_files() -> None:
    (HERE / "bad_empty.csv").write_bytes(b"")
    write_text("bad_header_only.csv", "Date,Campaign,Users,Interactions\n")
    (HERE / "bad_png.xlsx").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    good = (HERE / "meta_formatted.xlsx").read_bytes()
    (HERE / "bad_corrupt.xlsx").write_bytes(good[: len(good) // 3])
    # What Excel writes for a password-protected workbook: an OLE compound file holding
    # an EncryptionInfo and an EncryptedPackage stream instead of a zip.
    ole = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    ole += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
    ole += "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000
    (HERE / "bad_encrypted.xlsx").write_bytes(bytes(ole))
    with zipfile.ZipFile(
        HERE / "bad_zip_bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9
    ) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            block = b"\x00" * (1 << 20)
            for _ in range(100):
                out.write(block)
    write_text("bad_not_a_table.txt", "Just some notes\nnothing tabular here\n")


def main() -> None:
    meta_csv()
    meta_xlsx()
    google_csv()
    google_de_csv()
    ga4_csv()
    ga4_exploration()
    dv360_csv()
    bot_xlsx()
    bot_events_csv()
    handmade_cp1252()
    handmade_merged_xlsx()
    canonical_csv()
    bad_rows_csv()
    bad_files()
    converted_copies()


if __name__ == "__main__":
    main()
