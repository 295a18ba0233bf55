"""Where photos, their metadata and their hashes live: a small storage interface and its SQLite backend.

`PhotoStore` is everything the index needs from storage, so that a PostgreSQL backend can follow
by implementing the same protocol. `SQLiteStore` keeps one database file in WAL mode:

* writes are batched in explicit transactions (`add_photo(..., commit=False)` then `commit()`);
  a transaction is all or nothing, so killing the process loses at most the open batch and the
  file always opens again (WAL with synchronous=NORMAL is durable against process crashes);
* readers do not block the writer and the writer does not block readers (several processes);
* one connection per store, guarded by a lock, so a store can be shared by a threadpool;
* several processes may write at once: inserts of the same photo are idempotent (the second
  merges), migrations run under the write lock and skip what another process just applied, and a
  locked database is waited for (busy timeout) and the set-up retried;
* a read-only index is opened `mode=ro`; where SQLite cannot (WAL mode with no writable `-shm`
  file: a read-only directory or file system) and no unmerged `-wal` is left, it is opened
  `immutable=1`, which is safe because nobody can be writing what we cannot write;
* a damaged file raises IndexUnreadable (one line, exit 2) wherever it is noticed, on open or
  on any later read.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from captioncheck._exceptions import IndexStoreError, IndexUnreadable
from captioncheck._types import Sighting
from captioncheck.index import migrations
from captioncheck.index.geometry import FEATURE_KIND
from captioncheck.index.hashes import THUMB_KIND, HashRow

META_FIELDS = ("caption", "credit", "creator", "source_url", "page_url", "date", "place", "license")
SIGHTING_COLUMNS = ("page_url", "seen_at", "published", "caption", "credit", "alt", "lang", "countries", "source")
PHOTO_COLUMNS = ("id", "sha256", "size", "width", "height", *META_FIELDS, "origin", "added_at")
BUSY_TIMEOUT_S = 30.0
NEXT_PHOTO_ID = ("(SELECT max(coalesce((SELECT max(id) FROM photos), 0), "
                 "coalesce((SELECT max(photo_id) FROM removed_photos), 0)) + 1)")
F = TypeVar("F", bound=Callable[..., Any])


def damaged(path: Path, exc: Exception) -> IndexStoreError:
    """The one-line error for a database failure met while reading or opening the index."""
    text = " ".join(str(exc).split())
    if "locked" in text or "busy" in text:
        return IndexStoreError(f"index {path} is locked by another process ({text}); retry when it is done")
    return IndexUnreadable(f"index {path} is damaged or not a captioncheck index ({text}); restore it from a "
                           "backup (`captioncheck index export`/`import`) or pass another --index")


def _reads(method: F) -> F:
    """Turn a database failure of a read into the index's one-line error."""

    @functools.wraps(method)
    def wrapper(self: SQLiteStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from exc

    return wrapper  # type: ignore[return-value]


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _chunks(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    """The distinct ids, sorted, in runs of at most `size` (SQLite's bound parameters per statement)."""
    wanted = sorted({int(i) for i in ids})
    for i in range(0, len(wanted), size):
        yield wanted[i:i + size]


@dataclass
class PhotoRecord:
    """One stored photo; `hashes` only filled where asked for (export)."""

    id: int
    sha256: str
    size: int
    width: int | None = None
    height: int | None = None
    caption: str = ""
    credit: str = ""
    creator: str = ""
    source_url: str = ""
    page_url: str = ""
    date: str = ""
    place: str = ""
    license: str = ""
    origin: str = "curated"
    added_at: str = ""
    seen_at: str = ""  # first sighting, for origin=seen
    hashes: list[HashRow] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)


class PhotoStore(Protocol):
    """What the photo index needs from a storage backend."""

    def find_sha256(self, sha256: str) -> int | None: ...
    def add_photo(self, record: PhotoRecord, hashes: Iterable[HashRow], *, commit: bool = True) -> int: ...
    def merge_meta(self, photo_id: int, meta: dict[str, str], *, overwrite: bool = False, commit: bool = True) -> None:
        """Fill the empty metadata fields of a photo (or overwrite them with the non-empty values given)."""
        with self._lock:
            update = merge_meta_sql(photo_id, meta, overwrite=overwrite, mark="?")
            if update:
                self._write(*update)
            if commit:
                self.commit()

    def add_sighting(self, photo_id: int, sighting: Sighting, *, commit: bool = True) -> bool: ...
    def photos(self, ids: Iterable[int]) -> dict[int, PhotoRecord]: ...
    def sightings(self, ids: Iterable[int]) -> dict[int, list[Sighting]]: ...
    def thumbs(self, ids: Iterable[int]) -> dict[int, bytes]: ...
    def features(self, ids: Iterable[int]) -> dict[int, bytes]: ...
    def iter_photos(self, *, with_hashes: bool = False) -> Iterator[PhotoRecord]: ...
    def hashes_after(self, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[int, int, str, bytes, int | None, bytes | None]]: ...
    def blobs_after(self, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[int, int, bytes]]: ...
    def latest_hash_id(self, kind: str = "pdq") -> int: ...
    def removed_after(self, after_id: int) -> list[tuple[int, int]]: ...
    def latest_removal_id(self) -> int: ...
    def index_id(self) -> str: ...
    def remove(self, ids: Iterable[int], *, commit: bool = True) -> int: ...
    def stats(self) -> dict[str, Any]: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


class SQLiteStore:
    """The default backend: one SQLite file in WAL mode."""

    backend = "sqlite"

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._in_tx = False
        self.readonly = readonly
        self.conn = self._connect(create)

    def _connect(self, create: bool) -> sqlite3.Connection:
        if not self.path.exists() and (not create or self.readonly):
            raise IndexStoreError(f"no index at {self.path}; build one with `captioncheck index add PHOTOS...` or pass --index")
        if not self.readonly:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise IndexStoreError(f"cannot create the folder of index {self.path} ({exc.strerror}); pass another --index") from exc
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:  # several processes creating or migrating one index: wait for the lock, then retry
            try:
                return self._open_readonly() if self.readonly else self._open_writable()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise damaged(self.path, exc) from exc
                time.sleep(0.05)
            except sqlite3.DatabaseError as exc:
                raise damaged(self.path, exc) from exc

    def _sqlite(self, query: str) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.path}{query}", uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_S)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        return conn

    def _open_writable(self) -> sqlite3.Connection:
        conn = self._sqlite("")
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrations.migrate(conn, str(self.path))
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_readonly(self) -> sqlite3.Connection:
        if os.access(self.path, os.W_OK):  # an index written by an older captioncheck: upgrade its schema once, then read
            _upgrade_if_older(self.path)
        conn = self._sqlite("?mode=ro")
        try:
            self._check_readable(conn)
        except sqlite3.OperationalError as exc:
            conn.close()
            if "readonly" not in str(exc) and "unable to open" not in str(exc):
                raise
            wal = Path(f"{self.path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise IndexStoreError(f"index {self.path} is read-only here and has changes not yet merged into it "
                                      f"({wal.name}); open it once where it is writable, or copy the three files "
                                      "somewhere writable") from exc
            conn = self._sqlite("?mode=ro&immutable=1")  # nobody can write it: reading it as immutable is safe
            self._check_readable(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_readable(self, conn: sqlite3.Connection) -> None:
        if not _has_table(conn, "_migrations") or migrations.pending(conn, readonly=True):
            raise IndexStoreError(f"index {self.path} is empty or older; open it once without read-only mode")
        migrations.ensure_known(conn, str(self.path), readonly=True)

    # -- transactions
    def _begin(self) -> None:
        if self.readonly:
            raise IndexStoreError(f"index {self.path} is open read-only; open it without --readonly to change it")
        if not self._in_tx:
            self.conn.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def commit(self) -> None:
        with self._lock:
            if self._in_tx:
                self.conn.execute("COMMIT")
                self._in_tx = False

    def rollback(self) -> None:
        with self._lock:
            if self._in_tx:
                self.conn.execute("ROLLBACK")
                self._in_tx = False

    def _write(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            self._begin()
            return self.conn.execute(sql, tuple(params))
        except sqlite3.DatabaseError as exc:
            if "malformed" in str(exc) or "not a database" in str(exc):
                raise damaged(self.path, exc) from exc
            raise IndexStoreError(f"cannot write to index {self.path} ({exc}); check disk space and permissions") from exc

    # -- writes
    @_reads
    def find_sha256(self, sha256: str) -> int | None:
        with self._lock:
            row = self.conn.execute("SELECT id FROM photos WHERE sha256 = ?", (sha256,)).fetchone()
            return int(row[0]) if row else None

    def add_photo(self, record: PhotoRecord, hashes: Iterable[HashRow], *, commit: bool = True) -> int:
        cols = [c for c in PHOTO_COLUMNS if c != "id"]
        values = [getattr(record, c) for c in cols]
        with self._lock:
            # ON CONFLICT: another process added the same bytes since we looked; merge instead of failing
            # an explicit id past every removed one: a searcher that has not yet forgotten a removed photo's
            # hashes never takes them for a new photo's
            cur = self._write(f"INSERT INTO photos (id, {', '.join(cols)}) VALUES ({NEXT_PHOTO_ID}, {', '.join('?' * len(cols))}) "
                              "ON CONFLICT(sha256) DO NOTHING", values)
            if cur.rowcount == 0:
                existing = self.find_sha256(record.sha256)
                if existing is None:
                    raise IndexStoreError(f"cannot write to index {self.path}: photo {record.sha256[:12]} vanished; retry")
                if record.origin == "curated":  # as PhotoIndex.add_hashed: a sighting never changes a photo
                    self.merge_meta(existing, {k: getattr(record, k) for k in META_FIELDS}, commit=commit)
                return existing
            photo_id = int(cur.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO hashes (photo_id, kind, variant, bits, quality) VALUES (?, ?, ?, ?, ?)",
                [(photo_id, h.kind, h.variant, h.bits, h.quality) for h in hashes],
            )
            if commit:
                self.commit()
            return photo_id

    def merge_meta(self, photo_id: int, meta: dict[str, str], *, overwrite: bool = False, commit: bool = True) -> None:
        """Fill the empty metadata fields of a photo (or overwrite them with the non-empty values given)."""
        with self._lock:
            for key, value in meta.items():
                if key in META_FIELDS and value:
                    cond = "" if overwrite else f" AND {key} = ''"
                    self._write(f"UPDATE photos SET {key} = ? WHERE id = ?{cond}", (value, photo_id))
            if meta.get("origin") == "curated":
                self._write("UPDATE photos SET origin = 'curated' WHERE id = ?", (photo_id,))
            if commit:
                self.commit()

    def add_sighting(self, photo_id: int, sighting: Sighting, *, commit: bool = True) -> bool:
        """Record one appearance of a photo; returns False when this (photo, page) was already known.

        A page seen again keeps one row: the earliest time it was seen, and any context (publication
        date, caption, ...) the earlier row lacked.
        """
        values = sighting_row(sighting)
        fill = ", ".join(f"{c} = CASE WHEN {c} = '' THEN excluded.{c} ELSE {c} END"
                         for c in SIGHTING_COLUMNS if c not in ("page_url", "seen_at", "source"))
        with self._lock:
            known = self.conn.execute("SELECT 1 FROM sightings WHERE photo_id = ? AND page_url = ?",
                                      (photo_id, sighting.page_url)).fetchone() is not None
            self._write(
                f"INSERT INTO sightings (photo_id, {', '.join(SIGHTING_COLUMNS)}) "
                f"VALUES (?, {', '.join('?' * len(SIGHTING_COLUMNS))}) "
                f"ON CONFLICT (photo_id, page_url) DO UPDATE SET seen_at = min(seen_at, excluded.seen_at), {fill}",
                (photo_id, *values),
            )
            if commit:
                self.commit()
            return not known

    def remove(self, ids: Iterable[int], *, commit: bool = True) -> int:
        with self._lock:
            n = 0
            for pid in ids:
                gone = self._write("DELETE FROM photos WHERE id = ?", (int(pid),)).rowcount
                if gone:  # a tombstone: every process's searcher forgets the photo at its next refresh
                    self._write("INSERT INTO removed_photos (photo_id, removed_at) VALUES (?, ?)", (int(pid), utcnow()))
                n += gone
            if commit:
                self.commit()
            return n

    # -- reads
    @_reads
    def photos(self, ids: Iterable[int]) -> dict[int, PhotoRecord]:
        out: dict[int, PhotoRecord] = {}
        with self._lock:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                sql = (f"SELECT {', '.join('p.' + c for c in PHOTO_COLUMNS)}, "
                       "(SELECT min(seen_at) FROM sightings s WHERE s.photo_id = p.id) "
                       f"FROM photos p WHERE p.id IN ({marks})")
                for row in self.conn.execute(sql, chunk):
                    rec = PhotoRecord(**dict(zip(PHOTO_COLUMNS, row[:-1])), seen_at=row[-1] or "")
                    out[rec.id] = rec
        return out

    def iter_photos(self, *, with_hashes: bool = False) -> Iterator[PhotoRecord]:
        try:
            yield from self._iter_photos(with_hashes)
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from exc

    def _iter_photos(self, with_hashes: bool) -> Iterator[PhotoRecord]:
        last = 0
        while True:
            with self._lock:
                ids = [r[0] for r in self.conn.execute("SELECT id FROM photos WHERE id > ? ORDER BY id LIMIT 500", (last,))]
            if not ids:
                return
            recs = self.photos(ids)
            if with_hashes:
                with self._lock:
                    marks = ",".join("?" * len(ids))
                    for pid, kind, variant, bits, q in self.conn.execute(
                        f"SELECT photo_id, kind, variant, bits, quality FROM hashes WHERE photo_id IN ({marks}) ORDER BY id", ids
                    ):
                        recs[pid].hashes.append(HashRow(kind, variant, bytes(bits), q))
                for pid, found in self.sightings(ids).items():
                    recs[pid].sightings = found
            yield from (recs[i] for i in ids if i in recs)
            last = ids[-1]

    @_reads
    def sightings(self, ids: Iterable[int]) -> dict[int, list[Sighting]]:
        """Every sighting of these photos, oldest first (by the page's own date, else when seen)."""
        out: dict[int, list[Sighting]] = {}
        with self._lock:
            for chunk in _chunks(ids):
                for row in self.conn.execute(
                    f"SELECT photo_id, {', '.join(SIGHTING_COLUMNS)} FROM sightings "
                    f"WHERE photo_id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk,
                ):
                    out.setdefault(row[0], []).append(sighting_from_row(row[1:]))
        for found in out.values():
            found.sort(key=lambda s: s.when)
        return out

    def thumbs(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The colour thumbnail (hashes.thumb) of each of these photos that has one (none in an index written before)."""
        return self._blobs(THUMB_KIND, ids)

    def features(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The stored keypoints (geometry.encode) of each of these photos that has them (none in an index written
        before them, or without OpenCV)."""
        return self._blobs(FEATURE_KIND, ids)

    @_reads
    def _blobs(self, kind: str, ids: Iterable[int]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        with self._lock:
            for chunk in _chunks(ids):
                out.update((int(pid), bytes(bits)) for pid, bits in self.conn.execute(
                    f"SELECT photo_id, bits FROM hashes WHERE kind = ? AND photo_id IN ({','.join('?' * len(chunk))})",
                    (kind, *chunk)))
        return out

    @_reads
    def hashes_after(self, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[int, int, str, bytes, int | None, bytes | None]]:
        """(hash_id, photo_id, variant, bits, quality, aux bits or None) of hashes of one kind with id > after_id.

        Two index scans joined here (by photo and variant), as in the PostgreSQL store: a correlated
        sub-query per row read every hash row of the photo for each PDQ row (about 100 each)."""
        with self._lock:
            own_tx = not self._in_tx
            if own_tx:  # one read transaction: both scans see the same snapshot
                self.conn.execute("BEGIN")
            try:
                rows = self.conn.execute("SELECT id, photo_id, variant, bits, quality FROM hashes WHERE kind = ? AND id > ? "
                                         "ORDER BY id LIMIT ?", (kind, after_id, limit)).fetchall()
                photo_ids = sorted({r[1] for r in rows})
                aux: dict[tuple[int, str], bytes] = {}
                for i in range(0, len(photo_ids), 500):
                    chunk = photo_ids[i:i + 500]
                    aux.update(((p, v), bytes(b)) for p, v, b in self.conn.execute(
                        f"SELECT photo_id, variant, bits FROM hashes WHERE photo_id IN ({','.join('?' * len(chunk))}) "
                        "AND kind = 'aux'", chunk))
            finally:
                if own_tx:
                    self.conn.execute("COMMIT")
        return [(r[0], r[1], r[2], bytes(r[3]), r[4], aux.get((r[1], r[2]))) for r in rows]

    @_reads
    def blobs_after(self, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[int, int, bytes]]:
        """(hash_id, photo_id, bits) of the rows of one kind with id > after_id (thumbnails: no aux hash joined)."""
        with self._lock:
            return [(int(a), int(b), bytes(c)) for a, b, c in self.conn.execute(
                "SELECT id, photo_id, bits FROM hashes WHERE kind = ? AND id > ? ORDER BY id LIMIT ?", (kind, after_id, limit))]

    @_reads
    def latest_hash_id(self, kind: str = "pdq") -> int:
        """The highest row id of hashes of this kind (0 when none): how far a searcher could load."""
        with self._lock:
            return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM hashes WHERE kind = ?", (kind,)).fetchone()[0])

    @_reads
    def removed_after(self, after_id: int) -> list[tuple[int, int]]:
        """(tombstone id, photo id) of the photos removed after tombstone `after_id`, oldest first."""
        with self._lock:
            return [(int(a), int(b)) for a, b in self.conn.execute(
                "SELECT id, photo_id FROM removed_photos WHERE id > ? ORDER BY id", (after_id,))]

    @_reads
    def latest_removal_id(self) -> int:
        with self._lock:
            return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM removed_photos").fetchone()[0])

    @_reads
    def index_id(self) -> str:
        """A random id made with the database: tells a rebuilt file from the one cached in memory."""
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
            if row is None:
                raise sqlite3.DatabaseError("its meta table has no index_id")
            return str(row[0])

    @_reads
    def stats(self) -> dict[str, Any]:
        with self._lock:
            q = self.conn.execute
            by_origin = dict(q("SELECT origin, count(*) FROM photos GROUP BY origin").fetchall())
            return {
                "path": str(self.path),
                "photos": sum(by_origin.values()),
                "curated": by_origin.get("curated", 0),
                "seen": by_origin.get("seen", 0),
                "hashes": q("SELECT count(*) FROM hashes").fetchone()[0],
                "sightings": q("SELECT count(*) FROM sightings").fetchone()[0],
                "with_caption": q("SELECT count(*) FROM photos WHERE caption != ''").fetchone()[0],
                "schema": migrations.applied(self.conn, readonly=True)[-1],
                "size_bytes": self.path.stat().st_size if self.path.exists() else 0,
            }

    def close(self) -> None:
        with self._lock:
            try:
                self.commit()
            finally:
                self.conn.close()


def merge_meta_sql(photo_id: int, meta: dict[str, str], *, overwrite: bool, mark: str) -> tuple[str, tuple[Any, ...]] | None:
    """The one UPDATE (both backends; `mark`: the driver's placeholder, "?" or "%s") that fills the empty metadata
    fields of a photo with the non-empty values in `meta` (or overwrites them), and makes it curated where
    meta["origin"] says so; None when there is nothing to change."""
    values = [(k, v) for k, v in meta.items() if k in META_FIELDS and v]
    sets = [f"{k} = {mark}" if overwrite else f"{k} = CASE WHEN {k} = '' THEN {mark} ELSE {k} END" for k, _ in values]
    if meta.get("origin") == "curated":
        sets.append("origin = 'curated'")
    if not sets:
        return None
    return f"UPDATE photos SET {', '.join(sets)} WHERE id = {mark}", (*(v for _, v in values), photo_id)


def sighting_row(sighting: Sighting) -> tuple[str, ...]:
    """A sighting as stored: SIGHTING_COLUMNS in order, countries as "FR,IR"."""
    data = sighting.model_dump()
    data["countries"] = ",".join(sighting.countries)
    return tuple(str(data[c] or "") for c in SIGHTING_COLUMNS)


def sighting_from_row(row: Iterable[Any]) -> Sighting:
    data = dict(zip(SIGHTING_COLUMNS, row))
    data["countries"] = [c for c in str(data["countries"] or "").split(",") if c]
    return Sighting(**data)


def _upgrade_if_older(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if _has_table(conn, "_migrations") and migrations.pending(conn, readonly=True):
            migrations.migrate(conn, str(path))
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


__all__ = ["META_FIELDS", "SIGHTING_COLUMNS", "PhotoRecord", "PhotoStore", "SQLiteStore", "merge_meta_sql", "sighting_from_row",
           "sighting_row", "utcnow"]
