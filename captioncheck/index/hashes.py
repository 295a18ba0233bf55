"""Perceptual hashes of a photo, for indexing and for look-ups.

Every photo is stored with:

* PDQ (256 bits, with its quality 0..100) of the whole image and of 48 *crop windows*
  (sub-rectangles at 95% of each side in the corners and centre, at 90% and 85% on a 3x3 grid
  of offsets and at 80% on a 5x5 grid). A page image that is a crop of a known photo is close to one of the
  windows of that photo: this is our crop-tolerant signal (measured in bench/hash_robustness.py;
  imagehash's crop_resistant_hash took ~220 ms per image here, ~100x a PDQ hash, so it was not
  used).
* an *aux* verification hash next to each PDQ hash (dHash + pHash of the same region's 64x64
  thumbnail, 128 bits): a candidate's distance is PDQ + 2 x aux bits (0..512), which separates
  copies from coincidences far better than PDQ alone (docs/index.md).
* pHash, dHash and wHash (64 bits each, imagehash) of the whole image, for export and baselines.
* a colour thumbnail (`thumb`: 32x32 YCbCr, kind "thumb"), never searched: fetched for the candidates whose pairs
  need verification (captioncheck.index.verify); every query view gets its own (QueryHash.thumb).
* up to 256 ORB keypoints with their descriptors (kind "orb", captioncheck.index.geometry), never searched: fetched
  for the candidates whose pairs need geometric verification; a query computes its own only then. None when OpenCV
  (the `geometry` extra) is not installed.

A query image is hashed as a few *regions* (the whole image; the image with flat borders trimmed;
the largest textured block, which strips letterboxes, page margins and browser chrome around a
screenshot), each also mirrored left-right. A match is the smallest combined distance between any query
hash and any stored hash of a photo.

Images are reduced to at most WORK_SIDE pixels before hashing (PDQ downsamples to 64x64 anyway).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from captioncheck._exceptions import InputError
from captioncheck.index import geometry

WORK_SIDE = 512  # queries: a photo inside a screenshot keeps enough pixels
INDEX_SIDE = 256  # stored photos: the smallest crop window still has 200 px for PDQ's 64x64 buffer
MAX_PIXELS = 120_000_000
PDQ_BYTES = 32
SMALL_BYTES = 8
AUX_BYTES = 16
# (name, left, top, width, height) as fractions of the photo: the crop-tolerant windows. 95% of
# each side in the corners and centre; 90% and 85% on a 3x3 grid of offsets; 80% on a 5x5 grid
# (a 20% crop can sit anywhere in a 20% range of offsets: the finer grid keeps every crop within
# 2.5% of a window). Names: c<size>_<row><column> on that size's grid.
def _windows() -> tuple[tuple[str, float, float, float, float], ...]:
    out = []
    for size, n in ((0.95, 3), (0.9, 3), (0.85, 3), (0.8, 5)):
        for r in range(n):
            for c in range(n):
                if size == 0.95 and (r == 1) != (c == 1):
                    continue  # 95%: corners and centre only
                step = (1 - size) / (n - 1)
                out.append((f"c{round(size * 100)}_{r}{c}", c * step, r * step, size, size))
    return tuple(out)


CROP_WINDOWS = _windows()
SMALL_KINDS = ("phash", "dhash", "whash")


@dataclass(frozen=True)
class HashRow:
    """One stored hash of a photo: kind ("pdq", "phash", ...), variant ("full", "c90m", ...)."""

    kind: str
    variant: str
    bits: bytes
    quality: int | None = None


@dataclass(frozen=True)
class QueryHash:
    """One hash of a query region: transform "", "mirror", "rot90/180/270" or "tilt+-5"; kind "pdq" (PDQ +
    aux) or "smooth" (layout + colour, see `smooth`; only for images of low PDQ quality)."""

    region: str
    transform: str
    bits: bytes
    quality: int  # PDQ quality of the region
    aux: bytes = b""  # dHash + pHash of the region (see `aux`), or the colour half of a smooth hash
    kind: str = "pdq"
    thumb: bytes = b""  # the region's colour thumbnail, as turned as the hash (see `thumb`); b"": none


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes | Image.Image) -> Image.Image:
    """Decode bytes (or take a PIL image) into an upright RGB image at most WORK_SIDE on a side."""
    return decode_sized(data, WORK_SIDE)[0]


def decode_sized(data: bytes | Image.Image, side: int, slack: float = 1.0) -> tuple[Image.Image, tuple[int, int]]:
    """An upright RGB image at most `side` x `slack` pixels on a side, and the upright size of the original.

    JPEGs are decoded at reduced scale (draft) when the result still has `side` pixels on its long side.
    """
    if isinstance(data, Image.Image):
        img, orientation = data, 1
        size = img.size
    else:
        try:
            img = Image.open(io.BytesIO(data))
            size = img.size
            if size[0] * size[1] > MAX_PIXELS:
                raise InputError(f"image too large ({size[0]}x{size[1]}); resize it below {MAX_PIXELS} pixels")
            w, h = size
            img.draft("RGB", (max(1, side * w // max(w, h)), max(1, side * h // max(w, h))))
            img.load()
            orientation = img.getexif().get(0x0112, 1)
        except InputError:
            raise
        except Exception as exc:  # PIL raises many types on bad data
            raise InputError(f"cannot decode image ({exc.__class__.__name__}: {exc}); give a JPEG/PNG/WebP/GIF file") from exc
    if orientation != 1:
        img = ImageOps.exif_transpose(img)
        if orientation in (5, 6, 7, 8):
            size = (size[1], size[0])
    if img.mode != "RGB":
        img = _flatten(img)
    if max(img.size) > side * slack:
        img = img.copy()
        img.thumbnail((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return img, size


def _flatten(img: Image.Image) -> Image.Image:
    """Any mode -> RGB; transparent areas on white, or on black when what is opaque is light.

    A browser shows a transparent image on the page's colour, usually white; but light content (white
    shapes, a white logo made for dark pages) flattened on white leaves a blank page that looks like
    every other blank image, with the picture only in its alpha channel. So the background is the
    one that contrasts with the opaque content: black when its alpha-weighted mean luma is light
    (over 127.5), else white; the same rule at index and query time, so a copy of the same
    transparent file is flattened the same way."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        small = rgba.copy()
        small.thumbnail((64, 64), Image.Resampling.BOX)  # the weighted mean needs no more pixels
        arr = np.asarray(small, np.float32)
        alpha = arr[..., 3]
        light = float((arr[..., :3] @ _LUMA * alpha).sum()) > 127.5 * float(alpha.sum()) if alpha.sum() else False
        bg = Image.new("RGB", rgba.size, (0, 0, 0) if light else (255, 255, 255))
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    return img.convert("RGB")


