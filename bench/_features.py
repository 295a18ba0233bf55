"""bench/hash_robustness.py's geometric verification (captioncheck.index.geometry) of the candidate pairs.

As for the thumbnails (bench/_thumbs.py), the images the hash cache was computed from are generated again,
deterministically: each indexed photo's stored keypoints (index add's own path, hashes.hash_image), then each query
that has a candidate pair (a positive, or a distractor with a pair within the caps) with its own keypoints
(geometry.QueryFeatures of the decoded query, as PhotoIndex.search computes them), matched against the stored
keypoints of every photo it has a candidate pair with: (inliers, cells) as is and mirrored, per (query, photo).
Cached apart (FEATURE_VERSION and the geometry constants in the file name); queries' keypoints are not kept (a
thousand per view), only the agreements.
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from captioncheck.index import geometry as G
from captioncheck.index import hashes as H

FEATURE_VERSION = "g1"


def _hr():
    import hash_robustness as B  # type: ignore[import-not-found]

    return B


def key() -> str:
    """What the cached agreements depend on: the geometry module's constants that change a keypoint or a match."""
    text = repr((FEATURE_VERSION, G.STORED_FEATURES, G.QUERY_FEATURES, G.REPROJECTION, G.CELLS, H.INDEX_SIDE))
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def stored_index(item: tuple[str, int | None]) -> bytes:
    B = _hr()
    path, seed = item
    img = B._source(path) if seed is None else B.tile(path, seed)
    return next((r.bits for r in H.hash_image(B.jpeg(img)).rows if r.kind == G.FEATURE_KIND), b"")


_STORED: list[bytes] = []


def _init(stored: list[bytes]) -> None:
    global _STORED
    _STORED = stored


def _agree(job: tuple[str, tuple, list[int]]) -> list[tuple[int, int, int, int]]:
    """(inliers, cells) as is, then mirrored, of one regenerated query against each photo of the list."""
    B = _hr()
    kind, item, photos = job
    if kind == "pos":
        path, name, seed = item
        data = B.apply(B._source(path), name, random.Random(seed))
    else:
        path, seed = item
        rng = random.Random(seed + 7)
        img = B.tile(path, seed)
        name = rng.choice(list(B.TRANSFORMS)) if rng.random() < 0.5 else "jpeg_90"
        data = B.apply(img, name, rng)
    q = G.QueryFeatures(H.decode(data))
    out = []
    for p in photos:
        blob = _STORED[p]
        if not blob:
            out.append((0, 0, 0, 0))
            continue
        (i0, c0), (i1, c1) = G.agreement(q, blob)
        out.append((i0, c0, i1, c1))
    return out


def agreements(cache: Path, items: dict, cand: dict[str, np.ndarray], workers: int, fresh: bool) -> dict:
    """{"index": [bytes], "pos": {(q, p): (i0, c0, i1, c1)}, "neg": {...}} for every (query, photo) with a candidate
    pair, cached in `cache` (only the missing ones computed)."""
    got = dict(np.load(cache, allow_pickle=True))["data"].item() if cache.exists() and not fresh else None
    todo: dict[str, dict[int, list[int]]] = {}
    for name in ("pos", "neg"):
        have = got[name] if got is not None else {}
        want: dict[int, list[int]] = {}
        for q, p in {(int(a), int(b)) for a, b in cand[name][:, :2]}:
            if (q, p) not in have:
                want.setdefault(q, []).append(p)
        todo[name] = want
    if got is not None and not any(todo.values()):
        print(f"using cached keypoint agreements {cache}", file=sys.stderr)
        return got
    t0 = time.time()
    if got is None:
        with ProcessPoolExecutor(workers) as ex:
            stored = list(ex.map(stored_index, items["index"], chunksize=16))
        got = {"index": stored, "pos": {}, "neg": {}}
        print(f"  keypoints of {len(stored)} indexed photos: {time.time() - t0:.0f}s", file=sys.stderr)
    jobs = [(name, items[name][q], sorted(ps)) for name in ("pos", "neg") for q, ps in sorted(todo[name].items())]
    owners = [(name, q, sorted(ps)) for name in ("pos", "neg") for q, ps in sorted(todo[name].items())]
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(got["index"],)) as ex:
        for (name, q, ps), res in zip(owners, ex.map(_agree, jobs, chunksize=8)):
            got[name].update(((q, p), r) for p, r in zip(ps, res))
    print(f"  keypoint agreements of {sum(len(j[2]) for j in jobs)} (query, photo) pairs, {len(jobs)} queries: "
          f"{time.time() - t0:.0f}s", file=sys.stderr)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, data=np.array(got, dtype=object))
    return got


def columns(cand: np.ndarray, table: dict) -> np.ndarray:
    """(n, 4) float32: each candidate pair's (inliers, cells) as is and mirrored, from its (query, photo)."""
    out = np.zeros((len(cand), 4), np.float32)
    for n, (q, p) in enumerate(cand[:, :2].astype(np.int64)):
        out[n] = table.get((int(q), int(p)), (0, 0, 0, 0))
    return out
