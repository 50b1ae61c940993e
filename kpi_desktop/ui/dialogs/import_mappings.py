"""Column mappings the user corrected, remembered per layout signature in QSettings.

A user-level setting (`import/mappings/<signature>`, JSON), so that the next export of the
same layout maps the same way in any workspace.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import QSettings

from kpi_desktop.ui.dialogs.import_reading import ImportFile

MAPPING_KEY = "import/mappings/"


def remembered_mappings(store: QSettings) -> dict[str, dict[str, str | None]]:
    """Layout signature -> header text -> target (None: ignored), as saved."""
    out: dict[str, dict[str, str | None]] = {}
    store.beginGroup(MAPPING_KEY.rstrip("/"))
    try:
        for key in store.childKeys():
            text = str(store.value(key, "", type=str))
            try:
                value = json.loads(text)
            except ValueError:
                continue
            if isinstance(value, dict):
                out[key] = {str(k): (str(v) if v else None) for k, v in value.items()}
    finally:
        store.endGroup()
    return out


def remember_mappings(store: QSettings, files: Sequence[ImportFile]) -> None:
    """Save the mapping of every file whose columns the user corrected."""
    for file in files:
        if file.edited and file.result is not None and file.result.layout_signature:
            store.setValue(
                MAPPING_KEY + file.result.layout_signature, json.dumps(file.result.mapping)
            )
    store.sync()
