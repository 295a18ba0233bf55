"""Sub-linear Hamming search over the stored PDQ + aux hashes: multi-index hashing, exact verification.

Multi-index hashing (Norouzi et al., 2012) in numpy. Every stored row is a 256-bit PDQ hash and a
128-bit aux hash (dHash + pHash of the same region). Both are cut into substrings of 16 bits: 16
PDQ tables and 8 aux tables; for each the rows are sorted by its value (a counting sort), so the
rows whose substring equals a key are one contiguous slice. A look-up probes each PDQ table at the
query's key, and each aux table at the query's key and its 16 one-bit neighbours. By the
pigeonhole principle every stored row whose PDQ distance is at most 15 (some PDQ substring equal)
or whose aux distance is at most 15 (some aux substring within one bit) is among the candidates,
so every row within combined distance PDQ + 2 x aux <= 47; farther near-duplicates are found
with high probability (bench/hash_robustness.py measures the recall of real transformed photos
through these tables, bench/index_speed.py of planted near-duplicates). The two kinds of tables
fail differently: a crop or a burnt-in caption that changes a few bits in every PDQ substring often
leaves an aux substring intact, and vice versa. Every candidate is then verified with its exact
combined distance (XOR + popcount) against the radius of its variant.

Each row also carries the PDQ quality of its stored hash, reported in every hit, so that the index
can apply a stricter threshold to low-quality hashes (photoindex.pair_class); the searcher itself
only finds candidates within a radius. Rows without an aux hash (imported from an index written
before it existed) are not in the aux tables; a query without aux hashes probes the PDQ tables within one bit instead (every row within
PDQ distance 31 is found).

Inserts go to a small delta that is scanned linearly and merged into the sorted tables when it
grows past 1% of them (amortised O(1) per insert). The searcher lives in memory, is built once per
process and per index file (see `shared`), and grows incrementally: before each search the index
loads only the hashes added since (by row id).

(FAISS's IndexBinaryMultiHash implements the same idea, but its per-vector std::unordered_map
inserts took ~4 us each here, i.e. minutes at 10M hashes, and its OpenMP threads stalled on a
busy 2-core machine; the numpy tables build in seconds and answer in milliseconds.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDQ_BITS = 256
PDQ_TABLES = 16  # PDQ substrings of 16 bits, probed at the query's key only
AUX_TABLES = 8  # aux substrings of 16 bits, probed at the query's key and its 16 one-bit neighbours
TABLES = PDQ_TABLES + AUX_TABLES
DELTA_MIN = 65536  # the delta is merged when larger than this and than 1% of the tables
AUX_WEIGHT = 2  # combined distance = PDQ bits + AUX_WEIGHT x aux bits (dHash + pHash), 0..512
_ONE_BIT = np.concatenate([[0], 1 << np.arange(16)]).astype(np.uint16)  # a key and its one-bit neighbours


@dataclass(frozen=True)
class Hit:
    """One verified candidate: the stored row, which query hash found it and how far it is."""

    photo_id: int
    variant: str
    query: int  # index into the query hashes
    distance: int  # combined: PDQ + AUX_WEIGHT x aux (or 2 x PDQ where the row has no aux hash)
    pdq_distance: int = 0
    quality: int = 100  # PDQ quality of the stored hash (0..100)


def _keys(codes: np.ndarray) -> np.ndarray:
    """(n, 2k) uint8 -> (n, k) uint16 substring keys."""
    return codes.reshape(len(codes), -1, 2).astype(np.uint16) @ np.array([256, 1], np.uint16)


class HashSearcher:
    """256-bit PDQ codes (each with a 128-bit aux code) in multi-index hash tables and a linear delta,
    mapped back to (photo, variant)."""

    def __init__(self, nbits: int = PDQ_BITS, *, delta_min: int = DELTA_MIN) -> None:
        if nbits != PDQ_BITS:
            raise ValueError("HashSearcher indexes 256-bit PDQ hashes")
        self.delta_min = delta_min
        self.lock = threading.RLock()
        self.last_row_id = 0  # highest store row id loaded
        self._n = 0  # rows used in the buffers below (which grow by doubling)
        self._buf_rows = np.zeros((1024, 48), np.uint8)  # PDQ (32 bytes) then aux (16 bytes)
        self._buf_photo = np.zeros(1024, np.int64)
        self._buf_variant = np.zeros(1024, np.int16)
        self._buf_has_aux = np.zeros(1024, bool)
        self._buf_quality = np.zeros(1024, np.int8)
        self._variants: list[str] = []
        self._n_tabled = 0  # rows[:n_tabled] are in the tables, the rest is the delta
        self._order = np.zeros(0, np.int32)  # the tables one after another: row numbers sorted by key
        self._starts = np.zeros((TABLES, 65537), np.int64)  # per table: slice start of each key in _order
        self._n_removed = 0  # rows of removed photos still in the buffers (photo id -1), see remove()

    def __len__(self) -> int:
        return self._n - self._n_removed

    def _append(self, rows: np.ndarray, photo_ids: np.ndarray, variants: np.ndarray, has_aux: np.ndarray,
                quality: np.ndarray) -> None:
        need = self._n + len(rows)
        if need > len(self._buf_rows):
            cap = max(need, 2 * len(self._buf_rows))
            for name in ("_buf_rows", "_buf_photo", "_buf_variant", "_buf_has_aux", "_buf_quality"):
                old = getattr(self, name)
                new = np.zeros((cap, *old.shape[1:]), old.dtype)
                new[: self._n] = old[: self._n]
                setattr(self, name, new)
        self._buf_rows[self._n:need] = rows
        self._buf_photo[self._n:need] = photo_ids
        self._buf_variant[self._n:need] = variants
        self._buf_has_aux[self._n:need] = has_aux
        self._buf_quality[self._n:need] = quality
        self._n = need

    @property
    def kind(self) -> str:
        return "multi-index hashing" if self._n_tabled else "linear"

    def add(self, photo_ids: np.ndarray, variants: list[str], bits: np.ndarray, last_row_id: int = 0,
            aux: list[bytes | None] | None = None, quality: np.ndarray | list[int | None] | None = None) -> None:
        """Append hashes (bits: uint8 array of shape (n, 32); aux: 16-byte verification hash per row or None;
        quality: PDQ quality per row, None for unknown = 100; hits report it)."""
        bits = np.ascontiguousarray(bits, dtype=np.uint8).reshape(-1, 32)
        aux = aux if aux is not None else [None] * len(bits)
        has_aux = np.array([a is not None and len(a) == 16 for a in aux], bool)
        aux_arr = np.frombuffer(b"".join(a if ok else bytes(16) for a, ok in zip(aux, has_aux)), np.uint8).reshape(-1, 16)
        if not len(bits) == len(photo_ids) == len(variants):
            raise ValueError("photo_ids, variants and bits must have the same length")
        with self.lock:
            for v in dict.fromkeys(variants):
                if v not in self._variants:
                    self._variants.append(v)
            code_of = {v: i for i, v in enumerate(self._variants)}  # (list.index per row: 10% of a first load)
            codes = np.array([code_of[v] for v in variants], np.int16)
            qual = np.array([100 if q is None else q for q in quality], np.int8) if quality is not None \
                else np.full(len(bits), 100, np.int8)
            self._append(np.hstack([bits, aux_arr]), np.asarray(photo_ids, np.int64), codes, has_aux, qual)
            delta = self._n - self._n_tabled
            if delta > max(self.delta_min, self._n_tabled // 100):
                self._build_tables()
            self.last_row_id = max(self.last_row_id, last_row_id)

    def _build_tables(self) -> None:
        """Counting-sort every substring: 16 PDQ tables over all rows, 8 aux tables over the rows with an aux hash."""
        n = self._n
        with_aux = np.flatnonzero(self._buf_has_aux[:n]).astype(np.int32)
        self._order = np.empty(PDQ_TABLES * n + AUX_TABLES * len(with_aux), np.int32)  # filled in place: no copies
        self._starts = np.empty((TABLES, 65537), np.int64)
        offset = 0
        for t in range(TABLES):
            rows = None if t < PDQ_TABLES or len(with_aux) == n else with_aux
            pair = self._buf_rows[:n, 2 * t: 2 * t + 2] if rows is None else self._buf_rows[rows, 2 * t: 2 * t + 2]
            k = pair[:, 0].astype(np.uint16) << 8 | pair[:, 1]
            out = self._order[offset: offset + len(k)]
            out[:] = np.argsort(k, kind="stable")
            if rows is not None:
                out[:] = rows[out]
            self._starts[t, 0] = offset
            np.cumsum(np.bincount(k, minlength=65536), out=self._starts[t, 1:])
            self._starts[t, 1:] += offset
            offset += len(k)
        self._n_tabled = n

    def _candidates(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, query index) of every tabled row with a PDQ substring equal to a query's or, where the
        query has an aux hash, an aux substring within one bit of the query's.

        queries: (q, 48) PDQ + aux bytes, or (q, 32) PDQ only (then PDQ keys are probed within one bit)."""
        keys = _keys(queries)
        pdq_flips = _ONE_BIT if queries.shape[1] == 32 else _ONE_BIT[:1]
        probes = [keys[:, :PDQ_TABLES, None] ^ pdq_flips]  # (q, 16, f)
        tables = [np.broadcast_to(np.arange(PDQ_TABLES)[:, None], probes[0].shape[1:])]
        if queries.shape[1] == 48:
            probes.append(keys[:, PDQ_TABLES:, None] ^ _ONE_BIT)  # (q, 8, 17)
            tables.append(np.broadcast_to(np.arange(PDQ_TABLES, TABLES)[:, None], probes[1].shape[1:]))
        key = np.concatenate([p.reshape(len(queries), -1) for p in probes], axis=1).astype(np.int64)
        table = np.concatenate([t.ravel() for t in tables])[None, :]
        lo = self._starts[table, key].ravel()
        lengths = self._starts[table, key + 1].ravel() - lo
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        ends = np.cumsum(lengths)
        pos = np.repeat(lo - (ends - lengths), lengths) + np.arange(total)
        qidx = np.repeat(np.arange(len(queries)), key.shape[1])
        return self._order.take(pos), np.repeat(qidx, lengths)

    def search(self, queries: np.ndarray, radius: int, query_aux: np.ndarray | None = None,
               radius_for: dict[str, int] | None = None) -> list[Hit]:
        """Every candidate within combined distance `radius` of a query (verified exactly).

        queries: (q, 32) PDQ hashes; query_aux: (q, 16) their aux hashes (None: PDQ only, 2 x PDQ);
        radius_for: a smaller radius for some variants (e.g. crop windows).
        """
        queries = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, 32)
        if query_aux is not None:
            queries = np.hstack([queries, np.ascontiguousarray(query_aux, dtype=np.uint8).reshape(-1, 16)])
        with self.lock:
            if len(self) == 0 or len(queries) == 0:
                return []
            rows, qidx = self._candidates(queries) if self._n_tabled else (np.zeros(0, np.int64),) * 2
            n_delta = self._n - self._n_tabled
            if n_delta:
                rows = np.concatenate([rows, np.tile(np.arange(self._n_tabled, self._n), len(queries))])
                qidx = np.concatenate([qidx, np.repeat(np.arange(len(queries)), n_delta)])
            pdq, dist = self._verify(rows, queries, qidx)
            radii = np.array([(radius_for or {}).get(v, radius) for v in self._variants] or [radius], np.int32)
            keep = dist <= radii.max()
            rows, qidx, pdq, dist = rows[keep], qidx[keep], pdq[keep], dist[keep]
            keep = dist <= radii[self._buf_variant[rows]]
            rows, qidx, pdq, dist = rows[keep], qidx[keep], pdq[keep], dist[keep]
            photo, variant, qual = self._buf_photo[rows], self._buf_variant[rows], self._buf_quality[rows]
        seen: set[tuple[int, int]] = set()
        hits = []
        for r, q, d, p, v, pd, ql in zip(rows.tolist(), qidx.tolist(), dist.tolist(), photo.tolist(), variant.tolist(),
                                         pdq.tolist(), qual.tolist()):
            if p < 0:  # a removed photo's row
                continue
            if (r, q) not in seen:  # a row found through several tables is reported once
                seen.add((r, q))
                hits.append(Hit(p, self._variants[v], q, d, pd, ql))
        return hits

    def _verify(self, rows: np.ndarray, queries: np.ndarray, qidx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(PDQ distance, combined distance) of each candidate row to its query: XOR + popcount."""
        words = queries.shape[1] // 8
        stored = self._buf_rows.view("V48").ravel().take(rows).view(np.uint64).reshape(-1, 6)
        if words == 4:
            stored = stored[:, :4]
        bc = np.bitwise_count(stored ^ queries.view(np.uint64)[qidx])
        pdq = bc[:, 0].astype(np.int16)
        for i in range(1, 4):
            pdq += bc[:, i]
        if words == 4:
            return pdq, 2 * pdq
        aux = bc[:, 4].astype(np.int16)
        aux += bc[:, 5]
        return pdq, np.where(self._buf_has_aux[rows], pdq + AUX_WEIGHT * aux, 2 * pdq)


    # -- bulk loads and removals (a new process's first load; photos removed by any process)
    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Add many rows with one table build at the end, instead of one after every 1% of growth
        (a first load of 50M rows would otherwise sort the tables a few hundred times)."""
        saved, self.delta_min = self.delta_min, 1 << 62
        try:
            yield
        finally:
            self.delta_min = saved
            with self.lock:
                if self._n - self._n_tabled > max(saved, self._n_tabled // 100):
                    self._build_tables()

    def remove(self, photo_ids: Iterable[int]) -> int:
        """Forget every row of these photos (removed from the store); returns the rows forgotten. Their rows
        are never returned again and leave memory when they are a quarter of all rows."""
        ids = np.fromiter((int(i) for i in photo_ids), np.int64)
        with self.lock:
            photos = self._buf_photo[: self._n]
            gone = np.isin(photos, ids[ids >= 0])
            n = int(gone.sum())
            photos[gone] = -1
            self._n_removed += n
            if self._n_removed > self._n // 4:
                self._compact()
        return n

    def _compact(self) -> None:
        """Drop the rows of removed photos from the buffers and rebuild the tables over the rest."""
        keep = np.flatnonzero(self._buf_photo[: self._n] >= 0)
        for name in ("_buf_rows", "_buf_photo", "_buf_variant", "_buf_has_aux", "_buf_quality"):
            buf = getattr(self, name)
            buf[: len(keep)] = buf[keep]
        self._n, self._n_removed, self._n_tabled = len(keep), 0, 0
        self._order = np.zeros(0, np.int32)
        if self._n > self.delta_min:
            self._build_tables()

_SHARED: dict[str, HashSearcher] = {}
_SHARED_LOCK = threading.Lock()


def shared(path: str | Path) -> HashSearcher:
    """The process-wide searcher of one index file (built once, grown incrementally)."""
    key = str(Path(path).resolve())
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = HashSearcher()
        return _SHARED[key]


__all__ = ["HashSearcher", "Hit", "shared"]
