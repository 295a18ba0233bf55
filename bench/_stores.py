"""SQLite next to PostgreSQL at growing index sizes: the body of `bench/index_speed.py --backend postgresql`.

Per size (in photos): the index is filled in bulk up to the size less the insert sample
(_index_fill), then the insert sample goes through the store's real path (PhotoIndex.add_hashed,
committed in batches of 500, the stores in turn batch by batch so both see the same load); a new
searcher loads every hash (the first load of a new process; for SQLite at sizes up to
--baseline-max also with the correlated sub-query the store used before, same run); look-ups
run through PhotoIndex.search_hashes (the searcher, then the matched photos' records and
sightings from the store), query by query in turn over the stores; then another writer adds
~10k PDQ rows and the reader's refresh is timed. Where two searchers do not fit in memory
(--memory-gb), each store's reader is built, measured and freed in turn.
"""

from __future__ import annotations

import gc
import sys
import time
import types
from typing import Any

import numpy as np
from _index_fill import ROWS_PER_PHOTO, VARIANTS, chunk_bits, fill, sample_hashes, sha

QUERY_HASHES = 20  # a screenshot-like query: 11 PDQ + aux, 9 smooth
BATCH = 500
SEARCHER_BYTES_PER_ROW = 200  # measured order: 60 B of buffers (up to twice while growing) + 96 B of tables + sort temporaries


def pct(values: list[float], p: float) -> float:
    return round(float(np.percentile(values, p)) * 1000, 3)


def near(rng: np.random.Generator, code: np.ndarray, d: int) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, d, replace=False)] ^= 1
    return np.packbits(bits)


def _rows_of(first: int, n: int) -> list[list[Any]]:
    """HashRows of photos first..first+n-1, the same bits as the bulk fill would write."""
    from captioncheck.index.hashes import SMALL_KINDS, HashRow

    pdq, aux, small = chunk_bits(first, n)
    out = []
    for i in range(n):
        rows: list[Any] = []
        for j, v in enumerate(VARIANTS):
            rows += [HashRow("pdq", v, pdq[i, j].tobytes(), 100), HashRow("aux", v, aux[i, j].tobytes())]
        rows += [HashRow(k, "full", small[i, j].tobytes()) for j, k in enumerate(SMALL_KINDS)]
        out.append(rows)
    return out


def grow(writers: dict[str, Any], first: int, n: int) -> dict[str, float]:
    """Add photos first..first+n-1 through PhotoIndex.add_hashed to every store, batch by batch in turn."""
    from captioncheck.index.photoindex import PhotoMeta

    secs = dict.fromkeys(writers, 0.0)
    for start in range(first, first + n, BATCH):
        m = min(BATCH, first + n - start)
        rows = _rows_of(start, m)
        for name, index in writers.items():
            t = time.perf_counter()
            for i, r in enumerate(rows):
                index.add_hashed(sha(start + i), 100_000, (1200, 800), r, PhotoMeta(caption=f"photo {start + i}"), commit=False)
            index.commit()
            secs[name] += time.perf_counter() - t
    return secs


def query(rng: np.random.Generator, sample: list[tuple[bytes, bytes]], kind: str) -> list[Any]:
    """The query hashes of an image: one near a stored photo's (or unrelated), the other regions unrelated."""
    from captioncheck.index.hashes import QueryHash

    if kind == "near":
        pdq, aux = sample[int(rng.integers(0, len(sample)))]
        pdq = near(rng, np.frombuffer(pdq, np.uint8), int(rng.integers(0, 30))).tobytes()
    else:
        pdq, aux = rng.integers(0, 256, 32, np.uint8).tobytes(), rng.integers(0, 256, 16, np.uint8).tobytes()
    qs: list[Any] = [QueryHash("full", "", pdq, 100, aux)]
    qs += [QueryHash("trim" if i < 3 else "block", "mirror" if i % 2 else "", rng.integers(0, 256, 32, np.uint8).tobytes(),
                     100, rng.integers(0, 256, 16, np.uint8).tobytes()) for i in range(QUERY_HASHES - 1)]
    return qs


def correlated_hashes_after(self: Any, kind: str, after_id: int, limit: int = 100_000) -> list[tuple[Any, ...]]:
    """SQLiteStore.hashes_after as it was before (baseline): a correlated sub-query per row for its aux hash."""
    with self._lock:
        rows = self.conn.execute(
            "SELECT h.id, h.photo_id, h.variant, h.bits, h.quality, "
            "(SELECT a.bits FROM hashes a WHERE a.photo_id = h.photo_id AND a.kind = 'aux' AND a.variant = h.variant) "
            "FROM hashes h WHERE h.kind = ? AND h.id > ? ORDER BY h.id LIMIT ?", (kind, after_id, limit)).fetchall()
    return [(r[0], r[1], r[2], bytes(r[3]), r[4], bytes(r[5]) if r[5] is not None else None) for r in rows]


def first_load(spec: Any, *, baseline: bool = False) -> tuple[Any, float]:
    """A reader with a new searcher (as in a new process) that has loaded every hash; seconds taken."""
    from captioncheck.index import open_index
    from captioncheck.index.search import HashSearcher

    reader = open_index(spec, readonly=True, refresh_s=3600)
    reader.searcher = HashSearcher()
    reader._fresh = type(reader._fresh)(3600)
    if baseline:
        reader.store.hashes_after = types.MethodType(correlated_hashes_after, reader.store)
    t = time.perf_counter()
    reader.sync(force=True)
    return reader, time.perf_counter() - t


def available_gb() -> float:
    with open("/proc/meminfo", encoding="ascii") as f:
        info = {line.split(":")[0]: int(line.split()[1]) for line in f}
    return info["MemAvailable"] / 2**20


