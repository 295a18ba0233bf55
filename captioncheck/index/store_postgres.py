"""The photo store on PostgreSQL: one index shared by a team, several API workers and machines.

Chosen with `--index postgresql://user:password@host/db` (or CAPTIONCHECK_INDEX); implements the
same `PhotoStore` protocol as `SQLiteStore`, with the same tables, named migrations
(captioncheck.index.migrations_postgres) and merge rules:

* connections come from a psycopg_pool pool shared by every store of the same URL in the process
  (a check opens the index per page: that costs no new connection);
* writes are batched in one transaction on a connection held until `commit()` (`commit=False`
  then `commit()`, as in SQLite); several writers, processes or machines write at once;
* the same bytes (sha256) added by two writers at once are merged into one photo: the insert is
  `ON CONFLICT (sha256) DO NOTHING` and the loser merges its metadata into the winner's row;
  a sighting is `ON CONFLICT (photo_id, page_url) DO UPDATE`, keeping the earliest;
* searchers load hashes by increasing row id (`hashes_after`), so hash ids must become visible in
  id order, which concurrent PostgreSQL transactions do not guarantee by themselves (a sequence
  hands out ids at insert, transactions commit in any order: a reader could see id 150 before 100
  commits, move past it and lose 100). So a transaction's hashes are written at `commit()` only,
  under a transaction-level advisory lock held until the commit: hash ids are allocated and
  committed one writer at a time (the lock is held for a bulk COPY and the commit, milliseconds),
  while photo rows, merges and sightings are written concurrently. A large transaction (an
  `index import` is one) parks its hashes in a temporary table of its session beyond SPILL_ROWS
  rows, so memory stays bounded; they are moved into `hashes` at commit, under the same lock.
"""

from __future__ import annotations

import atexit
import os
import random
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from captioncheck._exceptions import DependencyError, IndexStoreError
from captioncheck._types import Sighting
from captioncheck.config import is_index_url as is_postgres
from captioncheck.index import migrations_postgres as migrations
from captioncheck.index.geometry import FEATURE_KIND
from captioncheck.index.hashes import THUMB_KIND, HashRow
from captioncheck.index.store import (
    META_FIELDS,
    PHOTO_COLUMNS,
    SIGHTING_COLUMNS,
    PhotoRecord,
    merge_meta_sql,
    sighting_from_row,
    sighting_row,
    utcnow,
)

HASH_LOCK = 0x68617368  # pg_advisory_xact_lock key ("hash") serialising hash-id allocation with the commit
SPILL_ROWS = 50_000  # hash rows held in memory per open transaction; beyond, parked in a temporary table
CONNECT_TIMEOUT_S = 10
HASH_COLUMNS = "photo_id, kind, variant, bits, quality"
RETRY_SQLSTATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure: the transaction is replayed
RETRIES = 6  # replays of one transaction before giving up; backoff 0.05 s doubling to 1.6 s, jittered
SPILL_TABLE = "captioncheck_pending_hashes"


def redact(url: str) -> str:
    """The URL without its password, for messages and `index stats`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:
        raise DependencyError(f"a PostgreSQL index needs extra packages ({exc.name}): pip install 'captioncheck[postgres]'") from exc
    return psycopg, psycopg_pool


# -- one pool per URL and process (lazily opened, closed at exit)
_POOLS: dict[tuple[int, str], Any] = {}
_MIGRATED: set[tuple[int, str]] = set()
_POOLS_LOCK = threading.Lock()


def _pool(url: str) -> Any:
    _, psycopg_pool = _psycopg()
    key = (os.getpid(), url)  # a forked child opens its own
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            size = max(2, int(os.environ.get("CAPTIONCHECK_PG_POOL", "8") or 8))
            pool = psycopg_pool.ConnectionPool(url, min_size=1, max_size=size, open=True, name="captioncheck",
                                               kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
                                               timeout=15)
            _POOLS[key] = pool
        return pool


def close_pools() -> None:
    """Close this process's connection pools (at exit, or when a server shuts down)."""
    with _POOLS_LOCK:
        for (pid, url), pool in list(_POOLS.items()):
            if pid == os.getpid():
                pool.close()
                del _POOLS[(pid, url)]
        _MIGRATED.clear()


