"""The workspace database: schema, migrations and every SQL statement of the workspace.

========== ==============================================================================
table      holds
========== ==============================================================================
meta       key/value: app name, created, last known path (for recovery files)
sources    one row per import: file name, SHA-256, platform, role, label, mapping,
           import time, warnings, supplied fields, currency, and the source's facts (and
           event users) as Arrow IPC BLOBs (LZ4), each with a CRC-32 checked on open
edits      cell overrides: table ("facts" or "campaigns"), row key, field, old value
           (the imported one), new value, time. One row per overridden cell.
campaigns  display name, notes, manual flag, deleted flag (soft delete, undoable)
aliases    alias campaign key -> canonical campaign key
targets    KPI targets per campaign ('' = workspace-wide default)
fx_rates   currency -> rate (1 unit = rate units of the reporting currency)
utm_links  UTM link history
settings   key -> JSON value
========== ==============================================================================

`PRAGMA application_id` marks the file as ours and `PRAGMA user_version` is the schema
version (`migrate` upgrades older files step by step). Everything a person might query
or repair by hand is a plain table; facts are BLOBs (see `blobs`).
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from kpi_desktop.core.workspace.errors import WorkspaceError

SCHEMA_VERSION = 3
#: "KPID": lets Open tell our files from other SQLite databases.
APPLICATION_ID = 0x4B504944
SQLITE_MAGIC = b"SQLite format 3\x00"

#: tbl, row_key, field, old_value, new_value, time, pos_hint
EditRow = tuple[str, str, str, Any, Any, str, Any]


class SourceRow(NamedTuple):
    """One row of the sources table, as stored."""

    id: str
    kind: str
    file_name: str
    sha256: str
    platform: str
    role: str
    label: str
    mapping: str  # JSON
    imported_at: str
    warnings: str  # JSON list
    supplies: str  # JSON list
    currency: str
    row_count: int
    facts: bytes
    facts_crc: int
    events: bytes | None
    events_crc: int | None


_SOURCE_COLUMNS = ", ".join(SourceRow._fields)


# -- schema & migrations --------------------------------------------------------------


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # Statement by statement: executescript() would COMMIT the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _schema_v1(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE sources (
            id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '',
            platform TEXT NOT NULL DEFAULT '', mapping TEXT NOT NULL DEFAULT 'null',
            imported_at TEXT NOT NULL, warnings TEXT NOT NULL DEFAULT '[]',
            supplies TEXT NOT NULL DEFAULT '[]', currency TEXT NOT NULL DEFAULT '',
            row_count INTEGER NOT NULL, facts BLOB NOT NULL, facts_crc INTEGER NOT NULL,
            events BLOB, events_crc INTEGER
        );
        CREATE TABLE edits (
            id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_key TEXT NOT NULL,
            field TEXT NOT NULL, old_value, new_value, time TEXT NOT NULL,
            pos_hint INTEGER, UNIQUE (tbl, row_key, field)
        );
        CREATE TABLE campaigns (
            key TEXT PRIMARY KEY, display_name TEXT, notes TEXT NOT NULL DEFAULT '',
            manual INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE aliases (alias_key TEXT PRIMARY KEY, campaign_key TEXT NOT NULL);
        CREATE TABLE targets (
            campaign_key TEXT NOT NULL, kpi_id TEXT NOT NULL, value REAL NOT NULL,
            PRIMARY KEY (campaign_key, kpi_id)
        );
        CREATE TABLE fx_rates (currency TEXT PRIMARY KEY, rate REAL NOT NULL);
        CREATE TABLE utm_links (
            id INTEGER PRIMARY KEY, url TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '', created TEXT NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def _schema_v2(conn: sqlite3.Connection) -> None:
    # Facts and event users live per source as checksummed Arrow IPC blobs: reading 1M
    # rows back from SQL rows took 7.7 s, from a blob 0.2 s. These views give them the
    # names of DESIGN section 5, so a look into the file finds them where expected.
    conn.execute(
        "CREATE VIEW facts AS SELECT id AS source_id, row_count AS rows,"
        " 'arrow-ipc' AS format, facts AS data FROM sources"
    )
    conn.execute(
        "CREATE VIEW event_users AS SELECT id AS source_id, 'arrow-ipc' AS format,"
        " events AS data FROM sources WHERE events IS NOT NULL"
    )
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '2')")


def _schema_v3(conn: sqlite3.Connection) -> None:
    # A source's role (ad, web, bot, other) and label are stored with it, as the import
    # decided them; older files get what their preset gave then.
    from kpi_desktop.core.io.presets import PRESET_LABELS, PRESET_ROLES

    have = {row[1] for row in conn.execute("PRAGMA table_info(sources)")}
    if "role" not in have:
        conn.execute("ALTER TABLE sources ADD COLUMN role TEXT NOT NULL DEFAULT 'other'")
        conn.execute("ALTER TABLE sources ADD COLUMN label TEXT NOT NULL DEFAULT ''")
        rows = conn.execute("SELECT id, platform, file_name FROM sources").fetchall()
        for sid, platform, file_name in rows:
            role = PRESET_ROLES.get(platform, "other")
            label = PRESET_LABELS.get(platform) or file_name or sid
            conn.execute("UPDATE sources SET role = ?, label = ? WHERE id = ?", (role, label, sid))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '3')")


#: Step that brings a database from version n-1 to version n.
_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _schema_v1,
    2: _schema_v2,
    3: _schema_v3,
}


def migrate(conn: sqlite3.Connection) -> int:
    """Bring a workspace database up to `SCHEMA_VERSION`, one step per version.

    Args:
        conn: an open connection (autocommit mode); version 0 means an empty database.

    Returns:
        The version the database had before.

    Raises:
        WorkspaceError: the database is from a newer KPI Desk.
    """
    before = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if before > SCHEMA_VERSION:
        raise WorkspaceError(
            f"This workspace was saved by a newer version of KPI Desk (format {before}); "
            f"this version opens formats up to {SCHEMA_VERSION}. Please update KPI Desk."
        )
    for version in range(before + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN")
        try:
            _MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    if before == 0:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return before


# -- the working database -------------------------------------------------------------


class Database:
    """The live in-memory database of one workspace (the truth besides derived caches).

    Not locked: the `Workspace` front serialises access.
    """

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        # Close the connection when the workspace is dropped, even without close().
        self._finalizer = weakref.finalize(self, self._conn.close)
        migrate(self._conn)

    def close(self) -> None:
        """Close the connection; the object is unusable afterwards."""
        self._finalizer()

    # -- whole database ----------------------------------------------------------------
    def serialize(self) -> bytes:
        """The database as the bytes of a file."""
        return self._conn.serialize()

    def deserialize(self, data: bytes, name: str) -> None:
        """Replace the database with a file's bytes, checked and migrated.

        Raises:
            WorkspaceError: not a KPI Desk workspace, or from a newer version.
            sqlite3.Error: a damaged file.
        """
        if len(data) < 100 or not data.startswith(SQLITE_MAGIC):
            raise WorkspaceError(f"{name} is not a KPI Desk workspace.")
        self._conn.deserialize(data)
        if self._conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise WorkspaceError(f"{name} is not a KPI Desk workspace.")
        if self._conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("integrity check failed")
        migrate(self._conn)

    def vacuum(self) -> None:
        """Drop free pages (outside any transaction)."""
        self._conn.execute("VACUUM")

    def begin(self) -> None:
        """Start a transaction."""
        self._conn.execute("BEGIN")

    def commit(self) -> None:
        """Commit the transaction."""
        self._conn.execute("COMMIT")

    def rollback(self) -> None:
        """Roll the transaction back."""
        self._conn.execute("ROLLBACK")

    # -- meta ---------------------------------------------------------------------------
    def set_meta(self, key: str, value: str) -> None:
        """Store a meta value."""
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        """A meta value, or None."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- sources ------------------------------------------------------------------------
    def sources(self) -> list[SourceRow]:
        """Every source in import order."""
        sql = f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY ordinal"
        return [SourceRow(*row) for row in self._conn.execute(sql)]

    def insert_source(self, row: SourceRow, ordinal: int) -> None:
        """Store a source at `ordinal`."""
        marks = ", ".join("?" * (len(SourceRow._fields) + 1))
        self._conn.execute(
            f"INSERT INTO sources ({_SOURCE_COLUMNS}, ordinal) VALUES ({marks})",
            (*row, ordinal),
        )

    def delete_source(self, source_id: str) -> None:
        """Remove a source."""
        self._conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def ordinal(self, source_id: str) -> int:
        """The place of a source in import order."""
        row = self._conn.execute("SELECT ordinal FROM sources WHERE id = ?", (source_id,))
        return int(row.fetchone()[0])

    def next_ordinal(self) -> int:
        """The ordinal after the last source's."""
        row = self._conn.execute("SELECT COALESCE(MAX(ordinal), 0) + 1 FROM sources")
        return int(row.fetchone()[0])

    # -- edits --------------------------------------------------------------------------
    def edits(self) -> Iterator[EditRow]:
        """Every override row."""
        return iter(
            self._conn.execute(
                "SELECT tbl, row_key, field, old_value, new_value, time, pos_hint FROM edits"
            )
        )

    def delete_edit(self, table: str, key: str, field: str) -> None:
        """Remove an override."""
        self._conn.execute(
            "DELETE FROM edits WHERE tbl = ? AND row_key = ? AND field = ?", (table, key, field)
        )

    def upsert_facts_edit(
        self, key: str, field: str, old: float | None, new: float | None, time: str, pos: int | None
    ) -> None:
        """Store a facts-cell override."""
        self._conn.execute(
            "INSERT INTO edits (tbl, row_key, field, old_value, new_value, time,"
            " pos_hint) VALUES ('facts', ?, ?, ?, ?, ?, ?) ON CONFLICT"
            " (tbl, row_key, field) DO UPDATE SET new_value = excluded.new_value,"
            " old_value = excluded.old_value, time = excluded.time,"
            " pos_hint = excluded.pos_hint",
            (key, field, old, new, time, pos),
        )

    def upsert_campaign_edit(
        self, key: str, field: str, old: float | None, new: float, time: str
    ) -> None:
        """Store a campaign-total pin (its first old value is kept)."""
        self._conn.execute(
            "INSERT INTO edits (tbl, row_key, field, old_value, new_value, time)"
            " VALUES ('campaigns', ?, ?, ?, ?, ?) ON CONFLICT (tbl, row_key, field)"
            " DO UPDATE SET new_value = excluded.new_value, time = excluded.time",
            (key, field, old, new, time),
        )

    # -- campaigns ----------------------------------------------------------------------
    def campaigns(self) -> list[tuple[str, str | None, str, int, int]]:
        """key, display_name, notes, manual, deleted of every campaign row."""
        return list(
            self._conn.execute("SELECT key, display_name, notes, manual, deleted FROM campaigns")
        )

    def insert_campaign(self, key: str) -> None:
        """An empty campaign row."""
        self._conn.execute("INSERT INTO campaigns (key) VALUES (?)", (key,))

    def put_manual_campaign(self, key: str, name: str, notes: str) -> None:
        """A campaign typed in by hand."""
        self._conn.execute(
            "INSERT OR REPLACE INTO campaigns (key, display_name, notes, manual, deleted)"
            " VALUES (?, ?, ?, 1, 0)",
            (key, name, notes),
        )

    def update_campaign(self, key: str, column: str, value: object) -> None:
        """Set display_name, notes or deleted of a campaign row."""
        if column not in ("display_name", "notes", "deleted"):
            raise ValueError(f"no campaign column {column!r}")
        self._conn.execute(f"UPDATE campaigns SET {column} = ? WHERE key = ?", (value, key))

    def delete_campaign(self, key: str) -> None:
        """Remove a campaign row."""
        self._conn.execute("DELETE FROM campaigns WHERE key = ?", (key,))

    # -- aliases, targets, rates, settings ------------------------------------------------
    def aliases(self) -> dict[str, str]:
        """Alias key -> campaign key."""
        return dict(self._conn.execute("SELECT alias_key, campaign_key FROM aliases"))

    def replace_aliases(self, aliases: Iterable[tuple[str, str]]) -> None:
        """Replace the alias table."""
        self._conn.execute("DELETE FROM aliases")
        self._conn.executemany("INSERT INTO aliases VALUES (?, ?)", sorted(aliases))

    def targets(self) -> list[tuple[str, str, float]]:
        """campaign key ('' = default), KPI id, value."""
        return list(self._conn.execute("SELECT campaign_key, kpi_id, value FROM targets"))

    def set_target(self, key: str, kpi_id: str, value: float | None) -> None:
        """Store (or with None remove) a target."""
        if value is None:
            self._conn.execute(
                "DELETE FROM targets WHERE campaign_key = ? AND kpi_id = ?", (key, kpi_id)
            )
        else:
            self._conn.execute(
                "INSERT OR REPLACE INTO targets VALUES (?, ?, ?)", (key, kpi_id, value)
            )

    def fx_rates(self) -> dict[str, float]:
        """Currency -> rate."""
        return {c: float(r) for c, r in self._conn.execute("SELECT currency, rate FROM fx_rates")}

    def set_fx_rate(self, code: str, rate: float | None) -> None:
        """Store (or with None remove) a rate."""
        if rate is None:
            self._conn.execute("DELETE FROM fx_rates WHERE currency = ?", (code,))
        else:
            self._conn.execute("INSERT OR REPLACE INTO fx_rates VALUES (?, ?)", (code, rate))

    def settings(self) -> dict[str, str]:
        """Setting key -> JSON text."""
        return dict(self._conn.execute("SELECT key, value FROM settings"))

    def set_setting(self, key: str, text: str) -> None:
        """Store a setting's JSON text."""
        self._conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, text))

    def delete_setting(self, key: str) -> None:
        """Forget a setting."""
        self._conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    # -- UTM links ------------------------------------------------------------------------
    def add_link(self, url: str, params: str, note: str, created: str) -> int:
        """Store a link; returns its id."""
        cursor = self._conn.execute(
            "INSERT INTO utm_links (url, params, note, created) VALUES (?, ?, ?, ?)",
            (url, params, note, created),
        )
        return int(cursor.lastrowid or 0)

    def remove_link(self, link_id: int) -> None:
        """Forget a link."""
        self._conn.execute("DELETE FROM utm_links WHERE id = ?", (link_id,))

    def links(self) -> Sequence[tuple[int, str, str, str, str]]:
        """id, url, params (JSON), note, created; newest first."""
        return self._conn.execute(
            "SELECT id, url, params, note, created FROM utm_links ORDER BY id DESC"
        ).fetchall()
