"""KPI Desk: offline desktop app for chatbot-marketing KPIs."""

__version__ = "0.1.0"
APP_NAME = "KPI Desk"
ORG_NAME = "KPI Desk"
