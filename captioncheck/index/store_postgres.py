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
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from captioncheck._exceptions import DependencyError, IndexStoreError
from captioncheck._types import Sighting
from captioncheck.config import is_index_url as is_postgres
from captioncheck.index import migrations_postgres as migrations
from captioncheck.index.hashes import HashRow
from captioncheck.index.store import (
    META_FIELDS,
    PHOTO_COLUMNS,
    SIGHTING_COLUMNS,
    PhotoRecord,
    sighting_from_row,
    sighting_row,
    utcnow,
)

HASH_LOCK = 0x68617368  # pg_advisory_xact_lock key ("hash") serialising hash-id allocation with the commit
SPILL_ROWS = 50_000  # hash rows held in memory per open transaction; beyond, parked in a temporary table
CONNECT_TIMEOUT_S = 10
HASH_COLUMNS = "photo_id, kind, variant, bits, quality"
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
        psycopg, _ = _psycopg()
        with self._lock:
            try:
                return self._conn_for_write().execute(sql, tuple(params))
            except psycopg.Error as exc:
                self.rollback()
                raise self._error(exc, "write to") from exc

    def commit(self) -> None:
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
                self.rollback()
                raise self._error(exc, "commit to") from exc
            self._pending_hashes = []
            self._pending_removals = []
            self._spilled = False
            self._tx = None
            self.pool.putconn(conn)

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

    def rollback(self) -> None:
        with self._lock:
            conn, self._tx = self._tx, None
            self._pending_hashes = []
            self._pending_removals = []
            self._spilled = False
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
        psycopg, _ = _psycopg()
        cols = [c for c in PHOTO_COLUMNS if c != "id"]
        with self._lock:
            row = self._write(f"INSERT INTO photos ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
                              "ON CONFLICT (sha256) DO NOTHING RETURNING id", [getattr(record, c) for c in cols]).fetchone()
            if row is not None:
                photo_id = int(row[0])
                self._pending_hashes.extend((photo_id, h.kind, h.variant, h.bits, h.quality) for h in hashes)
                if len(self._pending_hashes) >= SPILL_ROWS and not commit:
                    try:
                        self._spill()
                    except psycopg.Error as exc:
                        self.rollback()
                        raise self._error(exc, "write to") from exc
            else:  # another writer added the same bytes meanwhile: merge into its photo, as PhotoIndex does
                photo_id = self.find_sha256(record.sha256) or 0
                if record.origin == "curated":
                    old = self.photos([photo_id])[photo_id]
                    meta = {k: getattr(record, k) for k in META_FIELDS}
                    self.merge_meta(photo_id, {**meta, "origin": "curated"}, overwrite=old.origin == "seen", commit=False)
            if commit:
                self.commit()
            return photo_id

    def merge_meta(self, photo_id: int, meta: dict[str, str], *, overwrite: bool = False, commit: bool = True) -> None:
        """Fill the empty metadata fields of a photo (or overwrite them with the non-empty values given)."""
        with self._lock:
            for key, value in meta.items():
                if key in META_FIELDS and value:
                    cond = "" if overwrite else f" AND {key} = ''"
                    self._write(f"UPDATE photos SET {key} = %s WHERE id = %s{cond}", (value, photo_id))
            if meta.get("origin") == "curated":
                self._write("UPDATE photos SET origin = 'curated' WHERE id = %s", (photo_id,))
            if commit:
                self.commit()

    def add_sighting(self, photo_id: int, sighting: Sighting, *, commit: bool = True) -> bool:
        """Record one appearance of a photo; False when this (photo, page) was already known (its row then
        keeps the earliest time seen and gains the context it lacked)."""
        fill = ", ".join(f"{c} = CASE WHEN sightings.{c} = '' THEN excluded.{c} ELSE sightings.{c} END"
                         for c in SIGHTING_COLUMNS if c not in ("page_url", "seen_at", "source"))
        with self._lock:
            row = self._write(
                f"INSERT INTO sightings (photo_id, {', '.join(SIGHTING_COLUMNS)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(SIGHTING_COLUMNS))}) "
                f"ON CONFLICT (photo_id, page_url) DO UPDATE SET seen_at = LEAST(sightings.seen_at, excluded.seen_at), "
                f"{fill} RETURNING (xmax = 0)",  # xmax 0: a new row, not an update
                (photo_id, *sighting_row(sighting)),
            ).fetchone()
            if commit:
                self.commit()
            return bool(row[0])

    def remove(self, ids: Iterable[int], *, commit: bool = True) -> int:
        wanted = sorted({int(i) for i in ids})
        with self._lock:
            removed = [int(r[0]) for r in self._write("DELETE FROM photos WHERE id = ANY(%s) RETURNING id",
                                                      (wanted,)).fetchall()] if wanted else []
            n = len(removed)
            self._pending_removals.extend(removed)
            gone = set(wanted)
            self._pending_hashes = [h for h in self._pending_hashes if h[0] not in gone]
            if self._spilled and wanted:
                self._write(f"DELETE FROM {SPILL_TABLE} WHERE photo_id = ANY(%s)", (wanted,))
            if commit:
                self.commit()
            return int(n)

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
