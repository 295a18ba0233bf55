"""Sub-linear Hamming search over the stored PDQ hashes, with exact verification.

Small indexes (<= flat_max hashes) use FAISS's exact brute-force binary index: at that size a
popcount scan takes well under a millisecond. Larger ones switch to multi-index hashing
(`faiss.IndexBinaryMultiHash`: the 256 bits cut into 16 substrings of 16 bits, each a hash
table probed with up to `nflip` flipped bits). By the pigeonhole principle every stored hash
within distance 16 * (nflip + 1) - 1 = 31 of the query is found; farther near-duplicates are
found with high probability (measured in bench/index_speed.py). Candidates are then verified with
their exact Hamming distance against the radius.

The searcher lives in memory, is built once per process and per index file (see `shared`), and
grows incrementally: before each search it loads only the hashes added since (by row id).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDQ_BITS = 256
FLAT_MAX = 200_000
MIH_TABLES = 16
MIH_NFLIP = 1


@dataclass(frozen=True)
class Hit:
    """One verified candidate: the stored row, which query hash found it and how far it is."""

    photo_id: int
    variant: str
    query: int  # index into the query hashes
    distance: int


class HashSearcher:
    """Binary vectors in a FAISS index, mapped back to (photo id, variant)."""

    def __init__(self, nbits: int = PDQ_BITS, *, flat_max: int = FLAT_MAX, nflip: int = MIH_NFLIP) -> None:
        self.nbits = nbits
        self.flat_max = flat_max
        self.nflip = nflip
        self.lock = threading.RLock()
        self.last_row_id = 0  # highest store row id loaded
        self._photo = np.zeros(0, np.int64)
        self._variant = np.zeros(0, np.int16)
        self._variants: list[str] = []
        self._vectors: list[np.ndarray] = []  # kept only until the switch to multi-hash
        self._index = self._new_flat()

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def kind(self) -> str:
        return "flat" if self._vectors is not None else "multihash"

    def _new_flat(self):  # type: ignore[no-untyped-def]
        import faiss

        return faiss.IndexBinaryFlat(self.nbits)

    def _new_multihash(self):  # type: ignore[no-untyped-def]
        import faiss

        index = faiss.IndexBinaryMultiHash(self.nbits, MIH_TABLES, self.nbits // MIH_TABLES)
        index.nflip = self.nflip
        return index

    def add(self, photo_ids: np.ndarray, variants: list[str], bits: np.ndarray, last_row_id: int = 0) -> None:
        """Append hashes (bits: uint8 array of shape (n, nbits/8))."""
        bits = np.ascontiguousarray(bits, dtype=np.uint8).reshape(-1, self.nbits // 8)
        if not len(bits) == len(photo_ids) == len(variants):
            raise ValueError("photo_ids, variants and bits must have the same length")
        with self.lock:
            codes = []
            for v in variants:
                if v not in self._variants:
                    self._variants.append(v)
                codes.append(self._variants.index(v))
            self._photo = np.concatenate([self._photo, np.asarray(photo_ids, np.int64)])
            self._variant = np.concatenate([self._variant, np.asarray(codes, np.int16)])
            if self._vectors is not None and len(self) + len(bits) > self.flat_max:
                self._index = self._new_multihash()
                self._index.add(np.concatenate(self._vectors + [bits]) if self._vectors else bits)
                self._vectors = None  # type: ignore[assignment]
            else:
                self._index.add(bits)
                if self._vectors is not None:
                    self._vectors.append(bits)
            self.last_row_id = max(self.last_row_id, last_row_id)

    def search(self, queries: np.ndarray, radius: int) -> list[Hit]:
        """Every stored hash within `radius` of any query, exact distances (verified)."""
        queries = np.ascontiguousarray(queries, dtype=np.uint8).reshape(-1, self.nbits // 8)
        with self.lock:
            if len(self) == 0 or len(queries) == 0:
                return []
            lims, dist, ids = self._index.range_search(queries, radius + 1)  # FAISS keeps d < radius
            photo, variant = self._photo[ids], self._variant[ids]
        hits: list[Hit] = []
        for q in range(len(queries)):
            for j in range(int(lims[q]), int(lims[q + 1])):
                if dist[j] <= radius:  # exact verification of what the hash tables returned
                    hits.append(Hit(int(photo[j]), self._variants[int(variant[j])], q, int(dist[j])))
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


__all__ = ["FLAT_MAX", "HashSearcher", "Hit", "forget", "shared"]
