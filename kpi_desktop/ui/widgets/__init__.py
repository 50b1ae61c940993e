"""Small reusable widgets (KPI cards and the like)."""
