"""`kpi-desktop` / `python -m kpi_desktop`: start the GUI, or hand headless commands to the CLI.

Start-up is ordered for a fast first paint: Qt and the window shell first, then pandas,
the core and the workspace on a pool thread (DESIGN section 10). Nothing heavy is
imported at module level here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from kpi_desktop import APP_NAME, ORG_NAME, __version__

#: Subcommands that run without a window (kpi_desktop.cli).
HEADLESS_COMMANDS = frozenset({"report", "import", "utm"})

#: Benchmarks set this: print the seconds to the first paint and exit.
EXIT_AFTER_PAINT_ENV = "KPI_DESKTOP_EXIT_AFTER_PAINT"
#: Optional epoch time (time.time()) the launcher took just before starting us.
T0_ENV = "KPI_DESKTOP_T0"

_STARTED = time.time()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-desktop",
        description="KPI Desk: chatbot-campaign KPIs from your Excel/CSV exports. "
        "Headless commands: report, import, utm (see `kpi-desktop report --help`).",
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="a .kpidesk workspace to open, or data files to import",
    )
    parser.add_argument(
        "--screenshots",
        metavar="DIR",
        type=Path,
        help="render every tab and the main dialogs to PNG files in DIR and exit "
        "(the first FILE, if any, is the workspace to show)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point. `argv` excludes the program name (default: `sys.argv[1:]`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in HEADLESS_COMMANDS:
        from kpi_desktop import cli

        return int(cli.run(args))
    options = _parser().parse_args(args)
    if options.screenshots is not None:
        return _screenshots(options.screenshots, options.files)
    return _gui(options.files)


def _application() -> object:
    from PySide6.QtWidgets import QApplication

    from kpi_desktop.ui import style

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "kpi-desktop"])
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORG_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("kpi-desktop")
    assert isinstance(app, QApplication)
    style.apply(app)
    return app


def _gui(files: Sequence[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from kpi_desktop import app as composition
    from kpi_desktop.ui import errors

    app = _application()
    assert isinstance(app, QApplication)
    errors.install()
    window = composition.create_window()
    app.setWindowIcon(window.windowIcon())
    if os.environ.get(EXIT_AFTER_PAINT_ENV):
        t0 = float(os.environ.get(T0_ENV, _STARTED))

        def report_and_quit() -> None:
            print(f"first_paint_s={time.time() - t0:.4f}", flush=True)
            app.quit()

        window.first_painted.connect(report_and_quit)
    else:
        window.first_painted.connect(lambda: composition.load_initial_workspace(window, files))
    window.show()
    return int(app.exec())


def _screenshots(out_dir: Path, files: Sequence[str]) -> int:
    # Rendering needs no screen; a headless run must never open a blocking dialog, so
    # errors here go to stderr with exit status 2 instead of the GUI exception hook.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _application()
    from kpi_desktop.screenshots import render_screenshots

    workspace = Path(files[0]) if files else None
    try:
        written = render_screenshots(out_dir, workspace)
    except (OSError, ValueError) as exc:
        print(f"kpi-desktop: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
