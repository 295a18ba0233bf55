"""Bulk set-up of big photo indexes for bench/index_speed.py --backend postgresql (not a benchmark itself).

Filling 1M photos (101M hash rows) through `PhotoIndex.add_hashed` takes hours on 2 cores, and
what the benchmark measures at 1M is the index at that size, not how it got there. So the rows
are written straight into the tables the stores' migrations made, shaped exactly as the index
stores them (per photo 49 PDQ + 49 aux + 3 small hashes, ids in photo order), in large
transactions: PostgreSQL by binary COPY (the bytes built with numpy), SQLite by executemany. The
insert rate the benchmark reports is measured separately, through the store's real `add` path on
a sample added on top.

The hash bits are random (unrelated photos are near-random to PDQ), PDQ quality 100; a chunk's
rows depend only on its bounds (a generator seeded with them), so both stores hold the same photos
even when filled one after the other, and the rows are those `PhotoIndex.add_hashed` writes for
the same chunk (same ids, kinds, variants, order; checked by comparing both tables).
"""

from __future__ import annotations

import sqlite3
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from captioncheck.index.hashes import CROP_WINDOWS, SMALL_KINDS

VARIANTS = ["full"] + [w[0] for w in CROP_WINDOWS]  # 49 regions per photo, as hash_image stores them
ROWS_PER_PHOTO = 2 * len(VARIANTS) + len(SMALL_KINDS)
CHUNK = 5_000  # photos per transaction (505k hash rows)
PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
PG_TRAILER = struct.pack(">h", -1)


def layout() -> list[tuple[str, str, int, bool]]:
    """(kind, variant, bytes of bits, has quality) of one photo's hash rows, in insertion order."""
    rows = []
    for v in VARIANTS:
        rows += [("pdq", v, 32, True), ("aux", v, 16, False)]
    rows += [(k, "full", 8, False) for k in SMALL_KINDS]
    return rows


def chunk_bits(first: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pdq (n, 49, 32), aux (n, 49, 16), small (n, 3, 8)) bits of photos first..first+n-1."""
    rng = np.random.default_rng([first, n])
    return (rng.integers(0, 256, (n, len(VARIANTS), 32), np.uint8), rng.integers(0, 256, (n, len(VARIANTS), 16), np.uint8),
            rng.integers(0, 256, (n, len(SMALL_KINDS), 8), np.uint8))


def sha(i: int) -> str:
    return f"{i:064x}"


def _pg_template() -> tuple[np.ndarray, list[int], list[int]]:
    """One photo's hash rows as COPY BINARY tuples with photo id and bits zeroed; their offsets."""
    out, pid_at, bits_at = bytearray(), [], []
    for kind, variant, nbytes, has_q in layout():
        out += struct.pack(">h", 5)
        out += struct.pack(">i", 8)
        pid_at.append(len(out))
        out += bytes(8)
        for text in (kind, variant):
            out += struct.pack(">i", len(text)) + text.encode()
        out += struct.pack(">i", nbytes)
        bits_at.append(len(out))
        out += bytes(nbytes)
        out += struct.pack(">ii", 4, 100) if has_q else struct.pack(">i", -1)
    return np.frombuffer(bytes(out), np.uint8), pid_at, bits_at


def _pg_chunk(first: int, n: int) -> bytes:
    template, pid_at, bits_at = _pg_template()
    pdq, aux, small = chunk_bits(first, n)
    buf = np.tile(template, (n, 1))
    pids = np.arange(first + 1, first + n + 1, dtype=">i8").view(np.uint8).reshape(n, 8)
    parts = [pdq[:, j] if k == "pdq" else aux[:, j] for j in range(len(VARIANTS)) for k in ("pdq", "aux")]
    parts += [small[:, j] for j in range(len(SMALL_KINDS))]
    for p_off, b_off, bits in zip(pid_at, bits_at, parts):
        buf[:, p_off:p_off + 8] = pids
        buf[:, b_off:b_off + bits.shape[1]] = bits
    return buf.tobytes()


def _photo_rows(first: int, n: int) -> list[tuple[object, ...]]:
    """photos rows (id, sha256, size, width, height, caption, added_at) of photos first..first+n-1 (id = i + 1)."""
    return [(i + 1, sha(i), 100_000, 1200, 800, f"photo {i}", "2026-01-01T00:00:00+00:00") for i in range(first, first + n)]


