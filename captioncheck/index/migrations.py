"""Named, ordered schema migrations of the photo index, recorded in the `_migrations` table.

Each migration is a function `mNNN_name(conn)` appended to MIGRATIONS; never edit or reorder one
that has shipped. `migrate()` applies the missing ones in order, each in its own transaction, and
refuses a database that records a migration this code does not know (written by a newer
captioncheck), instead of corrupting it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from captioncheck._exceptions import IndexStoreError

# the column definitions both backends spell the same way (captioncheck.index.migrations_postgres uses them too)
PHOTO_FIELDS = """\
            caption TEXT NOT NULL DEFAULT '',
            credit TEXT NOT NULL DEFAULT '',
            creator TEXT NOT NULL DEFAULT '',
            source_url TEXT NOT NULL DEFAULT '',
            page_url TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            place TEXT NOT NULL DEFAULT '',
            license TEXT NOT NULL DEFAULT '',
            origin TEXT NOT NULL DEFAULT 'curated' CHECK (origin IN ('curated', 'seen')),
            added_at TEXT NOT NULL"""
SIGHTING_FIELDS = """\
            page_url TEXT NOT NULL DEFAULT '',
            caption TEXT NOT NULL DEFAULT '',
            credit TEXT NOT NULL DEFAULT '',
            seen_at TEXT NOT NULL"""
SIGHTING_CONTEXT = [*(f"ALTER TABLE sightings ADD COLUMN {c} TEXT NOT NULL DEFAULT ''" for c in ("published", "alt", "lang", "countries")),
                    "ALTER TABLE sightings ADD COLUMN source TEXT NOT NULL DEFAULT 'check'"]


def m001_photos_and_hashes(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"""CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            width INTEGER,
            height INTEGER,
{PHOTO_FIELDS}
        )"""
    )
    conn.execute(
        """CREATE TABLE hashes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the searcher loads rows by id
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            variant TEXT NOT NULL,
            bits BLOB NOT NULL,
            quality INTEGER
        )"""
    )
    conn.execute("CREATE INDEX hashes_photo ON hashes(photo_id)")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta (key, value) VALUES ('index_id', lower(hex(randomblob(16))))")
    conn.execute("CREATE INDEX hashes_kind_id ON hashes(kind, id)")


def m002_sightings(conn: sqlite3.Connection) -> None:
    """First-seen registry: every page an image was seen on."""
    conn.execute(
        f"""CREATE TABLE sightings (
            id INTEGER PRIMARY KEY,
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
{SIGHTING_FIELDS}
        )"""
    )
    conn.execute("CREATE INDEX sightings_photo ON sightings(photo_id, seen_at)")


def m003_sighting_context(conn: sqlite3.Connection) -> None:
    """Each sighting keeps the page's own context (publication date, alt, language, countries, source)
    and is stored once per (photo, page): a page checked or archived again adds nothing."""
    for statement in SIGHTING_CONTEXT:
        conn.execute(statement)
    conn.execute(  # keep the earliest sighting of each (photo, page)
        "DELETE FROM sightings WHERE id NOT IN ("
        " SELECT (SELECT s2.id FROM sightings s2 WHERE s2.photo_id = s.photo_id AND s2.page_url = s.page_url"
        "         ORDER BY s2.seen_at, s2.id LIMIT 1)"
        " FROM sightings s GROUP BY s.photo_id, s.page_url)"
    )
    conn.execute("CREATE UNIQUE INDEX sightings_photo_page ON sightings(photo_id, page_url)")


def m004_removed_photos(conn: sqlite3.Connection) -> None:
    """A tombstone per removed photo, so that every process's searcher forgets its hashes at its next
    refresh (rows with a higher id); a photo id is never given again after it was removed."""
    conn.execute("CREATE TABLE removed_photos (id INTEGER PRIMARY KEY AUTOINCREMENT, photo_id INTEGER NOT NULL, "
                 "removed_at TEXT NOT NULL)")
    conn.execute("CREATE INDEX removed_photos_photo ON removed_photos(photo_id)")  # max(photo_id) at each insert


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_photos_and_hashes, m002_sightings, m003_sighting_context,
                                                          m004_removed_photos]


def applied(conn: sqlite3.Connection, *, readonly: bool = False) -> list[str]:
    if not readonly:
        conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def ensure_known(conn: sqlite3.Connection, path: str, *, readonly: bool = False) -> list[str]:
    """The applied migration names; raises when the database is newer than this code."""
    return refuse_unknown(applied(conn, readonly=readonly), MIGRATIONS, path)


def refuse_unknown(done: list[str], known: list[Callable[..., None]], where: str) -> list[str]:
    """`done` (names of applied migrations), unless one is unknown here: a database newer than this code."""
    unknown = [n for n in done if n not in {m.__name__ for m in known}]
    if unknown:
        raise IndexStoreError(
            f"index {where} was written by a newer captioncheck (unknown schema migration {unknown[0]}); "
            "upgrade captioncheck or use another --index"
        )
    return done


def migrate(conn: sqlite3.Connection, path: str = "") -> list[str]:
    """Apply missing migrations in order; returns the names applied now.

    `conn` must be in autocommit mode (isolation_level=None): transactions are explicit here.
    """
    done = set(ensure_known(conn, path))
    now: list[str] = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        conn.execute("BEGIN IMMEDIATE")  # one transaction per migration, DDL included: all or nothing
        try:
            if migration.__name__ in applied(conn, readonly=True):  # another process applied it while we waited
                conn.execute("ROLLBACK")
                continue
            migration(conn)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (migration.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        now.append(migration.__name__)
    return now


def pending(conn: sqlite3.Connection, *, readonly: bool = False) -> list[str]:
    done = set(applied(conn, readonly=readonly))
    return [m.__name__ for m in MIGRATIONS if m.__name__ not in done]


__all__ = ["MIGRATIONS", "applied", "ensure_known", "migrate", "pending"]
