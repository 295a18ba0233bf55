"""Benchmark `index add-archive`: pages/s and images/s, local process pool vs Ray on local CPUs,
on the same generated WARC; peak RSS (this process + its workers) at 1x and 4x archive size;
the extract-only rate (read record + extract, same engine and cores) as the baseline.

    python bench/archive_ingest.py [--pages 500] [--images 3] [--workers 2] [--no-ray] [--no-4x]

Prints figures, then ONE line: a JSON object. Target: >= 20 pages/s and >= 60 images/s end to end
on 2 cores without CLIP.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PLACES = ["Paris, France", "Tehran, Iran", "Washington, DC", "Kyiv, Ukraine", "Gaza City", "Berlin, Germany"]


def photo(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    w, h = 480, 320
    base = rng.integers(0, 255, (6, 8, 3)).astype(np.uint8)
    img = Image.fromarray(base).resize((w, h), Image.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        draw.ellipse((x, y, x + int(rng.integers(20, 120)), y + int(rng.integers(20, 120))),
                     fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def page_html(i: int, images: int) -> tuple[str, bytes, list[str]]:
    site = f"site{i % 7}.example"
    url = f"https://{site}/news/2020/{i:06d}"
    place = PLACES[i % len(PLACES)]
    srcs = [f"https://cdn.{site}/img/{i:06d}-{k}.jpg" for k in range(images)]
    figs = "".join(f'<figure><img src="{s}" width="480" height="320" alt="Photo {k}"><figcaption>Scene {k} in {place}, '
                   f'2020. (Agency {k})</figcaption></figure><p>{"Paragraph about events in " + place + ". " * 6}</p>'
                   for k, s in enumerate(srcs))
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story {i} from {place}</title>'
            f'<link rel="canonical" href="{url}"><meta property="article:published_time" content="2020-05-{1 + i % 28:02d}T08:00:00Z">'
            f'</head><body><header><nav><a href="/">Home</a></nav></header><main><article><h1>Story {i} from {place}</h1>'
            f'<p>{"Reporters described the day in " + place + " as calm but tense. " * 5}</p>{figs}</article></main>'
            f'<footer>footer links</footer></body></html>')
    return url, html.encode(), srcs


def build(path: Path, pages: int, images: int, seed0: int = 0) -> None:
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i in range(pages):
            url, html, srcs = page_html(seed0 + i, images)
            date = f"2020-06-{1 + i % 28:02d}T10:00:00Z"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=http,
                                                warc_headers_dict={"WARC-Date": date}))
            for k, src in enumerate(srcs):
                http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
                w.write_record(w.create_warc_record(src, "response", payload=io.BytesIO(photo((seed0 + i) * 16 + k)),
                                                    http_headers=http, warc_headers_dict={"WARC-Date": date}))


class PeakRSS:
    """Peak resident memory of this process plus its children, sampled every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except Exception:
                pass
            time.sleep(0.05)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def extract_only(refs: list) -> int:
    from captioncheck.extract import extract
    from captioncheck.sources import open_page

    return sum(len(extract(open_page(r).source).images) for r in refs)


def stage_costs(refs: list) -> dict:
    """Milliseconds per page (per image for hashing) of each stage, in this process."""
    from captioncheck.crosscheck import article_facts
    from captioncheck.extract import extract
    from captioncheck.index import hashes as H
    from captioncheck.pipeline import image_data
    from captioncheck.sources import open_page

    spent = {"read_record": 0.0, "extract": 0.0, "article_facts": 0.0, "read_images": 0.0, "decode_and_hash": 0.0}
    images = 0
    for ref in refs:
        t0 = time.perf_counter()
        page = open_page(ref)
        t1 = time.perf_counter()
        result = extract(page.source)
        t2 = time.perf_counter()
        article_facts(result.page, result.images)
        t3 = time.perf_counter()
        datas = [image_data(page.source, img, page.image) for img in result.images]
        t4 = time.perf_counter()
        for data in datas:
            H.index_hashes(H.decode(data))
        t5 = time.perf_counter()
        images += len(datas)
        for k, a, b in (("read_record", t0, t1), ("extract", t1, t2), ("article_facts", t2, t3), ("read_images", t3, t4),
                        ("decode_and_hash", t4, t5)):
            spent[k] += b - a
    out = {f"{k}_ms_per_page": round(1000 * v / len(refs), 1) for k, v in spent.items()}
    out["hash_ms_per_image"] = round(1000 * spent["decode_and_hash"] / max(1, images), 1)
    return out


