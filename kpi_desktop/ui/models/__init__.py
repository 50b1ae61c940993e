"""Qt item models over core data (KPI reports, facts)."""
