"""SQLite cache of CLIP embeddings, keyed by model id + content hash, bounded in size.

Images are keyed by the sha256 of their bytes (or of their decoded pixels), texts by the sha256
of the exact string encoded. Rows carry a last-used stamp; when the file grows past `max_bytes`
the least recently used rows are dropped. Lives next to the index: `<data_dir>/clip_cache.sqlite`.
One connection guarded by a lock, so a FastAPI threadpool can share it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from captioncheck.config import data_dir

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS embedding (
    model TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    vec BLOB NOT NULL,
    used REAL NOT NULL,
    PRIMARY KEY (model, kind, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS embedding_used ON embedding (used);
"""


def default_cache_path() -> Path:
    return data_dir() / "clip_cache.sqlite"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """get_many/put_many of float32 vectors; never raises on a broken cache file (it is rebuilt)."""

    def __init__(self, path: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = Path(path) if path else default_cache_path()
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._writes = 0
        self.evict_every = 64  # rows written between size checks
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        return conn

    def get_many(self, model: str, kind: str, keys: list[str]) -> dict[str, np.ndarray]:
        """Vectors found for `keys` (missing keys absent); refreshes their last-used stamp."""
        found: dict[str, np.ndarray] = {}
        if not keys:
            return found
        with self._lock:
            for chunk in _chunks(sorted(set(keys)), 500):
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT key, vec FROM embedding WHERE model=? AND kind=? AND key IN ({marks})",
                    (model, kind, *chunk),
                ).fetchall()
                found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
            if found:
                now = time.time()
                self._conn.executemany(
                    "UPDATE embedding SET used=? WHERE model=? AND kind=? AND key=?",
                    [(now, model, kind, k) for k in found],
                )
                self._conn.commit()
        return found

    def put_many(self, model: str, kind: str, items: dict[str, np.ndarray]) -> None:
        if not items:
            return
        now = time.time()
        rows = [(model, kind, k, np.ascontiguousarray(v, dtype=np.float32).tobytes(), now) for k, v in items.items()]
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO embedding VALUES (?,?,?,?,?)", rows)
            self._conn.commit()
            self._writes += len(rows)
            if self._writes >= self.evict_every:
                self._writes = 0
                self._evict()

    def size_bytes(self) -> int:
        row = self._conn.execute("SELECT COALESCE(SUM(LENGTH(vec)) + COUNT(*) * 160, 0) FROM embedding").fetchone()
        return int(row[0])

    def _evict(self) -> None:
        """Drop least recently used rows until the payload fits in 90% of max_bytes."""
        size = self.size_bytes()
        if size <= self.max_bytes:
            return
        count = self._conn.execute("SELECT COUNT(*) FROM embedding").fetchone()[0]
        per_row = max(1, size // max(1, count))
        drop = int((size - 0.9 * self.max_bytes) // per_row) + 1
        self._conn.execute(
            "DELETE FROM embedding WHERE (model, kind, key) IN "
            "(SELECT model, kind, key FROM embedding ORDER BY used LIMIT ?)",
            (drop,),
        )
        self._conn.commit()

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM embedding").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = ["DEFAULT_MAX_BYTES", "EmbeddingCache", "default_cache_path", "text_key"]
