"""Typed access to the user's settings (QSettings), so keys and types live in one place."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT_FILES = 8


class Settings:
    """Typed wrapper over `QSettings`; every read passes `type=` so values round-trip.

    Args:
        store: the QSettings to use; by default the application's (organisation and
            application names come from `QCoreApplication`).
    """

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()

    @property
    def store(self) -> QSettings:
        return self._store

    def sync(self) -> None:
        self._store.sync()

    # -- main window ----------------------------------------------------------------
    @property
    def window_geometry(self) -> QByteArray:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._store.setValue("window/state", value)

    @property
    def current_tab(self) -> str:
        return str(self._store.value("window/current_tab", "", type=str))

    @current_tab.setter
    def current_tab(self, object_name: str) -> None:
        self._store.setValue("window/current_tab", object_name)

    # -- files ------------------------------------------------------------------------
    @property
    def recent_files(self) -> list[str]:
        # `type=list` makes Qt return a list (typed `object` in PySide6's stubs).
        value = cast("list[object] | None", self._store.value("files/recent", [], type=list))
        return [str(v) for v in value or [] if v]

    def add_recent_file(self, path: str) -> None:
        files = [path, *(f for f in self.recent_files if f != path)]
        self._store.setValue("files/recent", files[:MAX_RECENT_FILES])

    def clear_recent_files(self) -> None:
        self._store.setValue("files/recent", [])

    @property
    def last_directory(self) -> str:
        return str(self._store.value("files/last_directory", "", type=str))

    @last_directory.setter
    def last_directory(self, path: str) -> None:
        self._store.setValue("files/last_directory", path)

    def _bytes(self, key: str) -> QByteArray:
        value = self._store.value(key, QByteArray(), type=QByteArray)
        return value if isinstance(value, QByteArray) else QByteArray()
