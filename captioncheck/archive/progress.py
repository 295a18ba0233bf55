"""Resume records of `index add-archive`, kept in the index itself.

One row per archived page done (archive SHA-256, WARC member, record offset), written in the
same transaction as that page's sightings: after a crash a page is either fully stored and
marked done, or neither, so a re-run stores nothing twice and skips what is done.
"""

from __future__ import annotations

from typing import Any

from captioncheck.index.store import utcnow
from captioncheck.sources import PageRef

DDL = """CREATE TABLE IF NOT EXISTS archive_pages (
    archive TEXT NOT NULL, member TEXT NOT NULL, offset INTEGER NOT NULL, page_url TEXT NOT NULL,
    images INTEGER NOT NULL, sightings INTEGER NOT NULL, error TEXT NOT NULL, done_at TEXT NOT NULL,
    PRIMARY KEY (archive, member, offset)) WITHOUT ROWID"""
# the same table on a PostgreSQL index (captioncheck.index.store_postgres); "offset" is a keyword there
DDL_POSTGRES = """CREATE TABLE IF NOT EXISTS archive_pages (
    archive TEXT NOT NULL, member TEXT NOT NULL, "offset" BIGINT NOT NULL, page_url TEXT NOT NULL,
    images INTEGER NOT NULL, sightings INTEGER NOT NULL, error TEXT NOT NULL, done_at TEXT NOT NULL,
    PRIMARY KEY (archive, member, "offset"))"""


class ArchiveProgress:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.postgres = getattr(store, "backend", "sqlite") == "postgresql"
        if not self.postgres and not hasattr(store, "conn"):
            raise TypeError("archive progress needs the SQLite or PostgreSQL index store")
        store._write(DDL_POSTGRES if self.postgres else DDL)
        store.commit()

    def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        if self.postgres:
            rows = self.store._query(sql.replace("?", "%s").replace("offset", '"offset"'), params)
            return rows[0] if rows else None
        return self.store.conn.execute(sql, params).fetchone()

    def is_done(self, ref: PageRef) -> bool:
        return self._one("SELECT 1 FROM archive_pages WHERE archive = ? AND member = ? AND offset = ?",
                         (ref.archive, ref.member, ref.offset)) is not None

    def mark(self, ref: PageRef, page_url: str, images: int, sightings: int, error: str) -> None:
        """Record the page as done (no commit: the caller commits it with the page's sightings)."""
        values = (ref.archive, ref.member, ref.offset, page_url, images, sightings, error, utcnow())
        if self.postgres:
            self.store._write('INSERT INTO archive_pages VALUES (%s, %s, %s, %s, %s, %s, %s, %s) '
                              'ON CONFLICT (archive, member, "offset") DO UPDATE SET page_url = excluded.page_url, '
                              'images = excluded.images, sightings = excluded.sightings, error = excluded.error, '
                              'done_at = excluded.done_at', values)
        else:
            self.store._write("INSERT OR REPLACE INTO archive_pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)

    def totals(self, archive: str) -> dict[str, int]:
        row = self._one(
            "SELECT count(*), coalesce(sum(images), 0), coalesce(sum(sightings), 0), coalesce(sum(CASE WHEN error != '' "
            "THEN 1 ELSE 0 END), 0) FROM archive_pages WHERE archive = ?", (archive,))
        return {"pages": int(row[0]), "images": int(row[1]), "sightings": int(row[2]), "errors": int(row[3])}


__all__ = ["ArchiveProgress"]
