"""Render every tab of the main window and its main dialogs to PNG files (docs, reviews)."""

from __future__ import annotations

import tempfile
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QWidget

from kpi_desktop import app as composition
from kpi_desktop.ui.dialogs.help import about_dialog, shortcuts_dialog
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings

WINDOW_SIZE = (1366, 860)


def render_screenshots(out_dir: Path, workspace: Path | None = None) -> list[Path]:
    """Write `<tab objectName>.png` for each tab and `dialog_*.png`; returns the paths.

    Uses throw-away settings so that a screenshot run never moves the user's window.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat))
        window = composition.create_window(settings)
        window.resize(*WINDOW_SIZE)
        window.show()
        ws, name = composition.open_workspace(workspace)
        session = window.session
        session.set_workspace(ws, name, sample=workspace is None)
        _fill_utm_demo(window)
        # Demo state only: the run saves nothing, closing must not ask to, and no other
        # tab should show "Undo Add 3 bulk rows" in its toolbar.
        session.undo_stack.clear()
        for index in range(window.tabs_main.count()):
            window.tabs_main.setCurrentIndex(index)
            tab = window.tabs_main.widget(index)
            assert tab is not None  # index < count()
            written.append(_save(window, out_dir / f"{tab.objectName()}.png"))
        ws.dirty = False
        from kpi_desktop.ui.dialogs.export import ExportDialog, request_from_session

        export = ExportDialog(ws, request_from_session(session), folder=tmp, parent=window)
        for dialog in (about_dialog(window), shortcuts_dialog(window), export):
            dialog.show()
            written.append(_save(dialog, out_dir / f"{dialog.objectName()}.png"))
            dialog.close()
        written.append(_import_dialog(window, out_dir))
        from kpi_desktop.ui.dialogs.currency import CurrencyDialog
        from kpi_desktop.ui.dialogs.targets import TargetsDialog

        for dialog in (TargetsDialog(ws, "loyalty_club", window), CurrencyDialog(ws, window)):
            dialog.show()
            written.append(_save(dialog, out_dir / f"{dialog.objectName()}.png"))
            dialog.close()
        window.close()
        window.deleteLater()
    return written


#: Used when the workspace has no saved link to show in the UTM form.
DEMO_LINK = (
    "https://shop.example/loyalty?utm_source=instagram&utm_medium=chatbot&utm_campaign=loyalty_club"
)


def _fill_utm_demo(window: MainWindow) -> None:
    """The UTM tab as a user sees it at work: a filled form, its QR code, a few bulk rows."""
    from kpi_desktop.core.utm import parse_url

    utm: Any = window.utm_tab  # built with the other tabs
    if utm is None:
        return
    history = utm.history_rows()
    if history:
        utm.reuse_history_link(0)
    else:
        base, params = parse_url(DEMO_LINK)
        utm.set_form(base, params, label="Quiz result button")
    params = utm.params().to_dict()
    rows = []
    for content in ("story_a", "story_b", "carousel"):
        label = f"{utm.edit_label.text() or 'Link'} ({content})"
        row = {"label": label, "url": utm.edit_url.text()}
        row.update(params)
        row["content"] = content
        rows.append(row)
    utm.model_bulk.add_rows(rows)


def _save(widget: QWidget, path: Path) -> Path:
    # Layouts of a just-shown page settle on posted LayoutRequest events; deliver just
    # those (not a general processEvents) so the grab shows the final geometry.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


#: A small real-looking Meta Ads export shipped with the package, shown in the import
#: dialog's picture.
IMPORT_SAMPLE = files("kpi_desktop").joinpath("assets", "examples", "meta_ads.csv")


def _import_dialog(window: MainWindow, out_dir: Path) -> Path:
    """`dialog_import.png`: the import dialog with a Meta Ads export read."""
    from kpi_desktop.ui.dialogs.import_dialog import ImportDialog

    dialog = ImportDialog(window.session, window)
    dialog.background = False  # no event loop runs here: read on this thread
    # as_file: a real path even when the package is run from a zip (PyInstaller, wheels).
    with as_file(IMPORT_SAMPLE) as sample:
        dialog.add_files([sample])
        dialog.show()
        path = _save(dialog, out_dir / "dialog_import.png")
    dialog.close()
    return path
