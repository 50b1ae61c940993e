"""Start-up pieces: entry point, exception hook, background tasks, settings, screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from kpi_desktop import __main__ as entry
from kpi_desktop.core.progress import Cancelled, Progress
from kpi_desktop.ui import errors
from kpi_desktop.ui.settings import MAX_RECENT_FILES, Settings
from kpi_desktop.ui.tasks import run_task


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    """QMessageBox.exec records the box instead of blocking."""
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    return boxes


def test_excepthook_shows_a_dialog_not_a_traceback(qapp, shown, caplog) -> None:
    previous = errors.install()
    try:
        assert sys.excepthook is errors.excepthook
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert len(shown) == 1
    box = shown[0]
    assert "Something went wrong" in box.text()
    assert "RuntimeError: boom" in box.informativeText()
    assert "Traceback" in box.detailedText()
    assert "boom" in caplog.text


def test_a_core_error_shows_its_own_message(qapp, shown) -> None:
    from kpi_desktop.core.workspace import WorkspaceError

    exc = WorkspaceError("The file is not a KPI Desk workspace.")
    errors.excepthook(WorkspaceError, exc, None)
    assert shown[0].text() == "The file is not a KPI Desk workspace."


def test_run_task_returns_on_the_ui_thread(qtbot) -> None:
    threads: list[bool] = []

    def work(x: int, progress: Progress) -> int:
        threads.append(threading.current_thread() is threading.main_thread())
        progress.report(1.0, "done")
        return x * 2

    results: list[int] = []

    def done(value: int) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        results.append(value)

    handle = run_task(work, 21, on_done=done)
    # The worker may finish before a waitSignal could connect: wait on the handle.
    qtbot.waitUntil(lambda: not handle.is_running, timeout=10_000)
    assert results == [42]
    assert threads == [False, True]  # worked on a pool thread, answered on the UI thread


def test_run_task_reports_progress_and_errors(qtbot) -> None:
    def work(progress: Progress) -> None:
        progress.report(0.5, "half")
        progress.report(1.0, "all")
        raise ValueError("bad input")

    progress: list[tuple[float, str]] = []
    failures: list[BaseException] = []
    handle = run_task(
        work, on_error=failures.append, on_progress=lambda f, m: progress.append((f, m))
    )
    qtbot.waitUntil(lambda: not handle.is_running, timeout=10_000)
    assert progress[-1] == (1.0, "all")
    assert isinstance(failures[0], ValueError)
    assert "bad input" in failures[0].__traceback_text__


def test_run_task_can_be_cancelled(qtbot) -> None:
    started = threading.Event()
    release = threading.Event()

    def work(progress: Progress) -> None:
        started.set()
        release.wait(10)
        if progress.cancelled:
            raise Cancelled("stop")

    done: list[object] = []
    handle = run_task(work, on_done=done.append)
    assert started.wait(10)
    handle.cancel()
    with qtbot.waitSignal(handle.signals.cancelled, timeout=10_000):
        release.set()
    assert done == []


def test_settings_round_trip_types(settings: Settings) -> None:
    assert settings.recent_files == []
    assert settings.window_geometry.isEmpty()
    for i in range(MAX_RECENT_FILES + 2):
        settings.add_recent_file(f"/tmp/{i}.kpidesk")
    settings.add_recent_file("/tmp/3.kpidesk")
    files = settings.recent_files
    assert files[0] == "/tmp/3.kpidesk"
    assert len(files) == MAX_RECENT_FILES
    assert files.count("/tmp/3.kpidesk") == 1
    settings.last_directory = "/tmp"
    settings.current_tab = "tab_campaigns"
    assert (settings.last_directory, settings.current_tab) == ("/tmp", "tab_campaigns")


def test_headless_commands_go_to_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    import kpi_desktop.cli

    seen: list[list[str]] = []
    monkeypatch.setattr(kpi_desktop.cli, "run", lambda argv: seen.append(list(argv)) or 0)
    assert entry.main(["utm", "https://example.com", "--source", "s"]) == 0
    assert seen == [["utm", "https://example.com", "--source", "s"]]


def test_screenshots_writes_a_png_per_tab_and_dialog(qapp, tmp_path: Path, capsys) -> None:
    out = tmp_path / "shots"
    assert entry.main(["--screenshots", str(out)]) == 0
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == [
        "dialog_about.png",
        "dialog_currency.png",
        "dialog_export.png",
        "dialog_import.png",
        "dialog_shortcuts.png",
        "dialog_targets.png",
        "tab_campaigns.png",
        "tab_charts.png",
        "tab_dashboard.png",
        "tab_utm.png",
    ]
    image = QImage(str(out / "tab_dashboard.png"))
    assert (image.width(), image.height()) == (1366, 860)
    assert all((out / n).stat().st_size > 5_000 for n in names)
    assert "tab_campaigns.png" in capsys.readouterr().out


def test_the_screenshot_import_example_ships_in_the_package() -> None:
    from importlib.resources import as_file

    from kpi_desktop.core.io.importer import import_file
    from kpi_desktop.screenshots import IMPORT_SAMPLE

    with as_file(IMPORT_SAMPLE) as sample:
        result = import_file(sample)
    assert result.preset == "meta_ads"
    assert not result.facts.empty


def test_screenshots_of_a_missing_workspace_fail_cleanly(qapp, tmp_path: Path, capsys) -> None:
    assert entry.main(["--screenshots", str(tmp_path), str(tmp_path / "nope.kpidesk")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kpi-desktop: ")
    assert "Traceback" not in err


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_window_shell_does_not_import_pandas() -> None:
    done = _run(
        "import sys; import kpi_desktop.__main__, kpi_desktop.app, kpi_desktop.ui.main_window;"
        "print(sorted(m for m in ('pandas', 'pyqtgraph', 'kpi_desktop.core.kpi')"
        " if m in sys.modules))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_exit_after_paint_prints_the_start_up_time(tmp_path: Path) -> None:
    done = _run(
        "import sys; from kpi_desktop.__main__ import main; sys.exit(main([]))",
        KPI_DESKTOP_EXIT_AFTER_PAINT="1",
        XDG_CONFIG_HOME=str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("first_paint_s=")
    assert float(done.stdout.split("=")[1]) > 0
