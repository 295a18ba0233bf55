"""Verification of a candidate pair on colour thumbnails: do the two pictures agree in layout and colour?

PDQ, dHash and pHash read luma only, normalised for contrast, so two gradients of other colours, or two charts of
one template, can lie as close as a true copy does (docs/index.md, "Which distractors match what"). Every stored
photo keeps a small colour thumbnail (hashes.thumb: 32x32 YCbCr, kind "thumb"), and so does every view of a query
(QueryHash.thumb). A pair a little beyond its class's threshold (photoindex.THRESHOLDS) but within its generous
radius (photoindex.VERIFIED) is accepted only when, on the stored thumbnail cut to the matched window's box and the
query's own, both resampled to one GRID x GRID grid:

* layout: the correlation of mean-removed luma, over the cells left once the TRIM share that differ most is set
  aside (a burnt-in caption, a logo, a watermark), is at least VERIFY["layout"] (a brightness or contrast change
  keeps it); or, where VERIFY["band"] is set, the best such correlation once a whole band of BAND_ROWS grid rows is
  set aside first, at any height, is at least VERIFY["band"]: a caption band, a ticker, a watermark's line of text
  or meme text changes a band of rows, more cells than TRIM leaves out (and the luma's mean and spread with them),
  while an other picture differs all over; where VERIFY["band_levels"] is set (the low-texture family), the band
  counts only when the cells outside it also keep their levels: the mean and spread of their luma within
  LEVEL_TOL and SPREAD_TOL of the stored photo's. An overlay changes the band and leaves the rest of a copy as it
  was, while another gradient of the same direction correlates as well once normalised but not at the same levels;
* colour: the share of cells whose chroma (Cb, Cr) agrees within COLOUR_TOL, once the query's chroma is scaled to
  the stored one's (saturation, brightness and contrast changes scale it), is at least VERIFY["colour"]. A grey
  query (a greyscale copy, or a grey picture) has no colour to compare: it needs the stricter VERIFY["grey_layout"]
  instead (tiles of two grey wallpapers agreed in everything else).
* colour close: where VERIFY["close_colour"] is set (the low-texture family), a coloured query whose colour agrees
  on at least that share of cells needs only VERIFY["close_layout"] of layout: a low-texture copy cropped between
  the stored windows keeps its colours cell for cell while its layout moves a little (0.97-0.99), whereas the other
  gradients that come as close in layout differ in colour (on the bench's distractors none within the verified
  radii had both).

Each family of classes has its own parameters: textured photos (full, window, mid_*), whose copies keep their
layout less exactly (crops, captions) but whose false pairs differ in colour, and low-texture ones (low_*, flat_*,
smooth*), whose copies keep an almost exact layout while other gradients of the same direction come close.
Parameters chosen by bench/hash_robustness.py on its distractors, like the thresholds.
"""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image

from captioncheck.index import hashes as H