def writer_rate(refs: list, work: Path, copies: int = 300) -> dict:
    """The single writer (driver): pages/s stored into SQLite, from precomputed worker results."""
    import dataclasses
    import hashlib

    from captioncheck.archive.ingest import IngestTotals, write_page
    from captioncheck.archive.pages import sightings_of
    from captioncheck.archive.progress import ArchiveProgress
    from captioncheck.index import open_index

    outs = [sightings_of(r) for r in refs[:5]]
    index = open_index(work / "writer.sqlite")
    progress, totals = ArchiveProgress(index.store), IngestTotals()
    t = time.perf_counter()
    for n in range(copies):
        page = outs[n % len(outs)]
        ref = dataclasses.replace(page.ref, offset=n)
        images = [dataclasses.replace(i, sha256=hashlib.sha256(f"{n}-{k}".encode()).hexdigest())
                  for k, i in enumerate(page.images)]
        write_page(index, progress, dataclasses.replace(page, ref=ref, images=images), totals)
        if n % 64 == 63:
            index.commit()
    index.commit()
    dt = time.perf_counter() - t
    index.close()
    return {"pages_per_s": round(copies / dt, 1), "images_per_s": round(totals.images / dt, 1)}


def run_ingest(archive: Path, work: Path, engine_name: str, workers: int) -> dict:
    from captioncheck.archive.ingest import add_archives
    from captioncheck.engines import make_engine
    from captioncheck.index import open_index
    from captioncheck.sources import plan_inputs

    index_path = work / f"{engine_name}-{archive.stem}.sqlite"
    plan = plan_inputs([archive], work / "cache", urls_allowed=False)
    engine = make_engine(engine_name, workers=workers)
    index = open_index(index_path)
    with PeakRSS() as rss:
        t = time.perf_counter()
        totals = add_archives(index, plan, engine)
        dt = time.perf_counter() - t
    index.close()
    return {"pages": totals.pages, "images": totals.images, "seconds": round(dt, 2), "pages_per_s": round(totals.pages / dt, 1),
            "images_per_s": round(totals.images / dt, 1), "peak_rss_mb": round(rss.peak / 2**20)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--no-4x", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    archive = work / "bench.warc.gz"
    t = time.perf_counter()
    build(archive, args.pages, args.images)
    print(f"generated {args.pages} pages x {args.images} images: {archive.stat().st_size / 2**20:.1f} MiB "
          f"in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    from captioncheck.archive.ingest import chunks
    from captioncheck.engines import Stage, make_engine
    from captioncheck.sources import plan_inputs

    plan = plan_inputs([archive], work / "cache", urls_allowed=False)
    refs = [r for _, r in zip(range(41), plan.refs())]
    stage_costs(refs[:1])  # warm: imports, gazetteer
    costs = stage_costs(refs[1:])
    print(f"stage costs (1 process): {costs}", file=sys.stderr)
    writer = writer_rate(refs, work)
    print(f"writer (driver, SQLite): {writer}", file=sys.stderr)
    t = time.perf_counter()
    found = sum(make_engine("local", workers=args.workers).run(chunks(plan.refs()), [Stage("extract", extract_only)]))
    base = time.perf_counter() - t
    baseline = {"pages_per_s": round(args.pages / base, 1), "images_found": found}
    print(f"extract-only (baseline, {args.workers} workers): {baseline['pages_per_s']} pages/s", file=sys.stderr)

    result = {"bench": "archive_ingest", "workers": args.workers, "pages": args.pages, "images_per_page": args.images,
              "extract_only": baseline, "stage_costs": costs, "writer": writer}
    result["local"] = run_ingest(archive, work, "local", args.workers)
    print(f"add-archive local: {result['local']}", file=sys.stderr)
    # the 4x local run goes before Ray: Ray's processes outlive its run as children of this one and would
    # be counted in the local run's peak RSS
    if not args.no_4x:
        big = work / "bench4x.warc.gz"
        build(big, args.pages * 4, args.images, seed0=10_000)
        result["local_4x"] = run_ingest(big, work, "local", args.workers)
        print(f"add-archive local, 4x archive: {result['local_4x']}", file=sys.stderr)
        result["rss_ratio_4x_over_1x"] = round(result["local_4x"]["peak_rss_mb"] / max(1, result["local"]["peak_rss_mb"]), 2)
    if not args.no_ray:
        try:
            result["ray"] = run_ingest(archive, work, "ray", args.workers)
            print(f"add-archive ray (local): {result['ray']}", file=sys.stderr)
        except Exception as exc:
            result["ray"] = {"error": f"{type(exc).__name__}: {exc}"}
    local = result["local"]
    result["ratio_to_extract_only"] = round(local["pages_per_s"] / max(0.01, baseline["pages_per_s"]), 2)
    result["meets_target"] = local["pages_per_s"] >= 20 and local["images_per_s"] >= 60
    print(json.dumps(result))


if __name__ == "__main__":
    main()
