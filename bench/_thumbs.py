"""bench/hash_robustness.py's colour thumbnails and the verification of the pairs near a threshold.

The images the hash cache was computed from are generated again, deterministically (the same sources, seeds and
transforms: `apply`, `tile` and `synthetic_low` draw from random.Random(seed) / default_rng(seed)), and their
thumbnails cached apart (THUMB_VERSION), so that the hash cache (CACHE_VERSION, ~50 min to compute) stays valid. A
check compares each regenerated query's PDQ hash with the cached one. Only distractors with some pair within a
class's cap (threshold + CAP_MARGIN) are regenerated, and only (query, photo) pairs of hashes within the cap are
verified: each keeps its class, distance and (layout, colour) agreement (captioncheck.index.verify).
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from captioncheck.index import hashes as H
from captioncheck.index import photoindex as P
from captioncheck.index import verify as V

THUMB_VERSION = "t1"
PAIRS_PER_CLASS = P.PAIRS_PER_CLASS  # the nearest pairs of each class verified per (query, photo), as the index does


def _hr():  # the bench module (imported lazily: it imports this one)
    import hash_robustness as B  # type: ignore[import-not-found]

    return B


def thumb_index(item: tuple[str, int | None]) -> bytes:
    """The stored thumbnail of one indexed photo, by index add's own path."""
    B = _hr()
    path, seed = item
    img = B._source(path) if seed is None else B.tile(path, seed)
    return next(r.bits for r in H.hash_image(B.jpeg(img)).rows if r.kind == H.THUMB_KIND)


def _query_thumbs(data: bytes) -> tuple[bytes, dict[tuple[str, str], bytes]]:
    img = H.decode(data)
    return H.pdq(img)[0], H.query_thumbs(img, H.turn_copy(img), H.query_regions(img))


def thumb_positive(item: tuple[str, str, int]) -> tuple[bytes, dict[tuple[str, str], bytes]]:
    B = _hr()
    path, name, seed = item
    return _query_thumbs(B.apply(B._source(path), name, random.Random(seed)))


def thumb_negative(item: tuple[str, int]) -> tuple[bytes, dict[tuple[str, str], bytes]]:
    B = _hr()
    path, seed = item
    rng = random.Random(seed + 7)
    img = B.tile(path, seed)
    name = rng.choice(list(B.TRANSFORMS)) if rng.random() < 0.5 else "jpeg_90"
    return _query_thumbs(B.apply(img, name, rng))


def _run(fn, items, workers: int, label: str) -> list:
    return _hr().run_jobs(fn, items, workers, f"thumbnails, {label}")


def thumbnails(cache: Path, items: dict[str, list] | None, neg_ids: np.ndarray, data: dict, workers: int, fresh: bool,
               plan=None) -> dict:
    """{"index": [bytes], "pos": [dict], "neg": {distractor number: dict}}, cached in `cache`; the regenerated
    queries' PDQ hashes are checked against the hash cache's. items: the bench's plan (or `plan()` gives it)."""
    got = dict(np.load(cache, allow_pickle=True))["data"].item() if cache.exists() and not fresh else None
    missing = [int(i) for i in neg_ids if got is None or int(i) not in got["neg"]]
    if got is not None and not missing:
        print(f"using cached thumbnails {cache}", file=sys.stderr)
        return got
    items = items if items is not None else plan()
    if got is not None:  # wider caps reach more distractors: only theirs are computed (index and positives kept)
        print(f"using cached thumbnails {cache}, {len(missing)} more distractors", file=sys.stderr)
        out, pos = got, []
    else:
        out = {"index": _run(thumb_index, items["index"], workers, "index"), "pos": [], "neg": {}}
        pos = _run(thumb_positive, items["pos"], workers, "positives")
    neg = _run(thumb_negative, [items["neg"][i] for i in missing], workers, "distractors")
    bad = sum(p != q["pdq"][0] for (p, _), q in zip(pos, data["pos"])) + sum(
        p != data["neg"][i]["pdq"][0] for (p, _), i in zip(neg, missing))
    if bad:
        raise SystemExit(f"{bad} regenerated queries differ from the hashed ones: the image generation is not "
                         "deterministic; rerun with --fresh")
    if pos:
        out["pos"] = [t for _, t in pos]
    out["neg"].update({int(i): t for (_, t), i in zip(neg, missing)})
    np.savez(cache, data=np.array(out, dtype=object))
    return out


@functools.lru_cache(maxsize=1)
def _table() -> np.ndarray:
    return _hr().class_table()


def candidates(query: dict, photo: dict, caps: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(class, distance, query hash number, stored hash number) of the nearest PAIRS_PER_CLASS pairs of each
    class within its cap between one query's hashes and one photo's."""
    B = _hr()
    qs = query["q"]
    rows = [(v, b, q) for v, b, q in photo["pdq_all"]]
    d = np.rint((len(qs[0][0]) * 8 - B.bits_pm1([b for b, *_ in qs]) @ B.bits_pm1([b for _, b, _ in rows]).T) / 2).astype(int)
    cls = _table()[np.array([B.query_code(t, q, k) for _, q, _, t, k in qs])][:, np.array([B.stored_code(v, q) for v, _, q in rows])]
    stored = np.array([b != B.NOTHING for _, b, _ in rows])
    out = []
    for c in range(len(B.CLASSES)):
        qi, si = np.nonzero((cls == c) & (d <= caps[c]) & stored[None, :])
        order = np.argsort(d[qi, si], kind="stable")[:PAIRS_PER_CLASS]
        out += [(c, int(d[i, j]), int(i), int(j)) for i, j in zip(qi[order], si[order])]
    return out


def scores(pairs: np.ndarray, queries: list, qthumbs, photos: list, sthumbs: list) -> np.ndarray:
    """(layout, colour, layout with a band set aside, 1 where the cells outside that band kept their levels)
    agreement (captioncheck.index.verify: agreement, band_agreement) of each candidate pair (q, p,
    class, d, qi, sj)."""
    out = np.zeros((len(pairs), 4), np.float32)
    for n, (q, p, _, _, qi, sj) in enumerate(pairs.astype(np.int64)):
        _, _, region, transform, _ = queries[q]["q"][qi]
        th = qthumbs[q].get((region, transform), b"")
        if th:
            variant = photos[p]["pdq_all"][sj][0]
            out[n, :2] = V.agreement(th, sthumbs[p], variant)
            out[n, 2:] = V.band_agreement(th, sthumbs[p], variant)
    return out
