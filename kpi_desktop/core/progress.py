"""Progress reporting and cancellation for long core work, without any Qt.

Long work is a plain function `fn(inputs, progress: Progress) -> Result`. The UI passes an
object whose `report` forwards to a signal and whose `cancelled` turns true when the user
presses Cancel; tests and the command line pass `NullProgress()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable


class Cancelled(Exception):  # noqa: N818 - reads as "the work was cancelled", like asyncio's
    """Raised by the work itself when it sees `progress.cancelled`; nothing was changed."""


@runtime_checkable
class Progress(Protocol):
    """What long work may call: report a fraction 0..1 and look whether to stop."""

    def report(self, fraction: float, message: str = "") -> None: ...

    @property
    def cancelled(self) -> bool: ...


class NullProgress:
    """Progress that goes nowhere and is never cancelled."""

    def report(self, fraction: float, message: str = "") -> None:
        """Ignore the report."""

    @property
    def cancelled(self) -> bool:
        return False


class CallbackProgress:
    """Progress forwarded to a callback, cancellable from another thread.

    Reports are clamped to 0..1 and never go backwards, so a bar does not jump back when
    a sub-step restarts its own count.
    """

    def __init__(self, callback: Callable[[float, str], None] | None = None) -> None:
        self._callback = callback
        self._event = threading.Event()
        self.fraction = 0.0
        self.message = ""

    def report(self, fraction: float, message: str = "") -> None:
        fraction = min(max(float(fraction), self.fraction), 1.0)
        self.fraction = fraction
        if message:
            self.message = message
        if self._callback is not None:
            self._callback(fraction, message)

    def cancel(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class SubProgress:
    """A slice [start, end] of a parent progress, for one step of a longer job."""

    def __init__(self, parent: Progress, start: float, end: float) -> None:
        self._parent = parent
        self._start = start
        self._span = end - start

    def report(self, fraction: float, message: str = "") -> None:
        clamped = min(max(float(fraction), 0.0), 1.0)
        self._parent.report(self._start + self._span * clamped, message)

    @property
    def cancelled(self) -> bool:
        return self._parent.cancelled


def check(progress: Progress, fraction: float | None = None, message: str = "") -> None:
    """Report (when a fraction is given) and raise `Cancelled` when the user asked to stop."""
    if fraction is not None:
        progress.report(fraction, message)
    if progress.cancelled:
        raise Cancelled("cancelled")
