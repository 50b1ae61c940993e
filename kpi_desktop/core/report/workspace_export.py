"""Exports of a workspace selection: its facts, events, rates, targets and currency."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from kpi_desktop.core.atomic import PathLike
from kpi_desktop.core.kpi import select
from kpi_desktop.core.progress import Progress
from kpi_desktop.core.report.csv_export import write_csv
from kpi_desktop.core.report.data import campaign_table
from kpi_desktop.core.report.workbook import step, write_xlsx

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace


def workspace_selection(
    ws: Workspace,
    *,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The workspace's facts and event users filtered by campaign/channel, not by date."""
    facts = ws.facts()
    events = ws.events()
    if campaigns is not None or channels is not None:
        facts = facts[select(facts, campaigns=campaigns, channels=channels).to_numpy()]
        if events is not None:
            events = events[select(events, campaigns=campaigns, channels=channels).to_numpy()]
    return facts, events


def campaign_names(ws: Workspace) -> dict[str, str]:
    """Campaign key -> the name the workspace shows (as the app, the PDF and the CLI do)."""
    names = ws.campaigns()["display_name"]
    return {str(key): str(name) for key, name in names.items() if name}


def workspace_period(
    facts: pd.DataFrame, start: object = None, end: object = None
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The inclusive report period; an open end is closed by the data's first/last day."""
    if start is None and end is None:
        return None
    dates = facts["date"].dropna() if "date" in facts else pd.Series(dtype="datetime64[ns]")
    first = pd.Timestamp(start) if start is not None else (dates.min() if len(dates) else None)
    last = pd.Timestamp(end) if end is not None else (dates.max() if len(dates) else None)
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return None
    return first.normalize(), last.normalize()


def workspace_filter_text(
    ws: Workspace,
    *,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
) -> str:
    """The campaign/channel filter in words: `Campaigns: Autumn Sale · all channels`."""
    if campaigns is None:
        parts = ["all campaigns"]
    else:
        names = ws.campaigns()["display_name"]
        shown = [str(names.get(key, key)) for key in campaigns]
        parts = [f"Campaigns: {', '.join(shown)}" if shown else "no campaigns"]
    if channels is None:
        parts.append("all channels")
    else:
        parts.append(f"Channels: {', '.join(channels)}" if channels else "no channels")
    return " · ".join(parts)


def export_workspace_xlsx(
    ws: Workspace,
    path: PathLike,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    title: str | None = None,
    filters_text: str | None = None,
    progress: Progress | None = None,
) -> None:
    """`write_xlsx` over a workspace: its facts, events, rates, targets and currency.

    Args:
        ws: the workspace (`core.workspace.Workspace`).
        path: the .xlsx file (replaced atomically).
        start: first day of the period (None with `end` None: all dates).
        end: last day of the period; an open end is closed by the data's range.
        campaigns: canonical campaign keys to keep (None: all).
        channels: channels to keep (None: all).
        title: report title; by default "KPI report".
        filters_text: the filter in words (the UI passes the filter bar's summary).
        progress: reports fractions; its cancellation stops the export.
    """
    facts, events = workspace_selection(ws, campaigns=campaigns, channels=channels)
    write_xlsx(
        path,
        facts,
        title=title or "KPI report",
        filters_text=filters_text
        or workspace_filter_text(ws, campaigns=campaigns, channels=channels),
        period=workspace_period(facts, start, end),
        events=events,
        fx=ws.fx(),
        targets=ws.targets().get(None, {}),
        currency=ws.reporting_currency,
        campaign_names=campaign_names(ws),
        progress=progress,
    )


def export_workspace_csv(
    ws: Workspace,
    path: PathLike,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> None:
    """The campaign table over the selection as CSV (`write_csv`: BOM, escaped, atomic)."""
    step(progress, 0.0, "Summarising")
    result = ws.report("campaign", start=start, end=end, campaigns=campaigns, channels=channels)
    step(progress, 0.6, "Writing")
    table = campaign_table(result, ws.reporting_currency, campaign_names(ws))
    write_csv(path, table, index=False)
    step(progress, 1.0, "Done")
