"""Write the fixtures of real layouts beyond the five presets (issue 11, item 7).

Run `python tests/data/import/make_layouts.py`; the files are committed. Where each layout
comes from is in README.md beside this script. Numbers are small, chosen so the expected
totals can be checked by hand.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent


def write(name: str, lines: list[str], bom: bool = False) -> None:
    text = "\n".join(lines) + "\n"
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def ga4_key_events() -> None:
    """GA4 Traffic acquisition after the 2024 rename: "Key events", "Session key event rate"."""
    write(
        "ga4_key_events.csv",
        [
            "# ----------------------------------------",
            "# Traffic acquisition: Session primary channel group (Default Channel Group)",
            "# Account: Shop",
            "# Property: Shop Web",
            "# ----------------------------------------",
            "#",
            "# All Users",
            "# Start date: 20250303",
            "# End date: 20250305",
            "Session campaign,Session source / medium,Sessions,Engaged sessions,Engagement rate,"
            "Average engagement time per session,Events per session,Event count,Key events,"
            "Session key event rate,User key event rate,Total revenue",
            ",,1480,1000,0.6756756757,45.2,5.1,7548,37,0.025,0.031,1850",
            "spring_sale_2025,messenger / chatbot,800,560,0.7,50.1,5.2,4160,20,0.025,0.03,1000",
            "summer_bot_launch,messenger / chatbot,400,280,0.7,40,5,2000,12,0.03,0.035,600",
            "(direct),(direct) / (none),280,160,0.5714285714,30,4.9,1388,5,0.0178571429,0.02,250",
        ],
    )


def google_ads_conv_value() -> None:
    """Google Ads campaign report with "Conv. value" and its decoys "All conv." (every
    action, incl. store visits and calls) and "Conv. value / cost" (a ratio)."""
    header = (
        "Campaign status,Campaign,Campaign ID,Day,Currency code,Impr.,Clicks,Cost,Conversions,"
        "All conv.,Conv. value,All conv. value,Conv. value / cost,Cost / conv.,Value / conv."
    )
    write(
        "google_ads_conv_value.csv",
        [
            "Campaign report",
            '"March 3, 2025 - March 4, 2025"',
            header,
            'Enabled,Spring Sale 2025 – Search,21000000001,2025-03-03,USD,"4,000",200,'
            '"1,000.00",2.00,9.00,300.00,"1,150.00",0.30,500.00,150.00',
            "Enabled,Spring Sale 2025 – Search,21000000001,2025-03-04,USD,3000,150,500.00,"
            "1.50,6.50,120.00,400.00,0.24,333.33,80.00",
            "Enabled,Summer Bot Launch,21000000002,2025-03-03,USD,1000,40,250.00,0.00,3.00,"
            "0.00,90.00,0.00,--,--",
            'Total: Campaigns,,,,USD,"8,000",390,"1,750.00",3.50,18.50,420.00,"1,640.00",'
            "0.24,500.00,120.00",
            'Total: Account,,,,USD,"8,000",390,"1,750.00",3.50,18.50,420.00,"1,640.00",'
            "0.24,500.00,120.00",
        ],
    )


def bot_fallback() -> None:
    """A bot platform counting received and fallback (default-reply) messages, not matched."""
    write(
        "bot_fallback.csv",
        [
            "Conversation analytics export",
            "Bot: ShopBot (Messenger)",
            "Period: 2025-03-03 - 2025-03-04 (Europe/Berlin)",
            "",
            "Date,Campaign,Users,Interactions,Messages received,Fallback messages,"
            "Clicks to website,Fallback rate",
            "2025-03-03,spring_sale_2025,100,250,200,50,12,25%",
            "2025-03-04,spring_sale_2025,80,190,150,30,9,20%",
            "2025-03-03,summer_bot_launch,40,90,60,45,3,75%",
            "Total,,220,530,410,125,24,30.5%",
        ],
    )
    write(
        "bot_fallback_no_received.csv",
        [
            "Date,Campaign,Users,Interactions,Default replies",
            "2025-03-03,spring_sale_2025,100,250,50",
            "2025-03-04,spring_sale_2025,80,190,30",
        ],
    )


def tracker_mixed() -> None:
    """A hand-made tracker: bot counts, spend, visitors and revenue in one sheet, at B3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tracker"
    ws["B1"] = "Chatbot campaign tracker – March 2025"
    rows: list[list[object]] = [
        [
            "Date",
            "Campaign",
            "Users",
            "Interactions",
            "Clicks to website",
            "Messages received",
            "Unmatched messages",
            "Spend (EUR)",
            "Agency fees",
            "Visitors",
            "Orders",
            "Revenue (EUR)",
            "Notes",
        ],
        ["2025-03-03", "Spring Sale", 100, 250, 12, 200, 50, 80.5, 20, 90, 4, 200, "launch"],
        ["2025-03-04", "Spring Sale", 80, 190, 9, 150, 30, 60, 20, 70, 3, 150.5, ""],
        ["2025-03-03", "Summer Bot", 40, 90, 3, 60, 45, 25, 0, 20, 1, 40, "test"],
        ["Total", None, 220, 530, 24, 410, 125, 165.5, 40, 180, 8, 390.5, None],
    ]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=2):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    wb.save(HERE / "tracker_mixed.xlsx")


def german_exports() -> None:
    """GA4 and Meta Ads Manager downloaded from the German interface."""
    write(
        "ga4_de.csv",
        [
            "# ----------------------------------------",
            "# Akquisition von Traffic: Sitzungskampagne",
            "# Konto: Shop",
            "# Property: Shop Web",
            "# ----------------------------------------",
            "#",
            "# Alle Nutzer",
            "# Startdatum: 20250303",
            "# Enddatum: 20250305",
            "Sitzungskampagne,Sitzungsquelle/-medium,Sitzungen,Sitzungen mit Interaktionen,"
            "Interaktionsrate,Schlüsselereignisse,Rate der Schlüsselereignisse der Sitzung,"
            "Gesamtumsatz",
            ",,1400,1000,0.7142857143,33,0.0235714286,1750.5",
            "spring_sale_2025,messenger / chatbot,1000,700,0.7,25,0.025,1500.5",
            "(direct),(direct) / (none),400,300,0.75,8,0.02,250",
        ],
    )
    header = (
        '"Berichtsbeginn","Berichtsende","Name der Kampagne","Tag","Auslieferung der Kampagne",'
        '"Ergebnisse","Ergebnisindikator","Kosten pro Ergebnis","Ausgegebener Betrag (EUR)",'
        '"Impressionen","Reichweite","Link-Klicks","Käufe","Conversion-Wert für Käufe"'
    )
    write(
        "meta_ads_de.csv",
        [
            header,
            "2025-03-03,2025-03-04,,,,110,,1.5,165.5,2500,1800,75,3,180",
            '2025-03-03,2025-03-04,"Spring Sale",2025-03-03,active,50,'
            "actions:onsite_conversion.messaging_conversation_started_7d,1.6,80.5,1000,800,"
            "40,2,120",
            '2025-03-03,2025-03-04,"Spring Sale",2025-03-04,active,60,'
            "actions:onsite_conversion.messaging_conversation_started_7d,1.43,85,1500,1000,"
            "35,1,60",
        ],
        bom=True,
    )


def main() -> None:
    ga4_key_events()
    google_ads_conv_value()
    bot_fallback()
    tracker_mixed()
    german_exports()


if __name__ == "__main__":
    main()
