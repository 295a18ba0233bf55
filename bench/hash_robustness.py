"""Recall of the photo matcher under the transforms a reused news photo goes through.

    python bench/hash_robustness.py [--negatives 10000] [--filler 1000] [--quick] [--workers 2] [--fresh]

Originals are real, freely licensed photos installed on this machine: scikit-image's bundled
photos, scikit-learn's china.jpg / flower.jpg, and the Debian packages `mate-backgrounds` and
`plasma-workspace-wallpapers` (apt-get install them: without them the bench stops, unless HASH_BENCH_FEWER_SOURCES=1,
which runs on 15 sources instead of 66, not comparable); and generated low-texture images
(synthetic_low: gradients, out-of-focus blobs, flat charts, fog). Sources are de-duplicated and
split by file into three disjoint pools, photos and low-quality sources (PDQ quality < 50) each:

  A  originals: indexed, then queried under every transform (positives), with 16 generated low-texture ones
  B1 filler: many distinct tiles indexed next to the originals (1 in 5 a generated low-texture image)
  B2 distractors: >= 10,000 distinct tiles (and transforms of them) queried, none in the index
     (1 in 5 a generated low-texture image, with seeds disjoint from A and B1)

The index's matcher (combined: PDQ + 2 x (dHash + pHash) of query regions x mirror, turned and
straightened variants, against the whole photo, its crop windows and, for low-quality photos, the
smooth hashes of the whole, of the centre (for straightened queries), of 17 crop windows and of the top and
bottom bands (against the query's own bands)) has one threshold
per class of pair (photoindex.THRESHOLDS / pair_class: by kind of pair and by the PDQ quality of both hashes); they are
chosen on each half of the distractors separately: greedily, the class whose next step gains the most positives per
distractor false match, while at most --pick-fpr (0.08%, a margin under the 0.1% target) of that half matches
anything; then each is raised while no further distractor of that half matches. The shipped thresholds are the
elementwise minimum of the two picks; reported are its false-match rate (all distractors, each half) and how one
half's own pick does on the other half, held out (the generalisation check). PDQ-alone and pHash-alone (whole image, PDQ's
published quality gate of 50) get the single largest threshold with <= 0.1% false matches. Hashes
of the generated images are cached under bench/out/ (git-ignored), and so are the class distances, keyed by the class
table (a change of pair_class recomputes them, a change of thresholds or of --pick-fpr does not: such a rerun takes
minutes); --fresh recomputes both.
Verification (captioncheck.index.verify): every indexed image keeps a 32x32 YCbCr thumbnail and every query view its
own; a pair beyond its class's threshold but within the class's verified radius (photoindex.VERIFIED) counts only
when the two agree in coarse layout and colour. Here every class gets a second, "verified" class (CLASSES +
VERIFIED): its distance is the smallest among the pairs (of the PAIRS_PER_CLASS nearest of that class within
VERIFY_CAPS) that pass verification with given parameters (verify.VERIFY: per family of classes, minima of layout
and colour agreement, of layout for a grey query, and of layout with a band of rows set aside: `band`, 0 off, with
`band_levels` set only where the cells outside the band keep the stored photo's levels, verify.band_agreement; and
the lower layout minimum `close_layout` of a coloured query whose colour agrees on `close_colour` of the cells); the
thresholds and verified radii are picked together by the same greedy rule for each parameter set of VERIFY_GRID
(one family at a time; "low+close" varies the colour-close minima on the low family's best), and the best recall at <= 0.1% false
matches on all distractors, with one half's own pick at <= 0.1% on the other half (held out), wins (`admissible`;
of equal recall, the fewer false matches). Verification first (pick_thresholds): after the greedy pick, each class's plain
threshold is lowered as far as it goes without losing a copy (the copies between are found by its verified twin;
the distractors between, which fail verification, no longer match), the false matches so freed are spent again by
the greedy rule, and the plain thresholds lowered again; -1: every pair of the class must pass verification. The
thumbnails are computed from the same images regenerated deterministically (their PDQ hashes are checked against
the cached ones) and cached apart from the hashes (bench/_thumbs.py), only for the distractors with some pair within
VERIFY_CAPS (wider caps: only the distractors newly reached are regenerated); so are the candidate pairs (the
distractors' distances to every photo: 20-55 min once), kept with the caps they were computed at (a cache of wider caps
serves narrower ones); the agreement of the pairs is computed at every run (about a minute).
Geometric verification (captioncheck.index.geometry, bench/_features.py): every class also gets a "geometric" twin
(CLASSES + VERIFIED + GEOMETRIC): its distance is the smallest among the same candidate pairs whose query and photo
share ORB keypoints in one placement (geometry.passes on the (inliers, cells) of the query as is or mirrored, with
the parameters of GEOMETRY_GRID, tried strictest first once the thumbnail parameters are chosen); the geometric radii
(photoindex.GEOMETRIC) are picked with the thresholds and verified radii by the same rule. The keypoints of the
indexed photos and the agreement of every (query, photo) with a candidate pair are computed once from the
regenerated images (~4 min on 2 workers: 97,547 pairs of 7,437 queries) and cached (the keypoints of the queries are
not kept); combined_at_scale answers geometric checks from that cache through photoindex.GeometricCheck's interface.
Thumbnail-nearest candidates (captioncheck.index.nearest, since crop5): for every query (positives and all 10,000
distractors: the thumbnails of those without a pair within the caps are computed too) its photoindex.NEAREST_K nearest
stored photos on the coarse (8x8 YCbCr) thumbnail, by the index's own code, and the keypoint agreement of each (query,
photo), cached with the others (bench/_features.py; ~10,000 more queries once); one more column, NEAREST, at
NEAREST_BASE + the coarse difference where the keypoints pass in the orientation of the nearest view (with the minima
of NEAREST_GRID, tried after the geometry grid, never below its pick); its threshold (the coarse radius,
photoindex.NEAREST_RADIUS) is picked with the rest by the same rule, in each half's pick and in the held-out check.
combined_at_scale runs the index's own searcher forced onto its multi-index tables (what an index
above 65,536 stored hashes does), each stored variant searched to its own radius as the index does
(photoindex.variant_radii), and the index's own acceptance (photoindex.accepted, then photoindex.accept_nearest when
nothing was accepted), for the positives and for every distractor (its false-match rate, all and per half).
With every cache warm a run takes ~5 minutes (314 s at load 2, 2026-12-02, branch hash9; from nothing 50 min).
--quick keeps QUICK_PHOTOS photo originals (every low-texture one and scikit-image's clock stay), 2,000
distractors and 300 filler: the same transforms and metrics, a noisier run of ~10 minutes. Blank originals
(hashes.blank: no smooth hash) are also left out of one column, "without blank".
Figures: docs/index.md. The last line printed is one JSON object.
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
PICK_FPR = 0.0008  # thresholds are picked at this rate on each half of the distractors, a margin under FPR_TARGET
# (one half's pick at 0.1% gave 0.12% on the other half in the 2026-12-01 run, at 0.08% 0.14% in hash4's)
CACHE_VERSION = "v14"
SYNTHETIC = "synthetic:"  # a source named synthetic:<seed> is a generated low-texture image (see synthetic_low)
N_SYNTHETIC = 16  # generated low-texture originals; fillers and distractors use other seeds

TRANSFORMS: dict[str, str] = {  # name -> category
    "resize_0.3": "resize", "resize_0.5": "resize", "resize_0.75": "resize", "resize_1.5": "resize", "resize_2": "resize",
    "jpeg_30": "jpeg", "jpeg_50": "jpeg", "jpeg_75": "jpeg", "jpeg_95": "jpeg",
    "crop_5": "crop_5", "crop_10": "crop_10", "crop_20": "crop_20",
    "pad": "pad", "letterbox": "pad",
    "mirror": "mirror",
    "rotate_+5": "rotate", "rotate_-5": "rotate", "rotate_90": "rotate_90s", "rotate_180": "rotate_90s",
    "rotate_270": "rotate_90s",
    "logo": "watermark", "watermark": "watermark",
    "caption_text": "text", "meme_text": "text",
    "brightness_0.7": "colour", "brightness_1.3": "colour", "contrast_0.7": "colour", "contrast_1.4": "colour",
    "saturation_0": "colour", "saturation_1.6": "colour",
    "greyscale": "greyscale",
    "screenshot": "screenshot",
    "reuse": "reuse",  # bench/ooc_eval.py's page copy: resized 0.6-0.9, cut <= 5% per side, JPEG q70-88, 1 in 5 mirrored
}
FORCED_ORIGINALS = ("clock_motion.png",)  # scikit-image's clock: ooc_eval's only misses (verdict2), always an original
QUICK_PHOTOS = 10  # --quick: photo originals kept (every low-texture original is kept)


# ---------------------------------------------------------------- sources

def find_sources() -> list[str]:
    paths: list[str] = []
    try:
        import skimage

        d = Path(skimage.__file__).parent / "data"
        names = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg",
                 "ihc.png", "retina.jpg", "camera.png", "moon.png", "coins.png", "color.png", "brick.png", "grass.png", "gravel.png",
                 "clock_motion.png"]
        paths += [str(d / n) for n in names if (d / n).exists()]
    except ImportError:
        print("note: scikit-image not installed; skipping its photos", file=sys.stderr)
    try:
        import sklearn.datasets

        d = Path(sklearn.datasets.__file__).parent / "images"
        paths += [str(d / n) for n in ("china.jpg", "flower.jpg") if (d / n).exists()]
    except ImportError:
        print("note: scikit-learn not installed; skipping its photos", file=sys.stderr)
    mate = sorted(glob.glob("/usr/share/backgrounds/mate/*/*.jpg") + glob.glob("/usr/share/backgrounds/mate/*/*.png"))
    plasma = []
    for wdir in sorted(glob.glob("/usr/share/wallpapers/*/contents/images")):  # largest of each wallpaper
        files = sorted(glob.glob(wdir + "/*.jpg") + glob.glob(wdir + "/*.png"), key=os.path.getsize)
        if files:
            plasma.append(files[-1])
    if not mate or not plasma:  # without them the bench measures 15 sources instead of 66: not the recorded figures
        missing = [name for name, found in (("mate-backgrounds", mate), ("plasma-workspace-wallpapers", plasma)) if not found]
        message = f"the photos of {' and '.join(missing)} are missing: apt-get install {' '.join(missing)}"
        if os.environ.get("HASH_BENCH_FEWER_SOURCES") != "1":
            sys.exit(f"error: {message} (or set HASH_BENCH_FEWER_SOURCES=1 to run on fewer sources, not comparable)")
        print(f"note: {message}; running on fewer sources (not comparable with the recorded figures)", file=sys.stderr)
    return paths + mate + plasma


def synthetic_low(seed: int, side: int = SOURCE_SIDE) -> Image.Image:
    """A low-texture image (PDQ quality mostly < 50), different for every seed: a linear or radial
    gradient of 2-3 colours, soft out-of-focus blobs, a flat chart or graphic with a label, or a
    low-contrast (foggy) scene; with or without sensor grain."""
    rng = np.random.default_rng(seed)
    w = int(rng.integers(side // 2, side + 1))
    h = int(w * rng.uniform(0.55, 1.0))
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    x, y = x / w, y / h
    colours = rng.uniform(0, 255, (3, 3)).astype(np.float32)
    kind = seed % 5
    if kind in (0, 1, 2):
        if kind == 0:  # linear gradient at any angle
            a = rng.uniform(0, 2 * np.pi)
            t = (x - 0.5) * np.cos(a) + (y - 0.5) * np.sin(a)
        else:  # radial: sky, vignette, spotlight
            cx, cy = rng.uniform(0, 1, 2)
            t = np.hypot(x - cx, (y - cy) * h / w)
        t = (t - t.min()) / (np.ptp(t) + 1e-6)
        mid = rng.uniform(0.3, 0.7)
        arr = np.where(t[..., None] < mid, colours[0] + (colours[1] - colours[0]) * (t / mid)[..., None],
                       colours[1] + (colours[2] - colours[1]) * ((t - mid) / (1 - mid))[..., None])
        if kind == 2:  # soft blobs: an out-of-focus background
            for _ in range(int(rng.integers(3, 8))):
                bx, by, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.08, 0.3)
                m = np.exp(-((x - bx) ** 2 + ((y - by) * h / w) ** 2) / (2 * r * r))[..., None]
                arr = arr * (1 - 0.6 * m) + rng.uniform(0, 255, 3) * 0.6 * m
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif kind == 3:  # flat graphic: a bar chart or a few flat shapes on a plain background, with a label
        img = Image.new("RGB", (w, h), tuple(int(c) for c in rng.integers(180, 256, 3)))
        d = ImageDraw.Draw(img)
        n = int(rng.integers(2, 7))
        if rng.random() < 0.5:
            base = int(h * 0.85)
            for i in range(n):
                bh = int(h * rng.uniform(0.1, 0.7))
                x0 = int(w * (0.1 + 0.8 * i / n))
                d.rectangle((x0, base - bh, x0 + int(0.6 * w / n), base), fill=tuple(int(c) for c in colours[i % 3]))
            d.line((int(0.08 * w), base, int(0.95 * w), base), fill=(60, 60, 60), width=max(1, w // 400))
        else:
            for _ in range(n):
                x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
                s = int(rng.integers(w // 10, w // 3))
                (d.ellipse if rng.random() < 0.5 else d.rectangle)((x0, y0, x0 + s, y0 + s), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
        d.text((int(0.08 * w), int(0.04 * h)), f"Figure {seed % 97}: share by region", font=font(max(10, h // 25)), fill=(30, 30, 30))
    else:  # fog: a scene of shapes at 10-20% of its contrast
        img = Image.new("RGB", (w, h), tuple(int(c) for c in colours[0]))
        d = ImageDraw.Draw(img)
        for _ in range(25):
            x0, y0 = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
            d.ellipse((x0, y0, x0 + int(rng.integers(w // 10, w // 2)), y0 + int(rng.integers(h // 10, h // 2))),
                      fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
        k = rng.uniform(0.1, 0.2)
        arr = np.asarray(img, np.float32) * k + rng.uniform(100, 230) * (1 - k)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:  # sensor grain
        arr = np.asarray(img, np.float32) + rng.normal(0, rng.uniform(1, 3), (h, w, 1))
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return img


def load_source(path: str) -> Image.Image:
    if path.startswith(SYNTHETIC):
        return synthetic_low(int(path[len(SYNTHETIC):]))
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
        q = [h.bits for h in H.query_hashes(img) if h.kind == "pdq" and h.transform in ("", "mirror")]
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
    if name == "reuse":  # as bench/ooc_eval.py's transformed()
        f = rng.uniform(0.6, 0.9)
        img = img.resize((max(64, int(w * f)), max(64, int(h * f))), Image.Resampling.LANCZOS)
        dx, dy = int(img.width * rng.uniform(0, 0.05)), int(img.height * rng.uniform(0, 0.05))
        img = img.crop((dx, dy, img.width - dx, img.height - dy))
        if rng.random() < 0.2:
            img = ImageOps.mirror(img)
        return jpeg(img, rng.randint(70, 88))
    if name.startswith("rotate_"):
        angle = float(name.split("_")[1])
        return jpeg(img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=abs(angle) >= 90))
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
    if path == SYNTHETIC:  # a fresh generated low-texture image, served at 300-900 px
        return synthetic_low(seed, rng.randint(300, 900))
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
        "q": [(h.bits + h.aux * 2, h.quality, h.region, h.transform, h.kind) for h in H.query_hashes(img)],
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
    rows = H.hash_image(jpeg(img)).rows  # index add's own path (reduced JPEG decode)
    aux = {r.variant: r.bits for r in rows if r.kind == "aux"}
    pdq = [(r.variant, r.bits, r.quality) for r in rows if r.kind == "pdq"]
    combined = [(v, b + aux[v] * 2, q) for v, b, q in pdq]  # PDQ + 2 x (dHash + pHash): the index's distance
    for variant in (H.SMOOTH_VARIANT, H.SMOOTH_CENTRE, *(v for v, _ in H.SMOOTH_WINDOWS)):  # only low-quality,
        if variant not in aux:  # non-blank photos have them:  # others get a row that is never compared (every photo has as many rows)
            combined.append((variant, NOTHING, 100))
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


BIG = 10_000  # "no pair of this class"
CLASSES = ("full", "window", "mid_full", "mid_window", "low_full", "low_window", "flat_full", "flat_window", "smooth",
           "smooth_window")  # photoindex.THRESHOLDS


Q_QUALITIES = (100, 70, 40, 10)  # representatives of the query quality buckets (>= 90, 50..89, 30..49, < 30)
S_QUALITIES = (100, 70, 40)  # ... and of the stored ones (>= 90, 50..89, < 50)
Q_KINDS = (("", "pdq"), ("rot90", "pdq"), ("tilt+5", "pdq"), ("", "smooth"), ("tilt+5", "smooth"), ("rot90", "smooth"),
           ("band_top", "smooth"), ("band_bottom", "smooth"))  # query_code
SMOOTH_OTHER = next(v for v, _ in H.SMOOTH_WINDOWS if v not in {b for b, _ in H.SMOOTH_BANDS.values()})
S_KINDS = ("full", "centre", "other", H.SMOOTH_VARIANT, H.SMOOTH_CENTRE, SMOOTH_OTHER,
           *(v for v, _ in H.SMOOTH_BANDS.values()))  # stored_code: whole, windows, smooth hashes (whole, centre, window, bands)


def class_table() -> np.ndarray:
    """(query code, stored code) -> class number in CLASSES or -1, from photoindex.pair_class.
    Query code: kind (Q_KINDS: plain, turned, straightened, smooth, smooth straightened, bands) x 4 + quality bucket;
    stored: (S_KINDS: whole, centre window, other window, smooth, smooth of the centre, ...) x 3 + quality bucket."""
    from captioncheck.index.photoindex import CENTRE_WINDOWS, pair_class

    nq, ns = len(Q_QUALITIES), len(S_QUALITIES)
    table = np.full((nq * len(Q_KINDS), ns * len(S_KINDS)), -1, np.int8)
    centre = sorted(CENTRE_WINDOWS)[0]
    other = next(w[0] for w in H.CROP_WINDOWS if w[0] not in CENTRE_WINDOWS)
    for qi, (transform, kind) in enumerate(Q_KINDS):
        for qb, qq in enumerate(Q_QUALITIES):
            for si, name in enumerate(S_KINDS):
                variant = {"centre": centre, "other": other}.get(name, name)
                for sb, sq in enumerate(S_QUALITIES):
                    c = pair_class(transform, qq, variant, sq, kind)
                    table[nq * qi + qb, ns * si + sb] = -1 if c is None else CLASSES.index(c)
    return table


def query_code(transform: str, quality: int, kind: str) -> int:
    from captioncheck.index.photoindex import MIN_QUERY_QUALITY, STRONG_QUALITY

    tilt, rot = transform.startswith("tilt"), transform.startswith("rot")
    if kind == "smooth":
        k = 4 if tilt else 5 if rot else Q_KINDS.index((transform, kind)) if transform in H.SMOOTH_BANDS else 3
    else:
        k = 1 if rot else 2 if tilt else 0
    return len(Q_QUALITIES) * k + (0 if quality >= STRONG_QUALITY else 1 if quality >= 50 else 2 if quality >= MIN_QUERY_QUALITY else 3)


def stored_code(variant: str, quality: int) -> int:
    from captioncheck.index.photoindex import CENTRE_WINDOWS, MIN_STORED_QUALITY, STRONG_QUALITY

    if variant in S_KINDS[3:]:
        kind = S_KINDS.index(variant)
    elif variant.startswith(H.SMOOTH_VARIANT):
        kind = S_KINDS.index(SMOOTH_OTHER)
    else:
        kind = 0 if variant == "full" else 1 if variant in CENTRE_WINDOWS else 2
    return len(S_QUALITIES) * kind + (0 if quality >= STRONG_QUALITY else 1 if quality >= MIN_STORED_QUALITY else 2)


def class_distances(queries: list[dict[str, object]], idx: list[dict[str, object]], per_photo: bool) -> np.ndarray:
    """Smallest combined distance per query, per class of pair (CLASSES) and, if per_photo, per stored photo:
    (n_queries, n_classes, n_photos) or (n_queries, n_classes); BIG where no pair of that class exists."""
    table = class_table()
    per = len(idx[0]["pdq_all"])  # type: ignore[arg-type]
    stored = [(b, stored_code(v, q)) for r in idx for v, b, q in r["pdq_all"]]  # type: ignore[attr-defined]
    s_bits = bits_pm1([b for b, _ in stored])
    s_code = np.array([c for _, c in stored])
    flat = [(b, query_code(t, q, kind)) for qu in queries for b, q, _, t, kind in qu["q"]]  # type: ignore[attr-defined]
    counts = [len(qu["q"]) for qu in queries]  # type: ignore[arg-type]
    owner = np.repeat(np.arange(len(queries)), counts)
    n_photos = len(idx)
    out = np.full((len(queries), len(CLASSES), n_photos) if per_photo else (len(queries), len(CLASSES)), BIG, np.int16)
    nbits = s_bits.shape[1]
    for i in range(0, len(flat), 1024):
        chunk = flat[i:i + 1024]
        d = np.rint((nbits - bits_pm1([b for b, _ in chunk]) @ s_bits.T) / 2).astype(np.int16)
        cls = table[np.array([c for _, c in chunk])][:, s_code]  # (chunk, stored)
        who, starts = np.unique(owner[i:i + len(chunk)], return_index=True)
        for k in range(len(CLASSES)):
            dk = np.minimum.reduceat(np.where(cls == k, d, BIG).reshape(len(chunk), n_photos, per).min(axis=2), starts, axis=0)
            if per_photo:
                out[who, k, :] = np.minimum(out[who, k, :], dk)
            else:
                out[who, k] = np.minimum(out[who, k], dk.min(axis=1))
    return out


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


def choose_thresholds(pos_truth: np.ndarray, neg: np.ndarray, fpr: float = PICK_FPR, limits: np.ndarray | None = None,
                      start: np.ndarray | None = None) -> np.ndarray:
    """One threshold per class: greedy (best recall gained per false match added) under the
    false-match budget, then each raised as far as it goes without another false match (at most to its limit:
    a verified class's cap, beyond which no pair was verified).
    pos_truth: (n_pos, n_classes) distance to the right photo; neg: (n_neg, n_classes) to the nearest photo."""
    limits = np.full(neg.shape[1], 400) if limits is None else limits
    budget = int(np.floor(fpr * len(neg)))
    t = np.full(neg.shape[1], -1) if start is None else start.copy()

    def state(th: np.ndarray) -> tuple[int, int]:
        return int((pos_truth <= th).any(axis=1).sum()), int((neg <= th).any(axis=1).sum())

    ok, fp = state(t)
    while True:
        best: tuple[float, int, np.ndarray] | None = None
        for k in range(len(t)):
            for v in np.unique(pos_truth[:, k][(pos_truth[:, k] > t[k]) & (pos_truth[:, k] <= limits[k])])[:40]:
                th = t.copy()
                th[k] = v
                ok2, fp2 = state(th)
                if fp2 > budget:
                    break
                if ok2 > ok and (best is None or (ok2 - ok) / (fp2 - fp + 0.5) > best[0]):
                    best = ((ok2 - ok) / (fp2 - fp + 0.5), ok2, th)
        if best is None:
            break
        t = best[2]
        ok, fp = state(t)
    for k in range(len(t)):  # free slack: the most permissive thresholds at the same false matches
        while t[k] < limits[k]:
            th = t.copy()
            th[k] += 1
            if state(th)[1] > fp:
                break
            t = th
    return t


def pick_thresholds(pos_truth: np.ndarray, neg: np.ndarray, fpr: float = PICK_FPR, limits: np.ndarray | None = None,
                    twins: np.ndarray | None = None) -> np.ndarray:
    """choose_thresholds; then every class with a verified twin (twins[k]: the twin's column, -1: none) lowered as
    far as it goes without losing a copy (the copies between are accepted by the twin; the distractors between,
    which fail verification, no longer are), the false matches so freed spent again by choose_thresholds from
    there, and lowered again; until nothing changes (at most 4 rounds). A class with a twin thus keeps no slack
    beyond what its own copies need: a pair farther than that must pass verification."""
    t = choose_thresholds(pos_truth, neg, fpr, limits)
    if twins is None or (twins < 0).all():
        return t
    t = _lowered(pos_truth, t, twins)
    for _ in range(4):
        nxt = _lowered(pos_truth, choose_thresholds(pos_truth, neg, fpr, limits, start=t), twins)
        if (nxt == t).all():
            break
        t = nxt
    return t


def _lowered(pos_truth: np.ndarray, t: np.ndarray, twins: np.ndarray) -> np.ndarray:
    """Each class with a twin lowered, one at a time, to the smallest threshold that accepts as many copies."""
    found = lambda th: int((pos_truth <= th).any(axis=1).sum())
    ok, t = found(t), t.copy()
    for k in np.nonzero(twins >= 0)[0]:
        for v in [-1, *np.unique(pos_truth[:, k][pos_truth[:, k] < t[k]])]:
            th = t.copy()
            th[k] = v
            if found(th) == ok:
                t = th
                break
    return t


def evaluate_combined(pos: np.ndarray, neg: np.ndarray, truth: np.ndarray, cats: list[str],
                      pick_fpr: float = PICK_FPR, limits: np.ndarray | None = None,
                      names: tuple[str, ...] = CLASSES) -> dict[str, object]:
    """The index's matcher: per-class thresholds chosen on each half of the distractors separately, shipped as
    their elementwise minimum (stricter than either); a query is right when the original is accepted and no other
    photo is accepted closer. Reported: the minimum's false-match rate on all distractors and on each half, and
    the held-out rate of one half's own pick on the other half (how far a pick generalises to unseen images: the
    minimum's own rate on unseen images is expected below it, but no half is held out from it)."""
    rows = np.arange(len(truth))
    half = np.random.default_rng(0).permutation(len(neg)) < len(neg) // 2  # a random half (not every other one:
    pick, held = neg[half], neg[~half]  # with an even number of sources that would split them by source)
    twins = np.array([names.index(f"{c}+verified") if f"{c}+verified" in names else -1 for c in names])
    t_a = pick_thresholds(pos[rows, :, truth], pick, pick_fpr, limits, twins)
    t_b = pick_thresholds(pos[rows, :, truth], held, pick_fpr, limits, twins)
    t = np.minimum(t_a, t_b)
    ok = accepted_right(pos, truth, t)
    rate = lambda part, th: round(float((part <= th).any(axis=1).mean()), 5)  # noqa: E731
    return {"matcher": "combined", "threshold": "/".join(str(int(x)) for x in t), "thresholds": dict(zip(names, map(int, t))),
            "false_match_rate": rate(neg, t), "false_match_rate_halves": [rate(pick, t), rate(held, t)],
            "one_half_pick": "/".join(str(int(x)) for x in t_a), "one_half_pick_held_out": rate(held, t_a),
            "n_half": len(held), "pick_fpr": pick_fpr, "recall": recall(ok, cats), "recall_all": round(float(ok.mean()), 4), "ok": ok}


def accepted_right(pos: np.ndarray, truth: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per positive query: its original is accepted under thresholds t and no other photo is accepted closer."""
    rows = np.arange(len(truth))
    acc = np.where(pos <= t[None, :, None], pos, BIG).min(axis=1)  # (n_pos, n_photos)
    return (acc[rows, truth] < BIG) & (acc[rows, truth] <= acc.min(axis=1))


def evaluate_product(pairs: dict[str, np.ndarray], pos: np.ndarray, neg: np.ndarray, truth: np.ndarray,
                     cats: list[str], keypoints: bool = True) -> dict[str, object]:
    """The thresholds, verified radii and verification parameters the product ships (photoindex.THRESHOLDS,
    photoindex.VERIFIED, verify.VERIFY), on every distractor: what a user gets today. keypoints False: what an index
    stored without keypoints gets (photoindex.WITHOUT_KEYPOINTS, the same verified radii, no geometric ones)."""
    from captioncheck.index.geometry import GEOMETRY
    from captioncheck.index.photoindex import GEOMETRIC as GEO_RADII
    from captioncheck.index.photoindex import NEAREST_GEOMETRY, NEAREST_RADIUS, THRESHOLDS, VERIFIED, WITHOUT_KEYPOINTS
    from captioncheck.index.verify import VERIFY

    pos, neg = with_verification(pairs, pos, neg, VERIFY, GEOMETRY, NEAREST_GEOMETRY)
    plain, geo = (THRESHOLDS, GEO_RADII) if keypoints else (WITHOUT_KEYPOINTS, {})
    near = NEAREST_BASE + NEAREST_RADIUS if keypoints and NEAREST_RADIUS >= 0 else -1
    t = np.array([plain[c] for c in CLASSES] + [VERIFIED.get(c, -1) for c in CLASSES] + [geo.get(c, -1) for c in CLASSES] + [near])
    ok = accepted_right(pos, truth, t)
    return {"matcher": "product thresholds" if keypoints else "product, no keypoints", "threshold": "/".join(str(int(x)) for x in t),
            "false_match_rate": round(float((neg <= t).any(axis=1).mean()), 5),
            "recall": recall(ok, cats), "recall_all": round(float(ok.mean()), 4)}


def at_scale(idx: list[dict[str, object]], pos: list[dict[str, object]], neg: list[dict[str, object]], truth: np.ndarray,
             cats: list[str], picked: dict[str, object], pairs: dict[str, object]) -> dict[str, object]:
    """Recall of the combined matcher once the index uses multi-index hashing (above 65,536 stored
    hashes): the index's own searcher (captioncheck.index.search.HashSearcher), forced to answer from
    its tables, looks up every positive and the index's own policy (photoindex.accepted, verifying on the
    thumbnails, then photoindex.accept_nearest over the thumbnail-nearest photos) keeps the hits; it is right when
    the original is found and no other photo is closer. The distractors are looked up the same way: a distractor
    with any photo accepted is a false match (false_match_rate)."""
    from captioncheck.index.photoindex import WITHOUT_KEYPOINTS, accept_nearest, accepted, nearest_photos, variant_radii
    from captioncheck.index.search import HashSearcher

    s = HashSearcher(delta_min=0)
    rows = [(i, v, b, q) for i, r in enumerate(idx) for v, b, q in r["pdq_all"]]  # type: ignore[attr-defined]
    s.add(np.array([r[0] for r in rows]), [r[1] for r in rows],
          np.frombuffer(b"".join(r[2][:32] for r in rows), np.uint8).reshape(-1, 32), aux=[r[2][32:48] for r in rows],
          quality=[r[3] for r in rows])
    assert s._n_tabled == len(s), "every stored hash must be in the multi-index tables"
    th: dict[str, int] = picked["thresholds"]  # type: ignore[assignment]
    thresholds = {c: th[c] for c in CLASSES}
    verified = {c: th[v] for c, v in zip(CLASSES, VERIFIED)}
    geometric = {c: th[v] for c, v in zip(CLASSES, GEOMETRIC)}
    radius = {c: max(thresholds[c], verified[c], geometric[c], WITHOUT_KEYPOINTS[c]) for c in CLASSES}  # as the index searches
    radius_for = variant_radii(radius)
    thumbs = pairs["thumbs"]
    stored = lambda ids: {int(i): thumbs["index"][int(i)] for i in ids}  # type: ignore[index]  # noqa: E731
    radius_near = int(picked["nearest_radius"])  # type: ignore[call-overload]
    table = _thumb_table(thumbs["index"])  # type: ignore[index]

    def look_up(name: str, n: int, q: dict[str, object]) -> dict[int, int]:
        qs = _query_hashes(q, thumbs[name][n])  # type: ignore[index]
        hits = s.search(np.frombuffer(b"".join(x.bits for x in qs), np.uint8).reshape(-1, 32), max(radius.values()),
                        np.frombuffer(b"".join(x.aux for x in qs), np.uint8).reshape(-1, 16), radius_for)
        geo = _CachedGeometry(pairs["geometry"][name], n, picked["geometry"])  # type: ignore[index, arg-type]
        best = accepted(qs, hits, thresholds, verified=verified, thumbs=stored, params=picked["verify"],  # type: ignore[arg-type]
                        geometric=geometric, geo=geo, keypointless=WITHOUT_KEYPOINTS)  # type: ignore[arg-type]
        if not best and radius_near >= 0:  # as PhotoIndex.search_hashes
            accept_nearest(best, qs, nearest_photos(qs, table), geo, radius_near, picked["nearest"])  # type: ignore[arg-type]
        return {p: h.distance for p, h in best.items()}

    ok = []
    for n, (q, t) in enumerate(zip(pos, truth)):
        best = look_up("pos", n, q)
        ok.append(int(t) in best and best[int(t)] <= min(best.values()))
    arr = np.array(ok)
    false = np.array([bool(look_up("neg", n, q)) for n, q in enumerate(neg)])
    half = np.random.default_rng(0).permutation(len(neg)) < len(neg) // 2  # evaluate_combined's halves
    return {"matcher": "combined_at_scale", "threshold": "same", "false_match_rate": round(float(false.mean()), 5),
            "false_match_rate_halves": [round(float(false[half].mean()), 5), round(float(false[~half].mean()), 5)],
            "recall": recall(arr, cats), "recall_all": round(float(arr.mean()), 4)}


class _CachedGeometry:
    """photoindex.GeometricCheck for one positive query, answered from the bench's cached agreements (computed by
    captioncheck.index.geometry on the regenerated images, bench/_features.py) instead of keypoints."""

    def __init__(self, table: dict, query: int, params: dict[str, int]) -> None:
        self.table, self.query, self.params = table, query, params

    def fetch(self, photo_ids: list[int]) -> None:
        pass

    def has(self, photo_id: int) -> bool:
        return True  # every indexed photo of the bench is stored with keypoints (bench/_features.py)

    def passes(self, photo_id: int) -> bool:
        from captioncheck.index.geometry import passes

        i0, c0, i1, c1 = self.table.get((self.query, int(photo_id)), (0, 0, 0, 0))
        return passes(i0, c0, self.params) or passes(i1, c1, self.params)

    def passes_view(self, photo_id: int, mirrored: bool, params: dict[str, int] | None = None) -> bool:
        from captioncheck.index.geometry import passes

        agree = self.table.get((self.query, int(photo_id)), (0, 0, 0, 0))
        return passes(*agree[2 * int(mirrored): 2 * int(mirrored) + 2], params)


NOWHERE = bytes(range(64))  # stands for "no usable query hash": about half its bits from any real hash
NOTHING = bytes(255 - b for b in NOWHERE)  # "no usable stored hash": every bit differs from NOWHERE


def min_dist_per_photo(queries: list[list[bytes]], index: list[list[bytes]]) -> np.ndarray:
    """(n_queries, n_photos) Hamming distance between each query's hash and each photo's (baselines)."""
    q, i = bits_pm1([b for b, *_ in queries]), bits_pm1([b for b, *_ in index])
    return np.rint((q.shape[1] - q @ i.T) / 2).astype(np.int16)


def run_jobs(fn, items, workers: int, label: str) -> list[dict[str, object]]:
    t0 = time.time()
    with ProcessPoolExecutor(workers) as ex:
        res = list(ex.map(fn, items, chunksize=16))
    print(f"  {label}: {len(items)} images hashed in {time.time() - t0:.0f}s", file=sys.stderr)
    return res


def split(paths: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Half originals, a sixth filler, a third distractor sources (shuffled, disjoint)."""
    paths = list(paths)
    random.Random(1).shuffle(paths)
    n = len(paths)
    return paths[: n // 2], paths[n // 2: n // 2 + n // 6], paths[n // 2 + n // 6:]


def plan(args: argparse.Namespace) -> dict[str, object]:
    """The sources, their split into pools and the items hashed (index, positives, distractors): deterministic."""
    sources = dedupe(find_sources())
    low = [p for p in sources if H.pdq(H.decode(load_source(p)))[1] < 50]  # smooth wallpapers, flat graphics
    photos = [p for p in sources if p not in low]
    (pa, pb1, pb2), (la, lb1, lb2) = split(photos), split(low)
    forced = [p for p in sources if Path(p).name in FORCED_ORIGINALS]
    pb1, pb2, lb1, lb2 = ([p for p in pool if p not in forced] for pool in (pb1, pb2, lb1, lb2))
    pa, la = pa + [p for p in forced if p in photos and p not in pa], la + [p for p in forced if p in low and p not in la]
    if args.quick:  # fewer photo originals; every low-texture original and the forced ones stay
        pa = [p for p in pa if p not in forced][:QUICK_PHOTOS] + [p for p in pa if p in forced]
    pool_a = pa + la + [f"{SYNTHETIC}{i}" for i in range(N_SYNTHETIC)]
    pool_b1, pool_b2 = pb1 + lb1, pb2 + lb2
    print(f"{len(sources)} distinct source images ({len(low)} of PDQ quality < 50) + {N_SYNTHETIC} generated low-texture: "
          f"{len(pool_a)} originals, {len(pool_b1)} filler, {len(pool_b2)} distractor sources; 1 in 5 filler and "
          f"distractor images is a generated low-texture one", file=sys.stderr)
    index_items = [(pool_a[i], None) for i in range(len(pool_a))]
    # generated ones take seed 1000 + i // 5 (50_000 + i // 5 below): synthetic_low's kind is seed % 5, and 1000 + i
    # with i % 5 == 4 made every generated filler a linear gradient and every generated distractor a fog
    index_items += [(SYNTHETIC, 1000 + i // 5) if i % 5 == 4 else (pool_b1[i % len(pool_b1)], 1000 + i) for i in range(args.filler)]
    pos_items = [(p, t, 17 * i + j) for i, p in enumerate(pool_a) for j, t in enumerate(TRANSFORMS)]
    neg_items = [(SYNTHETIC, 50_000 + i // 5) if i % 5 == 4 else (pool_b2[i % len(pool_b2)], 50_000 + i) for i in range(args.negatives)]
    return {"n_sources": len(sources), "originals": pool_a, "low": la, "index": index_items, "pos": pos_items, "neg": neg_items}


def build_dataset(args: argparse.Namespace) -> dict[str, object]:
    cache = OUT / f"hash_robustness_{CACHE_VERSION}_{args.negatives}_{args.filler}{'_quick' if args.quick else ''}.npz"
    if cache.exists() and not args.fresh:
        print(f"using cached hashes {cache} (--fresh to recompute)", file=sys.stderr)
        return dict(np.load(cache, allow_pickle=True))["data"].item()
    items = plan(args)
    pool_a = items["originals"]
    data = {
        "n_sources": items["n_sources"], "originals": pool_a,
        "low_texture": [i for i, p in enumerate(pool_a) if p in items["low"] or p.startswith(SYNTHETIC)],
        "index": run_jobs(job_index, items["index"], args.workers, "index"),
        "pos": run_jobs(job_positive, items["pos"], args.workers, "positives"),
        "pos_meta": [(pool_a.index(p), t) for p, t, _ in items["pos"]],
        "neg": run_jobs(job_negative, items["neg"], args.workers, "distractors"),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(cache, data=np.array(data, dtype=object))
    return data


def distances(args: argparse.Namespace, pos: list, neg: list, idx: list) -> tuple[np.ndarray, np.ndarray]:
    """class_distances of the positives (per photo) and distractors, cached next to the hashes: keyed by the class
    table (photoindex.pair_class), so a change of classes recomputes them and a change of thresholds does not."""
    import hashlib

    key = hashlib.sha1(repr(CLASSES).encode() + class_table().tobytes()).hexdigest()[:10]
    cache = OUT / f"hash_robustness_{CACHE_VERSION}_{args.negatives}_{args.filler}{'_quick' if args.quick else ''}_dist_{key}.npz"
    if cache.exists() and not args.fresh:
        print(f"using cached distances {cache}", file=sys.stderr)
        with np.load(cache) as f:
            return f["pos"], f["neg"]
    t0 = time.time()
    pos_d, neg_d = class_distances(pos, idx, True), class_distances(neg, idx, False)
    print(f"  distances: {time.time() - t0:.0f}s", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(cache, pos=pos_d, neg=neg_d)
    return pos_d, neg_d


# Per class: the largest distance up to which pairs are verified on colour thumbnails (bench/_thumbs.py); the
# verified radii (photoindex.VERIFIED) are picked below these. Fixed, so that the thumbnail and pair caches stay valid
# when the thresholds change: the 2026-12-01 thresholds + 50; then (2026-12-02, branch match7) wider where the pick
# stopped at the cap and missed copies had a verified pair just beyond it: full +10, the low_* and flat_* classes
# +40 (mid_window +20 gained nothing). mid_full stays at 131: at 171 one half's pick reached two verified distractors
# of the other half at 162-168 (charts of one template) for one copy (docs/index.md, "Wider caps").
VERIFY_CAPS = {"full": 183, "window": 165, "mid_full": 131, "mid_window": 169, "low_full": 165, "low_window": 137,
               "flat_full": 159, "flat_window": 103, "smooth": 58, "smooth_window": 54}
VERIFIED = tuple(f"{c}+verified" for c in CLASSES)  # the verified classes, next to CLASSES in the extended arrays
GEOMETRIC = tuple(f"{c}+geometric" for c in CLASSES)  # the geometrically verified ones (captioncheck.index.geometry)
# geometric verification parameters tried (geometry.GEOMETRY: minima of inliers and of the grid cells they cover),
# once the thumbnail parameters are chosen
# strictest first: of equal recall, the first (strictest) wins
GEOMETRY_GRID = [{"inliers": i, "cells": c} for i in (25, 20, 15, 12) for c in (6, 5, 4)]
# The thumbnail-nearest candidates (captioncheck.index.nearest; since crop5, 2026-12-03): one more column, NEAREST, whose
# distance for (query, photo) is NEAREST_BASE + their coarse thumbnail difference (nearest.STEPS of a level) where the
# photo is one of the query's photoindex.NEAREST_K nearest and the two pass geometric verification in the orientation
# of the nearest view (BIG elsewhere); its threshold, picked with the others (at most NEAREST_BASE + NEAREST_RADIUS_CAP),
# is NEAREST_BASE + photoindex.NEAREST_RADIUS (below NEAREST_BASE: none). Such a photo ranks after every hash match, as
# photoindex ranks it (the index looks at these candidates only when the hashes accepted nothing: the same outcome).
NEAREST = "nearest+geometric"
NEAREST_BASE = 1000  # above every hash threshold the pick may choose (400)
# the widest coarse radius the pick may choose: 4 levels root mean square. Set for the look-up cost (a query whose
# hashes accept nothing and that has a stored photo within the radius computes its keypoints): 0.24% of the
# distractors have one within 16, 11% within 32 (p99 look-up +58% at 32: docs/index.md), 90% within 120; the right
# photo of a copy is within 7 for half of them, within 56 for 90%
NEAREST_RADIUS_CAP = 16
# geometric minima tried for the thumbnail-nearest candidates (photoindex.NEAREST_GEOMETRY), strictest first, once the
# other parameters are chosen; only those at least as strict as the geometry chosen for the hash pairs
NEAREST_GRID = [{"inliers": i, "cells": c} for i, c in ((40, 8), (30, 8), (30, 7), (25, 7), (25, 6), (20, 6))]
# verification parameters tried per family of classes (captioncheck.index.verify.VERIFY), one family at a time
# (textured, then low), the other held at its best so far; 2.0 for grey_layout: a grey query is never verified
# band: the minimum of the layout with a band of rows set aside (verify.BAND_ROWS; 0: not looked at; since hash10,
# 2026-12-02), tried off and at the family's layout minimum; for the low-texture family only where the cells outside
# the band kept their levels (band_levels, since hash11: without it one half's pick gave 0.12-0.14% held out)
VERIFY_GRID = {
    "textured": [{"layout": lay, "colour": col, "grey_layout": g, "band": b * lay, "band_levels": 0} for b in (0, 1)
                 for lay in (0.9, 0.95) for col in (0.7, 0.85) for g in (0.95, 0.98)],
    "low": [{"layout": lay, "colour": col, "grey_layout": g, "band": b * lay, "band_levels": b} for b in (0, 1)
            for lay in (0.99, 0.995) for col in (0.7, 0.85) for g in (0.995, 0.998, 2.0)],
    # then, on the low family's best: a coloured query whose colour agrees on close_colour of the cells may pass at
    # close_layout (since hash12, 2026-12-02: low-texture crops between the stored windows, layout 0.97-0.99, colour
    # 0.97-1; the distractor pairs within the verified radii at such a layout had colour <= 0.9); 0: off
    "low+close": [{"close_colour": c, "close_layout": lay} for c, lay in
                  ((0.0, 0.0), *((c, lay) for c in (0.95, 0.9) for lay in (0.98, 0.975, 0.97)))],
}


def verify_pairs(args: argparse.Namespace, data: dict[str, object], pos_d: np.ndarray, neg_d: np.ndarray) -> dict[str, np.ndarray]:
    """Every (query, photo, class) pair of hashes within VERIFY_CAPS (the nearest few per class), with its distance
    and (layout, colour) agreement (captioncheck.index.verify): rows (query, photo, class, distance, layout, colour),
    for positives (against every photo) and for the distractors that have one. The pairs are cached (keyed by the
    class table, with the caps they were computed at: a cache of wider caps serves narrower ones, filtered), and so
    are the thumbnails; the agreement is computed at every run (a minute)."""
    import _thumbs as T  # type: ignore[import-not-found]

    caps = np.array([VERIFY_CAPS[c] for c in CLASSES])
    tag = f"{CACHE_VERSION}_{args.negatives}_{args.filler}{'_quick' if args.quick else ''}"
    neg_ids = np.nonzero((neg_d <= caps).any(axis=1))[0]
    idx, pos, neg = data["index"], data["pos"], data["neg"]
    thumbs = T.thumbnails(OUT / f"hash_robustness_{tag}_thumbs_{T.THUMB_VERSION}.npz", None, neg_ids, data,
                          args.workers, args.fresh, lambda: plan(args))
    stem = f"hash_robustness_{tag}_pairs_{T.THUMB_VERSION}_{pairs_key()}"
    cand = None if args.fresh else cached_pairs(stem, caps)
    if cand is None:
        t0 = time.time()
        near_neg = class_distances([neg[i] for i in neg_ids], idx, True)  # type: ignore[index]
        print(f"  distances of {len(neg_ids)} distractors to every photo: {time.time() - t0:.0f}s", file=sys.stderr)
        cand = {}
        for name, queries, dist, ids in (("pos", pos, pos_d, range(len(pos))), ("neg", neg, near_neg, neg_ids)):  # type: ignore[arg-type]
            rows = [(q, p, *c) for k, q in enumerate(ids) for p in np.nonzero((dist[k] <= caps[:, None]).any(axis=0))[0]
                    for c in T.candidates(queries[q], idx[p], caps)]  # type: ignore[index]
            cand[name] = np.array(rows, np.int64).reshape(-1, 6)
        print(f"  candidate pairs: {len(cand['pos'])} of positives, {len(cand['neg'])} of {len(neg_ids)} distractors in "
              f"{time.time() - t0:.0f}s", file=sys.stderr)
        OUT.mkdir(parents=True, exist_ok=True)
        np.savez(OUT / f"{stem}_{'-'.join(map(str, caps))}.npz", caps=caps, **cand)
    import _features as F  # type: ignore[import-not-found]

    # every distractor's thumbnails (not only those with a pair within the caps): its thumbnail-nearest photos
    thumbs = T.thumbnails(OUT / f"hash_robustness_{tag}_thumbs_{T.THUMB_VERSION}.npz", None, np.arange(len(neg)), data,  # type: ignore[arg-type]
                          args.workers, False, lambda: plan(args))
    t0 = time.time()
    near = {"pos": nearest_rows(pos, [thumbs["pos"][n] for n in range(len(pos))], thumbs["index"]),  # type: ignore[arg-type]
            "neg": nearest_rows(neg, [thumbs["neg"][n] for n in range(len(neg))], thumbs["index"])}  # type: ignore[arg-type]
    print(f"  thumbnail-nearest photos: {time.time() - t0:.0f}s", file=sys.stderr)
    both = {k: np.vstack([cand[k][:, :2], near[k][:, :2]]) for k in ("pos", "neg")}
    geo = F.agreements(OUT / f"hash_robustness_{tag}_geometry_{F.key()}_{pairs_key()}.npz", _Lazy(lambda: plan(args)), both,
                       args.workers, args.fresh)
    t0 = time.time()
    out = {}
    for name, c, queries, qth in (("pos", cand["pos"], pos, thumbs["pos"]), ("neg", cand["neg"], neg, thumbs["neg"])):
        agree = T.scores(c, queries, qth, idx, thumbs["index"])  # type: ignore[arg-type]
        # columns: (query, photo, class, distance), (layout, colour), keypoints (as is, mirrored), layout with a band,
        # whether the cells outside that band kept their levels
        out[name] = np.hstack([c[:, :4].astype(np.float32), agree[:, :2], F.columns(c, geo[name]), agree[:, 2:]])
    print(f"  verification of {len(out['pos']) + len(out['neg'])} pairs: {time.time() - t0:.0f}s", file=sys.stderr)
    out["thumbs"] = thumbs  # type: ignore[assignment]
    out["geometry"] = geo  # type: ignore[assignment]
    # (query, photo, difference, mirrored, inliers, cells): the keypoints in the orientation of the view nearest the photo
    out["nearest"] = {k: np.hstack([near[k].astype(np.float32), np.array(
        [geo[k].get((int(q), int(p)), (0, 0, 0, 0))[2 * int(m): 2 * int(m) + 2] for q, p, _, m in near[k]],
        np.float32).reshape(-1, 2)]) for k in ("pos", "neg")}  # type: ignore[assignment]
    return out


def _query_hashes(query: dict[str, object], thumbs: dict[tuple[str, str], bytes]) -> list[H.QueryHash]:
    """A cached query's hashes as the index's QueryHash, each with its view's thumbnail."""
    return [H.QueryHash(reg, tr, b[:32], qual, b[32:48], kind, thumbs.get((reg, tr), b""))
            for b, qual, reg, tr, kind in query["q"]]  # type: ignore[attr-defined]


def _thumb_table(index_thumbs: list[bytes]):
    from captioncheck.index.nearest import ThumbTable

    table = ThumbTable()
    table.add(range(len(index_thumbs)), index_thumbs)
    return table


def nearest_rows(queries: list[dict[str, object]], thumbs: list[dict[tuple[str, str], bytes]], index_thumbs: list[bytes]) -> np.ndarray:
    """(query, photo, difference, mirrored) of each query's photoindex.NEAREST_K nearest stored photos on the coarse
    thumbnail, by the index's own code (photoindex.nearest_photos over nearest.ThumbTable)."""
    from captioncheck.index.photoindex import nearest_photos

    table = _thumb_table(index_thumbs)
    rows = [(n, p, d, int(m)) for n, (q, th) in enumerate(zip(queries, thumbs))
            for p, _, m, d in nearest_photos(_query_hashes(q, th), table)]
    return np.array(rows, np.int64).reshape(-1, 4)


def nearest_distances(rows: np.ndarray, shape: tuple[int, ...], params: dict[str, int]) -> np.ndarray:
    """The NEAREST column: NEAREST_BASE + the coarse difference per (query, 1[, photo]) where the pair passes geometric
    verification with `params` in the orientation of its nearest view; BIG elsewhere."""
    from captioncheck.index.geometry import passes

    out = np.full(shape, BIG, np.int16)
    ok = np.array([passes(int(i), int(c), params) for i, c in rows[:, 4:6]], bool)
    q, ph, r = (rows[ok, i].astype(np.int64) for i in range(3))
    np.minimum.at(out, (q, np.zeros_like(q), ph) if len(shape) == 3 else (q, np.zeros_like(q)), (NEAREST_BASE + r).astype(np.int16))
    return out


class _Lazy:
    """The bench's plan, computed on first use (dedupe hashes every source: a minute)."""

    def __init__(self, make) -> None:
        self._make, self._made = make, None

    def __getitem__(self, k: str):
        if self._made is None:
            self._made = self._make()
        return self._made[k]


def pairs_key() -> str:
    """What a candidate-pair cache depends on besides the caps: the classes, the class table, the pairs per class."""
    import hashlib

    import _thumbs as T  # type: ignore[import-not-found]

    return hashlib.sha1(repr(CLASSES).encode() + class_table().tobytes() + repr(T.PAIRS_PER_CLASS).encode()).hexdigest()[:10]


def cached_pairs(stem: str, caps: np.ndarray) -> dict[str, np.ndarray] | None:
    """The candidate pairs of a cache computed at caps at least as wide as `caps` on every class, less the pairs
    beyond `caps` (the nearest PAIRS_PER_CLASS pairs within a cap are those of a wider cap within it); None: none."""
    for path in sorted(OUT.glob(f"{stem}_*.npz")):
        with np.load(path) as f:
            if "caps" not in f or f["caps"].shape != caps.shape or (f["caps"] < caps).any():
                continue
            print(f"using cached candidate pairs {path}", file=sys.stderr)
            return {k: f[k][f[k][:, 3] <= caps[f[k][:, 2]]] for k in ("pos", "neg")}
    return None


def verified_distances(pairs: np.ndarray, shape: tuple[int, ...], params: dict[str, dict[str, float]]) -> np.ndarray:
    """Smallest distance per (query, class[, photo]) among pairs passing verification with `params` (per family, as
    captioncheck.index.verify.passes decides); BIG elsewhere."""
    from captioncheck.index.verify import GREY, family

    out = np.full(shape, BIG, np.int16)
    fam = np.array([family(c) for c in CLASSES])[pairs[:, 2].astype(np.int64)]
    ok = np.zeros(len(pairs), bool)
    for name, p in params.items():
        lay, col, band = pairs[:, 4], pairs[:, 5], p.get("band", 0.0)
        lay_b = pairs[:, 10] if band > 0 else np.full(len(pairs), -2.0, np.float32)  # as verify.passes
        if p.get("band_levels"):  # the band counts only where the cells outside it kept their levels
            lay_b = np.where(pairs[:, 11] > 0, lay_b, -2.0)
        close = p.get("close_colour", 0.0)  # a colour agreeing this well needs only close_layout of layout
        lay_min = np.where((close > 0) & (col >= close), min(p["layout"], p.get("close_layout", 1.0)), p["layout"])
        ok |= (fam == name) & np.where(col == GREY, (lay >= p["grey_layout"]) | (lay_b >= max(band, p["grey_layout"])),
                                       (col >= p["colour"]) & ((lay >= lay_min) | (lay_b >= band)))
    q, ph, c, d = (pairs[ok, i].astype(np.int64) for i in range(4))
    np.minimum.at(out, (q, c, ph) if len(shape) == 3 else (q, c), d.astype(np.int16))
    return out


def geometric_distances(pairs: np.ndarray, shape: tuple[int, ...], params: dict[str, int]) -> np.ndarray:
    """Smallest distance per (query, class[, photo]) among pairs whose query and photo pass geometric verification
    with `params` (as is or mirrored, as captioncheck.index.geometry.verified decides); BIG elsewhere."""
    from captioncheck.index.geometry import passes

    out = np.full(shape, BIG, np.int16)
    ok = np.array([passes(int(a), int(b), params) or passes(int(c), int(d), params) for a, b, c, d in pairs[:, 6:10]], bool)
    q, ph, c, d = (pairs[ok, i].astype(np.int64) for i in range(4))
    np.minimum.at(out, (q, c, ph) if len(shape) == 3 else (q, c), d.astype(np.int16))
    return out


def with_verification(pairs: dict[str, np.ndarray], pos_d: np.ndarray, neg_d: np.ndarray,
                      params: dict[str, dict[str, float]], gparams: dict[str, int] | None = None,
                      nparams: dict[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """pos_d and neg_d extended by the verified classes (VERIFIED) at these verification parameters, the
    geometrically verified ones (GEOMETRIC) at `gparams` (None: the shipped geometry.GEOMETRY) and the
    thumbnail-nearest column (NEAREST) at `nparams` (None: the shipped photoindex.NEAREST_GEOMETRY)."""
    from captioncheck.index.geometry import GEOMETRY
    from captioncheck.index.photoindex import NEAREST_GEOMETRY

    g = GEOMETRY if gparams is None else gparams
    n = NEAREST_GEOMETRY if nparams is None else nparams
    near = pairs["nearest"]
    return (np.concatenate([pos_d, verified_distances(pairs["pos"], pos_d.shape, params),
                            geometric_distances(pairs["pos"], pos_d.shape, g),
                            nearest_distances(near["pos"], (pos_d.shape[0], 1, pos_d.shape[2]), n)], axis=1),  # type: ignore[index]
            np.concatenate([neg_d, verified_distances(pairs["neg"], neg_d.shape, params),
                            geometric_distances(pairs["neg"], neg_d.shape, g),
                            nearest_distances(near["neg"], (neg_d.shape[0], 1), n)], axis=1))  # type: ignore[index]


def nearest_radius(threshold: int) -> int:
    """photoindex.NEAREST_RADIUS for a picked NEAREST threshold (-1: none)."""
    return int(threshold) - NEAREST_BASE if threshold >= NEAREST_BASE else -1


def admissible(r: dict[str, object]) -> bool:
    """Whether a pick may ship: at most FPR_TARGET false matches on all distractors, and one half's own pick at most
    FPR_TARGET on the other half, held out (since hash9, 2026-12-02: two parameter sets of equal recall differed only
    there, 0.10% and 0.12%)."""
    return r["false_match_rate"] <= FPR_TARGET and r["one_half_pick_held_out"] <= FPR_TARGET  # type: ignore[operator]


def evaluate_verified(pairs: dict[str, np.ndarray], pos_d: np.ndarray, neg_d: np.ndarray, truth: np.ndarray,
                      cats: list[str], pick_fpr: float) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The combined matcher with a verified second level: thresholds and verified radii picked together
    (evaluate_combined over CLASSES + VERIFIED) for each verification parameter set of VERIFY_GRID, one family at a
    time from the shipped parameters; the best recall whose false-match rate on all distractors is at most
    FPR_TARGET, and whose held-out rate is too (admissible), wins; of equal recall, the fewer false matches."""
    import copy

    from captioncheck.index.geometry import GEOMETRY
    from captioncheck.index.verify import VERIFY

    from captioncheck.index.photoindex import NEAREST_GEOMETRY

    limits = np.array([400] * len(CLASSES) + [VERIFY_CAPS[c] for c in CLASSES] * 2 + [NEAREST_BASE + NEAREST_RADIUS_CAP])
    tried: list[dict[str, object]] = []
    best: dict[str, object] | None = None
    current, gcurrent, ncurrent = copy.deepcopy(VERIFY), dict(GEOMETRY), dict(NEAREST_GEOMETRY)
    options = ([(name, option) for name, grid in VERIFY_GRID.items() for option in grid] + [("geometry", g) for g in GEOMETRY_GRID]
               + [("nearest", g) for g in NEAREST_GRID])
    for k, (name, option) in enumerate(options):
        if name == "nearest" and (option["inliers"] < gcurrent["inliers"] or option["cells"] < gcurrent["cells"]):
            continue  # the thumbnail-nearest candidates: at least the hash pairs' geometric minima
        fam, _, more = name.partition("+")  # "low+close": options added to the family's best so far
        params = current if name in ("geometry", "nearest") else {**current, fam: {**current[fam], **option} if more else option}
        gparams = option if name == "geometry" else gcurrent
        nparams = option if name == "nearest" else ncurrent if ncurrent["inliers"] >= gparams["inliers"] and \
            ncurrent["cells"] >= gparams["cells"] else dict(gparams)
        p, n = with_verification(pairs, pos_d, neg_d, params, gparams, nparams)  # type: ignore[arg-type]
        r = evaluate_combined(p, n, truth, cats, pick_fpr, limits, CLASSES + VERIFIED + GEOMETRIC + (NEAREST,))
        r.update(matcher="combined + verified", verify=params, geometry=gparams, nearest=nparams,
                 nearest_radius=nearest_radius(r["thresholds"][NEAREST]))  # type: ignore[index]
        tried.append({"verify": params, "geometry": gparams, "nearest": nparams, "recall_all": r["recall_all"],
                      "false_match_rate": r["false_match_rate"], "threshold": r["threshold"],
                      "held_out": r["one_half_pick_held_out"]})
        print(f"  verify {params} geometry {gparams} nearest {nparams} radius {r['nearest_radius']}: recall {r['recall_all']:.4f} at "
              f"{r['false_match_rate']:.5f} (held out {r['one_half_pick_held_out']:.5f})", file=sys.stderr)
        if admissible(r) and (best is None or (r["recall_all"], -r["false_match_rate"]) >  # type: ignore[operator]
                              (best["recall_all"], -best["false_match_rate"])):  # type: ignore[operator]
            best = r
        if best is not None and (k + 1 == len(options) or options[k + 1][0] != name):  # a family done: keep its best
            current, gcurrent = copy.deepcopy(best["verify"]), dict(best["geometry"])  # type: ignore[arg-type, call-overload]
            ncurrent = dict(best["nearest"])  # type: ignore[call-overload]
    if best is None:
        raise SystemExit("no verification parameters keep false matches under the target: widen VERIFY_GRID")
    return best, tried


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--negatives", type=int, default=10_000)
    ap.add_argument("--filler", type=int, default=1_000, help="distinct non-original tiles indexed too")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_PHOTOS} photo originals (and every low-texture one), "
                    "2,000 distractors and 300 filler: the same transforms and metrics, a smaller and noisier run")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--pick-fpr", type=float, default=PICK_FPR, help="false-match rate the thresholds are picked at "
                    "on each half of the distractors (the shipped set is the minimum of the two picks)")
    args = ap.parse_args()
    if args.quick:
        args.negatives, args.filler = 2_000, 300
    t0 = time.time()
    data = build_dataset(args)
    idx, pos, neg = data["index"], data["pos"], data["neg"]
    truth = np.array([a for a, _ in data["pos_meta"]])
    cats = [TRANSFORMS[t] for _, t in data["pos_meta"]]
    pos_d, neg_d = distances(args, pos, neg, idx)
    pairs = verify_pairs(args, data, pos_d, neg_d)
    combined, tried = evaluate_verified(pairs, pos_d, neg_d, truth, cats, args.pick_fpr)
    combined["verify_tried"] = tried
    plain = evaluate_combined(pos_d, neg_d, truth, cats, args.pick_fpr)
    plain["matcher"] = "combined, no verification"
    plain.pop("ok")
    product = evaluate_product(pairs, pos_d, neg_d, truth, cats)
    keypointless = evaluate_product(pairs, pos_d, neg_d, truth, cats, keypoints=False)
    low = np.isin(truth, data["low_texture"])
    ok = combined.pop("ok")
    low_texture = {"matcher": "combined, low-texture originals only", "threshold": "same", "false_match_rate": None,
                   "recall": recall(ok[low], list(np.array(cats)[low])), "recall_all": round(float(ok[low].mean()), 4)}
    # blank originals (a white page with a faint shape: H.blank) get no smooth hash, nothing tells them from other blank images
    blank_ids = [i for i, r in enumerate(idx[:len(data["originals"])])
                 if r["pdq"][1] < H.SMOOTH_QUALITY and {v: b for v, b, _ in r["pdq_all"]}[H.SMOOTH_VARIANT] == NOTHING]
    some = ~np.isin(truth, blank_ids)
    not_blank = {"matcher": f"combined, without the {len(blank_ids)} blank originals", "threshold": "same", "false_match_rate": None,
                 "recall": recall(ok[some], list(np.array(cats)[some])), "recall_all": round(float(ok[some].mean()), 4),
                 "blank_originals": [data["originals"][i] for i in blank_ids]}
    results = [combined, low_texture, not_blank, at_scale(idx, pos, neg, truth, cats, combined, pairs), plain, product,  # type: ignore[arg-type]
               keypointless]
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
    print(f"\nindex: {n_index} photos ({len(data['originals'])} originals, {len(data['low_texture'])} of them low-texture); "
          f"distractor queries: {n_neg}; positive queries: {len(data['pos'])}")
    names = ["combined+verify", "low-texture only", "without blank", "combined at scale", "no verification", "product thresholds",
             "product, no kp", "pdq_alone", "phash_alone"]
    print(f"{'transform':<12}" + "".join(f"{n:>18}" for n in names))
    for c in cats:
        print(f"{c:<12}" + "".join(f"{r['recall'].get(c, float('nan')):>18.3f}" for r in results))  # type: ignore[union-attr]
    print(f"{'ALL':<12}" + "".join(f"{r['recall_all']:>18.3f}" for r in results))
    print(f"{'threshold':<12}" + "".join(f"{r['threshold']:>18}" for r in results))
    print(f"{'false match':<12}" + "".join(f"{r['false_match_rate']:>18.5f}" if r["false_match_rate"] is not None
                                             else f"{'<= combined':>18}" for r in results))
    print("thresholds: " + ", ".join(f"{k} {v}" for k, v in results[0]["thresholds"].items()))  # type: ignore[union-attr]
    c = results[0]
    print(f"combined: thresholds picked on each half of the distractors ({c['n_half']} each, at most {c['pick_fpr']:.2%} "
          f"false matches) and shipped as their minimum: false matches {c['false_match_rate']:.5f} on all "
          f"{n_neg}, {c['false_match_rate_halves']} on each half; one half's own pick {c['one_half_pick']} "
          f"gives {c['one_half_pick_held_out']:.5f} on the other half, held out")
    print(f"thumbnail-nearest candidates: radius {c['nearest_radius']} (photoindex.NEAREST_RADIUS, -1: none), geometric "
          f"minima {c['nearest']}")
    s = results[3]
    print(f"combined at scale: the combined matcher once the index holds more than 65,536 hashes and looks them "
          f"up by multi-index hashing; false matches {s['false_match_rate']} on all distractors, "
          f"{s.get('false_match_rate_halves')} on each half")
    print(json.dumps({"bench": "hash_robustness", "fpr_target": FPR_TARGET, "n_index": n_index, "n_distractors": n_neg,
                      "n_positives": len(data["pos"]), "seconds": round(secs), "results": results}))


if __name__ == "__main__":
    main()
