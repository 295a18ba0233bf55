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

A query image is hashed as a few *regions* (the whole image; the image with flat borders trimmed;
the largest textured block, which strips letterboxes, page margins and browser chrome around a
screenshot), each also mirrored left-right. A match is the smallest combined distance between any query
hash and any stored hash of a photo.

Images are reduced to at most WORK_SIDE pixels before hashing (PDQ downsamples to 64x64 anyway).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from captioncheck._exceptions import InputError

WORK_SIDE = 512
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
    """One PDQ hash of a query region; transform is "" or "mirror"."""

    region: str
    transform: str
    bits: bytes
    quality: int
    aux: bytes = b""  # dHash + pHash of the region (see `aux`)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes | Image.Image) -> Image.Image:
    """Decode bytes (or take a PIL image) into an upright RGB image at most WORK_SIDE on a side."""
    if isinstance(data, Image.Image):
        img = data
    else:
        try:
            img = Image.open(io.BytesIO(data))
            if img.width * img.height > MAX_PIXELS:
                raise InputError(f"image too large ({img.width}x{img.height}); resize it below {MAX_PIXELS} pixels")
            img.draft("RGB", (WORK_SIDE, WORK_SIDE))
            img.load()
        except InputError:
            raise
        except Exception as exc:  # PIL raises many types on bad data
            raise InputError(f"cannot decode image ({exc.__class__.__name__}: {exc}); give a JPEG/PNG/WebP/GIF file") from exc
    img = ImageOps.exif_transpose(img) if not isinstance(data, Image.Image) else img
    if img.mode != "RGB":
        img = _flatten(img)
    if max(img.size) > WORK_SIDE:
        img = img.copy()
        img.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return img


def _flatten(img: Image.Image) -> Image.Image:
    """Any mode -> RGB, transparent areas on white (how a browser shows them)."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGB", rgba.size, (255, 255, 255))
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    return img.convert("RGB")


def pdq(img: Image.Image) -> tuple[bytes, int]:
    """PDQ hash (32 bytes, big-endian bit order) and quality (0..100) of an RGB image."""
    import pdqhash

    vec, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(img, dtype=np.uint8)))
    return np.packbits(vec.astype(np.uint8)).tobytes(), int(quality)


def small_hashes(img: Image.Image) -> dict[str, bytes]:
    """pHash, dHash and wHash (64 bits each) of the whole image."""
    import imagehash

    grey = img.convert("L")
    funcs = {"phash": imagehash.phash, "dhash": imagehash.dhash, "whash": imagehash.whash}
    return {k: np.packbits(funcs[k](grey).hash.flatten().astype(np.uint8)).tobytes() for k in SMALL_KINDS}


def aux(img: Image.Image) -> bytes:
    """The verification hash of a region: dHash then pHash (64 bits each) of its 64x64 grey thumbnail.

    Gradients (dHash) and low frequencies (pHash) fail differently from PDQ, so requiring all
    three to agree removes most coincidental PDQ matches (measured: bench/hash_robustness.py).
    """
    import imagehash

    grey = img.convert("L").resize((64, 64), Image.Resampling.BILINEAR)
    return b"".join(np.packbits(f(grey).hash.flatten().astype(np.uint8)).tobytes() for f in (imagehash.dhash, imagehash.phash))


def window(img: Image.Image, left: float, top: float, width: float, height: float) -> Image.Image:
    w, h = img.size
    box = (round(left * w), round(top * h), round((left + width) * w), round((top + height) * h))
    return img.crop(box)


def index_hashes(img: Image.Image) -> list[HashRow]:
    """Every hash stored for a photo: PDQ of the whole and of each crop window, plus small hashes."""
    rows = []
    for name, x, y, w, h in (("full", 0.0, 0.0, 1.0, 1.0), *CROP_WINDOWS):
        part = img if name == "full" else window(img, x, y, w, h)
        bits, q = pdq(part)
        rows += [HashRow("pdq", name, bits, q), HashRow("aux", name, aux(part))]
    rows.extend(HashRow(kind, "full", bits) for kind, bits in small_hashes(img).items())
    return rows


def query_hashes(img: Image.Image) -> list[QueryHash]:
    """PDQ of each query region and of its mirror image (duplicate regions skipped)."""
    out: list[QueryHash] = []
    seen: set[tuple[int, int, int, int]] = set()
    for region, box in query_regions(img).items():
        if box in seen:
            continue
        seen.add(box)
        part = img.crop(box)
        for transform, im in (("", part), ("mirror", part.transpose(Image.Transpose.FLIP_LEFT_RIGHT))):
            bits, quality = pdq(im)
            out.append(QueryHash(region, transform, bits, quality, aux(im)))
    return out


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
    """Box without flat borders (padding, letterbox), or None when there are none worth cutting."""
    rows = np.flatnonzero(~_flat(grey))
    cols = np.flatnonzero(~_flat(grey.T))
    if rows.size == 0 or cols.size == 0:
        return None
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    return _accept(box, grey.shape)


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

    Rows of a photo vary; the page background, margins and the gaps between text lines and
    toolbars do not. This finds a photo inside a screenshot of a page.
    """
    busy_rows = ~_flat(grey, tol=10.0)
    top, bottom = _longest_run(busy_rows)
    if bottom - top < 16:
        return None
    band = grey[top:bottom]
    left, right = _longest_run(~_flat(band.T, tol=10.0))
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
    "AUX_BYTES", "CROP_WINDOWS", "HashRow", "aux", "QueryHash", "decode", "hamming", "index_hashes", "pdq",
    "query_hashes", "query_regions", "sha256", "small_hashes",
]
