"""The searcher's first load (one table build at the end) and its removal of photos (tombstones)."""

from __future__ import annotations

import numpy as np

from captioncheck.index.search import HashSearcher


def _hits(s: HashSearcher, queries: np.ndarray, aux: np.ndarray) -> set[tuple[int, int, int]]:
    return {(h.query, h.photo_id, h.distance) for h in s.search(queries, 137, aux)}


def test_a_bulk_load_builds_the_tables_once_and_finds_the_same() -> None:
    rng = np.random.default_rng(3)
    codes, aux = rng.integers(0, 256, (6000, 32), np.uint8), rng.integers(0, 256, (6000, 16), np.uint8)
    steady, bulk = HashSearcher(delta_min=500), HashSearcher(delta_min=500)
    builds = []
    original = bulk._build_tables
    bulk._build_tables = lambda: (builds.append(bulk._n), original())[1]  # type: ignore[method-assign]
    steady_builds = 0
    for i in range(0, 6000, 1000):  # as a first load arrives: chunks of rows
        before = steady._n_tabled
        steady.add(np.arange(i, i + 1000), ["full"] * 1000, codes[i:i + 1000], aux=list(map(bytes, aux[i:i + 1000])))
        steady_builds += steady._n_tabled != before
    with bulk.bulk():
        for i in range(0, 6000, 1000):
            bulk.add(np.arange(i, i + 1000), ["full"] * 1000, codes[i:i + 1000], aux=list(map(bytes, aux[i:i + 1000])))
        assert bulk.kind == "linear" and builds == []  # nothing sorted while loading
    assert builds == [6000] and steady_builds == 6 and bulk.kind == steady.kind == "multi-index hashing"
    picks = rng.choice(6000, 100, replace=False)
    assert _hits(bulk, codes[picks], aux[picks]) == _hits(steady, codes[picks], aux[picks])
    assert {(q, int(p)) for q, p in enumerate(picks)} <= {(q, p) for q, p, _ in _hits(bulk, codes[picks], aux[picks])}


def test_removed_photos_are_never_returned_and_leave_memory() -> None:
    rng = np.random.default_rng(4)
    n = 4000
    codes, aux = rng.integers(0, 256, (n, 32), np.uint8), rng.integers(0, 256, (n, 16), np.uint8)
    photos = np.arange(n) // 4  # 4 rows per photo, 1000 photos
    s = HashSearcher(delta_min=500)
    s.add(photos, ["full"] * n, codes, aux=list(map(bytes, aux)))
    assert s.remove([3, 7, 999, 5000]) == 12 and len(s) == n - 12  # 5000: not there
    assert s._n == n  # a few: only marked
    assert {p for _, p, _ in _hits(s, codes[[12, 28, 3996, 40]], aux[[12, 28, 3996, 40]])} >= {10} and \
        not {3, 7, 999} & {p for _, p, _ in _hits(s, codes[[12, 28, 3996]], aux[[12, 28, 3996]])}
    gone = list(range(0, 1000, 2))  # half the photos: past a quarter of the rows, the buffers are compacted
    s.remove(gone)
    assert s._n == len(s) == n // 2 - 3 * 4 and s.kind == "multi-index hashing"  # 3, 7 and 999 were odd ones
    kept = [i for i in range(n) if photos[i] % 2 and photos[i] not in (3, 7, 999)]
    found = _hits(s, codes[kept], aux[kept])
    assert {(q, int(photos[i])) for q, i in enumerate(kept)} <= {(q, p) for q, p, _ in found}
    assert not {p for _, p, _ in found} & set(gone)
    s.add(np.array([2000]), ["full"], codes[:1], aux=[bytes(aux[0])])  # after compaction: still appendable
    assert 2000 in {h.photo_id for h in s.search(codes[:1], 0, aux[:1])}