GRID = 16  # both thumbnails are compared on this grid
TRIM = 0.15  # share of cells (those that differ most in normalised luma) left out of the layout correlation
BAND_ROWS = 3  # a horizontal band this many grid rows high (3/16 of the height) may be set aside whole (VERIFY["band"])
FLAT_SPREAD = 1.5  # luma standard deviation (of 255) under which a grid has no layout to compare
GREY_CHROMA = 4.0  # a query whose 90th percentile chroma magnitude is below this is grey: colour is not compared
COLOUR_TOL = 10.0  # chroma distance (of 255, Cb and Cr) within which a cell's colour agrees
LEVEL_TOL = 2.0  # luma levels (of 255) within which the mean of the cells outside a band must stay (VERIFY[...]["band_levels"])
SPREAD_TOL = 0.05  # ... and the share within which their spread must stay (a watermarked copy: 0.002, 0.08 levels)
SCALE_RANGE = (0.5, 2.0)  # how far the query's chroma may be scaled to the stored one's
KEEP = round(GRID * GRID * (1 - TRIM))  # cells kept in the layout correlation
# per band position (its first row), the cells outside the band; and how many of them the correlation keeps
_OUTSIDE = np.array([[c for c in range(GRID * GRID) if not top <= c // GRID < top + BAND_ROWS]
                     for top in range(GRID - BAND_ROWS + 1)])
OUTSIDE_KEEP = round(_OUTSIDE.shape[1] * (1 - TRIM))
GREY_AT = round(GRID * GRID * 0.9)  # the 90th percentile cell
LOW_CLASSES = frozenset({"low_full", "low_window", "flat_full", "flat_window", "smooth", "smooth_window"})  # photoindex
# per family of classes (`family`): the minima of a pair's layout and colour agreement, and of its layout when the
# query is grey; and of its layout with a band of rows set aside ("band"; 0: not looked at; for a grey query at least
# its grey minimum), and whether the cells outside that band must keep their levels ("band_levels": 1, or 0: not
# asked); and the share of cells whose colour must agree ("close_colour"; 0 or absent: not looked at) for a coloured
# query to need only "close_layout" of layout; chosen by bench/hash_robustness.py (docs/index.md)
VERIFY: dict[str, dict[str, float]] = {
    "textured": {"layout": 0.9, "colour": 0.85, "grey_layout": 0.95, "band": 0.9, "band_levels": 0},
    "low": {"layout": 0.99, "colour": 0.7, "grey_layout": 0.998, "band": 0.99, "band_levels": 1,
            "close_colour": 0.95, "close_layout": 0.97},
}
GREY = -1.0  # agreement's colour for a grey query: nothing to compare


def family(cls: str) -> str:
    """The family of parameters (VERIFY) of a class of pair (photoindex.THRESHOLDS)."""
    return "low" if cls in LOW_CLASSES else "textured"


@functools.lru_cache(maxsize=256)
def variant_box(variant: str) -> tuple[float, float, float, float]:
    """(left, top, width, height), as fractions of the photo, of the region a stored hash variant was taken from."""
    if variant in ("full", H.SMOOTH_VARIANT):
        return (0.0, 0.0, 1.0, 1.0)
    if variant == H.SMOOTH_CENTRE:
        return H.CENTRE_90
    for name, *box in H.CROP_WINDOWS:
        if name == variant:
            return (box[0], box[1], box[2], box[3])
    for name, frac in H.SMOOTH_WINDOWS:
        if name == variant:
            return frac
    raise ValueError(f"unknown hash variant {variant!r}")


@functools.lru_cache(maxsize=4096)
def _grid(thumb: bytes, box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)) -> tuple[np.ndarray | None, np.ndarray, bool, np.ndarray]:
    """A stored or query thumbnail (or a box of it) on the GRID x GRID grid: its luma normalised to mean 0 and
    deviation 1 (None when flat), its chroma (Cb, Cr less 128: (GRID * GRID, 2)), whether it is grey and its luma
    as it is (levels of 255). Cached: a query's thumbnail meets many stored ones, a stored one many query views."""
    img = Image.frombytes("RGB", (H.THUMB_SIDE, H.THUMB_SIDE), thumb)  # three 8-bit planes: YCbCr stored as such
    s = H.THUMB_SIDE
    left, top, width, height = box
    g = np.asarray(img.resize((GRID, GRID), Image.Resampling.BOX,
                              box=(left * s, top * s, (left + width) * s, (top + height) * s)), np.float64).reshape(-1, 3)
    y = g[:, 0] - g[:, 0].mean()
    spread = float(np.sqrt(y @ y / len(y)))
    chroma = g[:, 1:] - 128
    grey = float(np.partition(np.hypot(chroma[:, 0], chroma[:, 1]), GREY_AT)[GREY_AT]) < GREY_CHROMA
    return (y / spread if spread >= FLAT_SPREAD else None), chroma, grey, g[:, 0]


def agreement(query_thumb: bytes, stored_thumb: bytes, variant: str) -> tuple[float, float]:
    """(layout, colour) agreement of a query view's thumbnail with a stored photo's, cut to `variant`'s box:
    trimmed luma correlation (-1..1; 0 when either is flat) and the share of cells whose colour agrees (0..1;
    GREY for a grey query)."""
    qy, qc, grey, _ = _grid(query_thumb)
    sy, sc, _, _ = _grid(stored_thumb, variant_box(variant))
    return _layout(qy, sy), GREY if grey else _colour(qc, sc)


def band_agreement(query_thumb: bytes, stored_thumb: bytes, variant: str) -> tuple[float, bool]:
    """The layout agreement (as `agreement`'s) once a band of BAND_ROWS rows is set aside, at the best height, and
    whether the cells outside that band keep their levels (mean and spread of luma): one band search for both."""
    q, s = _grid(query_thumb), _grid(stored_thumb, variant_box(variant))
    layout, top = _layout_without_band(q[0], s[0])
    return layout, _levels_kept(q[3], s[3], top)


def _layout(qn: np.ndarray | None, sn: np.ndarray | None) -> float:
    if qn is None or sn is None:
        return 0.0
    diff = np.abs(qn - sn)
    keep = diff <= np.partition(diff, KEEP - 1)[KEEP - 1]
    a, b = qn[keep], sn[keep]
    n = len(a)
    sa, sb = a.sum(), b.sum()
    cov, va, vb = a @ b - sa * sb / n, a @ a - sa * sa / n, b @ b - sb * sb / n
    return float(cov / np.sqrt(va * vb)) if va * vb > 1e-12 else 0.0


