"""Geometric verification of a candidate pair on local features: do the two pictures share many keypoints in one
consistent placement, spread over the photo?

The colour thumbnails of verify.py compare coarse layout: a crop at an offset between the stored windows, a photo
turned by 5 degrees, a caption band or a watermark over a textured photo move a 16x16 grid enough to fail it, and
the hashes of such copies lie as far as unrelated photos (docs/index.md, "Geometric verification"). Every stored
photo also keeps up to STORED_FEATURES ORB keypoints (kind "orb", variant "full": their position in the reduced image
the hashes were computed from, and their 256-bit descriptors), and a query computes its own (QUERY_FEATURES, of the
decoded image as is and mirrored, only when a candidate needs them). A pair passes when

* the descriptors matched both ways (each the other's nearest) hold at least GEOMETRY["inliers"] matches consistent
  with one similarity transform (turn, scale, shift: RANSAC, within REPROJECTION pixels of the stored image), and
* those inliers cover at least GEOMETRY["cells"] cells of a CELLS x CELLS grid of the stored photo: a shared
  overlay (the same label on two charts of one template, one agency's watermark on two photos) matches in one
  place only; a copy matches all over what it kept.

Low-texture images (gradients, fog, flat graphics) have few or no keypoints and are left to verify.py. OpenCV
(opencv-python-headless, the `geometry` extra) computes the keypoints; without it nothing is stored and no pair is
verified this way (verify.py's thumbnails still are). Parameters chosen by bench/hash_robustness.py.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from PIL import Image, ImageOps

FEATURE_KIND = "orb"  # stored kind (variant "full"): fetched per candidate photo, never searched
STORED_FEATURES = 256  # keypoints kept per stored photo (the strongest), in its reduced image (hashes.INDEX_SIDE)
QUERY_FEATURES = 1000  # keypoints of a query (the 512-px decode: a screenshot holds the photo in part of it)
HEADER = 4  # the reduced image's width and height (uint16 each)
RECORD = 36  # per keypoint: x and y in quarter pixels (uint16 each), the 32-byte descriptor
MAX_BYTES = HEADER + RECORD * STORED_FEATURES
REPROJECTION = 3.0  # pixels of the stored (reduced) image within which a keypoint must land to count
CELLS = 4  # the stored photo's grid for the spread of the inliers
# chosen by bench/hash_robustness.py (docs/index.md): minima of inliers and of grid cells they cover
GEOMETRY: dict[str, int] = {"inliers": 20, "cells": 6}

Features = tuple[np.ndarray, np.ndarray, tuple[int, int]]  # (n, 2) float32 points, (n, 32) uint8 descriptors, size


@functools.lru_cache(maxsize=1)
def _cv2() -> Any:
    try:
        import cv2
    except ImportError:
        return None
    cv2.setNumThreads(1)  # small images, many processes: as BLAS for hashing (hashes.py)
    return cv2


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Whether OpenCV is installed (the `geometry` extra): without it no features are computed or compared. Asked
    without importing it (~0.1 s of CPU): a look-up imports it only once a candidate needs keypoints compared."""
    import importlib.util

    return importlib.util.find_spec("cv2") is not None


def keypoints(img: Image.Image, n: int) -> Features:
    """The n strongest ORB keypoints of an image (its luma): positions and descriptors (none where OpenCV, installed,
    cannot be imported)."""
    cv2 = _cv2()
    if cv2 is None:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), img.size
    grey = np.ascontiguousarray(np.asarray(img.convert("L")))
    orb = cv2.ORB_create(nfeatures=n, edgeThreshold=15, patchSize=15, fastThreshold=10)
    kps, desc = orb.detectAndCompute(grey, None)
    if desc is None or not kps:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), img.size
    order = np.argsort([-k.response for k in kps], kind="stable")[:n]
    pts = np.array([kps[i].pt for i in order], np.float32).reshape(-1, 2)
    return pts, desc[order], img.size


def encode(img: Image.Image, n: int = STORED_FEATURES) -> bytes | None:
    """The stored form of a photo's keypoints (kind FEATURE_KIND); None without OpenCV."""
    if not available() or _cv2() is None:
        return None
    pts, desc, (w, h) = keypoints(img, n)
    q = np.clip(np.rint(pts * 4), 0, 65535).astype("<u2")
    body = np.hstack([q.view(np.uint8).reshape(-1, 4), desc]) if len(pts) else np.zeros((0, RECORD), np.uint8)
    return np.array([min(w, 65535), min(h, 65535)], "<u2").tobytes() + body.tobytes()


