"""Undo/redo: a QUndoCommand adapter over the core's Qt-free command objects.

A core command has `text`, `do(workspace) -> Changes` and `undo(workspace) -> Changes`,
and optionally `id` (commands with the same id may merge) and `merge_with(other) -> bool`
(edits to one cell merge into one undo step). The one QUndoStack lives in the session
(`ui/session.py`). `Batch` / `one_step` make several core commands one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Changes, Workspace


class CoreCommand(Protocol):
    text: str

    def do(self, ws: Workspace) -> Changes: ...

    def undo(self, ws: Workspace) -> Changes: ...


class Batch:
    """Several core commands as one undo step (a paste, a multi-cell revert or delete)."""

    id = -1

    def __init__(self, text: str, commands: Sequence[CoreCommand]) -> None:
        self.text = text
        self.commands = list(commands)

    def do(self, ws: Workspace) -> Changes:
        from kpi_desktop.core.workspace import NO_CHANGES

        changes = NO_CHANGES
        for command in self.commands:
            changes = changes.merge(command.do(ws))
        return changes

    def undo(self, ws: Workspace) -> Changes:
        from kpi_desktop.core.workspace import NO_CHANGES

        changes = NO_CHANGES
        for command in reversed(self.commands):
            changes = changes.merge(command.undo(ws))
        return changes


def one_step(commands: Sequence[CoreCommand], text: str) -> CoreCommand | None:
    """The single command, or a `Batch` of several, or None."""
    if not commands:
        return None
    if len(commands) == 1:
        return commands[0]
    return Batch(text, commands)


ChangesSink = Callable[["Changes"], object]
ErrorSink = Callable[[BaseException], object]

_ids: dict[object, int] = {}


def _qt_id(command: object) -> int:
    """A stable int for a core command's merge id (Qt needs an int, core may use a str)."""
    key = getattr(command, "id", None)
    if key is None or key == -1:
        return -1
    if isinstance(key, int) and key >= 0:
        return key
    return _ids.setdefault(key, 1_000_000 + len(_ids))


class UndoCommand(QUndoCommand):
    """Wraps one core command; redo/undo apply it and pass its `Changes` to the window.

    A command that raises a core error on its first `do` is marked obsolete, so Qt drops
    it from the stack, and the error goes to `on_error` (a dialog) rather than escaping.
    """

    def __init__(
        self,
        command: CoreCommand,
        workspace: Workspace,
        on_changes: ChangesSink,
        on_error: ErrorSink | None = None,
    ) -> None:
        super().__init__(str(getattr(command, "text", "Edit")))
        self.command = command
        self._workspace = workspace
        self._on_changes = on_changes
        self._on_error = on_error
        self._id = _qt_id(command)

    def redo(self) -> None:
        self._apply(self.command.do)

    def undo(self) -> None:
        self._apply(self.command.undo)

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        merge: Any = getattr(self.command, "merge_with", None)
        if merge is None or not isinstance(other, UndoCommand):
            return False
        if not merge(other.command):
            return False
        self.setText(str(getattr(self.command, "text", self.text())))
        return True

    def _apply(self, step: Callable[[Workspace], Changes]) -> None:
        try:
            changes = step(self._workspace)
        except ValueError as exc:  # WorkspaceError and friends: user-facing, not a crash
            # Qt cannot refuse an undo: its index moves whatever we do. Dropping the step
            # is the safe answer: a first `do` that fails changed nothing; an undo that
            # fails leaves its effect in place, and a later redo must not apply it twice.
            self.setObsolete(True)
            if self._on_error is None:
                raise
            self._on_error(exc)
            return
        self._on_changes(changes)
