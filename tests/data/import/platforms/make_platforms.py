"""Write the ad platform fixtures in each export's layout (sources: ../README.md).

Run `python tests/data/import/platforms/make_platforms.py` from the repository root; the
files are committed so that tests never depend on this script. Made-up figures, small
enough to check the expected totals by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent


def write_csv(name: str, rows: list[list[object]], bom: bool = False) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode())


def tiktok() -> None:
    """TikTok Ads Manager custom report (by day), exported as .xlsx; a `Total` row last."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    ws.append(
        [
            "Campaign name",
            "Campaign ID",
            "Date",
            "Currency",
            "Cost",
            "Impressions",
            "Clicks (destination)",
            "CTR (destination)",
            "CPC (destination)",
            "Conversions",
            "Cost per conversion",
            "Complete payment",
            "Total complete payment value",
        ]
    )
    rows = [
        ("Spring Sale TT", "2025-03-03", 40, 5000, 60, 3, 2, 150),
        ("Spring Sale TT", "2025-03-04", 50, 6000, 80, 4, 3, 210),
        ("Spring Sale TT", "2025-03-05", 30, 4000, 40, 2, 1, 90),
        ("Creators Q1", "2025-03-03", 25, 3500, 20, 0, 0, 0),
        ("Creators Q1", "2025-03-04", 35, 4500, 30, 1, 1, 45),
    ]
    for name, day, cost, impr, clicks, conv, pay, value in rows:
        cid = "1790000000000001" if name.startswith("Spring") else "1790000000000002"
        ws.append(
            [
                name,
                cid,
                day,
                "USD",
                cost,
                impr,
                clicks,
                f"{clicks / impr:.2%}",
                round(cost / clicks, 2),
                conv,
                round(cost / conv, 2) if conv else "-",
                pay,
                value,
            ]
        )
    ws.append(["Total", "-", "-", "USD", 180, 23000, 230, "1.00%", 0.78, 10, 18, 7, 495])
    wb.save(HERE / "tiktok_ads.xlsx")


LINKEDIN_HEAD = [
    "Start Date (in UTC)",
    "Account Name",
    "Currency",
    "Campaign Group Name",
    "Campaign ID",
    "Campaign Name",
    "Campaign Type",
    "Campaign Status",
    "Total Spent",
    "Impressions",
    "Clicks",
    "Click Through Rate",
    "Average CPC",
    "Conversions",
    "Post-Click Conversions",
    "View-Through Conversions",
    "Conversion Rate",
    "Cost per Conversion",
    "Total Conversion Value",
    "Return on Ad Spend",
    "Leads",
    "Lead Form Opens",
    "Cost per Lead",
]


def linkedin() -> None:
    """Campaign Manager's campaign performance CSV: four preamble lines, US dates."""
    preamble: list[list[object]] = [
        ["Campaign Performance Report (in UTC)"],
        ["Report Start: 3/3/2025, 12:00 AM"],
        ["Report End: 3/5/2025, 11:59 PM"],
        ["Date Generated: 3/6/2025, 9:15 AM"],
    ]
    data = [
        ("3/3/2025", "Webinar Leads", "Sponsored Content", 120.5, 4000, 40, 2, 1, 1, 200, 9),
        ("3/4/2025", "Webinar Leads", "Sponsored Content", 99.5, 3500, 35, 3, 2, 1, 300, 7),
        ("3/5/2025", "Webinar Leads", "Sponsored Content", 80, 3000, 25, 1, 1, 0, 100, 5),
        ("3/3/2025", "Brand Always-On", "Text Ad", 30, 9000, 15, "", "", "", "", 0),
        ("3/4/2025", "Brand Always-On", "Text Ad", 20, 8000, 10, 0, 0, 0, 0, 0),
    ]
    rows: list[list[object]] = []
    for day, name, kind, spent, impr, clicks, conv, post, view, value, leads in data:
        cid = "512345678" if name.startswith("Webinar") else "512345679"
        conv_rate = f"{conv / clicks:.2%}" if conv != "" else ""
        rows.append(
            [
                day,
                "Northwind B2B",
                "EUR",
                "Q1 Demand",
                cid,
                name,
                kind,
                "ACTIVE",
                spent,
                impr,
                clicks,
                f"{clicks / impr:.2%}",
                round(spent / clicks, 2),
                conv,
                post,
                view,
                conv_rate,
                round(spent / conv, 2) if conv else "",
                value,
                round(value / spent, 2) if value != "" else "",
                leads,
                leads * 3,
                round(spent / leads, 2) if leads else "",
            ]
        )
    write_csv("linkedin_ads.csv", [*preamble, LINKEDIN_HEAD, *rows])


