"""The one error a workspace raises for files it cannot open or save."""

from __future__ import annotations


class WorkspaceError(ValueError):
    """A workspace file that cannot be opened or saved; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
