"""Building QActions the same way everywhere: object name, tips, shortcuts and icon."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


def standard_keys(key: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    """The platform's keys for `key`, or `fallback` where the platform has none."""
    keys = QKeySequence.keyBindings(key)
    return keys or [QKeySequence(fallback)]


def make_action(
    owner: QWidget,
    name: str,
    text: str,
    tip: str,
    slot: Callable[..., Any] | None = None,
    keys: list[QKeySequence] | None = None,
    icon: QStyle.StandardPixmap | None = None,
) -> QAction:
    """An action named `name` (DESIGN section 9), added to `owner` so its keys work there.

    The tooltip names the first shortcut; `icon` is one of the style's standard pixmaps.
    """
    action = QAction(text, owner)
    action.setObjectName(name)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if keys:
        action.setShortcuts(keys)
        action.setToolTip(f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})")
    if icon is not None:
        action.setIcon(owner.style().standardIcon(icon))
    if slot is not None:
        action.triggered.connect(slot)
    owner.addAction(action)
    return action