def _layout_without_band(qn: np.ndarray | None, sn: np.ndarray | None) -> tuple[float, int]:
    """The best trimmed correlation (as _layout) over the cells outside a band of BAND_ROWS rows, at every height
    at once, and the band's first row; each side normalised again over those cells (what the band held moved the
    mean and spread)."""
    if qn is None or sn is None:
        return 0.0, 0
    a, b = _normalised(qn[_OUTSIDE]), _normalised(sn[_OUTSIDE])
    diff = np.abs(a - b)
    keep = diff <= np.partition(diff, OUTSIDE_KEEP - 1, axis=1)[:, OUTSIDE_KEEP - 1:OUTSIDE_KEEP]
    n = keep.sum(axis=1)
    a, b = a * keep, b * keep
    sa, sb = a.sum(axis=1), b.sum(axis=1)
    cov, va, vb = (a * b).sum(axis=1) - sa * sb / n, (a * a).sum(axis=1) - sa * sa / n, (b * b).sum(axis=1) - sb * sb / n
    ok = va * vb > 1e-12
    corr = np.where(ok, cov / np.sqrt(np.where(ok, va * vb, 1.0)), 0.0)
    top = int(np.argmax(corr))
    return float(corr[top]), top


def _levels_kept(q_luma: np.ndarray, s_luma: np.ndarray, top: int) -> bool:
    """Whether the cells outside the band at `top` have the stored photo's levels: mean within LEVEL_TOL, spread
    within SPREAD_TOL (an overlay leaves the rest of a copy as it was)."""
    a, b = q_luma[_OUTSIDE[top]], s_luma[_OUTSIDE[top]]
    return abs(float(a.mean() - b.mean())) <= LEVEL_TOL and abs(float(a.std()) / max(float(b.std()), 1e-6) - 1) <= SPREAD_TOL


def _normalised(rows: np.ndarray) -> np.ndarray:
    """Each row less its mean, over its deviation (a flat row stays flat)."""
    rows = rows - rows.mean(axis=1, keepdims=True)
    spread = np.sqrt((rows * rows).mean(axis=1, keepdims=True))
    return rows / np.where(spread > 1e-9, spread, 1.0)


def _colour(qc: np.ndarray, sc: np.ndarray) -> float:
    norm = float(np.vdot(sc, sc))
    scale = min(max(float(np.vdot(qc, sc)) / norm, SCALE_RANGE[0]), SCALE_RANGE[1]) if norm > 0 else 1.0
    err = qc / scale - sc
    return float(((err * err).sum(axis=1) <= COLOUR_TOL * COLOUR_TOL).mean())


def _minima(params: dict[str, float], colour: float) -> tuple[float, float]:
    """One family's layout minimum and band minimum (0: the band is not looked at) for a grey query (colour GREY) or
    a coloured one: a coloured query whose colour agrees on at least params["close_colour"] of cells (where set) needs
    only params["close_layout"] of layout."""
    band = params.get("band", 0.0)
    if colour == GREY:
        return params["grey_layout"], max(band, params["grey_layout"]) if band > 0 else 0.0
    close = params.get("close_colour", 0.0)
    if close > 0 and colour >= close:
        return min(params["layout"], params["close_layout"]), band
    return params["layout"], band


def passes(layout: float, colour: float, params: dict[str, float], band_layout: float = 0.0, levels: bool = True) -> bool:
    """Whether an agreement (and the layout with a band set aside and whether the cells outside it kept their levels,
    band_agreement) passes one family's parameters."""
    if colour != GREY and colour < params["colour"]:
        return False
    minimum, band = _minima(params, colour)
    return layout >= minimum or (band > 0 and band_layout >= band and (levels or not params.get("band_levels")))


def verified(query_thumb: bytes, stored_thumb: bytes | None, variant: str, params: dict[str, float]) -> bool:
    """Whether a pair passes verification with one family's parameters (VERIFY[family(cls)]); False when either
    side has no thumbnail (an index written before them)."""
    if not query_thumb or not stored_thumb or len(stored_thumb) != H.THUMB_BYTES or len(query_thumb) != H.THUMB_BYTES:
        return False
    qy, qc, grey, ql = _grid(query_thumb)
    sy, sc, _, sl = _grid(stored_thumb, variant_box(variant))
    colour = GREY if grey else _colour(qc, sc)
    if colour != GREY and colour < params["colour"]:
        return False
    minimum, band = _minima(params, colour)
    # as passes(*agreement(...), params, *band_agreement(...)): the band looked at only when the
    # whole grid falls short, the levels only when the band passes and the family asks
    if _layout(qy, sy) >= minimum:
        return True
    if band <= 0:
        return False
    layout, top = _layout_without_band(qy, sy)
    return layout >= band and (not params.get("band_levels") or _levels_kept(ql, sl, top))


__all__ = ["BAND_ROWS", "COLOUR_TOL", "GREY", "GRID", "LEVEL_TOL", "LOW_CLASSES", "SPREAD_TOL", "VERIFY", "agreement", "band_agreement",
           "family", "passes", "variant_box", "verified"]