atexit.register(close_pools)


class _Retry(Exception):
    """The open transaction was aborted by a deadlock or serialization failure and rolled back: replay it."""


class PostgresStore:
    """The shared backend: one PostgreSQL database."""

    backend = "postgresql"

    def __init__(self, url: str, *, create: bool = True, readonly: bool = False) -> None:
        self.url = url
        self.path = redact(url)  # what messages and stats show
        self.readonly = readonly
        self._lock = threading.RLock()
        self._tx: Any = None  # the connection holding the open write transaction
        self._pending_hashes: list[tuple[int, str, str, bytes, int | None]] = []
        self._spilled = False  # some of this transaction's hashes are in the temporary table
        self._pending_removals: list[int] = []  # photo ids removed in this transaction: tombstones at commit
        # the open transaction's writes, replayed after a deadlock (None once too large to keep: spilled)
        self._journal: list[tuple[str, tuple[Any, ...], Any]] | None = []
        self._depth = 0  # > 0 inside a journaled write (its nested writes are part of it)
        self._new_ids: set[int] = set()  # photos inserted (not merged) by the open transaction
        self.remapped: dict[int, int] = {}  # a photo id given out, merged by a replay into another writer's photo
        self._prepare(create)
        self.pool = _pool(url)

    def _error(self, exc: Exception, doing: str) -> IndexStoreError:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return IndexStoreError(f"cannot {doing} PostgreSQL index {self.path} ({detail}); "
                               "check that the server runs and the URL's user, password and database")

    def _prepare(self, create: bool) -> None:
        """Check the database once per process: reachable, a captioncheck index, schema up to date."""
        psycopg, _ = _psycopg()
        key = (os.getpid(), self.url)
        if key in _MIGRATED:
            return
        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
                done = migrations.ensure_known(conn, self.path)
                if not done and (not create or self.readonly):
                    raise IndexStoreError(f"no index in {self.path} yet; build one with "
                                          f"`captioncheck index add PHOTOS... --index {self.path}`")
                if migrations.pending(conn):
                    migrations.migrate(conn, self.path)  # also when opened read-only: as SQLite's upgrade-once
        except psycopg.Error as exc:
            raise self._error(exc, "open") from exc
        _MIGRATED.add(key)

    # -- transactions
    def _conn_for_write(self) -> Any:
        if self.readonly:
            raise IndexStoreError(f"index {self.path} is open read-only; open it without --readonly to change it")
        if self._tx is None:
            conn = self.pool.getconn()
            try:
                conn.execute("BEGIN")
            except Exception:
                self.pool.putconn(conn)
                raise
            self._tx = conn
        return self._tx

    def _write(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """Execute one write in the open transaction (a statement from outside the store is journaled alone)."""
        return self._op("_execute", sql, tuple(params))

    def _execute(self, sql: str, params: tuple[Any, ...]) -> Any:
        psycopg, _ = _psycopg()
        try:
            return self._conn_for_write().execute(sql, params)
        except psycopg.Error as exc:
            if getattr(exc, "sqlstate", None) in RETRY_SQLSTATES and self._journal is not None:
                self._abort()
                raise _Retry(exc) from exc
            self.rollback()
            if getattr(exc, "sqlstate", None) in RETRY_SQLSTATES:
                raise IndexStoreError(f"a write to PostgreSQL index {self.path} collided with another writer's "
                                      f"({str(exc).splitlines()[0]}) in a batch too large to replay; its batch was not "
                                      "written: run it again (photos already added are merged)") from exc
            raise self._error(exc, "write to") from exc

    # -- deadlocks: two writers adding the same photos in opposite orders lock each other's new rows; PostgreSQL
    # aborts one transaction, which is replayed from its journal after a jittered, growing pause (the other
    # has then usually committed, and the replay merges into its photos)
    def _op(self, name: str, *args: Any) -> Any:
        with self._lock:
            method = getattr(self, name)
            if self._depth:  # part of an enclosing write
                return method(*self._mapped(name, args))
            self._depth += 1
            try:
                for attempt in range(1, RETRIES + 2):
                    try:
                        result = method(*self._mapped(name, args))
                        break
                    except _Retry as exc:
                        self._recover(attempt, exc)
                if self._journal is not None:
                    self._journal.append((name, args, result))
                return result
            finally:
                self._depth -= 1

    def _mapped(self, name: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Arguments with photo ids that a replay merged into another writer's photo replaced."""
        if not self.remapped or name not in ("_merge_meta", "_add_sighting", "_remove"):
            return args
        first = args[0]
        first = [self.remapped.get(int(i), int(i)) for i in first] if name == "_remove" else self.remapped.get(first, first)
        return (first, *args[1:])

    def _recover(self, attempt: int, exc: Exception) -> None:
        """Replay the aborted transaction's journal in a new transaction, retrying a replay that collides too."""
        while True:
            if attempt > RETRIES:
                self.rollback()
                raise IndexStoreError(f"a write to PostgreSQL index {self.path} kept colliding with other writers "
                                      f"({str(exc).splitlines()[0]}, {RETRIES} retries); its batch was not written: "
                                      "run it again (photos already added are merged)") from exc
            time.sleep(min(1.6, 0.05 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5))
            journal, self._journal = self._journal or [], []
            new_ids, self._new_ids = self._new_ids, set()
            try:
                for name, args, result in journal:
                    if name == "_add_photo":  # the id given out before, unless the same bytes were added meanwhile
                        again = self._add_photo(*args, photo_id=result if result in new_ids else None)
                        if again != result:
                            self.remapped[result] = again
                    else:
                        getattr(self, name)(*self._mapped(name, args))
                    self._journal.append((name, args, result))
                return
            except _Retry as retry:
                self._journal, self._new_ids = journal, new_ids
                exc, attempt = retry, attempt + 1

    def _abort(self) -> None:
        """Roll the open transaction back but keep its journal (to replay it)."""
        journal, new_ids = self._journal, self._new_ids
        self.rollback()
        self._journal, self._new_ids = journal, new_ids

    def commit(self) -> None:
        with self._lock:
            for attempt in range(1, RETRIES + 2):
                try:
                    return self._commit()
                except _Retry as exc:
                    self._depth += 1
                    try:
                        self._recover(attempt, exc)
                    finally:
                        self._depth -= 1

    def _commit(self) -> None:
        psycopg, _ = _psycopg()
        with self._lock:
            if self._tx is None:
                return
            conn = self._tx
            try:
                if self._pending_hashes or self._spilled or self._pending_removals:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (HASH_LOCK,))  # held until COMMIT
                    if self._spilled:
                        conn.execute(f"INSERT INTO hashes ({HASH_COLUMNS}) SELECT {HASH_COLUMNS} FROM {SPILL_TABLE} ORDER BY seq")
                    self._copy_pending("hashes")
                    if self._pending_removals:  # tombstones, visible in id order as hashes are
                        conn.execute("INSERT INTO removed_photos (photo_id, removed_at) SELECT unnest(%s::bigint[]), %s",
                                     (self._pending_removals, utcnow()))
                conn.execute("COMMIT")  # the temporary table empties itself (ON COMMIT DELETE ROWS)
            except psycopg.Error as exc:
                if getattr(exc, "sqlstate", None) in RETRY_SQLSTATES and self._journal is not None:
                    self._abort()
                    raise _Retry(exc) from exc
                self.rollback()
                raise self._error(exc, "commit to") from exc
            self._forget_tx()
            self._tx = None
            self.pool.putconn(conn)

    def _forget_tx(self) -> None:
        """Drop what this store kept of the open transaction (after its COMMIT or ROLLBACK)."""
        self._pending_hashes = []
        self._pending_removals = []
        self._spilled = False
        self._journal = []
        self._new_ids = set()

    def _copy_pending(self, table: str) -> None:
        with self._tx.cursor(binary=True) as cur, cur.copy(f"COPY {table} ({HASH_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int8", "text", "text", "bytea", "int4"])
            for row in self._pending_hashes:
                copy.write_row(row)
        self._pending_hashes = []

    def _spill(self) -> None:
        """Park the hashes held in memory in this session's temporary table (same transaction)."""
        self._tx.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {SPILL_TABLE} (seq BIGSERIAL, photo_id BIGINT, kind TEXT, "
                         "variant TEXT, bits BYTEA, quality INTEGER) ON COMMIT DELETE ROWS")
        self._copy_pending(SPILL_TABLE)
        self._spilled = True
        self._journal = None  # too large to keep for a replay

    def rollback(self) -> None:
        with self._lock:
            conn, self._tx = self._tx, None
            self._forget_tx()
            if conn is not None:
                try:
                    conn.execute("ROLLBACK")
                except Exception:  # a broken connection: the pool replaces it
                    pass
                self.pool.putconn(conn)

    def _query(self, sql: str, params: Iterable[Any] = (), *, binary: bool = False) -> list[tuple[Any, ...]]:
        """Rows of a read: inside the open write transaction (sees its own writes), else on a pooled connection."""
        psycopg, _ = _psycopg()
        try:
            with self._lock:
                if self._tx is not None:
                    with self._tx.cursor(binary=binary) as cur:
                        return list(cur.execute(sql, tuple(params)).fetchall())
            with self.pool.connection() as conn, conn.cursor(binary=binary) as cur:
                return list(cur.execute(sql, tuple(params)).fetchall())
        except psycopg.Error as exc:
            raise self._error(exc, "read") from exc

    # -- writes
    def find_sha256(self, sha256: str) -> int | None:
        rows = self._query("SELECT id FROM photos WHERE sha256 = %s", (sha256,))
        return int(rows[0][0]) if rows else None

    def add_photo(self, record: PhotoRecord, hashes: Iterable[HashRow], *, commit: bool = True) -> int:
        photo_id = int(self._op("_add_photo", record, list(hashes)))
        if commit:
            self.commit()
        return photo_id

    def _add_photo(self, record: PhotoRecord, hashes: list[HashRow], photo_id: int | None = None) -> int:
        """Insert a photo (with the id it was given before, when a journal is replayed) or merge into the same bytes'."""
        psycopg, _ = _psycopg()
        cols = [c for c in PHOTO_COLUMNS if c != "id"]
        values = [getattr(record, c) for c in cols]
        if photo_id is not None:
            cols, values = ["id", *cols], [photo_id, *values]
        row = self._write(f"INSERT INTO photos ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
                          "ON CONFLICT (sha256) DO NOTHING RETURNING id", values).fetchone()
        if row is not None:
            photo_id = int(row[0])
            self._new_ids.add(photo_id)
            self._pending_hashes.extend((photo_id, h.kind, h.variant, h.bits, h.quality) for h in hashes)
            if len(self._pending_hashes) >= SPILL_ROWS:
                try:
                    self._spill()
                except psycopg.Error as exc:
                    self.rollback()
                    raise self._error(exc, "write to") from exc
            return photo_id
        # another writer added the same bytes meanwhile: merge into its photo, as PhotoIndex does
        photo_id = self.find_sha256(record.sha256) or 0
        if record.origin == "curated":
            old = self.photos([photo_id])[photo_id]
            meta = {k: getattr(record, k) for k in META_FIELDS}
            self._merge_meta(photo_id, {**meta, "origin": "curated"}, old.origin == "seen")
        return photo_id

    def merge_meta(self, photo_id: int, meta: dict[str, str], *, overwrite: bool = False, commit: bool = True) -> None:
        """Fill the empty metadata fields of a photo (or overwrite them with the non-empty values given)."""
        self._op("_merge_meta", photo_id, dict(meta), overwrite)
        if commit:
            self.commit()

    def _merge_meta(self, photo_id: int, meta: dict[str, str], overwrite: bool) -> None:
        update = merge_meta_sql(photo_id, meta, overwrite=overwrite, mark="%s")
        if update:
            self._write(*update)

    def add_sighting(self, photo_id: int, sighting: Sighting, *, commit: bool = True) -> bool:
        """Record one appearance of a photo; False when this (photo, page) was already known (its row then
        keeps the earliest time seen and gains the context it lacked)."""
        new = bool(self._op("_add_sighting", photo_id, sighting))
        if commit:
            self.commit()
        return new

    def _add_sighting(self, photo_id: int, sighting: Sighting) -> bool:
        fill = ", ".join(f"{c} = CASE WHEN sightings.{c} = '' THEN excluded.{c} ELSE sightings.{c} END"
                         for c in SIGHTING_COLUMNS if c not in ("page_url", "seen_at", "source"))
        row = self._write(
            f"INSERT INTO sightings (photo_id, {', '.join(SIGHTING_COLUMNS)}) "
            f"VALUES (%s, {', '.join(['%s'] * len(SIGHTING_COLUMNS))}) "
            f"ON CONFLICT (photo_id, page_url) DO UPDATE SET seen_at = LEAST(sightings.seen_at, excluded.seen_at), "
            f"{fill} RETURNING (xmax = 0)",  # xmax 0: a new row, not an update
            (photo_id, *sighting_row(sighting)),
        ).fetchone()
        return bool(row[0])

    def remove(self, ids: Iterable[int], *, commit: bool = True) -> int:
        n = int(self._op("_remove", sorted({int(i) for i in ids})))
        if commit:
            self.commit()
        return n

    def _remove(self, wanted: list[int]) -> int:
        removed = [int(r[0]) for r in self._write("DELETE FROM photos WHERE id = ANY(%s) RETURNING id",
                                                  (wanted,)).fetchall()] if wanted else []
        self._pending_removals.extend(removed)
        gone = set(wanted)
        self._pending_hashes = [h for h in self._pending_hashes if h[0] not in gone]
        if self._spilled and wanted:
            self._write(f"DELETE FROM {SPILL_TABLE} WHERE photo_id = ANY(%s)", (wanted,))
        return len(removed)

    # -- reads
    def photos(self, ids: Iterable[int]) -> dict[int, PhotoRecord]:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        rows = self._query(f"SELECT {', '.join('p.' + c for c in PHOTO_COLUMNS)}, "
                           "(SELECT min(seen_at) FROM sightings s WHERE s.photo_id = p.id) "
                           "FROM photos p WHERE p.id = ANY(%s)", (wanted,))
        out = {}
        for row in rows:
            rec = PhotoRecord(**dict(zip(PHOTO_COLUMNS, row[:-1])), seen_at=row[-1] or "")
            out[rec.id] = rec
        return out

    def thumbs(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The colour thumbnail (hashes.thumb) of each of these photos that has one (none in an index written before)."""
        return self._blobs(THUMB_KIND, ids)

    def features(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The stored keypoints (geometry.encode) of each of these photos that has them (none in an index written
        before them, or without OpenCV)."""
        return self._blobs(FEATURE_KIND, ids)

    def _blobs(self, kind: str, ids: Iterable[int]) -> dict[int, bytes]:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        rows = self._query("SELECT photo_id, bits FROM hashes WHERE kind = %s AND photo_id = ANY(%s)", (kind, wanted))
        return {int(pid): bytes(bits) for pid, bits in rows}

    def sightings(self, ids: Iterable[int]) -> dict[int, list[Sighting]]:
        """Every sighting of these photos, oldest first (by the page's own date, else when seen)."""
        wanted = sorted({int(i) for i in ids})
        out: dict[int, list[Sighting]] = {}
        if not wanted:
            return out
        for row in self._query(f"SELECT photo_id, {', '.join(SIGHTING_COLUMNS)} FROM sightings "
                               "WHERE photo_id = ANY(%s) ORDER BY id", (wanted,)):
            out.setdefault(int(row[0]), []).append(sighting_from_row(row[1:]))
        for found in out.values():
            found.sort(key=lambda s: s.when)
        return out

    def iter_photos(self, *, with_hashes: bool = False) -> Iterator[PhotoRecord]:
        last = 0
        while True:
            ids = [int(r[0]) for r in self._query("SELECT id FROM photos WHERE id > %s ORDER BY id LIMIT 500", (last,))]
            if not ids:
                return
            recs = self.photos(ids)
            if with_hashes:
                for pid, kind, variant, bits, q in self._query(
                    "SELECT photo_id, kind, variant, bits, quality FROM hashes WHERE photo_id = ANY(%s) ORDER BY id",
                    (ids,), binary=True,
                ):
                    recs[pid].hashes.append(HashRow(kind, variant, bytes(bits), q))
                for pid, found in self.sightings(ids).items():
                    recs[pid].sightings = found
            yield from (recs[i] for i in ids if i in recs)
            last = ids[-1]

    def hashes_after(self, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[int, int, str, bytes, int | None, bytes | None]]:
        """(hash_id, photo_id, variant, bits, quality, aux bits or None) of hashes of one kind with id > after_id.

        Two index scans joined here (by photo and variant), not a correlated subquery: its plan was a
        sequential scan per row on a table not analysed yet (minutes for 50k rows)."""
        with self._lock:  # one snapshot for both reads where a write transaction is open; else each on its own
            rows = self._query("SELECT id, photo_id, variant, bits, quality FROM hashes WHERE kind = %s AND id > %s "
                               "ORDER BY id LIMIT %s", (kind, after_id, limit), binary=True)
            photo_ids = sorted({int(r[1]) for r in rows})
            aux = {(int(p), v): bytes(b) for p, v, b in self._query(
                "SELECT photo_id, variant, bits FROM hashes WHERE photo_id = ANY(%s) AND kind = 'aux'", (photo_ids,),
                binary=True)} if rows else {}
        return [(int(r[0]), int(r[1]), r[2], bytes(r[3]), r[4], aux.get((int(r[1]), r[2]))) for r in rows]

    def blobs_after(self, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[int, int, bytes]]:
        """(hash_id, photo_id, bits) of the rows of one kind with id > after_id (thumbnails: no aux hash joined)."""
        rows = self._query("SELECT id, photo_id, bits FROM hashes WHERE kind = %s AND id > %s ORDER BY id LIMIT %s",
                           (kind, after_id, limit), binary=True)
        return [(int(a), int(b), bytes(c)) for a, b, c in rows]

    def latest_hash_id(self, kind: str = "pdq") -> int:
        """The highest row id of hashes of this kind (0 when none): how far a searcher could load."""
        return int(self._query("SELECT coalesce(max(id), 0) FROM hashes WHERE kind = %s", (kind,))[0][0])

    def removed_after(self, after_id: int) -> list[tuple[int, int]]:
        """(tombstone id, photo id) of the photos removed after tombstone `after_id`, oldest first."""
        return [(int(a), int(b)) for a, b in self._query(
            "SELECT id, photo_id FROM removed_photos WHERE id > %s ORDER BY id", (after_id,))]

    def latest_removal_id(self) -> int:
        return int(self._query("SELECT coalesce(max(id), 0) FROM removed_photos")[0][0])

    def index_id(self) -> str:
        """A random id made with the database: tells a rebuilt database from the one cached in memory."""
        return str(self._query("SELECT value FROM meta WHERE key = 'index_id'")[0][0])

    def stats(self) -> dict[str, Any]:
        [(by_origin, n_hashes, n_sightings, with_caption, size)] = self._query(
            "SELECT (SELECT json_object_agg(origin, n) FROM (SELECT origin, count(*) n FROM photos GROUP BY origin) o), "
            "(SELECT count(*) FROM hashes), (SELECT count(*) FROM sightings), "
            "(SELECT count(*) FROM photos WHERE caption <> ''), "
            "(SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['photos', 'hashes', 'sightings', 'meta']::regclass[]) c)"
        )
        by_origin = by_origin or {}
        with self._lock:
            schema = self._query("SELECT name FROM _migrations ORDER BY seq DESC LIMIT 1")[0][0]
        return {
            "path": self.path,
            "photos": sum(by_origin.values()),
            "curated": by_origin.get("curated", 0),
            "seen": by_origin.get("seen", 0),
            "hashes": int(n_hashes),
            "sightings": int(n_sightings),
            "with_caption": int(with_caption),
            "schema": schema,
            "size_bytes": int(size or 0),
        }

    def close(self) -> None:
        """Commit the open batch and give the connection back; the pool stays for the next open."""
        self.commit()


__all__ = ["PostgresStore", "close_pools", "is_postgres", "redact"]
