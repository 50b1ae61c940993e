"""Write the overlapping-import fixtures of this folder (run from the repository root).

Meta Ads Manager CSV exports in the layout of ../meta_ads.csv (one row per campaign and
day, with the account summary row first), and one Google Ads export in the layout of
../google_ads.csv. Values are made up; the overlap days (Jan 10-20) deliberately differ
between the two Meta exports, as when a platform revises its figures.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

HERE = Path(__file__).parent
META_HEADER = [
    "Reporting starts", "Reporting ends", "Campaign name", "Campaign ID", "Day",
    "Campaign delivery", "Results", "Result indicator", "Cost per results",
    "Amount spent (USD)", "Impressions", "Reach", "Link clicks",
    "CPC (cost per link click) (USD)", "CTR (link click-through rate)",
    "Messaging conversations started", "Purchases", "Purchases conversion value",
]  # fmt: skip
WINTER = ("Winter Sale 2025 – Messenger", "120210000000000011")
BRAND = ("Brand Awareness Q1", "120210000000000012")
INDICATOR = "actions:onsite_conversion.messaging_conversation_started_7d"


def day(n: int) -> dt.date:
    return dt.date(2025, 1, n)


def meta_row(camp: tuple[str, str], n: int, revised: bool, start: int, end: int) -> list[str]:
    """One campaign-day: `revised` is the later export's (different) figures."""
    spend = 40 + n * 2.5 + (7.25 if revised else 0)
    impressions = 900 + n * 30 + (55 if revised else 0)
    clicks = 20 + n + (3 if revised else 0)
    results = 25 + n
    return [
        day(start).isoformat(), day(end).isoformat(), camp[0], camp[1], day(n).isoformat(),
        "active", str(results), INDICATOR, f"{spend / results:.2f}", f"{spend:.2f}",
        str(impressions), str(impressions - 200), str(clicks), f"{spend / clicks:.2f}",
        f"{clicks / impressions * 100:.2f}", str(results), "", "",
    ]  # fmt: skip


def write_meta(
    name: str, rows: list[tuple[tuple[str, str], int, bool]], start: int, end: int
) -> None:
    body = [meta_row(camp, n, revised, start, end) for camp, n, revised in rows]
    spent = sum(float(r[9]) for r in body)
    impressions = sum(int(r[10]) for r in body)
    clicks = sum(int(r[12]) for r in body)
    results = sum(int(r[6]) for r in body)
    summary = [
        day(start).isoformat(), day(end).isoformat(), "", "", "", "", str(results), "", "",
        f"{spent:.2f}", str(impressions), "", str(clicks), "", "", str(results), "", "",
    ]  # fmt: skip
    with (HERE / name).open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(META_HEADER)
        writer.writerow(summary)
        writer.writerows(body)


def write_google(name: str) -> None:
    lines = ["Campaign report", '"January 10, 2025 - January 12, 2025"']
    lines.append(
        "Campaign state,Campaign,Campaign ID,Day,Campaign type,Currency code,Impr.,Clicks,"
        "CTR,Avg. CPC,Cost,Conversions,Cost / conv.,Conv. rate,Conv. value,Conv. value / cost"
    )
    for n, cost in ((10, 100.0), (11, 110.0), (12, 120.0)):
        lines.append(
            f"Enabled,{WINTER[0]},21000000011,{day(n).isoformat()},Search,USD,1000,50,5.00%,"
            f"{cost / 50:.2f},{cost:.2f},1.00,{cost:.2f},2.00%,50.00,0.50"
        )
    lines.append(
        "Total: Campaigns,--,--,--,--,USD,3000,150,5.00%,2.20,330.00,3.00,110.00,2.00%,150.00,0.45"
    )
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    early = [(c, n, False) for c in (WINTER, BRAND) for n in range(1, 21)]
    late = [(WINTER, n, True) for n in range(10, 32)]  # Brand Awareness ended on Jan 20
    write_meta("meta_jan_1_20.csv", early, 1, 20)
    write_meta("meta_jan_10_31.csv", late, 10, 31)
    # One export of the whole month: what the two above must add up to.
    union = [(WINTER, n, n >= 10) for n in range(1, 32)] + [(BRAND, n, False) for n in range(1, 21)]
    write_meta("meta_jan_union.csv", union, 1, 31)
    # The same figures exported again (campaigns in another order): a different file.
    again = [(c, n, False) for c in (BRAND, WINTER) for n in range(1, 21)]
    write_meta("meta_jan_1_20_again.csv", again, 1, 20)
    write_google("google_ads_jan_10_12.csv")


if __name__ == "__main__":
    main()
