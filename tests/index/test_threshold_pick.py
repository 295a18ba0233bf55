"""bench/hash_robustness.py's threshold picker: a class with a verified twin keeps no unverified slack."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import hash_robustness as B

BIG = B.BIG


def _case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns: a plain class and its verified twin. Copies at plain distances 10..60, those from 30 up also within
    the twin (they pass verification); distractors at plain distances 40 and 55 (they fail verification: never
    within the twin) and two within the twin at 90 and 95. Budget: one false match (fpr 1 / 1,000)."""
    plain = np.arange(10, 70, 10)
    twin = np.where(plain >= 30, plain + 5, BIG)
    pos = np.column_stack([plain, twin])
    far = np.array([[80, 88], [85, 92], [90, 100]])  # copies only the twin can reach
    pos = np.vstack([pos, far])
    neg = np.full((1000, 2), BIG)
    neg[:2, 0] = (40, 55)
    neg[2:4, 1] = (90, 95)
    return pos, neg, np.array([1, -1])


def test_a_plain_threshold_covered_by_its_verified_twin_keeps_no_slack() -> None:
    pos, neg, twins = _case()
    greedy = B.choose_thresholds(pos, neg, 0.001)
    picked = B.pick_thresholds(pos, neg, 0.001, twins=twins)
    assert greedy[0] == 39  # the greedy rule leaves the plain threshold just under the first distractor
    assert picked[0] == 20  # lowered to the last copy only it accepts: 30..60 are accepted by the twin
    assert picked[1] == greedy[1] >= 92  # the twin keeps its radius: the far copies up to 92 are found
    found = lambda t: int((pos <= t).any(axis=1).sum())
    assert found(picked) == found(greedy) == len(pos) - 1  # all but the copy at 100, beyond the twin's distractors


def test_the_pick_never_finds_fewer_copies_nor_exceeds_the_budget() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        plain = rng.integers(0, 120, 300)
        twin = np.where(rng.random(300) < 0.7, plain + rng.integers(0, 60, 300), BIG)
        pos = np.column_stack([plain, twin])
        neg = np.column_stack([rng.integers(40, 400, 2000), np.where(rng.random(2000) < 0.01, rng.integers(60, 400, 2000), BIG)])
        greedy = B.choose_thresholds(pos, neg, 0.002)
        picked = B.pick_thresholds(pos, neg, 0.002, twins=np.array([1, -1]))
        assert (pos <= picked).any(axis=1).sum() >= (pos <= greedy).any(axis=1).sum()
        assert (neg <= picked).any(axis=1).sum() <= 4
        assert picked[0] <= greedy[0]


def test_without_twins_the_pick_is_the_greedy_one() -> None:
    pos, neg, _ = _case()
    assert (B.pick_thresholds(pos, neg, 0.001) == B.choose_thresholds(pos, neg, 0.001)).all()
    assert (B.pick_thresholds(pos, neg, 0.001, twins=np.array([-1, -1])) == B.choose_thresholds(pos, neg, 0.001)).all()


def test_a_pair_cache_of_wider_caps_serves_narrower_ones(tmp_path, monkeypatch) -> None:
    """bench/hash_robustness.py's candidate pairs (query, photo, class, distance, ...) computed at some caps are
    reused for caps no wider on any class, less the pairs beyond them; never for a wider cap."""
    monkeypatch.setattr(B, "OUT", tmp_path)
    caps = np.array([100, 50])
    pos = np.array([[0, 1, 0, 90, 0, 0], [0, 1, 1, 40, 0, 0], [1, 2, 1, 50, 0, 0]])
    neg = np.array([[3, 1, 0, 100, 0, 0]])
    np.savez(tmp_path / "stem_100-50.npz", caps=caps, pos=pos, neg=neg)
    got = B.cached_pairs("stem", np.array([95, 45]))
    assert got is not None
    assert got["pos"].tolist() == [pos[0].tolist(), pos[1].tolist()] and len(got["neg"]) == 0
    assert B.cached_pairs("stem", caps)["neg"].tolist() == neg.tolist()
    assert B.cached_pairs("stem", np.array([101, 50])) is None  # wider on one class: recomputed
    assert B.cached_pairs("other", caps) is None
