"""A second source of candidates: the stored photos nearest a query on a coarse colour thumbnail.

The hashes (PDQ, dHash, pHash) of a copy can lie as far from its original as unrelated photos do: scikit-image's
`brick`, a grey repeating texture, cropped by 5% is 200 away on the whole photo and 172 on the nearest crop window
(bench/hash_robustness.py), beyond every radius the index searches. Yet its original is the nearest stored photo on
an 8x8 YCbCr thumbnail, and so it was for 27 of the 28 copies the bench missed in one run (docs/index.md). So a
look-up also takes the `k` stored photos whose coarse thumbnail (COARSE x COARSE cells of Y, Cb, Cr: the stored
32x32 thumbnail, hashes.thumb, averaged by blocks) is nearest to one of the query's (its views as is and mirrored:
the whole image, borders trimmed, an inset photo), and photoindex accepts such a photo only when geometric
verification (captioncheck.index.geometry: ORB keypoints in one placement, spread over the photo) passes in the
orientation of that nearest view, with minima picked by the bench (photoindex.NEAREST_GEOMETRY). Thumbnails alone
say little (two grey textures, two blue skies look alike); the keypoints decide.

The coarse thumbnails of every stored photo are kept in memory (COARSE_BYTES a photo, float32: 768 bytes) per
process and index, loaded with the hashes, and scanned by brute force: one (n, 192) x (192, views) product, a few
milliseconds per 100,000 photos.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

from captioncheck.index import hashes as H

COARSE = 8  # cells per side of the coarse thumbnail
COARSE_DIMS = COARSE * COARSE * 3  # values of a coarse thumbnail (Y, Cb, Cr)
VIEW_TRANSFORMS = ("", "mirror")  # a query's views compared: each region as is and mirrored
STEPS = 4  # distances are root mean square differences in 1/STEPS of a level (0-255), rounded up: integers


def coarse(thumb: bytes) -> np.ndarray:
    """The coarse thumbnail (COARSE_DIMS float32, levels 0-255) of a stored or query thumbnail (hashes.thumb)."""
    side = H.THUMB_SIDE
    grid = np.frombuffer(thumb, np.uint8).reshape(side, side, 3).astype(np.float32)
    b = side // COARSE
    return grid.reshape(COARSE, b, COARSE, b, 3).mean(axis=(1, 3)).reshape(-1)


def query_views(queries: Sequence[H.QueryHash]) -> list[tuple[int, bool, np.ndarray]]:
    """(query hash number, mirrored, coarse thumbnail) of each view of a query compared with the stored thumbnails:
    every region as is and mirrored (the first hash of each view: its Hit.query when a photo is found by it)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for n, q in enumerate(queries):
        key = (q.region, q.transform)
        if q.transform not in VIEW_TRANSFORMS or not q.thumb or key in seen:
            continue
        seen.add(key)
        out.append((n, q.transform == "mirror", coarse(q.thumb)))
    return out


class ThumbTable:
    """The coarse thumbnails of the stored photos, in memory (grown by doubling, like the hash searcher's rows)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.last_row_id = 0  # highest store row id (of kind hashes.THUMB_KIND) loaded
        self.loaded = False  # whether the store's thumbnails were loaded once
        self._n = 0
        self._ids = np.zeros(1024, np.int64)
        self._codes = np.zeros((1024, COARSE_DIMS), np.float32)
        self._norms = np.zeros(1024, np.float32)

    def __len__(self) -> int:
        return self._n

    def add(self, photo_ids: Iterable[int], thumbs: Iterable[bytes], last_row_id: int = 0) -> None:
        """Add stored thumbnails (hashes.thumb bytes) of these photos; last_row_id: the store rows loaded so far."""
        ids = np.fromiter(photo_ids, np.int64)
        codes = np.array([coarse(t) for t in thumbs], np.float32).reshape(-1, COARSE_DIMS)
        with self.lock:
            need = self._n + len(ids)
            if need > len(self._ids):
                cap = max(need, 2 * len(self._ids))
                self._ids = np.concatenate([self._ids[:self._n], np.zeros(cap - self._n, np.int64)])
                self._codes = np.concatenate([self._codes[:self._n], np.zeros((cap - self._n, COARSE_DIMS), np.float32)])
                self._norms = np.concatenate([self._norms[:self._n], np.zeros(cap - self._n, np.float32)])
            self._ids[self._n:need] = ids
            self._codes[self._n:need] = codes
            self._norms[self._n:need] = (codes.astype(np.float64) ** 2).sum(axis=1)
            self._n = need
            self.last_row_id = max(self.last_row_id, last_row_id)

    def remove(self, photo_ids: Iterable[int]) -> None:
        gone = np.fromiter(photo_ids, np.int64)
        with self.lock:
            keep = ~np.isin(self._ids[:self._n], gone)
            n = int(keep.sum())
            if n == self._n:
                return
            self._ids[:n], self._codes[:n], self._norms[:n] = (a[:self._n][keep] for a in (self._ids, self._codes, self._norms))
            self._n = n

    def nearest(self, views: Sequence[np.ndarray], k: int) -> list[tuple[int, int, int]]:
        """The k stored photos nearest to any of the views, nearest first: (photo id, number of the view it is
        nearest to, root mean square difference in 1/STEPS of a level, rounded up)."""
        if k <= 0 or not views:
            return []
        with self.lock:
            n = self._n
            if not n:
                return []
            q = np.stack(views).astype(np.float32)  # (views, dims)
            d2 = self._norms[:n, None] - 2 * (self._codes[:n] @ q.T) + (q.astype(np.float64) ** 2).sum(axis=1)[None, :]
            best = d2.min(axis=1)
            top = np.argpartition(best, k - 1)[:k] if n > k else np.arange(n)
            ids, exact = self._ids[top].copy(), self._codes[top].astype(np.float64)
        # the chosen few again, exactly (the expansion above loses a little to rounding)
        d2 = ((exact[:, None, :] - q.astype(np.float64)[None, :, :]) ** 2).sum(axis=2)  # (k, views)
        view, best = d2.argmin(axis=1), d2.min(axis=1)
        steps = np.ceil(np.round(np.sqrt(best / COARSE_DIMS) * STEPS, 6)).astype(int)
        order = np.lexsort((ids, steps))  # nearest first; ties by photo id
        return [(int(ids[i]), int(view[i]), int(steps[i])) for i in order]


__all__ = ["COARSE", "COARSE_DIMS", "STEPS", "ThumbTable", "coarse", "query_views"]