def luma(img: Image.Image) -> np.ndarray:
    """PDQ's luminance (0.299 R + 0.587 G + 0.114 B) of an RGB image, float32."""
    rgb = np.asarray(img, dtype=np.float32)
    return np.ascontiguousarray(rgb @ _LUMA)


_LUMA = np.array([0.299, 0.587, 0.114], np.float32)
# PDQ's DCT: frequencies 1..16 of 64 samples (the constant term is left out)
_DCT16 = np.cos(np.pi / 128 * np.outer(np.arange(1, 17), 2 * np.arange(64) + 1)).astype(np.float32)
# aux: dHash compares neighbours of a 9x8 area average; pHash thresholds the 8x8 lowest DCT-II frequencies of a
# 32x32 area average at their median (imagehash's definitions), both computed from PDQ's 64x64 buffer


@functools.lru_cache(maxsize=1024)
def _axis_op(n: int) -> np.ndarray:
    """PDQ's downsampling of one axis of length n to 64 samples, as a (64, n) matrix.

    The reference (ThreatExchange pdqhashing) runs two passes of a box filter of ceil(n/128)
    samples (Jarosz: a tent filter) and keeps samples int((i + 0.5) n / 64); being linear and
    separable, that is one matrix per axis, so a window of any image is M_h @ luma @ M_w.T.
    """
    w = (n + 127) // 128
    half = (w + 2) // 2
    k = np.arange(n)
    lo, hi = np.maximum(0, k - (w - half)), np.minimum(n, k + half)
    box = ((k[None, :] >= lo[:, None]) & (k[None, :] < hi[:, None])) / (hi - lo)[:, None]
    keep = ((np.arange(64) + 0.5) * n / 64).astype(np.int64)
    return np.ascontiguousarray((box[keep] @ box).astype(np.float32))