def report(out: dict[str, list[dict[str, Any]]], common: dict[str, Any], measured: dict[str, Any]) -> None:
    """Record and print one store's figures at one size as soon as they are measured (a long run cut short keeps
    what it measured); a JSON line follows the readable one."""
    import json
    import os

    r = {**common, **measured, "load_average": [round(x, 2) for x in os.getloadavg()]}
    if r.get("first_load_s") and r.get("searchable_hashes"):
        r["first_load_us_per_pdq_row"] = round(1e6 * r["first_load_s"] / r["searchable_hashes"], 1)
    out[r["backend"]].append(r)
    text = (f"first load {r['first_load_s']} s | look-up near p50 {r['near']['p50_ms']} ms p99 {r['near']['p99_ms']} ms, "
            f"unrelated p50 {r['random']['p50_ms']} ms p99 {r['random']['p99_ms']} ms | refresh of "
            f"{r['refresh_rows']:,} new PDQ rows {r['refresh_ms']} ms") if "near" in r else r.get("skipped", "")
    print(f"{r['backend']:>10} {r['photos']:>9,} photos: insert {r['insert_photos_per_s']} photos/s | {text}", flush=True)
    print(json.dumps({"bench": "index_backends_row", **r}), flush=True)


def compare_stores(specs: dict[str, Any], sizes: list[int], args: Any) -> dict[str, list[dict[str, Any]]]:
    from captioncheck.index import open_index

    rng = np.random.default_rng(7)
    writers = {name: open_index(spec, refresh_s=3600) for name, spec in specs.items()}  # the schema
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in specs}
    have = 0
    sample: list[tuple[bytes, bytes]] = []
    log = sys.stderr
    for size in sizes:
        n_fill = max(0, size - have - args.insert_sample)
        t0 = time.perf_counter()
        fill_s = fill(specs, have, n_fill) if n_fill else dict.fromkeys(specs, 0.0)
        sample += sample_hashes(have, n_fill)
        have += n_fill
        print(f"  filled to {have:,} photos in {time.perf_counter() - t0:.0f} s; inserting {args.insert_sample} through "
              "add_hashed", file=log, flush=True)
        added = max(0, size - have)
        secs = grow(writers, have, added)
        have += added
        common = {name: {"backend": name, "photos": size, "hash_rows": size * ROWS_PER_PHOTO,
                         "bulk_fill_photos": n_fill, "bulk_fill_s": round(fill_s[name], 1),
                         "bulk_fill_rows_per_s": round(n_fill * ROWS_PER_PHOTO / fill_s[name]) if n_fill else None,
                         "insert_sample_photos": added, "insert_photos_per_s": round(added / secs[name], 1) if added else None,
                         "insert_rows_per_s": round(added * ROWS_PER_PHOTO / secs[name]) if added else None}
                  for name in specs}
        need_gb = have * len(VARIANTS) * SEARCHER_BYTES_PER_ROW / 2**30
        budget = args.memory_gb or 0.7 * available_gb()
        groups = [list(specs)] if 2 * need_gb <= budget else [[n] for n in sorted(specs, key=lambda n: n != "postgresql")]
        new_photos = max(1, args.refresh_rows // len(VARIANTS))
        results: dict[str, dict[str, Any]] = {}
        for group in groups:
            if need_gb > budget:
                for name in group:
                    results[name] = {"skipped": f"a searcher needs ~{need_gb:.1f} GB, {budget:.1f} GB available"}
                    report(out, common[name], results[name])
                continue
            readers, load, baseline_load = {}, {}, {}
            for name in group:
                if name == "sqlite" and size <= args.baseline_max:
                    reader, baseline_load[name] = first_load(specs[name], baseline=True)
                    reader.close()
                    del reader
                    gc.collect()
                    print(f"  {name} first load with the correlated sub-query (before): {baseline_load[name]:.1f} s",
                          file=log, flush=True)
                readers[name], load[name] = first_load(specs[name])
                print(f"  {name} first load: {load[name]:.1f} s, {len(readers[name].searcher):,} hashes", file=log, flush=True)
            times: dict[tuple[str, str], list[float]] = {}
            found: dict[tuple[str, str], int] = {}
            for i in range(2 * args.queries):
                kind = "near" if i % 2 == 0 else "random"
                qs = query(rng, sample, kind)
                for name, reader in readers.items():
                    t = time.perf_counter()
                    hits = reader.search_hashes(qs)
                    times.setdefault((name, kind), []).append(time.perf_counter() - t)
                    found[(name, kind)] = found.get((name, kind), 0) + bool(hits)
            grow({n: writers[n] for n in group}, have, new_photos)  # "another process" adds ~10k PDQ rows
            for name, reader in readers.items():
                t = time.perf_counter()
                reader.sync(force=True)
                refresh = time.perf_counter() - t
                looks = {kind: {"p50_ms": pct(times[(name, kind)], 50), "p99_ms": pct(times[(name, kind)], 99),
                                "found": round(found[(name, kind)] / args.queries, 3)} for kind in ("near", "random")}
                results[name] = {"first_load_s": round(load[name], 1), "searchable_hashes": len(reader.searcher), **looks,
                                 "refresh_rows": new_photos * len(VARIANTS), "refresh_ms": round(refresh * 1000, 1),
                                 "readers_in_memory_together": len(group)}
                if name in baseline_load:
                    results[name]["first_load_s_correlated_subquery"] = round(baseline_load[name], 1)
                reader.close()
                report(out, common[name], results[name])
            del readers
            gc.collect()
        have += new_photos
    for w in writers.values():
        w.close()
    return out
