"""The UTM tab (DESIGN 6): link form with QR code, bulk table, history, links vs data."""

from kpi_desktop.ui.tabs.utm.tab import UtmTab

__all__ = ["UtmTab"]