@functools.lru_cache(maxsize=256)
def decode(blob: bytes) -> Features:
    """encode's bytes back to (points, descriptors, size). Cached: a stored photo meets many queries."""
    if len(blob) < HEADER or (len(blob) - HEADER) % RECORD:
        raise ValueError("not a stored feature record")
    w, h = (int(v) for v in np.frombuffer(blob[:HEADER], "<u2"))
    body = np.frombuffer(blob[HEADER:], np.uint8).reshape(-1, RECORD)
    pts = body[:, :4].copy().view("<u2").astype(np.float32).reshape(-1, 2) / 4
    return pts, np.ascontiguousarray(body[:, 4:]), (w, h)


class QueryFeatures:
    """A query's keypoints, computed when a candidate first needs them: of the image as is and mirrored."""

    def __init__(self, img: Image.Image) -> None:
        self._img = img
        self._views: dict[bool, Features] = {}

    def view(self, mirrored: bool) -> Features:
        if mirrored not in self._views:
            self._views[mirrored] = keypoints(ImageOps.mirror(self._img) if mirrored else self._img, QUERY_FEATURES)
        return self._views[mirrored]


def match(query: Features, stored: Features) -> tuple[int, int]:
    """(inliers, cells): the mutual nearest descriptor matches consistent with one similarity transform (RANSAC,
    seeded: the same pair always gives the same answer), and how many cells of the stored photo's CELLS x CELLS
    grid they cover."""
    cv2 = _cv2()
    (qp, qd, _), (sp, sd, (w, h)) = query, stored
    if len(qd) < 3 or len(sd) < 3:
        return 0, 0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(qd, sd)
    if len(pairs) < 3:
        return 0, 0
    a = qp[[m.queryIdx for m in pairs]]
    b = sp[[m.trainIdx for m in pairs]]
    cv2.setRNGSeed(0)
    model, inl = cv2.estimateAffinePartial2D(a, b, method=cv2.RANSAC, ransacReprojThreshold=REPROJECTION,
                                             maxIters=2000, confidence=0.995)
    if model is None or inl is None:
        return 0, 0
    keep = b[inl.ravel().astype(bool)]
    if not len(keep):
        return 0, 0
    cx = np.clip((keep[:, 0] * CELLS / max(w, 1)).astype(int), 0, CELLS - 1)
    cy = np.clip((keep[:, 1] * CELLS / max(h, 1)).astype(int), 0, CELLS - 1)
    return len(keep), len(set(zip(cx.tolist(), cy.tolist())))


def agreement(query: QueryFeatures, stored: bytes) -> list[tuple[int, int]]:
    """(inliers, cells) of the query as is and mirrored against a stored photo's features."""
    s = decode(stored)
    return [match(query.view(m), s) for m in (False, True)]


def view_agreement(query: QueryFeatures | None, stored: bytes | None, mirrored: bool) -> tuple[int, int]:
    """(inliers, cells) of the query as is (or mirrored) against a stored photo's features; (0, 0) when either has
    none (an index written before them, OpenCV not installed)."""
    s = _stored_features(query, stored)
    return (0, 0) if query is None or s is None else match(query.view(mirrored), s)


def _stored_features(query: QueryFeatures | None, stored: bytes | None) -> Features | None:
    """The stored photo's features decoded, when the query and the photo both have some and OpenCV is installed."""
    if query is None or not stored or not available() or _cv2() is None:
        return None
    try:
        return decode(stored)
    except ValueError:
        return None


def passes(inliers: int, cells: int, params: dict[str, int] | None = None) -> bool:
    p = GEOMETRY if params is None else params
    return inliers >= p["inliers"] and cells >= p["cells"]


def verified(query: QueryFeatures | None, stored: bytes | None, params: dict[str, int] | None = None) -> bool:
    """Whether a query and a stored photo pass geometric verification; False when either has no features (an
    index written before them, OpenCV not installed)."""
    s = _stored_features(query, stored)
    if query is None or s is None:
        return False
    return any(passes(*match(query.view(m), s), params) for m in (False, True))  # the mirror only when needed


__all__ = ["FEATURE_KIND", "GEOMETRY", "QueryFeatures", "agreement", "available", "decode", "encode", "keypoints",
           "match", "passes", "verified", "view_agreement"]
