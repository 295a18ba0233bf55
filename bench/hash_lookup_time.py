"""Look-up time per query with and without the verified level, on bench/hash_robustness.py's index.

    python bench/hash_lookup_time.py [--queries 300] [--quick]

Needs the caches of a hash_robustness.py run (hashes and thumbnails, bench/out/). The index's own searcher is loaded
with the 1,049 (--quick: 329) indexed images' stored hashes and forced onto its multi-index tables; 300 positive and
300 distractor queries (those with thumbnails) are looked up through photoindex.accepted:

* before: the thresholds of before verification (photoindex.UNVERIFIED), searched at their largest (123; crop
  windows at the windows' largest), no verification;
* thumbnails only: the constants of before geometric verification (branch match7, 2026-12-02: THRESHOLDS + VERIFIED
  with verification on the stored thumbnails), searched as that index searched (its largest radius, per variant);
* as shipped: photoindex.THRESHOLDS + VERIFIED + GEOMETRIC with verification on the stored thumbnails and, with the
  hash_robustness.py keypoint cache (bench/_features.py) and OpenCV, on keypoints: each query image is generated
  again and decoded before the clock starts; its keypoints are computed inside the timed look-up, when a candidate
  first needs them (photoindex.GeometricCheck, as PhotoIndex.search does); searched at the largest radius
  (photoindex.MATCH_THRESHOLD) with the searcher's radius per variant (photoindex.VARIANT_RADIUS); where the hashes
  accept nothing and photoindex.NEAREST_RADIUS is set, the thumbnail-nearest candidates too (photoindex.nearest_photos
  over the coarse thumbnails of every indexed photo, kept in memory as the index keeps them, then
  photoindex.accept_nearest: their keypoints).

(Every row searched at MATCH_THRESHOLD, without VARIANT_RADIUS, was a third setup while that radius was 141; at
this round's 173 the multi-index search is close to exhaustive and that setup took longer than 15 minutes: it is
left out, see docs/index.md for its figures of the round it was measured in.)

Each is run twice, alternating; p50 / p99 / mean milliseconds per query. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from captioncheck.index import geometry as G  # noqa: E402
from captioncheck.index import hashes as H  # noqa: E402
from captioncheck.index import photoindex as P  # noqa: E402
from captioncheck.index.search import HashSearcher  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=int, default=300, help="positive and distractor queries each")
    ap.add_argument("--quick", action="store_true", help="hash_robustness.py --quick's caches")
    args = ap.parse_args()
    tag = "v14_2000_300_quick" if args.quick else "v14_10000_1000"
    files = OUT / f"hash_robustness_{tag}.npz", OUT / f"hash_robustness_{tag}_thumbs_t1.npz"
    if not all(f.exists() for f in files):
        raise SystemExit(f"run bench/hash_robustness.py{' --quick' if args.quick else ''} first: it writes {files[0].name}")
    data = dict(np.load(files[0], allow_pickle=True))["data"].item()
    thumbs = dict(np.load(files[1], allow_pickle=True))["data"].item()
    searcher = HashSearcher(delta_min=0)
    rows = [(i, v, b, q) for i, r in enumerate(data["index"]) for v, b, q in r["pdq_all"]]
    searcher.add(np.array([r[0] for r in rows]), [r[1] for r in rows],
                 np.frombuffer(b"".join(r[2][:32] for r in rows), np.uint8).reshape(-1, 32),
                 aux=[r[2][32:48] for r in rows], quality=[r[3] for r in rows])
    stored = lambda ids: {int(i): thumbs["index"][int(i)] for i in ids}  # noqa: E731
    rng = np.random.default_rng(0)

    def query(q: dict, th: dict) -> list[H.QueryHash]:
        return [H.QueryHash(reg, tr, b[:32], qual, b[32:48], kind, th.get((reg, tr), b"")) for b, qual, reg, tr, kind in q["q"]]

    negs = sorted(thumbs["neg"])
    chosen = [("pos", int(n)) for n in rng.permutation(len(data["pos"]))[:args.queries]]
    chosen += [("neg", negs[n]) for n in rng.permutation(len(negs))[:args.queries]]
    queries = [query(data[kind][n], thumbs[kind][n]) for kind, n in chosen]
    windows = ("window", "mid_window", "low_window", "flat_window")
    old_radius, old_window = max(P.UNVERIFIED.values()), max(P.UNVERIFIED[c] for c in windows)
    radius_before = {c: max(THUMBS_ONLY[0][c], THUMBS_ONLY[1][c], P.UNVERIFIED[c]) for c in P.THRESHOLDS}
    setups = {
        "before": (old_radius, {w[0]: old_window for w in H.CROP_WINDOWS}, P.UNVERIFIED, {}, None, None),
        "thumbnails only": (max(radius_before.values()), P.variant_radii(radius_before), *THUMBS_ONLY, stored, None),
        "shipped": (P.MATCH_THRESHOLD, P.VARIANT_RADIUS, P.THRESHOLDS, P.VERIFIED, stored, None),
    }
    images = keypoint_setup(args, chosen)
    if images is not None:
        setups["shipped"] = (*setups["shipped"][:5], images)
    from captioncheck.index.nearest import ThumbTable

    table = ThumbTable()
    table.add(range(len(thumbs["index"])), thumbs["index"])
    times: dict[str, list[float]] = {name: [] for name in setups}
    for _ in range(2):
        for name, (radius, radius_for, thresholds, verified, fetch, geo) in setups.items():
            for n, qs in enumerate(queries):
                t0 = time.perf_counter()
                hits = searcher.search(np.frombuffer(b"".join(x.bits for x in qs), np.uint8).reshape(-1, 32), radius,
                                       np.frombuffer(b"".join(x.aux for x in qs), np.uint8).reshape(-1, 16), radius_for)
                check = None if geo is None else P.GeometricCheck(G.QueryFeatures(geo[0][n]), geo[1])
                best = P.accepted(qs, hits, thresholds, verified=verified, thumbs=fetch, geo=check)
                if name == "shipped" and check is not None and not best and P.NEAREST_RADIUS >= 0:
                    P.accept_nearest(best, qs, P.nearest_photos(qs, table), check)
                times[name].append((time.perf_counter() - t0) * 1000)
    out = {}
    for name, t in times.items():
        a = np.array(t)
        out[name] = {"p50_ms": round(float(np.median(a)), 2), "p99_ms": round(float(np.percentile(a, 99)), 2),
                     "mean_ms": round(float(a.mean()), 2)}
        print(f"{name:<22} p50 {out[name]['p50_ms']:8.2f} ms   p99 {out[name]['p99_ms']:8.2f} ms   mean {out[name]['mean_ms']:8.2f} ms")
    print(json.dumps({"bench": "hash_lookup_time", "stored_hashes": len(rows), "queries": len(queries),
                      "keypoints": images is not None, "results": out}))


# the constants before geometric verification (THRESHOLDS, VERIFIED of branch match7, 2026-12-02)
THUMBS_ONLY = ({"full": 102, "window": 106, "mid_full": 100, "mid_window": -1, "low_full": 58, "low_window": -1, "flat_full": 46,
                "flat_window": -1, "smooth": -1, "smooth_window": -1},
               {"full": 183, "window": 143, "mid_full": 131, "mid_window": 109, "low_full": 165, "low_window": 137,
                "flat_full": 159, "flat_window": 95, "smooth": 23, "smooth_window": 18})


def keypoint_setup(args: argparse.Namespace, chosen: list[tuple[str, int]]):
    """(decoded query images, stored keypoints by photo id) for the chosen queries, regenerated from the bench's
    plan; None without OpenCV or without hash_robustness.py's keypoint cache."""
    if not G.available():
        return None
    found = sorted(OUT.glob(f"hash_robustness_{'v14_2000_300_quick' if args.quick else 'v14_10000_1000'}_geometry_*.npz"))
    if not found:
        return None
    import random

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import hash_robustness as B  # type: ignore[import-not-found]

    stored_all = dict(np.load(found[-1], allow_pickle=True))["data"].item()["index"]
    ns = argparse.Namespace(quick=args.quick, negatives=2000 if args.quick else 10_000, filler=300 if args.quick else 1000)
    items = B.plan(ns)
    images = []
    for kind, n in chosen:
        if kind == "pos":
            path, name, seed = items["pos"][n]
            data = B.apply(B._source(path), name, random.Random(seed))
        else:
            path, seed = items["neg"][n]
            rng = random.Random(seed + 7)
            img = B.tile(path, seed)
            data = B.apply(img, rng.choice(list(B.TRANSFORMS)) if rng.random() < 0.5 else "jpeg_90", rng)
        images.append(H.decode(data))
    return images, lambda ids: {int(i): stored_all[int(i)] for i in ids}


if __name__ == "__main__":
    main()