def fill_postgres(url: str, first: int, n: int, progress: Callable[[int], None]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        try:  # skip the per-row foreign-key triggers (the rows are consistent by construction); superuser only
            conn.execute("SET session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            pass
        for start in range(first, first + n, CHUNK):
            m = min(CHUNK, first + n - start)
            with conn.transaction(), conn.cursor() as cur:
                with cur.copy("COPY photos (id, sha256, size, width, height, caption, added_at) FROM STDIN") as copy:
                    for row in _photo_rows(start, m):
                        copy.write_row(row)
                with cur.copy("COPY hashes (photo_id, kind, variant, bits, quality) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(PG_HEADER + _pg_chunk(start, m) + PG_TRAILER)
            progress(start + m - first)
        conn.execute("SELECT setval(pg_get_serial_sequence('photos', 'id'), (SELECT max(id) FROM photos))")
        conn.execute("ANALYZE photos")
        conn.execute("ANALYZE hashes")


def _photo_blobs(first: int, n: int) -> np.ndarray:
    """(n, bytes) every hash of each photo, concatenated in layout() order."""
    pdq, aux, small = chunk_bits(first, n)
    parts = [p for j in range(len(VARIANTS)) for p in (pdq[:, j], aux[:, j])] + [small[:, j] for j in range(len(SMALL_KINDS))]
    return np.concatenate(parts, axis=1)


def fill_sqlite(path: Path, first: int, n: int, progress: Callable[[int], None]) -> None:
    """One statement per photo: its hash rows cut out of one blob by SQLite (a table of the layout), about twice
    as fast as one executemany row per hash."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MB
        conn.execute("CREATE TEMP TABLE layout (pos INTEGER PRIMARY KEY, kind TEXT, variant TEXT, start INTEGER, "
                     "length INTEGER, quality INTEGER)")
        rows, start = [], 1
        for pos, (kind, variant, nbytes, has_q) in enumerate(layout()):
            rows.append((pos, kind, variant, start, nbytes, 100 if has_q else None))
            start += nbytes
        conn.executemany("INSERT INTO layout VALUES (?, ?, ?, ?, ?, ?)", rows)
        for start in range(first, first + n, CHUNK):
            m = min(CHUNK, first + n - start)
            blobs = _photo_blobs(start, m)
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO photos (id, sha256, size, width, height, caption, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             _photo_rows(start, m))
            conn.executemany("INSERT INTO hashes (photo_id, kind, variant, bits, quality) "
                             "SELECT ?, kind, variant, substr(?, start, length), quality FROM layout ORDER BY pos",
                             ((start + i + 1, blobs[i].tobytes()) for i in range(m)))
            conn.execute("COMMIT")
            progress(start + m - first)
        conn.execute("ANALYZE")
    finally:
        conn.close()


def fill(specs: dict[str, str | Path], first: int, n: int) -> dict[str, float]:
    """Photos first..first+n-1 into every store (whose tables exist), the stores at the same time (one thread
    each: SQLite's work is in this process, PostgreSQL's in its server); seconds per store. Progress on stderr."""
    from concurrent.futures import ThreadPoolExecutor

    def one(name: str, spec: str | Path) -> float:
        t = time.perf_counter()
        last = [t]

        def progress(done: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 60 or done == n:
                last[0] = now
                print(f"  fill {name}: {first + done:,} photos ({done / (now - t):,.0f} photos/s, "
                      f"{done * ROWS_PER_PHOTO / (now - t):,.0f} rows/s)", file=sys.stderr, flush=True)

        if name == "postgresql":
            fill_postgres(str(spec), first, n, progress)
        else:
            fill_sqlite(Path(spec), first, n, progress)
        return time.perf_counter() - t

    with ThreadPoolExecutor(len(specs)) as pool:
        futures = {name: pool.submit(one, name, spec) for name, spec in specs.items()}
        return {name: f.result() for name, f in futures.items()}


def sample_hashes(first: int, n: int, k: int = 2000) -> list[tuple[bytes, bytes]]:
    """(pdq, aux) whole-image hashes of up to k photos of first..first+n-1 (near-duplicate queries are made from them)."""
    out: list[tuple[bytes, bytes]] = []
    step = CHUNK * max(1, (n // CHUNK) // max(1, k // 50))  # whole fill chunks: the same seeds
    for start in range(first, first + n, step):
        m = min(CHUNK, first + n - start)
        pdq, aux, _ = chunk_bits(start, m)
        out += [(pdq[i, 0].tobytes(), aux[i, 0].tobytes()) for i in range(0, m, max(1, m // 50))]
    return out[:k]
