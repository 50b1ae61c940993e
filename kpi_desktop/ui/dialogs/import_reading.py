"""Reading files for the import dialog on a pool thread: per-file state, reader, failures.

Nothing here touches a widget: `read_file` runs on the pool thread and hands back a value
(`ReadResult`, or a `ReadFailure` carrying the message only), which the dialog shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpi_desktop.core.io.result import ImportResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadResult:
    """A file read for the preview, and whether a remembered mapping was applied."""

    result: ImportResult
    remembered: bool


def read_file(
    path: Path,
    sheet: str | None,
    mapping: Mapping[str, str | None] | None,
    signature: str | None,
    remembered: Mapping[str, Mapping[str, str | None]],
    *,
    progress: Any,
) -> ReadResult:
    """Import one file for the preview (pool thread, no Qt): with the user's mapping,
    else with the one remembered for its layout."""
    from kpi_desktop.core.io.importer import ImportOptions, import_file

    options = ImportOptions(
        sheet=sheet, mapping=dict(mapping) if mapping else None, layout_signature=signature
    )
    result = import_file(path, options, progress)
    if mapping is None:
        saved = remembered.get(result.layout_signature)
        if saved and dict(saved) != result.mapping:
            again = ImportOptions(
                sheet=result.sheet, mapping=dict(saved), layout_signature=result.layout_signature
            )
            return ReadResult(import_file(path, again, progress), remembered=True)
    return ReadResult(result, remembered=False)


@dataclass(frozen=True)
class ReadFailure:
    """A read that failed, handed back as a value (message only, no traceback frames)."""

    error: BaseException


def read_safely(reader: Callable[..., Any], *args: Any, progress: Any) -> Any:
    """Run `reader` on the pool thread; a failure comes back as a `ReadFailure` value."""
    from kpi_desktop.core.io.errors import FileUnreadable
    from kpi_desktop.core.progress import Cancelled

    try:
        return reader(*args, progress=progress)
    except Cancelled:
        raise
    except FileUnreadable as exc:
        return ReadFailure(FileUnreadable(exc.message, exc.path))
    except OSError as exc:
        return ReadFailure(OSError(exc.errno, exc.strerror))
    except Exception as exc:  # shown as one sentence in the dialog; logged in full
        log.exception("reading %s failed", args[0] if args else "a file")
        return ReadFailure(RuntimeError(str(exc)))


@dataclass
class ImportFile:
    """One file in the dialog and what is known about it."""

    path: Path
    sheet: str | None = None
    mapping: dict[str, str | None] | None = None  # the user's corrections, all columns
    edited: bool = False
    remembered: bool = False
    result: ImportResult | None = None
    error: str = ""
    state: str = "waiting"  # waiting, reading, ready, failed, cancelled
    replace_id: str | None = None
    replace: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return (
            self.state == "ready" and self.result is not None and any(self.result.mapping.values())
        )
