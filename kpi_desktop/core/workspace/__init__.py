"""The workspace (DESIGN section 5): one `*.kpidesk` SQLite file, opened as a `Workspace`."""

from kpi_desktop.core.schema import ADJUSTMENT_SOURCE
from kpi_desktop.core.workspace.changes import NO_CHANGES, Changes, Scope
from kpi_desktop.core.workspace.db import APPLICATION_ID, SCHEMA_VERSION, migrate
from kpi_desktop.core.workspace.errors import WorkspaceError
from kpi_desktop.core.workspace.files import RECOVERY_SUFFIX, SUFFIX
from kpi_desktop.core.workspace.front import Workspace
from kpi_desktop.core.workspace.overrides import (
    CAMPAIGN_EDITABLE_FIELDS,
    EDITABLE_FIELDS,
    REVERT,
    EditRecord,
    RowKey,
)
from kpi_desktop.core.workspace.sources import (
    MANUAL_SOURCE,
    ImportedSource,
    SourceSnapshot,
    StoredSource,
)

__all__ = [
    "ADJUSTMENT_SOURCE",
    "APPLICATION_ID",
    "CAMPAIGN_EDITABLE_FIELDS",
    "EDITABLE_FIELDS",
    "MANUAL_SOURCE",
    "NO_CHANGES",
    "RECOVERY_SUFFIX",
    "REVERT",
    "SCHEMA_VERSION",
    "SUFFIX",
    "Changes",
    "EditRecord",
    "ImportedSource",
    "RowKey",
    "Scope",
    "SourceSnapshot",
    "StoredSource",
    "Workspace",
    "WorkspaceError",
    "migrate",
]
