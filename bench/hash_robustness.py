"""Recall of the photo matcher under the transforms a reused news photo goes through.

    python bench/hash_robustness.py [--negatives 10000] [--workers 2] [--fresh]

Originals are real, freely licensed photos installed on this machine: scikit-image's bundled
photos, scikit-learn's china.jpg / flower.jpg, and the Debian packages `mate-backgrounds` and
`plasma-workspace-wallpapers` (apt-get install them). Sources are de-duplicated and split by
file into three disjoint pools:

  A  originals: indexed, then queried under every transform (positives)
  B1 filler: many distinct tiles indexed next to the originals, so the index is not tiny
  B2 distractors: >= 10,000 distinct tiles (and transforms of them) queried; none is in the index

For each matcher (combined = the index's own: PDQ + 2 x (dHash + pHash) of query regions x mirror
against the whole photo and its crop windows; PDQ-alone and pHash-alone of the whole image, with
PDQ's published quality gate of 50) the threshold is the largest distance at which <= 0.1% of distractor
queries match anything, and recall per transform is measured at that threshold. Hashes of the
generated images are cached under bench/out/ (git-ignored); --fresh recomputes them.
combined_at_scale is the combined matcher through the index's own searcher forced onto its
multi-index tables (what an index above 65,536 stored hashes does). Measured (cache v7): combined
0.977 overall; at scale 0.973 (text 0.983, 20% crops 0.966, rotation 0.655), where the previous
PDQ-only tables gave 0.945 (text 0.966, 20% crops 0.897, rotation 0.362). docs/index.md has the table.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from captioncheck.index import hashes as H  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SOURCE_SIDE = 1600  # sources are reduced to this before anything (what a publisher would serve)
FPR_TARGET = 0.001
CACHE_VERSION = "v7"

TRANSFORMS: dict[str, str] = {  # name -> category
    "resize_0.3": "resize", "resize_0.5": "resize", "resize_0.75": "resize", "resize_1.5": "resize", "resize_2": "resize",
    "jpeg_30": "jpeg", "jpeg_50": "jpeg", "jpeg_75": "jpeg", "jpeg_95": "jpeg",
    "crop_5": "crop_5", "crop_10": "crop_10", "crop_20": "crop_20",
    "pad": "pad", "letterbox": "pad",
    "mirror": "mirror",
    "rotate_+5": "rotate", "rotate_-5": "rotate",
    "logo": "watermark", "watermark": "watermark",
    "caption_text": "text", "meme_text": "text",
    "brightness_0.7": "colour", "brightness_1.3": "colour", "contrast_0.7": "colour", "contrast_1.4": "colour",
    "saturation_0": "colour", "saturation_1.6": "colour",
    "greyscale": "greyscale",
    "screenshot": "screenshot",
}


# ---------------------------------------------------------------- sources

def find_sources() -> list[str]:
    paths: list[str] = []
    try:
        import skimage

        d = Path(skimage.__file__).parent / "data"
        names = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg",
                 "ihc.png", "retina.jpg", "camera.png", "moon.png", "coins.png", "color.png", "brick.png", "grass.png", "gravel.png"]
        paths += [str(d / n) for n in names if (d / n).exists()]
    except ImportError:
        print("note: scikit-image not installed; skipping its photos", file=sys.stderr)
    try:
        import sklearn.datasets

        d = Path(sklearn.datasets.__file__).parent / "images"
        paths += [str(d / n) for n in ("china.jpg", "flower.jpg") if (d / n).exists()]
    except ImportError:
        print("note: scikit-learn not installed; skipping its photos", file=sys.stderr)
    paths += sorted(glob.glob("/usr/share/backgrounds/mate/*/*.jpg") + glob.glob("/usr/share/backgrounds/mate/*/*.png"))
    for wdir in sorted(glob.glob("/usr/share/wallpapers/*/contents/images")):  # largest of each wallpaper
        files = sorted(glob.glob(wdir + "/*.jpg") + glob.glob(wdir + "/*.png"), key=os.path.getsize)
        if files:
            paths.append(files[-1])
    return paths


def load_source(path: str) -> Image.Image:
    img = Image.open(path)
    img.draft("RGB", (SOURCE_SIDE, SOURCE_SIDE))
    img = H._flatten(img)
    img.thumbnail((SOURCE_SIDE, SOURCE_SIDE), Image.Resampling.LANCZOS)
    return img


def dedupe(paths: list[str]) -> list[str]:
    """Drop sources that are near-duplicates of an earlier one (same wallpaper in two sizes...)."""
    kept: list[tuple[str, list[bytes]]] = []
    for p in paths:
        img = H.decode(load_source(p))
        rows = [r.bits for r in H.index_hashes(img) if r.kind == "pdq"]
        q = [h.bits for h in H.query_hashes(img)]
        if any(min(H.hamming(a, b) for a in q for b in other) <= 90 for _, other in kept):
            continue
        kept.append((p, rows))
    return [p for p, _ in kept]


# ---------------------------------------------------------------- transforms

def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(8, size))


def jpeg(img: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def apply(img: Image.Image, name: str, rng: random.Random) -> bytes:
    """The transformed image, encoded as a publisher would serve it (JPEG)."""
    w, h = img.size
    if name.startswith("resize_"):
        f = float(name.split("_")[1])
        return jpeg(img.resize((max(8, round(w * f)), max(8, round(h * f))), Image.Resampling.LANCZOS))
    if name.startswith("jpeg_"):
        return jpeg(img, int(name.split("_")[1]))
    if name.startswith("crop_"):
        p = int(name.split("_")[1]) / 100  # each side shortened by p, at a random offset
        cw, ch = round(w * (1 - p)), round(h * (1 - p))
        x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
        return jpeg(img.crop((x, y, x + cw, y + ch)))
    if name == "mirror":
        return jpeg(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    if name.startswith("rotate_"):
        return jpeg(img.rotate(float(name.split("_")[1]), resample=Image.Resampling.BICUBIC, expand=False))
    if name == "greyscale":
        return jpeg(ImageOps.grayscale(img).convert("RGB"))
    for prefix, enh in (("brightness_", ImageEnhance.Brightness), ("contrast_", ImageEnhance.Contrast),
                        ("saturation_", ImageEnhance.Color)):
        if name.startswith(prefix):
            return jpeg(enh(img).enhance(float(name.split("_")[1])))
    return jpeg(_compose(img, name, rng))


def _compose(img: Image.Image, name: str, rng: random.Random) -> Image.Image:
    w, h = img.size
    if name == "pad":
        m = round(0.1 * max(w, h))
        return ImageOps.expand(img, border=m, fill=rng.choice([(255, 255, 255), (0, 0, 0), (230, 230, 230)]))
    if name == "letterbox":
        W = max(w, round(h * 16 / 9)) if w / h < 16 / 9 else w
        H_ = max(h, round(W * 9 / 16))
        canvas = Image.new("RGB", (W, H_), (0, 0, 0))
        canvas.paste(img, ((W - w) // 2, (H_ - h) // 2))
        return canvas
    out = img.copy()
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    if name == "logo":
        s = round(0.14 * w)
        x0, y0 = w - s - round(0.03 * w), round(0.03 * h)
        d.rounded_rectangle((x0, y0, x0 + s, y0 + s // 2), radius=s // 8, fill=(200, 20, 30, 220))
        d.text((x0 + s // 10, y0 + s // 10), "NEWS", font=font(s // 4), fill=(255, 255, 255, 255))
    elif name == "watermark":
        d.text((w * 0.1, h * 0.4), "© AGENCY PHOTO", font=font(round(w / 10)), fill=(255, 255, 255, 110))
    elif name == "caption_text":
        band = round(0.14 * h)
        d.rectangle((0, h - band, w, h), fill=(0, 0, 0, 170))
        d.text((round(0.03 * w), h - band + band // 5), "Officials meet in the capital on Tuesday",
               font=font(round(band * 0.45)), fill=(255, 255, 255, 255))
    elif name == "meme_text":
        d.text((round(0.05 * w), round(0.04 * h)), "THEY DON'T WANT YOU TO SEE THIS", font=font(round(w / 18)),
               fill=(255, 255, 255, 255), stroke_width=max(1, w // 300), stroke_fill=(0, 0, 0, 255))
    elif name == "screenshot":
        return _screenshot(img, rng)
    return Image.alpha_composite(out.convert("RGBA"), layer).convert("RGB")


def _screenshot(img: Image.Image, rng: random.Random) -> Image.Image:
    """The photo in a news page in a browser window: tabs, address bar, text above and below."""
    W, Hh = 1280, 900
    page = Image.new("RGB", (W, Hh), (255, 255, 255))
    d = ImageDraw.Draw(page)
    d.rectangle((0, 0, W, 38), fill=(222, 225, 230))
    d.rounded_rectangle((8, 6, 240, 38), radius=8, fill=(255, 255, 255))
    d.text((20, 14), "World news - Tehran", font=font(14), fill=(40, 40, 40))
    d.rectangle((0, 38, W, 80), fill=(255, 255, 255))
    d.rounded_rectangle((90, 45, W - 120, 73), radius=14, fill=(241, 243, 244))
    d.text((110, 51), "https://news.example.org/2019/12/11/world/article", font=font(15), fill=(60, 60, 60))
    d.line((0, 80, W, 80), fill=(200, 200, 200))
    d.text((160, 100), "Russian intelligence chief in Tehran", font=font(30), fill=(10, 10, 10))
    d.text((160, 145), "11 December 2019 - by our correspondent", font=font(14), fill=(110, 110, 110))
    pw = rng.randint(560, 900)
    ph = round(img.height * pw / img.width)
    ph = min(ph, Hh - 260)
    pw = round(img.width * ph / img.height)
    page.paste(img.resize((pw, ph), Image.Resampling.LANCZOS), (160, 180))
    y = 180 + ph + 12
    d.text((160, y), "Officials met on Tuesday. (AFP photo)", font=font(13), fill=(90, 90, 90))
    for i in range(6):
        d.text((160, y + 40 + 24 * i), "Lorem ipsum dolor sit amet, consectetur adipiscing elit " * 2, font=font(15), fill=(30, 30, 30))
    return page


# ---------------------------------------------------------------- hashing jobs

_SRC: dict[str, Image.Image] = {}


def _source(path: str) -> Image.Image:
    if path not in _SRC:
        _SRC[path] = load_source(path)
    return _SRC[path]


def tile(path: str, seed: int) -> Image.Image:
    """A distinct random window of a source: 20-60% of each side, served at 300-900 px."""
    rng = random.Random(seed)
    src = _source(path)
    w, h = src.size
    s = rng.uniform(0.2, 0.6)
    cw, ch = round(w * s * rng.uniform(0.8, 1.2)), round(h * s * rng.uniform(0.8, 1.2))
    cw, ch = min(cw, w), min(ch, h)
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    t = src.crop((x, y, x + cw, y + ch))
    side = rng.randint(300, 900)
    t.thumbnail((side, side), Image.Resampling.LANCZOS)
    return t


def hash_query(data: bytes) -> dict[str, object]:
    img = H.decode(data)
    return {
        "q": [(h.bits + h.aux * 2, h.quality, h.region, h.transform) for h in H.query_hashes(img)],
        "pdq": H.pdq(img),
        "phash": phash(img),
    }


def phash(img: Image.Image) -> bytes:
    import imagehash

    return np.packbits(imagehash.phash(img.convert("L")).hash.flatten().astype(np.uint8)).tobytes()


def job_index(item: tuple[str, int | None]) -> dict[str, object]:
    """The hashes the index stores for one photo (the library's own index_hashes)."""
    path, seed = item
    img = _source(path) if seed is None else tile(path, seed)
    rows = H.index_hashes(H.decode(jpeg(img)))
    aux = {r.variant: r.bits for r in rows if r.kind == "aux"}
    pdq = [(r.variant, r.bits, r.quality) for r in rows if r.kind == "pdq"]
    combined = [(v, b + aux[v] * 2, q) for v, b, q in pdq]  # PDQ + 2 x (dHash + pHash): the index's distance
    return {"pdq_all": combined, "pdq": (pdq[0][1], pdq[0][2]), "phash": next(r.bits for r in rows if r.kind == "phash")}


def job_positive(item: tuple[str, str, int]) -> dict[str, object]:
    path, name, seed = item
    return hash_query(apply(_source(path), name, random.Random(seed)))


def job_negative(item: tuple[str, int]) -> dict[str, object]:
    path, seed = item
    rng = random.Random(seed + 7)
    img = tile(path, seed)
    name = rng.choice(list(TRANSFORMS)) if rng.random() < 0.5 else "jpeg_90"
    return hash_query(apply(img, name, rng))


# ---------------------------------------------------------------- evaluation

def bits_pm1(rows: list[bytes]) -> np.ndarray:
    """Hashes as +-1 float32 rows, so that Hamming distance = (nbits - a.b) / 2."""
    arr = np.unpackbits(np.frombuffer(b"".join(rows), np.uint8).reshape(len(rows), -1), axis=1)
    return arr.astype(np.float32) * 2 - 1


def min_dist_per_photo(queries: list[list[bytes]], index: list[list[bytes]]) -> np.ndarray:
    """(n_queries, n_photos) smallest Hamming distance between any query hash and any photo hash."""
    per = len(index[0])
    if any(len(r) != per for r in index):
        raise ValueError("every photo must have the same number of stored hashes")
    nbits = len(index[0][0]) * 8
    idx = bits_pm1([b for rows in index for b in rows])
    flat = [b for q in queries for b in q]
    starts = np.cumsum([0] + [len(q) for q in queries[:-1]])
    out = np.empty((len(flat), len(index)), np.int16)
    for i in range(0, len(flat), 4096):
        dots = bits_pm1(flat[i:i + 4096]) @ idx.T
        d = np.rint((nbits - dots) / 2).astype(np.int16)
        out[i:i + 4096] = d.reshape(len(d), len(index), per).min(axis=2)
    return np.minimum.reduceat(out, starts, axis=0)


def threshold_at(neg_best: np.ndarray, fpr: float) -> int:
    """Largest distance t with (#distractors whose best distance <= t) <= fpr * n."""
    allowed = int(np.floor(fpr * len(neg_best)))
    s = np.sort(neg_best)
    return int(s[allowed] - 1) if allowed < len(s) else int(s[-1])


def recall(ok: np.ndarray, cats: list[str]) -> dict[str, float]:
    c = np.array(cats)
    return {k: round(float(ok[c == k].mean()), 4) for k in dict.fromkeys(cats)}


def evaluate(name: str, pos: np.ndarray, neg: np.ndarray, truth: np.ndarray, cats: list[str]) -> dict[str, object]:
    """One threshold: the largest with <= 0.1% of distractors matching anything."""  # noqa: D401
    t = threshold_at(neg.min(axis=1), FPR_TARGET)
    ok = (pos.argmin(axis=1) == truth) & (pos[np.arange(len(pos)), truth] <= t)
    return {"matcher": name, "threshold": t, "false_match_rate": round(float((neg.min(axis=1) <= t).mean()), 5),
            "recall": recall(ok, cats), "recall_all": round(float(ok.mean()), 4)}


def evaluate_combined(full: tuple[np.ndarray, np.ndarray], win: tuple[np.ndarray, np.ndarray], truth: np.ndarray,
                      cats: list[str]) -> dict[str, object]:
    """Two thresholds (whole-image hash, crop windows): the pair with the best recall at <= 0.1% false matches."""
    rows = np.arange(len(truth))
    best: tuple[float, int, int, float, np.ndarray] | None = None
    nf, nw = full[1].min(axis=1), win[1].min(axis=1)
    pos = np.minimum(full[0], win[0])
    top = pos.argmin(axis=1) == truth
    pf, pw = full[0][rows, truth], win[0][rows, truth]
    for tf in range(20, 220, 2):
        for tw in range(20, tf + 1, 2):
            fm = float(((nf <= tf) | (nw <= tw)).mean())
            if fm > FPR_TARGET:
                break
            ok = top & ((pf <= tf) | (pw <= tw))
            if best is None or ok.mean() > best[0]:
                best = (float(ok.mean()), tf, tw, fm, ok)
    assert best is not None
    r, tf, tw, fm, ok = best
    return {"matcher": "combined", "threshold": f"{tf}/{tw}", "false_match_rate": round(fm, 5), "recall": recall(ok, cats),
            "recall_all": round(r, 4)}


def at_scale(idx: list[dict[str, object]], pos: list[dict[str, object]], truth: np.ndarray, cats: list[str],
             thresholds: str) -> dict[str, object]:
    """Recall of the combined matcher once the index uses multi-index hashing (above 65,536 stored
    hashes): the index's own searcher (captioncheck.index.search.HashSearcher), forced to answer from
    its tables, looks up every positive; it is right when the original is found and no other photo is
    closer."""
    from captioncheck.index.search import HashSearcher

    tf, tw = (int(x) for x in thresholds.split("/"))
    s = HashSearcher(delta_min=0)
    rows = [(i, v, b) for i, r in enumerate(idx) for v, b, q in r["pdq_all"] if q >= 50]  # type: ignore[attr-defined]
    s.add(np.array([i for i, _, _ in rows]), [v for _, v, _ in rows],
          np.frombuffer(b"".join(b[:32] for _, _, b in rows), np.uint8).reshape(-1, 32), aux=[b[32:48] for _, _, b in rows])
    assert s._n_tabled == len(s), "every stored hash must be in the multi-index tables"
    radii = {v: tw for _, v, _ in rows if v != "full"}
    ok = []
    for q, t in zip(pos, truth):
        qs = [b for b, qual, _, _ in q["q"] if qual >= 30]  # type: ignore[attr-defined]
        best: dict[int, int] = {}
        if qs:
            hits = s.search(np.frombuffer(b"".join(b[:32] for b in qs), np.uint8).reshape(-1, 32), tf,
                            np.frombuffer(b"".join(b[32:48] for b in qs), np.uint8).reshape(-1, 16), radii)
            for h in hits:
                best[h.photo_id] = min(best.get(h.photo_id, 10**6), h.distance)
        ok.append(int(t) in best and best[int(t)] <= min(best.values()))
    arr = np.array(ok)
    return {"matcher": "combined_at_scale", "threshold": thresholds, "false_match_rate": None,
            "recall": recall(arr, cats), "recall_all": round(float(arr.mean()), 4)}


def gated(q: dict[str, object], regions: tuple[str, ...], mirror: bool, min_q: int) -> list[bytes]:
    out = [b for b, qual, reg, tr in q["q"] if qual >= min_q and reg in regions and (mirror or not tr)]  # type: ignore[attr-defined]
    return out or [NOWHERE]


NOWHERE = bytes(range(64))  # stands for "no usable query hash": about half its bits from any real hash
NOTHING = bytes(255 - b for b in NOWHERE)  # "no usable stored hash": every bit differs from NOWHERE


def stored(idx: list[dict[str, object]], which: str) -> list[list[bytes]]:
    """Stored hashes per photo, those under PDQ quality 50 replaced by NOTHING (as the index skips them)."""
    out = []
    for r in idx:
        rows = [(v, b, q) for v, b, q in r["pdq_all"]]  # type: ignore[attr-defined]
        sel = [b if q >= 50 else NOTHING for v, b, q in rows if (v == "full") == (which == "full")]
        out.append(sel)
    return out


def run_jobs(fn, items, workers: int, label: str) -> list[dict[str, object]]:
    t0 = time.time()
    with ProcessPoolExecutor(workers) as ex:
        res = list(ex.map(fn, items, chunksize=16))
    print(f"  {label}: {len(items)} images hashed in {time.time() - t0:.0f}s", file=sys.stderr)
    return res


def build_dataset(args: argparse.Namespace) -> dict[str, object]:
    cache = OUT / f"hash_robustness_{CACHE_VERSION}_{args.negatives}_{args.filler}.npz"
    if cache.exists() and not args.fresh:
        print(f"using cached hashes {cache} (--fresh to recompute)", file=sys.stderr)
        return dict(np.load(cache, allow_pickle=True))["data"].item()
    sources = [p for p in dedupe(find_sources()) if H.pdq(H.decode(load_source(p)))[1] >= 50]  # photos, not flat graphics
    rng = random.Random(1)
    rng.shuffle(sources)
    n = len(sources)
    pool_a, pool_b1, pool_b2 = sources[: n // 2], sources[n // 2: n // 2 + n // 6], sources[n // 2 + n // 6:]
    print(f"{n} distinct source photos: {len(pool_a)} originals, {len(pool_b1)} filler, {len(pool_b2)} distractor sources",
          file=sys.stderr)
    index_items = [(p, None) for p in pool_a] + [(pool_b1[i % len(pool_b1)], 1000 + i) for i in range(args.filler)]
    pos_items = [(p, t, 17 * i + j) for i, p in enumerate(pool_a) for j, t in enumerate(TRANSFORMS)]
    neg_items = [(pool_b2[i % len(pool_b2)], 50_000 + i) for i in range(args.negatives)]
    data = {
        "n_sources": n, "originals": pool_a,
        "index": run_jobs(job_index, index_items, args.workers, "index"),
        "pos": run_jobs(job_positive, pos_items, args.workers, "positives"),
        "pos_meta": [(pool_a.index(p), t) for p, t, _ in pos_items],
        "neg": run_jobs(job_negative, neg_items, args.workers, "distractors"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(cache, data=np.array(data, dtype=object))
    return data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--negatives", type=int, default=10_000)
    ap.add_argument("--filler", type=int, default=1_000, help="distinct non-original tiles indexed too")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    data = build_dataset(args)
    idx, pos, neg = data["index"], data["pos"], data["neg"]
    truth = np.array([a for a, _ in data["pos_meta"]])
    cats = [TRANSFORMS[t] for _, t in data["pos_meta"]]
    regions = ("full", "trim", "block")
    qp = [gated(q, regions, True, 30) for q in pos]
    qn = [gated(q, regions, True, 30) for q in neg]
    results = [evaluate_combined(
        (min_dist_per_photo(qp, stored(idx, "full")), min_dist_per_photo(qn, stored(idx, "full"))),
        (min_dist_per_photo(qp, stored(idx, "window")), min_dist_per_photo(qn, stored(idx, "window"))), truth, cats)]
    results.append(at_scale(idx, pos, truth, cats, str(results[0]["threshold"])))
    ok_q = lambda q: q["pdq"][1] >= 50  # noqa: E731  (PDQ's published quality gate, for both baselines)
    ok_i = [r["pdq"][1] >= 50 for r in idx]
    pdq_p = [[q["pdq"][0] if ok_q(q) else NOWHERE[:32]] for q in pos]
    pdq_n = [[q["pdq"][0] if ok_q(q) else NOWHERE[:32]] for q in neg]
    pdq_i = [[r["pdq"][0] if ok else NOTHING[:32]] for r, ok in zip(idx, ok_i)]
    results.append(evaluate("pdq_alone", min_dist_per_photo(pdq_p, pdq_i), min_dist_per_photo(pdq_n, pdq_i), truth, cats))
    ph = lambda q, ok, none=NOWHERE: [q["phash"] if ok else none[:8]]  # noqa: E731
    ph_i = [ph(r, ok, NOTHING) for r, ok in zip(idx, ok_i)]
    results.append(evaluate("phash_alone", min_dist_per_photo([ph(q, ok_q(q)) for q in pos], ph_i),
                            min_dist_per_photo([ph(q, ok_q(q)) for q in neg], ph_i), truth, cats))
    report(results, data, len(idx), len(neg), time.time() - t0)


def report(results: list[dict[str, object]], data: dict[str, object], n_index: int, n_neg: int, secs: float) -> None:
    cats = list(results[0]["recall"])  # type: ignore[arg-type]
    print(f"\nindex: {n_index} photos ({len(data['originals'])} originals); distractor queries: {n_neg}; "
          f"positive queries: {len(data['pos'])}")
    print(f"{'transform':<12}" + "".join(f"{r['matcher'][:17]:>18}" for r in results))
    for c in cats:
        print(f"{c:<12}" + "".join(f"{r['recall'][c]:>18.3f}" for r in results))  # type: ignore[index]
    print(f"{'ALL':<12}" + "".join(f"{r['recall_all']:>18.3f}" for r in results))
    print(f"{'threshold':<12}" + "".join(f"{r['threshold']:>18}" for r in results))
    print(f"{'false match':<12}" + "".join(f"{r['false_match_rate']:>18.5f}" if r["false_match_rate"] is not None
                                             else f"{'<= combined':>18}" for r in results))
    print("combined_at_scale: the combined matcher once the index holds more than 65,536 hashes and looks them "
          "up by multi-index hashing (its false matches can only be fewer)")
    print(json.dumps({"bench": "hash_robustness", "fpr_target": FPR_TARGET, "n_index": n_index, "n_distractors": n_neg,
                      "n_positives": len(data["pos"]), "seconds": round(secs), "results": results}))


if __name__ == "__main__":
    main()
