"""Sub-linear Hamming search over the stored PDQ hashes: multi-index hashing, exact verification.

Multi-index hashing (Norouzi et al., 2012) in numpy: the 256 bits are cut into 16 substrings of
16 bits; for each substring the stored hashes are sorted by its value (a counting sort), so the
hashes whose substring equals a key are one contiguous slice. A look-up probes, in every table,
the query's key and its 16 one-bit neighbours (nflip = 1). By the pigeonhole principle every stored
hash within distance 16 * (nflip + 1) - 1 = 31 of the query is among the candidates; farther
near-duplicates are found with high probability (measured in bench/index_speed.py). Every
candidate is then verified with its exact distance (XOR + popcount): PDQ bits plus AUX_WEIGHT x the
bits of its aux hash (dHash + pHash of the same region), against the radius.

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDQ_BITS = 256
TABLES = 16  # substrings of 16 bits
DELTA_MIN = 65536  # the delta is merged when larger than this and than 1% of the tables
AUX_WEIGHT = 2  # combined distance = PDQ bits + AUX_WEIGHT x aux bits (dHash + pHash), 0..512


@dataclass(frozen=True)
class Hit:
    """One verified candidate: the stored row, which query hash found it and how far it is."""

    photo_id: int
    variant: str
    query: int  # index into the query hashes
    distance: int  # combined: PDQ + AUX_WEIGHT x aux (or 2 x PDQ where the row has no aux hash)
    pdq_distance: int = 0


def _keys(codes: np.ndarray) -> np.ndarray:
    """(n, 32) uint8 -> (n, 16) uint16 substring keys."""
    return codes.reshape(len(codes), TABLES, 2).astype(np.uint16) @ np.array([256, 1], np.uint16)


def _distances(codes: np.ndarray, rows: np.ndarray, queries: np.ndarray, qidx: np.ndarray) -> np.ndarray:
    """Exact Hamming distances of codes[rows] to queries[qidx] (qidx sorted: one block per query)."""
    width = codes.shape[1]
    a = codes.view(f"V{width}").ravel().take(rows).view(np.uint64).reshape(-1, width // 8)
    q64 = np.ascontiguousarray(queries).view(np.uint64).reshape(-1, width // 8)
    bounds = np.searchsorted(qidx, np.arange(len(q64) + 1))
    for i in range(len(q64)):
        a[bounds[i]:bounds[i + 1]] ^= q64[i]
    bc = np.bitwise_count(a)
    d = bc[:, 0].astype(np.int32)
    for i in range(1, width // 8):
        d += bc[:, i]
    return d


class HashSearcher:
    """256-bit codes with multi-index hash tables and a linear delta, mapped back to (photo, variant)."""

    def __init__(self, nbits: int = PDQ_BITS, *, delta_min: int = DELTA_MIN) -> None:
        if nbits != PDQ_BITS:
            raise ValueError("HashSearcher indexes 256-bit PDQ hashes")
        self.delta_min = delta_min
        self.lock = threading.RLock()
        self.last_row_id = 0  # highest store row id loaded
        self._n = 0  # rows used in the buffers below (which grow by doubling)
        self._buf_codes = np.zeros((1024, 32), np.uint8)
        self._buf_photo = np.zeros(1024, np.int64)
        self._buf_variant = np.zeros(1024, np.int16)
        self._buf_aux = np.zeros((1024, 16), np.uint8)
        self._buf_has_aux = np.zeros(1024, bool)
        self._variants: list[str] = []
        self._n_tabled = 0  # codes[:n_tabled] are in the tables, the rest is the delta
        self._order = np.zeros((TABLES, 0), np.int32)  # per table: row numbers sorted by key
        self._starts = np.zeros((TABLES, 65537), np.int64)  # per table: slice start of each key

    def __len__(self) -> int:
        return self._n

    @property
    def _codes(self) -> np.ndarray:
        return self._buf_codes[: self._n]

    def _append(self, bits: np.ndarray, photo_ids: np.ndarray, variants: np.ndarray, aux: np.ndarray,
                has_aux: np.ndarray) -> None:
        need = self._n + len(bits)
        if need > len(self._buf_codes):
            cap = max(need, 2 * len(self._buf_codes))
            for name in ("_buf_codes", "_buf_photo", "_buf_variant", "_buf_aux", "_buf_has_aux"):
                old = getattr(self, name)
                new = np.zeros((cap, *old.shape[1:]), old.dtype)
                new[: self._n] = old[: self._n]
                setattr(self, name, new)
        self._buf_codes[self._n:need] = bits
        self._buf_photo[self._n:need] = photo_ids
        self._buf_variant[self._n:need] = variants
        self._buf_aux[self._n:need] = aux
        self._buf_has_aux[self._n:need] = has_aux
        self._n = need

    @property
    def kind(self) -> str:
        return "multi-index hashing" if self._n_tabled else "linear"

    def add(self, photo_ids: np.ndarray, variants: list[str], bits: np.ndarray, last_row_id: int = 0,
            aux: list[bytes | None] | None = None) -> None:
        """Append hashes (bits: uint8 array of shape (n, 32); aux: 16-byte verification hash per row or None)."""
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
            codes = np.array([self._variants.index(v) for v in variants], np.int16)
            self._append(bits, np.asarray(photo_ids, np.int64), codes, aux_arr, has_aux)
            delta = len(self._codes) - self._n_tabled
            if delta > max(self.delta_min, self._n_tabled // 100):
                self._build_tables()
            self.last_row_id = max(self.last_row_id, last_row_id)

    def _build_tables(self) -> None:
        keys = _keys(self._codes)
        n = len(self._codes)
        self._order = np.empty((TABLES, n), np.int32)
        self._starts = np.empty((TABLES, 65537), np.int64)
        for t in range(TABLES):
            self._order[t] = np.argsort(keys[:, t], kind="stable")
            self._starts[t, 0] = 0
            np.cumsum(np.bincount(keys[:, t], minlength=65536), out=self._starts[t, 1:])
        self._n_tabled = n

    def _candidates(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, query index) of every tabled hash sharing a substring (up to one bit) with a query."""
        keys = _keys(queries)  # (q, 16)
        flips = np.concatenate([[0], 1 << np.arange(16)]).astype(np.uint16)
        probes = keys[:, :, None] ^ flips[None, None, :]  # (q, 16, 17)
        table = np.broadcast_to(np.arange(TABLES)[None, :, None], probes.shape)
        lo = self._starts[table, probes].ravel()
        hi = self._starts[table, probes.astype(np.int64) + 1].ravel()
        lengths = hi - lo
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        base = (table.ravel().astype(np.int64) * self._n_tabled + lo) - np.concatenate([[0], np.cumsum(lengths)[:-1]])
        pos = np.repeat(base, lengths) + np.arange(total)
        qidx = np.repeat(np.repeat(np.arange(len(queries)), TABLES * 17), lengths)
        return self._order.ravel().take(pos).astype(np.int64), qidx

    def search(self, queries: np.ndarray, radius: int, query_aux: np.ndarray | None = None,
               radius_for: dict[str, int] | None = None) -> list[Hit]:
        """Every stored hash within combined distance `radius` of any query (exact, verified).

        queries: (q, 32) PDQ hashes; query_aux: (q, 16) their aux hashes (None: PDQ only, 2 x PDQ);
        radius_for: a smaller radius for some variants (e.g. crop windows), which also prunes
        candidates before their aux hash is compared.
        """
        queries = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, 32)
        with self.lock:
            if len(self) == 0 or len(queries) == 0:
                return []
            rows, qidx = self._candidates(queries) if self._n_tabled else (np.zeros(0, np.int64),) * 2
            n_delta = len(self._codes) - self._n_tabled
            if n_delta:
                rows = np.concatenate([rows, np.tile(np.arange(self._n_tabled, len(self._codes)), len(queries))])
                qidx = np.concatenate([qidx, np.repeat(np.arange(len(queries)), n_delta)])
                order = np.argsort(qidx, kind="stable")  # one block per query, as _distances expects
                rows, qidx = rows[order], qidx[order]
            pdq = _distances(self._codes, rows, queries, qidx)
            radii = np.array([(radius_for or {}).get(v, radius) for v in self._variants] or [radius], np.int32)
            limit = radii[self._buf_variant[rows]]
            keep = pdq <= limit  # the combined distance is at least the PDQ distance
            rows, qidx, pdq, limit = rows[keep], qidx[keep], pdq[keep], limit[keep]
            dist = 2 * pdq
            if query_aux is not None and len(rows):
                qa = np.ascontiguousarray(query_aux, dtype=np.uint8).reshape(-1, 16)
                a = _distances(self._buf_aux[: self._n], rows, qa, qidx)
                dist = np.where(self._buf_has_aux[rows], pdq + AUX_WEIGHT * a, dist)
            keep = dist <= limit
            rows, qidx, pdq, dist = rows[keep], qidx[keep], pdq[keep], dist[keep]
            photo, variant = self._buf_photo[rows], self._buf_variant[rows]
        seen: set[tuple[int, int]] = set()
        hits = []
        for r, q, d, p, v, pd in zip(rows.tolist(), qidx.tolist(), dist.tolist(), photo.tolist(), variant.tolist(),
                                     pdq.tolist()):
            if (r, q) not in seen:  # a row found through several tables is reported once
                seen.add((r, q))
                hits.append(Hit(p, self._variants[v], q, d, pd))
        return hits


_SHARED: dict[str, HashSearcher] = {}
_SHARED_LOCK = threading.Lock()


def shared(path: str | Path) -> HashSearcher:
    """The process-wide searcher of one index file (built once, grown incrementally)."""
    key = str(Path(path).resolve())
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = HashSearcher()
        return _SHARED[key]


def forget(path: str | Path) -> None:
    """Drop the cached searcher of an index file (after it was deleted or replaced)."""
    with _SHARED_LOCK:
        _SHARED.pop(str(Path(path).resolve()), None)


__all__ = ["HashSearcher", "Hit", "forget", "shared"]
