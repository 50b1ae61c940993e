"""The UTM package's one way to replace a file: write a temporary sibling, then rename."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def write_via_temp(target: Path, write: Callable[[Path], object]) -> None:
    """Call `write` on a hidden temporary file next to `target`, then move it over `target`.

    A failure while writing leaves `target` as it was.
    """
    tmp = target.with_name(f".{target.name}.tmp")
    write(tmp)
    tmp.replace(target)
