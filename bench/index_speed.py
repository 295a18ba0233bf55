"""Look-up latency of the photo index at 100k, 1M and 10M stored PDQ hashes, against a linear scan.

    python bench/index_speed.py [--sizes 100000,1000000,10000000] [--queries 300] [--ingest 120]

For each size, random 256-bit PDQ hashes (each with a random 128-bit aux hash) are loaded into the
index's own searcher (captioncheck.index.search.HashSearcher: multi-index hashing over the PDQ
and aux bits, added in 1M batches as inserts would arrive). Two kinds of look-up are timed, each the way
PhotoIndex.search runs it: one search for all 20 query hashes of an image (3 regions x mirror, the
whole image turned 90/180/270 and straightened +-5 degrees: 11 PDQ + aux; 9 smooth hashes) at
the matching radius (combined distance PDQ + 2 x aux):

  near-duplicate: one of the 20 query hashes is a stored hash with 0..76 PDQ bits flipped (and a
                  proportional share of its aux bits); recall = share of the planted near-duplicates
                  within their radius that are found, by PDQ distance
  random: 20 hashes unrelated to anything stored (the common case: a photo not in the index)
  near_12 / random_12: the same with 12 query hashes, a photo without borders (7 PDQ + 5 smooth)

In the same run, a linear numpy scan (the same combined distance, XOR + popcount over all stored
hashes) answers the same look-ups; the speed-up is the ratio of medians. A stored hash whose PDQ
distance or aux distance is at most 15 (so every one within combined distance 47) is always found
(pigeonhole principle: 16 PDQ substrings probed exactly, 8 aux substrings within one bit); beyond,
recall is probabilistic, and high here because the planted aux distance is only about a quarter
of the PDQ distance (bench/hash_robustness.py measures real transformed photos through the tables).
Measured (shared 2-core machine): 6-hash p50 0.31 / 0.85 / 8.0 ms at 100k / 1M / 10M (linear
scan x88 / x382 / x574 slower); the previous PDQ-only tables, same session: 1.30 ms at 1M, 13.5 ms at 10M.
Ingest rate is measured by adding generated 1200x800 JPEG photos with `index add`'s code path
(plan + ingest: worker processes hash, this process writes SQLite batches), with today's hashing
(hashes.hash_image: JPEG draft decode, 49 windows from one luma array, vectorised) and, in the same
run, the previous one (legacy_hash_image: a PIL crop + pdqhash + imagehash per window); besides
wall-clock images/s it reports CPU ms per image over all processes, i.e. the rate on free cores.

    python bench/index_speed.py --backend postgresql [--photos 100000,1000000] [--pg-url URL]

compares the two stores in the same run (a throw-away PostgreSQL server is started when no
--pg-url is given), per size of index in *photos* (each stored as in the index: 49 PDQ + 49 aux +
3 small hashes, random bits; filled in bulk by bench/_index_fill.py up to the size less the
insert sample): the insert rate (photos/s through PhotoIndex.add_hashed on --insert-sample photos
added on top, committed in batches of 500 as `index import` does), the first load of every hash
into a new process's searcher, the look-up p50/p99 of a hashed image (PhotoIndex.search_hashes:
20 query hashes, the searcher, then the matched photos' records and sightings from the store;
near-duplicates of stored photos and unrelated hashes), and the cost of a refresh that brings in
10k new PDQ rows written by another process (bench/_stores.py). Progress goes to stderr.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from captioncheck.index.hashes import CROP_WINDOWS
from captioncheck.index.photoindex import (
    FULL_THRESHOLD,
    MATCH_THRESHOLD,
    WINDOW_THRESHOLD,
)
from captioncheck.index.search import HashSearcher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stores import compare_stores

QUERY_HASHES = 20  # a screenshot-like query: 11 PDQ + aux, 9 smooth
SMALL_QUERY = 12  # a photo without borders: 7 PDQ + aux, 5 smooth
VARIANTS = ["full"] + [w[0] for w in CROP_WINDOWS]  # stored rows: as in the index, 1 whole photo per 49 hashes
RADII = {w[0]: WINDOW_THRESHOLD for w in CROP_WINDOWS}


def near(rng: np.random.Generator, code: np.ndarray, d: int) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, d, replace=False)] ^= 1
    return np.packbits(bits)


def linear(db64: np.ndarray, aux64: np.ndarray, queries: np.ndarray, qaux: np.ndarray, limit: np.ndarray) -> list[set[int]]:
    """The baseline: the same combined distance (PDQ + 2 x aux) against every stored hash, same radii."""
    out = []
    for q, qa in zip(queries.view(np.uint64), qaux.view(np.uint64)):
        d = np.bitwise_count(db64 ^ q).sum(axis=1, dtype=np.uint16)
        d += 2 * np.bitwise_count(aux64 ^ qa).sum(axis=1, dtype=np.uint16)
        out.append(set(np.flatnonzero(d <= limit).tolist()))
    return out


def pct(values: list[float], p: float) -> float | None:
    """The p-th percentile in ms; None when nothing was timed (--linear 0)."""
    return round(float(np.percentile(values, p)) * 1000, 3) if values else None


def bench_size(n: int, n_queries: int, n_linear: int, radius: int, rng: np.random.Generator) -> dict[str, object]:
    db = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    aux = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    s = HashSearcher()
    t0 = time.perf_counter()
    for i in range(0, n, 1_000_000):  # incremental, as inserts arrive
        j = min(n, i + 1_000_000)
        s.add(np.arange(i, j), [VARIANTS[k % len(VARIANTS)] for k in range(i, j)], db[i:j], aux=[a.tobytes() for a in aux[i:j]])
    build = time.perf_counter() - t0
    looks: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {"near": [], "random": []}
    truth_d: list[int] = []
    targets: list[int] = []
    for _ in range(n_queries):
        target = int(rng.integers(0, n))
        d = int(rng.integers(0, 77))  # PDQ bits flipped; aux gets a proportional share
        qs = rng.integers(0, 256, (QUERY_HASHES, 32), dtype=np.uint8)
        qa = rng.integers(0, 256, (QUERY_HASHES, 16), dtype=np.uint8)
        qs[0] = near(rng, db[target], d)
        qa[0] = np.packbits(np.unpackbits(aux[target]) ^ (rng.random(128) < d / 256 / 2))
        looks["near"].append((qs, qa))
        truth_d.append(d)
        targets.append(target)
        looks["random"].append((rng.integers(0, 256, (QUERY_HASHES, 32), dtype=np.uint8),
                                rng.integers(0, 256, (QUERY_HASHES, 16), dtype=np.uint8)))
    # a photo without borders has one region
    looks["near_12"] = [(qs[:SMALL_QUERY], qa[:SMALL_QUERY]) for qs, qa in looks["near"]]
    looks["random_12"] = [(qs[:SMALL_QUERY], qa[:SMALL_QUERY]) for qs, qa in looks["random"]]
    res: dict[str, object] = {"hashes": n, "searcher": s.kind, "build_s": round(build, 1)}
    db64, aux64 = db.view(np.uint64), aux.view(np.uint64)
    limit = np.where(np.arange(n) % len(VARIANTS) == 0, FULL_THRESHOLD, WINDOW_THRESHOLD).astype(np.uint16)
    for kind, qlist in looks.items():
        times, found = [], []
        for qs, qa in qlist:
            t = time.perf_counter()
            hits = s.search(qs, FULL_THRESHOLD, qa, RADII)
            times.append(time.perf_counter() - t)
            found.append({h.photo_id for h in hits if h.query == 0})
        lin_times, exact = [], []
        for qs, qa in qlist[:n_linear]:
            t = time.perf_counter()
            exact.append(linear(db64, aux64, qs, qa, limit)[0])
            lin_times.append(time.perf_counter() - t)
        res[kind] = {"p50_ms": pct(times, 50), "p99_ms": pct(times, 99), "linear_p50_ms": pct(lin_times, 50),
                     "speedup_p50": round(float(np.median(lin_times) / np.median(times)), 1) if lin_times else None}
        if kind == "near":  # recall of the sub-linear search: is the planted near-duplicate found?
            hit = np.array([t in f for t, f in zip(targets, found)])
            dd = np.array(truth_d)
            within = np.array([  # planted near-duplicates that are within their radius at all (exact distance)
                int(np.bitwise_count(db64[t] ^ qs[0].view(np.uint64)).sum() + 2 * np.bitwise_count(aux64[t] ^ qa[0].view(np.uint64)).sum())
                <= int(limit[t]) for t, (qs, qa) in zip(targets, qlist)])
            hit, dd = hit[within], dd[within]
            for lo, hi in ((0, 15), (16, 31), (32, 47), (48, radius)):
                sel = (dd >= lo) & (dd <= hi)
                res[f"recall_pdq_d_{lo}_{hi}"] = round(float(hit[sel].mean()), 4) if sel.any() else None
            res["exact_agrees_on_sample"] = all(e <= f | {t} for e, f, t in zip(exact, found, targets))
    del s
    return res


def legacy_hash_image(data: bytes):  # type: ignore[no-untyped-def]
    """The hashing `index add` used before (baseline, same outputs as rows): decode at 512 px, then per
    window a PIL crop, pdqhash.compute and imagehash dHash + pHash of a 64x64 thumbnail; small hashes at 512."""
    import imagehash
    import pdqhash
    from PIL import Image

    from captioncheck.index import hashes as H

    img = H.decode(data)

    def bits(h):  # type: ignore[no-untyped-def]
        return np.packbits(h.hash.flatten().astype(np.uint8)).tobytes()

    rows = []
    for name, x, y, w, h in (("full", 0.0, 0.0, 1.0, 1.0), *CROP_WINDOWS):
        part = img if name == "full" else H.window(img, x, y, w, h)
        vec, q = pdqhash.compute(np.ascontiguousarray(np.asarray(part, dtype=np.uint8)))
        grey = part.convert("L").resize((64, 64), Image.Resampling.BILINEAR)
        rows += [H.HashRow("pdq", name, np.packbits(vec.astype(np.uint8)).tobytes(), int(q)),
                 H.HashRow("aux", name, bits(imagehash.dhash(grey)) + bits(imagehash.phash(grey)))]
    grey = img.convert("L")
    rows += [H.HashRow(k, "full", bits(f(grey))) for k, f in
             (("phash", imagehash.phash), ("dhash", imagehash.dhash), ("whash", imagehash.whash))]
    return H.ImageHashes(H.sha256(data), len(data), img.width, img.height, rows)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes (user + system)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ingest_rate(n: int) -> dict[str, object]:
    """`index add`'s code path (plan + ingest, parallel workers, SQLite batches) over n generated
    1200x800 JPEG photos: today's hashing and, in the same run, the previous one (legacy_hash_image)."""
    from PIL import Image, ImageDraw

    from captioncheck.index import open_index
    from captioncheck.index.hashes import hash_image
    from captioncheck.index.ingest import ingest, plan
    from captioncheck.index.photoindex import PhotoMeta

    rng = np.random.default_rng(5)
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        for i in range(n):
            img = Image.new("RGB", (1200, 800), tuple(int(c) for c in rng.integers(0, 255, 3)))
            d = ImageDraw.Draw(img)
            for _ in range(60):
                x, y = int(rng.integers(0, 1200)), int(rng.integers(0, 800))
                d.ellipse((x, y, x + int(rng.integers(20, 400)), y + int(rng.integers(20, 300))),
                          fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=88)
            (folder / f"{i:05d}.jpg").write_bytes(buf.getvalue())
        workers = min(4, os.cpu_count() or 1)
        for name, hasher in (("previous", legacy_hash_image), ("current", hash_image)):
            idx = open_index(Path(tmp) / f"{name}.sqlite")
            cpu0 = _cpu_seconds()
            t = time.perf_counter()
            report = ingest(idx, plan([folder], PhotoMeta(caption="bench")), workers=workers, hasher=hasher)
            secs = time.perf_counter() - t
            cpu = _cpu_seconds() - cpu0
            idx.close()
            out[name] = {"images": report.added, "seconds": round(secs, 2), "images_per_s": round(report.added / secs, 1),
                         "cpu_ms_per_image": round(1000 * cpu / report.added, 1),
                         "images_per_s_on_free_cores": round(workers * report.added / cpu, 1)}
    return {"workers": workers, **out,
            "speedup": round(out["current"]["images_per_s"] / out["previous"]["images_per_s"], 1)}  # type: ignore[index]


