"""The one way to run work off the UI thread: `run_task` on the global QThreadPool.

Workers never touch widgets: the function runs in a pool thread and gets a progress
object (the core `Progress` protocol: `report(fraction, message="")`, `cancelled`);
its result or exception comes back as a queued signal on the UI thread.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kpi_desktop.core.progress import CallbackProgress, Cancelled

#: Minimum seconds between two progress signals (the last report always goes through).
PROGRESS_INTERVAL = 0.05


class TaskSignals(QObject):
    """Signals of one task; they live on the UI thread and are emitted from the worker."""

    #: fraction 0..1 and a message, throttled to PROGRESS_INTERVAL.
    progress = Signal(float, str)
    #: the function's return value.
    done = Signal(object)
    #: the exception it raised (with `__traceback_text__` set), not for cancellations.
    failed = Signal(object)
    #: the task stopped because it was cancelled.
    cancelled = Signal()
    #: emitted last in every case.
    finished = Signal()


class TaskProgress(CallbackProgress):
    """The core progress for a task: reports become throttled `progress` signals."""

    def __init__(self, signals: TaskSignals, interval: float = PROGRESS_INTERVAL) -> None:
        super().__init__(self._forward)
        self._signals = signals
        self._interval = interval
        self._last = 0.0

    def _forward(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last >= self._interval:
            self._last = now
            self._signals.progress.emit(fraction, message)


class TaskHandle:
    """A running task: its signals and a way to cancel it."""

    def __init__(self, signals: TaskSignals, progress: TaskProgress) -> None:
        self.signals = signals
        self.progress = progress
        self.is_running = True

    def cancel(self) -> None:
        self.progress.cancel()


_running: set[TaskHandle] = set()  # keeps signals alive until the task has finished


class _Runnable(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        handle: TaskHandle,
    ) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self._handle = handle

    def run(self) -> None:
        signals = self._handle.signals
        try:
            result = self._fn(*self._args, progress=self._handle.progress)
        except Cancelled:
            signals.cancelled.emit()
        except BaseException as exc:  # handed to the UI thread, which decides what to show
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            signals.failed.emit(exc)
        else:
            if self._handle.progress.cancelled:
                signals.cancelled.emit()
            else:
                signals.done.emit(result)
        signals.finished.emit()


def run_task(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], object] | None = None,
    on_error: Callable[[BaseException], object] | None = None,
    on_progress: Callable[[float, str], object] | None = None,
    pool: QThreadPool | None = None,
) -> TaskHandle:
    """Run `fn(*args, progress=...)` on a pool thread; callbacks run on the UI thread.

    Without `on_error`, a failure goes to `sys.excepthook` (the error dialog).
    """
    signals = TaskSignals()
    progress = TaskProgress(signals)
    handle = TaskHandle(signals, progress)
    if on_done is not None:
        signals.done.connect(on_done)
    signals.failed.connect(on_error if on_error is not None else _to_excepthook)
    if on_progress is not None:
        signals.progress.connect(on_progress)

    def finished() -> None:
        handle.is_running = False
        _running.discard(handle)

    signals.finished.connect(finished)
    _running.add(handle)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, args, handle))
    return handle


def _to_excepthook(exc: BaseException) -> None:
    sys.excepthook(type(exc), exc, exc.__traceback__)
