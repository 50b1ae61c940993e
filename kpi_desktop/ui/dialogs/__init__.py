"""Dialogs of the main window (import, …), each built in code with named widgets."""