def compare_backends(args: argparse.Namespace) -> None:
    """SQLite next to PostgreSQL in the same run; the last line is one JSON object."""
    sizes = sorted(int(x) for x in args.photos.split(","))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout`: stop the server and delete the files
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg_url
        if not url:
            from tests.pg_server import PgServer

            server = PgServer.start()
            url = server.create_database("bench")
        try:
            import psycopg

            from captioncheck.index.store_postgres import redact

            with psycopg.connect(url) as conn:
                pg_version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            out = compare_stores({"sqlite": Path(tmp) / "bench.sqlite", "postgresql": url}, sizes, args)
        finally:
            if server is not None:
                server.stop()
    ratios = [{"photos": s["photos"], "insert_pg_over_sqlite": round(p["insert_photos_per_s"] / s["insert_photos_per_s"], 2),
               "first_load_pg_over_sqlite": round(p["first_load_s"] / s["first_load_s"], 2),
               "lookup_p50_pg_over_sqlite": round(p["near"]["p50_ms"] / s["near"]["p50_ms"], 2)}
              for s, p in zip(out["sqlite"], out["postgresql"]) if "near" in s and "near" in p and s["insert_photos_per_s"]]
    for r in ratios:
        print(f"{r['photos']:>9,} photos, PostgreSQL/SQLite: insert rate x{r['insert_pg_over_sqlite']}, first load time "
              f"x{r['first_load_pg_over_sqlite']}, near look-up p50 x{r['lookup_p50_pg_over_sqlite']}")
    print(json.dumps({"bench": "index_backends", "postgresql": redact(url) if args.pg_url else f"throw-away {pg_version}",
                      "batch": 500, "load_average": os.getloadavg(), "results": out, "ratios": ratios}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--linear", type=int, default=10, help="look-ups also answered by the linear scan, per size")
    ap.add_argument("--ingest", type=int, default=240, help="photos to ingest (0: skip)")
    ap.add_argument("--backend", choices=["memory", "postgresql"], default="memory",
                    help="memory: the searcher alone (above); postgresql: the stores, SQLite next to PostgreSQL")
    ap.add_argument("--photos", default="100000,1000000", help="with --backend postgresql: index sizes in photos")
    ap.add_argument("--pg-url", default="", help="with --backend postgresql: an empty database (default: a throw-away server)")
    ap.add_argument("--refresh-rows", type=int, default=10_000, help="new PDQ rows loaded by the timed refresh")
    ap.add_argument("--insert-sample", type=int, default=2000,
                    help="with --backend postgresql: photos per size added through the real add path (the rest in bulk)")
    ap.add_argument("--baseline-max", type=int, default=100_000,
                    help="up to this size, also time SQLite's first load with the correlated sub-query used before")
    ap.add_argument("--memory-gb", type=float, default=0.0,
                    help="memory for searchers (default: 70%% of what is available); two readers at once only if both fit")
    args = ap.parse_args()
    if args.backend == "postgresql":
        compare_backends(args)
        return
    rng = np.random.default_rng(0)
    sizes = []
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):  # --sizes "": ingest only
        r = bench_size(n, args.queries, args.linear, MATCH_THRESHOLD, rng)
        radius = MATCH_THRESHOLD
        sizes.append(r)
        near_, rand = r["near"], r["random"]
        print(f"{n:>10,} hashes ({r['searcher']}, built in {r['build_s']}s): near-dup p50 {near_['p50_ms']} ms "  # type: ignore[index]
              f"p99 {near_['p99_ms']} ms | random p50 {rand['p50_ms']} ms p99 {rand['p99_ms']} ms | "  # type: ignore[index]
              f"linear p50 {near_['linear_p50_ms']} ms -> x{near_['speedup_p50']} | recall by PDQ distance "  # type: ignore[index]
              f"0-15 {r['recall_pdq_d_0_15']}, 16-31 {r['recall_pdq_d_16_31']}, 32-47 {r['recall_pdq_d_32_47']}, 48+ {r['recall_pdq_d_48_' + str(radius)]}"
              f" | {SMALL_QUERY}-hash look-up p50 "
              f"{r['near_12']['p50_ms']} ms p99 {r['near_12']['p99_ms']} ms", flush=True)  # type: ignore[index]
    ing = ingest_rate(args.ingest) if args.ingest else {}
    if ing:
        for name in ("previous", "current"):
            r = ing[name]
            print(f"ingest ({name} hashing): {r['images']} photos of 1200x800 in {r['seconds']}s with "  # type: ignore[index]
                  f"{ing['workers']} workers = {r['images_per_s']} images/s; {r['cpu_ms_per_image']} ms CPU per image "  # type: ignore[index]
                  f"(all processes) = {r['images_per_s_on_free_cores']} images/s on {ing['workers']} free cores")  # type: ignore[index]
        print(f"ingest speed-up: x{ing['speedup']}")
    print(json.dumps({"bench": "index_speed", "radius": MATCH_THRESHOLD, "query_hashes_per_lookup": QUERY_HASHES,
                      "sizes": sizes, "ingest": ing}))


if __name__ == "__main__":
    main()
