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


class ArchiveProgress:
    def __init__(self, store: Any) -> None:
        self.store = store
        if not hasattr(store, "conn"):
            raise TypeError("archive progress needs the SQLite index store")
        store._write(DDL)
        store.commit()

    def is_done(self, ref: PageRef) -> bool:
        row = self.store.conn.execute("SELECT 1 FROM archive_pages WHERE archive = ? AND member = ? AND offset = ?",
                                      (ref.archive, ref.member, ref.offset)).fetchone()
        return row is not None

    def mark(self, ref: PageRef, page_url: str, images: int, sightings: int, error: str) -> None:
        """Record the page as done (no commit: the caller commits it with the page's sightings)."""
        self.store._write("INSERT OR REPLACE INTO archive_pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (ref.archive, ref.member, ref.offset, page_url, images, sightings, error, utcnow()))

    def totals(self, archive: str) -> dict[str, int]:
        row = self.store.conn.execute(
            "SELECT count(*), coalesce(sum(images), 0), coalesce(sum(sightings), 0), coalesce(sum(error != ''), 0) "
            "FROM archive_pages WHERE archive = ?", (archive,)).fetchone()
        return {"pages": int(row[0]), "images": int(row[1]), "sightings": int(row[2]), "errors": int(row[3])}


__all__ = ["ArchiveProgress"]