def microsoft() -> None:
    """Microsoft Advertising campaign report download: the report header lines, a
    blank line, the table, a `Total` row and the copyright footer."""
    preamble: list[list[object]] = [
        ["Report Name: Campaign report"],
        ["Report Time: 3/3/2025 - 3/5/2025"],
        ["Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana"],
        ["Last Completed Available Day: 3/6/2025 5:00:00 AM (GMT)"],
        ["Last Completed Available Hour: 3/6/2025 5:00:00 AM (GMT)"],
        ["Report Aggregation: Daily"],
        ["Report Filter: "],
        ["Potential Incomplete Data: false"],
        ["Rows: 5"],
        [],
    ]
    head = [
        "Date",
        "Account name",
        "Campaign name",
        "Campaign ID",
        "Currency code",
        "Impr.",
        "Clicks",
        "CTR",
        "Avg. CPC",
        "Spend",
        "Conv.",
        "Conv. rate",
        "Revenue",
    ]
    data = [
        ("3/3/2025", "Brand Search", 1200, 60, 30.0, 3, 180.0),
        ("3/4/2025", "Brand Search", 1400, 70, 35.5, 4, 240.0),
        ("3/5/2025", "Brand Search", 1000, 50, 24.5, 2, 120.0),
        ("3/3/2025", "Generic Search", 2500, 40, 48.0, 1, 60.0),
        ("3/4/2025", "Generic Search", 2100, 30, 42.0, 0, 0.0),
    ]
    rows: list[list[object]] = []
    for day, name, impr, clicks, spend, conv, revenue in data:
        cid = "410000001" if name.startswith("Brand") else "410000002"
        rows.append(
            [
                day,
                "Contoso Shop",
                name,
                cid,
                "USD",
                f"{impr:,}",
                clicks,
                f"{clicks / impr:.2%}",
                f"{spend / clicks:.2f}",
                f"{spend:.2f}",
                conv,
                f"{conv / clicks:.2%}",
                f"{revenue:.2f}",
            ]
        )
    total = [
        "Total",
        "",
        "",
        "",
        "",
        "8,200",
        250,
        "3.05%",
        "0.72",
        "180.00",
        10,
        "4.00%",
        "600.00",
    ]
    footer = [[], ["©2025 Microsoft Corporation. All rights reserved. "]]
    write_csv("microsoft_ads.csv", [*preamble, head, *rows, total, *footer], bom=True)


def pinterest() -> None:
    """Pinterest Ads Manager reporting export (campaigns by day)."""
    head = [
        "Campaign name",
        "Campaign ID",
        "Campaign status",
        "Date",
        "Spend in account currency",
        "Impressions",
        "Pin clicks",
        "Outbound clicks",
        "CTR",
        "Total conversions",
        "Total conversion value",
        "Total ROAS",
    ]
    data = [
        ("Home Decor Spring", "2025-03-03", 22.0, 3000, 45, 30, 2, 80.0),
        ("Home Decor Spring", "2025-03-04", 28.0, 3600, 50, 35, 3, 130.0),
        ("Recipes Always-On", "2025-03-03", 10.0, 2000, 20, 12, 0, 0.0),
    ]
    rows: list[list[object]] = []
    for name, day, spend, impr, pin, outbound, conv, value in data:
        cid = "626000000001" if name.startswith("Home") else "626000000002"
        roas = f"{value / spend:.2f}"
        rows.append(
            [
                *(name, cid, "ACTIVE", day, spend, impr, pin, outbound),
                *(f"{pin / impr:.2%}", conv, value, roas),
            ]
        )
    write_csv("pinterest_ads.csv", [head, *rows])


def snapchat() -> None:
    """Snapchat Ads Manager campaign export, one row per day (Start / End time)."""
    head = [
        "Start time",
        "End time",
        "Campaign Name",
        "Campaign ID",
        "Status",
        "Currency",
        "Amount Spent",
        "Paid Impressions",
        "Swipe Ups",
        "Swipe Up Rate",
        "eCPSU",
        "Purchases",
        "Purchases Value",
        "Purchase ROAS",
    ]
    data = [
        ("2025-03-03", "2025-03-04", "Spring Drop", 55.0, 8000, 90, 4, 220.0),
        ("2025-03-04", "2025-03-05", "Spring Drop", 45.0, 7000, 70, 2, 110.0),
        ("2025-03-03", "2025-03-04", "AR Lens Launch", 60.0, 12000, 50, 0, 0.0),
    ]
    rows: list[list[object]] = []
    for start, end, name, spend, impr, swipes, purchases, value in data:
        cid = (
            "c0ffee00-0000-4000-8000-000000000001"
            if name.startswith("Spring")
            else ("c0ffee00-0000-4000-8000-000000000002")
        )
        rows.append(
            [
                *(start, end, name, cid, "Active", "GBP", f"{spend:.2f}", impr, swipes),
                *(f"{swipes / impr:.2%}", f"{spend / swipes:.2f}", purchases, f"{value:.2f}"),
                f"{value / spend:.2f}",
            ]
        )
    write_csv("snapchat_ads.csv", [head, *rows])


if __name__ == "__main__":
    tiktok()
    linkedin()
    microsoft()
    pinterest()
    snapchat()
