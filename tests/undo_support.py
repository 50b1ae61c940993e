"""A Qt-free undo stack with QUndoStack's push/merge rules, for core tests.

The application has one undo stack (the session's QUndoStack); core tests, which never
import Qt, drive commands through this stand-in.
"""

from __future__ import annotations

from kpi_desktop.core.commands import Command
from kpi_desktop.core.workspace import NO_CHANGES, Changes, Workspace


class CommandStack:
    """A minimal undo stack with QUndoStack's push/merge rules, for tests and the CLI."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.done: list[Command] = []
        self.redoable: list[Command] = []

    def push(self, command: Command) -> Changes:
        """Do `command`; merge it into the previous one when both agree."""
        changes = command.do(self.ws)
        self.redoable.clear()
        top = self.done[-1] if self.done else None
        if top is not None and command.id >= 0 and top.id == command.id and top.merge_with(command):
            return changes
        self.done.append(command)
        return changes

    def undo(self) -> Changes:
        """Undo the last command (nothing when there is none)."""
        if not self.done:
            return NO_CHANGES
        command = self.done.pop()
        self.redoable.append(command)
        return command.undo(self.ws)

    def redo(self) -> Changes:
        """Redo the last undone command."""
        if not self.redoable:
            return NO_CHANGES
        command = self.redoable.pop()
        self.done.append(command)
        return command.do(self.ws)
