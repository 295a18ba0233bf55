"""The capture table of one web archive: every response/revisit record by URL, on disk.

A first streaming pass over the archive (`captioncheck.sources.warc.scan`) writes one row per
record here, so that an article image is found among the archive's own records by URL (and
revisits and redirects followed) without holding anything in memory, and so that worker
processes or Ray tasks can look records up by themselves. The file is built once per archive
(keyed by the archive's SHA-256) and reused when an interrupted run resumes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    url TEXT NOT NULL, date TEXT NOT NULL, member TEXT NOT NULL, offset INTEGER NOT NULL,
    kind TEXT NOT NULL, status INTEGER NOT NULL, mime TEXT NOT NULL, location TEXT NOT NULL,
    digest TEXT NOT NULL, refers_url TEXT NOT NULL, refers_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    seq INTEGER PRIMARY KEY, member TEXT NOT NULL, offset INTEGER NOT NULL, url TEXT NOT NULL, date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS damage (member TEXT NOT NULL, offset INTEGER NOT NULL, error TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS captures_url ON captures (url, date);
CREATE INDEX IF NOT EXISTS captures_digest ON captures (digest);
"""
MAX_HOPS = 6  # redirects and revisits followed for one image URL


@dataclass(frozen=True)
class Capture:
    url: str
    date: str
    member: str
    offset: int
    kind: str  # response | revisit
    status: int
    mime: str
    location: str = ""  # redirect target (absolute)
    digest: str = ""  # WARC-Payload-Digest
    refers_url: str = ""  # revisit: WARC-Refers-To-Target-URI
    refers_date: str = ""  # revisit: WARC-Refers-To-Date


def url_key(url: str) -> str:
    """The lookup form of a URL: no fragment, no surrounding <> (WARC 1.1 writes them)."""
    url = url.strip().strip("<>").split("#", 1)[0]
    return url


def variants(url: str) -> list[str]:
    """The URL and its other scheme: archives often hold the http:// capture of an https:// link."""
    key = url_key(url)
    if key.startswith("https://"):
        return [key, "http://" + key[8:]]
    if key.startswith("http://"):
        return [key, "https://" + key[7:]]
    return [key]


class CaptureTable:
    """Read/write access to one archive's capture file (SQLite)."""

    def __init__(self, path: str | Path, *, write: bool = False) -> None:
        self.path = Path(path)
        uri = f"file:{self.path}" + ("" if write else "?mode=ro")
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        if write:
            self.conn.execute("PRAGMA journal_mode = OFF")
            self.conn.execute("PRAGMA synchronous = OFF")
            self.conn.executescript(SCHEMA)
            self.conn.execute("BEGIN")

    # -- building
    def add(self, c: Capture) -> None:
        self.conn.execute("INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (url_key(c.url), c.date, c.member, c.offset, c.kind, c.status, c.mime, url_key(c.location),
                           c.digest, url_key(c.refers_url), c.refers_date))

    def add_page(self, member: str, offset: int, url: str, date: str) -> None:
        self.conn.execute("INSERT INTO pages (member, offset, url, date) VALUES (?, ?, ?, ?)", (member, offset, url, date))

    def add_damage(self, member: str, offset: int, error: str) -> None:
        self.conn.execute("INSERT INTO damage VALUES (?, ?, ?)", (member, offset, error[:300]))

    def finish(self, meta: dict[str, str]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
        self.conn.execute("COMMIT")
        self.conn.executescript(INDEXES)

    # -- reading
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def pages(self) -> list[tuple[str, int, str, str]]:
        """(member, offset, url, date) of every HTML page, in archive order (small rows)."""
        return self.conn.execute("SELECT member, offset, url, date FROM pages ORDER BY seq").fetchall()

    def damage(self) -> list[tuple[str, int, str]]:
        return self.conn.execute("SELECT member, offset, error FROM damage ORDER BY rowid").fetchall()

    def counts(self) -> dict[str, int]:
        records = self.conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        pages = self.conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        return {"records": int(records), "pages": int(pages)}

    def _rows(self, sql: str, params: tuple[str, ...]) -> list[Capture]:
        return [Capture(*row) for row in self.conn.execute(sql, params).fetchall()]

    def find(self, url: str, near: str = "") -> Capture | None:
        """The capture of `url` closest in time to `near` (an ISO date), else the earliest one."""
        rows: list[Capture] = []
        for key in variants(url):
            rows.extend(self._rows("SELECT * FROM captures WHERE url = ? ORDER BY date LIMIT 50", (key,)))
        if not rows:
            return None
        if near:
            before = [r for r in rows if r.date <= near]
            return max(before, key=lambda r: r.date) if before else min(rows, key=lambda r: r.date)
        return min(rows, key=lambda r: r.date)

    def resolve(self, url: str, near: str = "") -> Capture | None:
        """The response record that holds `url`'s content: redirects and revisits followed."""
        current: Capture | None = self.find(url, near)
        for _ in range(MAX_HOPS):
            if current is None:
                return None
            if current.kind == "revisit":
                current = self._revisited(current)
            elif 300 <= current.status < 400 and current.location:
                current = self.find(current.location, current.date)
            else:
                return current
        return None

    def _revisited(self, c: Capture) -> Capture | None:
        if c.refers_url:
            found = self._rows("SELECT * FROM captures WHERE url = ? AND kind = 'response' ORDER BY date", (c.refers_url,))
            exact = [r for r in found if r.date == c.refers_date]
            if exact or found:
                return (exact or found)[0]
        if c.digest:
            same = self._rows("SELECT * FROM captures WHERE digest = ? AND kind = 'response' ORDER BY date LIMIT 1", (c.digest,))
            return same[0] if same else None
        return None

    def close(self) -> None:
        self.conn.close()


__all__ = ["Capture", "CaptureTable", "url_key", "variants"]
