"""The searcher: multi-index hashing finds everything within the guaranteed radius, exactly verified."""

from __future__ import annotations

import numpy as np

from captioncheck.index.search import HashSearcher


def _flip(rng: np.random.Generator, code: np.ndarray, nbits: int) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, nbits, replace=False)] ^= 1
    return np.packbits(bits)


def test_multi_index_hashing_agrees_with_linear_within_radius_31() -> None:
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 256, (5000, 32), dtype=np.uint8)
    flat, mih = HashSearcher(delta_min=10**9), HashSearcher(delta_min=1000)
    for s in (flat, mih):
        s.add(np.arange(3000) + 1, ["full"] * 3000, codes[:3000])  # ids 1..3000
    for s in (flat, mih):
        s.add(np.arange(3000, 4500) + 1, ["c90m"] * 1500, codes[3000:4500])  # merged into the tables
        s.add(np.arange(4500, 5000) + 1, ["c90m"] * 500, codes[4500:])  # stays in the linear delta
    assert mih._n_tabled == 4500
    assert flat.kind == "linear" and mih.kind == "multi-index hashing" and len(mih) == 5000
    picks = rng.choice(5000, 200, replace=False)
    queries = np.stack([_flip(rng, codes[i], int(rng.integers(0, 32))) for i in picks])
    a = {(h.query, h.photo_id, h.pdq_distance) for h in flat.search(queries, 62) if h.pdq_distance <= 31}
    b = {(h.query, h.photo_id, h.pdq_distance) for h in mih.search(queries, 62) if h.pdq_distance <= 31}
    assert a == b
    assert {(q, int(picks[q]) + 1) for q in range(200)} <= {(q, p) for q, p, _ in a}
    variants = {h.variant for h in mih.search(queries, 62)}
    assert variants == {"full", "c90m"}


def test_verification_drops_far_candidates() -> None:
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 256, (100, 32), dtype=np.uint8)
    s = HashSearcher(delta_min=10)
    s.add(np.arange(100), ["full"] * 100, codes)
    hits = s.search(_flip(rng, codes[5], 20)[None, :], 20)  # without aux hashes: distance = 2 x PDQ = 40
    assert hits == []
    [hit] = s.search(_flip(rng, codes[5], 8)[None, :], 20)
    assert (hit.photo_id, hit.pdq_distance, hit.distance) == (5, 8, 16)


def test_aux_hash_verifies_candidates() -> None:
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 256, (50, 32), dtype=np.uint8)
    aux = [rng.integers(0, 256, 16, dtype=np.uint8).tobytes() for _ in range(50)]
    s = HashSearcher()
    s.add(np.arange(50), ["full"] * 50, codes, aux=aux)
    q = _flip(rng, codes[7], 10)[None, :]
    same_aux = np.frombuffer(aux[7], np.uint8)[None, :]
    other_aux = np.frombuffer(aux[8], np.uint8)[None, :]
    [hit] = s.search(q, 60, same_aux)
    assert (hit.photo_id, hit.distance) == (7, 10)
    assert s.search(q, 60, other_aux) == []  # PDQ agrees, dHash/pHash do not: rejected


def _flip_aux(rng: np.random.Generator, code: np.ndarray, nbits: int) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(128, nbits, replace=False)] ^= 1
    return np.packbits(bits)


def test_with_aux_finds_everything_within_pdq_15_or_aux_15_and_agrees_with_linear() -> None:
    """With aux hashes the tables are probed at each PDQ substring and at each aux substring within one
    bit: a stored row is guaranteed to be found when its PDQ or its aux distance is at most 15."""
    rng = np.random.default_rng(3)
    n = 6000
    codes = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    aux = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    aux_list = [a.tobytes() if i % 10 else None for i, a in enumerate(aux)]  # every 10th row has no aux hash
    flat, mih = HashSearcher(delta_min=10**9), HashSearcher(delta_min=1000)
    for s in (flat, mih):
        s.add(np.arange(n), ["full"] * n, codes, aux=aux_list)
    assert mih.kind == "multi-index hashing" and mih._n_tabled == n
    picks = [int(i) for i in rng.choice(n, 300, replace=False) if i % 10]
    near_pdq = [(i, int(rng.integers(0, 16)), int(rng.integers(16, 60))) for i in picks[:120]]
    near_aux = [(i, int(rng.integers(16, 100)), int(rng.integers(0, 16))) for i in picks[120:240]]
    cases = near_pdq + near_aux
    q = np.stack([_flip(rng, codes[i], dp) for i, dp, _ in cases])
    qa = np.stack([_flip_aux(rng, aux[i], da) for i, _, da in cases])
    a = {(h.query, h.photo_id, h.distance) for h in flat.search(q, 200, qa)}
    b = {(h.query, h.photo_id, h.distance) for h in mih.search(q, 200, qa)}
    assert b <= a  # every candidate is verified exactly, against the same radius
    expected = {(k, i, dp + 2 * da) for k, (i, dp, da) in enumerate(cases)}
    assert expected <= b


def test_rows_without_aux_are_not_in_the_aux_tables() -> None:
    rng = np.random.default_rng(4)
    codes = rng.integers(0, 256, (3000, 32), dtype=np.uint8)
    s = HashSearcher(delta_min=100)
    s.add(np.arange(3000), ["full"] * 3000, codes)  # no aux hashes: the aux tables stay empty
    assert s._order.size == 16 * 3000
    zero_aux = np.zeros((1, 16), np.uint8)  # the key all rows without aux would share
    [hit] = s.search(codes[7][None, :], 10, zero_aux)
    assert (hit.photo_id, hit.distance) == (7, 0)
