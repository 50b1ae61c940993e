"""Qt-free core: schema, KPIs, import, workspace, UTM, analysis and reports."""
