"""Build the bundled sample workspace, `kpi_desktop/assets/sample.kpidesk`.

The sample comes from `kpi_desktop.core.sample` (facts, targets, campaign notes, USD) plus
two UTM links in the history; `Workspace.open_sample()` opens it as an untitled copy.
Run: `python scripts/make_sample.py [OUT]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kpi_desktop.core.sample import build_sample

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "kpi_desktop" / "assets" / "sample.kpidesk"


def main(argv: list[str] | None = None) -> int:
    """Write the sample workspace and print its size."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    ws = build_sample()
    try:
        # VACUUM drops free pages left while building, keeping the asset commit-sized.
        ws.vacuum()
        ws.save(out)
    finally:
        ws.close()
    print(f"{out}: {out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
