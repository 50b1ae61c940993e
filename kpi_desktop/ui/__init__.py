"""Qt user interface: main window, tabs, models, widgets, background tasks and undo.

Modules imported before the first paint (this package, `main_window`, `settings`,
`style`, `tasks`, `undo`, `errors`) import only Qt at module level; pandas and the
core arrive with the tabs, after the window is on screen.
"""