@functools.lru_cache(maxsize=1)
def _aux_ops() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    def area(m: int) -> np.ndarray:  # (m, 64): average of the 64 samples falling in each of m cells
        edges = np.linspace(0, 64, m + 1)
        x = np.arange(65)
        cover = np.clip(np.minimum(x[1:], edges[1:, None]) - np.maximum(x[:-1], edges[:-1, None]), 0, None)
        return (cover / cover.sum(axis=1, keepdims=True)).astype(np.float32)

    dct32 = np.cos(np.pi / 64 * np.outer(np.arange(8), 2 * np.arange(32) + 1))  # DCT-II, frequencies 0..7 of 32
    return area(8), area(9), (dct32 @ area(32)).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """BLAS on one thread: these products are small, and OpenBLAS's threads made them 4-5x slower on a
    busy 2-core machine (measured: 49 windows 24 ms -> 3 ms); parallelism comes from processes instead."""
    return _blas().limit(limits=1, user_api="blas")


def pdq_buffers(lum: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    """PDQ's 64x64 downsampled buffer of each box (left, top, right, bottom) of a luma array: (k, 64, 64).

    Windows sharing rows share the first product, so 49 windows cost about 15 row products.
    """
    with one_blas_thread():
        return _pdq_buffers(lum, boxes)


def _pdq_buffers(lum: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    out = np.empty((len(boxes), 64, 64), np.float32)
    rows: dict[tuple[int, int], np.ndarray] = {}
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        r = rows.get((y0, y1))
        if r is None:
            r = rows[(y0, y1)] = _axis_op(y1 - y0) @ lum[y0:y1]
        out[i] = r[:, x0:x1] @ _axis_op(x1 - x0).T
    return out


@dataclass(frozen=True)
class Hashed64:
    """PDQ bits (k, 32), quality (k,) and aux bits (k, 16) of k 64x64 buffers."""

    pdq: np.ndarray
    quality: np.ndarray
    aux: np.ndarray


def hash_buffers(buf: np.ndarray) -> Hashed64:
    """PDQ (bit-exact with the reference on the same buffer) and the aux hash of each 64x64 buffer, vectorised."""
    with one_blas_thread():
        return _hash_buffers(buf)


def _hash_buffers(buf: np.ndarray) -> Hashed64:
    k = len(buf)
    q_rows = np.abs(np.trunc((buf[:, :-1] - buf[:, 1:]) * (100 / 255))).sum(axis=(1, 2))
    q_cols = np.abs(np.trunc((buf[:, :, :-1] - buf[:, :, 1:]) * (100 / 255))).sum(axis=(1, 2))
    quality = np.minimum(100, (q_rows + q_cols).astype(np.int64) // 90)
    coef = (_DCT16 @ buf @ _DCT16.T).reshape(k, 256)
    median = np.partition(coef, 127, axis=1)[:, 127:128]  # the lower median, as PDQ's Torben median
    pdq_bits = np.packbits((coef > median)[:, ::-1], axis=1)  # bit 255 first: pdqhash's order
    a8, a9, p8 = _aux_ops()
    small = a8 @ buf @ a9.T  # (k, 8, 9)
    d_bits = (small[:, :, 1:] > small[:, :, :-1]).reshape(k, 64)
    low = (p8 @ buf @ p8.T).reshape(k, 64)
    p_bits = low > np.median(low, axis=1, keepdims=True)
    aux_bits = np.packbits(np.hstack([d_bits, p_bits]), axis=1)
    return Hashed64(pdq_bits, quality, aux_bits)


def pdq(img: Image.Image) -> tuple[bytes, int]:
    """PDQ hash (32 bytes, big-endian bit order, as pdqhash) and quality (0..100) of an RGB image."""
    lum = luma(img)
    h = hash_buffers(pdq_buffers(lum, [(0, 0, lum.shape[1], lum.shape[0])]))
    return h.pdq[0].tobytes(), int(h.quality[0])


def small_hashes(img: Image.Image) -> dict[str, bytes]:
    """pHash, dHash and wHash (64 bits each) of the whole image, for export and baselines."""
    lum = luma(img)
    buf = pdq_buffers(lum, [(0, 0, lum.shape[1], lum.shape[0])])
    return _small(buf[0], hash_buffers(buf).aux[0].tobytes())


def _small(buf: np.ndarray, aux_bits: bytes) -> dict[str, bytes]:
    """dHash and pHash as imagehash defines them (the halves of the aux hash) and wHash: imagehash's
    default Haar wHash with the image mean removed reduces to 8x8 block means against their median."""
    a8 = _aux_ops()[0]
    blocks = (a8 @ buf @ a8.T).ravel()
    whash = np.packbits(blocks > np.median(blocks)).tobytes()
    return {"phash": aux_bits[8:], "dhash": aux_bits[:8], "whash": whash}


def aux(img: Image.Image) -> bytes:
    """The verification hash of a region: dHash then pHash (64 bits each) of its PDQ 64x64 buffer.

    Gradients (dHash) and low frequencies (pHash) fail differently from PDQ, so requiring all
    three to agree removes most coincidental PDQ matches (measured: bench/hash_robustness.py).
    """
    lum = luma(img)
    return hash_buffers(pdq_buffers(lum, [(0, 0, lum.shape[1], lum.shape[0])])).aux[0].tobytes()


def window_box(size: tuple[int, int], left: float, top: float, width: float, height: float) -> tuple[int, int, int, int]:
    w, h = size
    return round(left * w), round(top * h), round((left + width) * w), round((top + height) * h)


def window(img: Image.Image, left: float, top: float, width: float, height: float) -> Image.Image:
    return img.crop(window_box(img.size, left, top, width, height))


def index_hashes(img: Image.Image) -> list[HashRow]:
    """Every hash stored for a photo: PDQ + aux of the whole and of each crop window, plus small hashes.

    All 49 regions are cut from one luma array at most INDEX_SIDE on a side and hashed together.
    """
    if max(img.size) > INDEX_SIDE * 3 // 2:  # PDQ's filter adapts to any size: only much larger images are reduced
        img = img.copy()
        img.thumbnail((INDEX_SIDE, INDEX_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    names = ["full", *(w[0] for w in CROP_WINDOWS)]
    boxes = [(0, 0, *img.size), *(window_box(img.size, *w[1:]) for w in CROP_WINDOWS)]
    bufs = pdq_buffers(luma(img), boxes)
    h = hash_buffers(bufs)
    rows = []
    for i, name in enumerate(names):
        rows += [HashRow("pdq", name, h.pdq[i].tobytes(), int(h.quality[i])), HashRow("aux", name, h.aux[i].tobytes())]
    rows.extend(HashRow(kind, "full", bits) for kind, bits in _small(bufs[0], h.aux[0].tobytes()).items())
    rows.append(HashRow(THUMB_KIND, "full", thumb(img).tobytes()))
    features = geometry.encode(img)
    if features is not None:
        rows.append(HashRow(geometry.FEATURE_KIND, "full", features))
    if h.quality[0] < SMOOTH_QUALITY:
        ycc = img.convert("YCbCr")  # converted once: every smooth grid is a box average of a window of it
        whole = _smooth_grid(ycc)
        if not blank(whole, BLANK_STORED):  # a blank photo gets no smooth hash at all, of the whole or of windows
            for variant, frac in ((SMOOTH_VARIANT, None), (SMOOTH_CENTRE, CENTRE_90), *SMOOTH_WINDOWS):
                grid = whole if frac is None else _smooth_grid(ycc, window_box(img.size, *frac))
                if blank(grid, BLANK_STORED):
                    continue
                layout, colour = _smooth_bits(grid)
                rows += [HashRow("pdq", variant, layout, int(h.quality[0])), HashRow("aux", variant, colour)]
    return rows


THUMB_KIND = "thumb"  # stored kind of a photo's colour thumbnail (variant "full"): fetched per candidate, never searched
THUMB_SIDE = 32  # its grid: THUMB_SIDE x THUMB_SIDE cells of Y, Cb, Cr (uint8), THUMB_BYTES in all
THUMB_BYTES = THUMB_SIDE * THUMB_SIDE * 3


def thumb(img: Image.Image, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """The colour thumbnail of an image (or of a box of it): area averages on a THUMB_SIDE grid, YCbCr, uint8
    (THUMB_SIDE, THUMB_SIDE, 3). What the hashes cannot see (PDQ, dHash and pHash read luma, normalised for
    contrast): colour and coarse layout, compared with a query's own (captioncheck.index.verify)."""
    small = img.resize((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BOX, box=box)
    return np.asarray(small.convert("YCbCr"), np.uint8)


SMOOTH_QUALITY = 50  # PDQ quality under which a photo also gets a smooth hash (PDQ's own gate)
SMOOTH_VARIANT = "smooth"  # variant of the smooth hash of the whole photo
SMOOTH_CENTRE = "smooth_centre"  # variant: the smooth hash of the centred 90% window, for straightened queries
CENTRE_90 = (0.05, 0.05, 0.9, 0.9)  # what a photo tilted by 5 degrees keeps once straightened (87-92% of each side)
# Smooth hashes of sub-rectangles of a low-quality photo, for copies that lost part of it: crops (80% and 90% of
# each side on a 3x3 grid of offsets; the centred 90% is SMOOTH_CENTRE) and a full-width band at the top or bottom
# (BAND of the height), which a query compares with its own bands: a caption strip, a ticker or a title burnt
# across the top or bottom of a sky leaves the other band as it was. Names: smooth_c<size>_<row><column>,
# smooth_top, smooth_bottom.
BAND = 0.8
SMOOTH_BANDS = {"band_top": ("smooth_top", (0.0, 0.0, 1.0, BAND)), "band_bottom": ("smooth_bottom", (0.0, 1 - BAND, 1.0, BAND))}
SMOOTH_WINDOWS: tuple[tuple[str, tuple[float, float, float, float]], ...] = (
    *((f"smooth_c{round(size * 100)}_{r}{c}", (c * (1 - size) / 2, r * (1 - size) / 2, size, size))
      for size in (0.9, 0.8) for r in range(3) for c in range(3) if (size, r, c) != (0.9, 1, 1)),
    *SMOOTH_BANDS.values(),
)
# A 16x16 YCbCr grid whose spread (root of the summed variances of Y, Cb and Cr, of 255) is below these is
# *blank*: a white page with a faint mark, a dark sky, an empty backdrop (measured 0.2-4.5; the low-texture photos
# and gradients of bench/hash_robustness.py 7.6 and up, a colour gradient of even luma 13-30). It looks like every
# other blank image (such distractors were the nearest of every smooth false match), so it gets no smooth hash and
# is found by its bytes (or PDQ) only. A query is allowed a little less spread (a lower-contrast copy).
BLANK_STORED = 5.0
BLANK_QUERY = 4.0


def blank(grid: np.ndarray, min_std: float) -> bool:
    """Whether a smooth grid (16x16 YCbCr) has too little spread for its layout and colours to tell it from others."""
    return float(np.sqrt(grid.reshape(-1, 3).var(axis=0).sum())) < min_std
_COLOUR_LEVELS = 256 * np.arange(1, 11) / 11  # thermometer code: one bit per level a mean colour exceeds


def smooth(img: Image.Image) -> tuple[bytes, bytes]:
    """The hash of an image with little texture (sky, fog, a gradient, a dark scene), where PDQ's
    bits are mostly noise (its median threshold falls among near-zero frequencies).

    256 layout bits: which cells of a 16x16 area-averaged luma grid are brighter than its mean
    (stable under re-encoding, resizing and any brightness/contrast change); 128 colour bits: the
    mean Y, Cb and Cr of each quarter, each as a 10-level thermometer code (Hamming distance grows
    with the colour difference, one bit per 23 levels; 8 bits unused), which tells apart two
    gradients running the same way in different colours. Stored next to PDQ as variant "smooth".
    """
    return _smooth_bits(_smooth_grid(img))


def _smooth_grid(img: Image.Image, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """16x16 YCbCr area averages of an image (or of a box of it)."""
    ycc = img if img.mode == "YCbCr" else img.convert("YCbCr")
    return np.asarray(ycc.resize((16, 16), Image.Resampling.BOX, box=box), np.float32)


def _smooth_bits(grid: np.ndarray) -> tuple[bytes, bytes]:
    y = grid[..., 0]
    layout = np.packbits(y > y.mean()).tobytes()
    quarters = grid.reshape(2, 8, 2, 8, 3).mean(axis=(1, 3)).reshape(12)
    colour = np.packbits(np.concatenate([(quarters[:, None] > _COLOUR_LEVELS).ravel(), np.zeros(8, bool)])).tobytes()
    return layout, colour


@dataclass(frozen=True)
class ImageHashes:
    """What the index stores for one image's bytes."""

    sha256: str
    size: int  # bytes
    width: int  # pixels, upright
    height: int
    rows: list[HashRow]


def hash_image(data: bytes) -> ImageHashes:
    """Decode one image's bytes at the size hashing needs (JPEG draft) and compute every stored hash.

    The fast path for ingest (index add, archive ingestion): raises InputError on undecodable data.
    """
    img, (width, height) = decode_sized(data, INDEX_SIDE, 1.5)
    return ImageHashes(sha256(data), len(data), width, height, index_hashes(img))


def query_hashes(img: Image.Image) -> list[QueryHash]:
    """Hashes of a query: PDQ + aux of each region (duplicates skipped) as is and mirrored, the whole
    image also turned by 90, 180 and 270 degrees and straightened by +-TILT degrees (inner rectangle
    kept); and the smooth hash of the same regions (none of a blank one), mirrored, turned and straightened."""
    lum = luma(img)
    views: list[tuple[str, str, np.ndarray]] = []
    seen: set[tuple[int, int, int, int]] = set()
    boxes = query_regions(img)
    for region, (x0, y0, x1, y1) in boxes.items():
        if (x0, y0, x1, y1) in seen:
            continue
        seen.add((x0, y0, x1, y1))
        part = lum[y0:y1, x0:x1]
        views += [(region, "", part), (region, "mirror", part[:, ::-1])]
        if region == "full":
            views += [(region, f"rot{90 * k}", np.rot90(part, k)) for k in (1, 2, 3)]
            views += [(region, f"tilt{a:+g}", _straighten(part, a)) for a in (TILT, -TILT)]
    bufs = np.stack([pdq_buffers(np.ascontiguousarray(v), [(0, 0, v.shape[1], v.shape[0])])[0] for _, _, v in views])
    h = hash_buffers(bufs)
    small = turn_copy(img)
    thumbs = query_thumbs(img, small, boxes)
    out = [QueryHash(r, t, h.pdq[i].tobytes(), int(h.quality[i]), h.aux[i].tobytes(), thumb=thumbs.get((r, t), b""))
           for i, (r, t, _) in enumerate(views)]
    # smooth hashes of each region (as is, mirrored; the whole image also turned), for stored photos of low quality
    regions = {q.region: q.quality for q in out if not q.transform}
    ycc = img.convert("YCbCr")  # once: every grid is a box average of part of it
    for region, box in boxes.items():
        if region not in regions:
            continue
        grid = _smooth_grid(ycc, box)
        if blank(grid, BLANK_QUERY):
            continue
        turns = [("", grid), ("mirror", grid[:, ::-1])]
        if region == "full":
            turns += [(f"rot{90 * k}", np.rot90(grid, k)) for k in (1, 2, 3)]
            for transform, (_, frac) in SMOOTH_BANDS.items():  # a strip burnt across the other end is left out
                band = _smooth_grid(ycc, window_box(img.size, *frac))
                if not blank(band, BLANK_QUERY):
                    turns.append((transform, band))
            turns += [(f"tilt{a:+g}", _smooth_grid(_straightened(small, a))) for a in (TILT, -TILT)]
        for transform, g in turns:
            layout, colour = _smooth_bits(np.ascontiguousarray(g))
            out.append(QueryHash(region, transform, layout, regions[region], colour, kind="smooth",
                                 thumb=thumbs.get((region, transform), b"")))
    return out


def turn_copy(img: Image.Image) -> Image.Image:
    """The reduced copy (SMOOTH_TURN_SIDE) that turned and straightened grids are taken from: they need no more
    than a few pixels a cell, and turning a 512-px image took 10x longer."""
    small = img.copy()
    small.thumbnail((SMOOTH_TURN_SIDE, SMOOTH_TURN_SIDE), Image.Resampling.BOX)
    return small


def query_thumbs(img: Image.Image, small: Image.Image, boxes: dict[str, tuple[int, int, int, int]]) -> dict[tuple[str, str], bytes]:
    """(region, transform) -> the colour thumbnail (`thumb`) of each view query_hashes hashes: every region as is
    and mirrored, the whole image also turned, straightened (from `small`, a reduced copy) and its top and bottom bands."""
    out: dict[tuple[str, str], bytes] = {}
    for region, box in boxes.items():
        grid = thumb(img, box)
        out[(region, "")], out[(region, "mirror")] = grid.tobytes(), np.ascontiguousarray(grid[:, ::-1]).tobytes()
        if region == "full":
            out.update(((region, f"rot{90 * k}"), np.ascontiguousarray(np.rot90(grid, k)).tobytes()) for k in (1, 2, 3))
            out.update(((region, t), thumb(img, window_box(img.size, *frac)).tobytes()) for t, (_, frac) in SMOOTH_BANDS.items())
            out.update(((region, f"tilt{a:+g}"), thumb(_straightened(small, a)).tobytes()) for a in (TILT, -TILT))
    return out


SMOOTH_TURN_SIDE = 128  # pixels: the straightened smooth hashes are computed from a copy this size (grids of smooth
# images within 1 level of those of the 512-px image, measured; 15 ms less per look-up)
TILT = 5.0  # degrees: a photo turned slightly (and cropped or filled at the corners) is turned back by this


def _straighten(lum: np.ndarray, angle: float) -> np.ndarray:
    """`_straightened` of a luma array."""
    return np.asarray(_straightened(Image.fromarray(lum, "F"), angle), np.float32)


def _straightened(img: Image.Image, angle: float) -> Image.Image:
    """The image turned by `angle` degrees, cut to the largest centred rectangle of the same shape that
    holds no corner filled by the turn (what a photo tilted by -angle looks like upright). Luma for PDQ,
    RGB for the smooth hash, which needs colour."""
    w, h = img.size
    t = np.radians(abs(angle))
    s = min(w / (w * np.cos(t) + h * np.sin(t)), h / (w * np.sin(t) + h * np.cos(t)))
    cw, ch = max(1, round(w * s)), max(1, round(h * s))
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    return img.rotate(angle, resample=Image.Resampling.BILINEAR).crop((x0, y0, x0 + cw, y0 + ch))


def query_regions(img: Image.Image) -> dict[str, tuple[int, int, int, int]]:
    """Boxes to hash for a query: whole image, flat borders trimmed, largest textured block."""
    w, h = img.size
    regions = {"full": (0, 0, w, h)}
    grey = np.asarray(img.convert("L"), dtype=np.float32)
    trimmed = _trim_flat_borders(grey)
    if trimmed is not None:
        regions["trim"] = trimmed
    block = _content_block(grey)
    if block is not None:
        regions["block"] = block
    return regions


def _flat(lines: np.ndarray, tol: float = 6.0) -> np.ndarray:
    """Which rows of a 2-D array are (almost) one flat colour."""
    return (lines.max(axis=1) - lines.min(axis=1)) <= tol * 2


def _trim_flat_borders(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """Box without flat borders (padding, letterbox bars), or None when there are none worth cutting.

    A border is a run of flat lines from an edge inwards, all of the colour of the outermost line. Lines that are
    merely flat do not count: every row (or column) of a smooth gradient is flat, each of another shade."""
    h, w = grey.shape
    top, bottom = _border(grey), _border(grey[::-1])
    left, right = _border(grey.T), _border(grey.T[::-1])
    if top + bottom >= h - 1 or left + right >= w - 1:
        return None  # all border: a flat image
    return _accept((left, top, w - right, h - bottom), grey.shape)


def _border(lines: np.ndarray, tol: float = 6.0) -> int:
    """How many lines (rows of `lines`, from the first) are flat and of the first line's shade."""
    same = _flat(lines, tol) & (np.abs(lines.mean(axis=1) - lines[0].mean()) <= tol / 2)
    return int(np.argmin(same)) if not same.all() else len(lines)


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    """Start and end (exclusive) of the longest run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[0::2], edges[1::2]
    if starts.size == 0:
        return 0, 0
    i = int(np.argmax(ends - starts))
    return int(starts[i]), int(ends[i])


def _content_block(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """The largest block of textured rows, then of textured columns within it.

    Rows of a photo vary, or (a smooth photo) are flat in a shade other than the page's; the page background,
    margins and the gaps between text lines and toolbars are flat in the page's shade (the median of the image's
    outermost pixels). This finds a photo inside a screenshot of a page.
    """
    ring = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    page = float(np.median(ring))  # the page's shade: what surrounds the photo

    def content(lines: np.ndarray) -> np.ndarray:  # textured, or flat in a shade other than the page's (a smooth photo)
        return ~_flat(lines, tol=10.0) | (np.abs(lines.mean(axis=1) - page) > 10.0)

    top, bottom = _longest_run(content(grey))
    if bottom - top < 16:
        return None
    band = grey[top:bottom]
    left, right = _longest_run(content(band.T))
    if right - left < 16:
        return None
    return _accept((left, top, right, bottom), grey.shape)


def _accept(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """Keep a box only when it removes something and is still a sizeable part of the image."""
    h, w = shape[0], shape[1]
    bw, bh = box[2] - box[0], box[3] - box[1]
    if (bw, bh) == (w, h) or bw < 32 or bh < 32 or bw * bh < 0.1 * w * h:
        return None
    return box


def hamming(a: bytes, b: bytes) -> int:
    return int(np.unpackbits(np.frombuffer(a, np.uint8) ^ np.frombuffer(b, np.uint8)).sum())


__all__ = [
    "AUX_BYTES", "BAND", "BLANK_QUERY", "BLANK_STORED", "CENTRE_90", "CROP_WINDOWS", "INDEX_SIDE", "SMOOTH_BANDS", "SMOOTH_CENTRE", "SMOOTH_QUALITY", "SMOOTH_VARIANT", "SMOOTH_WINDOWS", "THUMB_BYTES", "THUMB_KIND", "THUMB_SIDE", "TILT", "WORK_SIDE", "HashRow", "Hashed64", "ImageHashes", "QueryHash",
    "aux", "blank", "decode", "decode_sized", "hamming", "hash_buffers", "hash_image", "index_hashes", "luma", "pdq",
    "pdq_buffers", "query_hashes", "query_regions", "query_thumbs", "sha256", "small_hashes", "smooth", "thumb", "turn_copy",
]
