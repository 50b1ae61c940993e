"""Qt fixtures for UI tests: settings in a temporary folder, the sample workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings

from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.settings import Settings

if TYPE_CHECKING:
    from kpi_desktop.ui.main_window import MainWindow

# The offscreen platform cannot pass size hints to a window manager and warns whenever a
# top-level window with a layout is shown; that is the only Qt warning ignored here.
OFFSCREEN_SIZE_HINTS = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))


@pytest.fixture(autouse=True)
def settings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point every default QSettings at a fresh temporary folder (never the user's)."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("KPI Desk Tests")
    QCoreApplication.setApplicationName("KPI Desk Tests")


@pytest.fixture(autouse=True)
def english_numbers() -> object:
    """Typed numbers follow the machine's locale when a workspace sets none: pin it to
    English so the tests read the same on a German or French machine (tests of the number
    format set it explicitly)."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def empty_window(
    qtbot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """The main window on a new, empty workspace; closing it never asks to save."""
    from kpi_desktop import app as composition
    from kpi_desktop.ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "_confirm_discard", lambda _self: True)
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.set_workspace(Workspace.new(), "Untitled")
    yield window
    window.undo_stack.setClean()


@pytest.fixture(scope="session")
def sample() -> Workspace:
    """The sample workspace (read-only in tests: nothing may mutate it)."""
    return Workspace.open_sample()
