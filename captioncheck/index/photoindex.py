"""The photo index: known photos with their context, looked up by perceptual hash.

    from captioncheck.index import open_index, PhotoMeta
    with open_index(path) as index:
        index.add_photo(data, PhotoMeta(caption="...", credit="AFP"))
        matches = index.search(image_bytes_or_pil)        # list[Match], best first

A candidate is found by its PDQ hash and verified with a combined distance: PDQ bits plus twice
the bits of an aux hash (dHash + pHash of the same region), 0..512. A match is the smallest
combined distance between any hash of the query (whole image, borders trimmed, inset photo;
each also mirrored) and any stored hash of a photo, accepted at distance
<= FULL_THRESHOLD against the photo's whole-image hash and <= WINDOW_THRESHOLD against one of
its crop windows (more windows, more chances of a coincidence, so a stricter bound). Both were
measured by bench/hash_robustness.py to keep false matches at or below 0.1% (docs/index.md).
Pairs where the query hash has PDQ quality below MIN_QUERY_QUALITY or the stored one below
MIN_STORED_QUALITY (PDQ's published default, 50) get the stricter low_* thresholds (flat_* when both
do), pairs with either below STRONG_QUALITY (charts, flat graphics) the mid_* ones; photos of low
quality also carry smooth hashes (whole, centre, crop windows and top/bottom bands), compared at the "smooth"
and "smooth_window" thresholds; blank
images carry none (hashes.blank) and are found by their bytes (pair_class, THRESHOLDS).

Two levels: a pair beyond its class's threshold but within its VERIFIED radius is accepted only when the query
view's colour thumbnail and the photo's (cut to the matched window) agree in layout and colour (verify.py), or
within its GEOMETRIC radius when the query and the photo share ORB keypoints in one placement spread over the photo
(geometry.py); a photo stored without a thumbnail (an index written before them) is held to the thresholds of before
(UNVERIFIED), one without keypoints is verified on its thumbnail only.

A second source of candidates, looked at only when the hashes accepted no photo (captioncheck.index.nearest): the
NEAREST_K stored photos nearest the query on a coarse colour thumbnail, within NEAREST_RADIUS, each accepted only when
its keypoints and the query's pass geometric verification (NEAREST_GEOMETRY); such a match ranks after every hash
match (distance NEAREST_DISTANCE and up).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
from PIL import Image

from captioncheck._exceptions import InputError
from captioncheck._types import Match, Sighting
from captioncheck.index import geometry
from captioncheck.index import hashes as H
from captioncheck.index import nearest as N
from captioncheck.index.backends import IndexSpec, open_store, store_key
from captioncheck.index.search import HashSearcher, Hit, shared
from captioncheck.index.store import PhotoRecord, PhotoStore, utcnow

# Largest combined distance (PDQ + 2 x aux bits, 0..512) accepted per class of (query hash, stored hash) pair without
# verification, for a photo stored with its colour thumbnail; -1: every pair of the class must pass verification.
# Chosen by bench/hash_robustness.py (full run of 2026-12-02, branch hash11) together with VERIFIED, GEOMETRIC,
# verify.VERIFY and geometry.GEOMETRY: the minimum of the picks on each half of its 10,000 distractors, 0.06% false
# matches over all of them; each pick
# lowers a threshold to what the copies that fail verification need (the others are accepted by VERIFIED), so a pair
# farther than that counts only once verified (docs/index.md).
THRESHOLDS = {
    "full": -1,  # a query hash against a photo's whole-image hash, both of PDQ quality >= STRONG_QUALITY
    "window": 84,  # ... against one of its 48 crop windows (more windows, more coincidences)
    "mid_full": -1,  # either hash of PDQ quality 50..STRONG_QUALITY-1 (charts, flat graphics, soft scenes)
    "mid_window": -1,
    "low_full": 56,  # either hash of low PDQ quality (smooth, flat, dark): half its bits are noise
    "low_window": -1,
    "flat_full": 42,  # both of low quality (query < MIN_QUERY_QUALITY, stored < MIN_STORED_QUALITY): PDQ is noise
    "flat_window": 22,  # on both sides; two unrelated gradients of one direction matched at the low_* thresholds
    "smooth": -1,  # smooth hashes (layout + 2 x colour): low-texture images look alike, so always verified
    "smooth_window": -1,  # ... a query's smooth hash against one of a photo's smooth windows or bands (more of them)
}
# Per class, a generous radius: a pair beyond its THRESHOLDS but within this is accepted only when the two pictures
# also agree in colour and coarse layout on their thumbnails (captioncheck.index.verify); picked with the thresholds.
VERIFIED: dict[str, int] = {
    "full": 181, "window": 143, "mid_full": 131, "mid_window": 151, "low_full": 165, "low_window": 137,
    "flat_full": 159, "flat_window": 95, "smooth": 23, "smooth_window": 18,
}
# Per class, a radius (-1: none) within which a pair beyond its THRESHOLDS is accepted when the query and the photo
# pass geometric verification (local features in one consistent placement: captioncheck.index.geometry), whatever
# their thumbnails say; a photo stored without features (an index written before them, or without OpenCV) never is.
# Picked with the thresholds and VERIFIED by bench/hash_robustness.py.
GEOMETRIC: dict[str, int] = {
    "full": 129, "window": 161, "mid_full": 117, "mid_window": 155, "low_full": 165, "low_window": 137,
    "flat_full": 159, "flat_window": 103, "smooth": -1, "smooth_window": -1,
}
# A photo stored without keypoints (an index written before them, or without OpenCV), or any photo when the query has
# none (OpenCV not installed), is held to the thresholds picked for thumbnails alone (branch match7, 2026-12-02:
# 0.986 of the bench's copies at 0.06% false matches), with the same VERIFIED radii and thumbnail verification as a
# photo with keypoints (since hash10; 0.991 at 0.08% since hash11, the bench's "product, no keypoints" row).
WITHOUT_KEYPOINTS = {"full": 102, "window": 106, "mid_full": 100, "mid_window": -1, "low_full": 58, "low_window": -1,
                     "flat_full": 46, "flat_window": -1, "smooth": -1, "smooth_window": -1}
# A photo stored without a thumbnail (an index written before them) cannot be verified: it is held to the thresholds
# shipped before verification existed (the 2026-12-01 pick, 0.07% false matches alone), so an old index matches
# exactly as it did.
UNVERIFIED = {"full": 123, "window": 115, "mid_full": 81, "mid_window": 99, "low_full": 75, "low_window": 47,
              "flat_full": 69, "flat_window": 13, "smooth": 8, "smooth_window": 4}
PAIRS_PER_CLASS = 4  # the nearest pairs of each class verified per candidate photo (the bench verifies as many)
# A second source of candidates (captioncheck.index.nearest), looked at when the hashes accepted no photo: of the
# NEAREST_K stored photos nearest the query on a coarse colour thumbnail, those within NEAREST_RADIUS (root mean square
# difference in 1/nearest.STEPS of a level; -1: none) that pass geometric verification with the minima NEAREST_GEOMETRY
# (at least geometry.GEOMETRY's) in the orientation of the view they are nearest to; ranked after every hash match, at
# NEAREST_DISTANCE + that difference. The radius and minima picked by bench/hash_robustness.py (branch crop5, 2026-12-03).
NEAREST_K = 3
NEAREST_RADIUS = 16  # 4 levels: the bench's cap, where its pick stops (it stopped at its earlier cap, 32, which cost
# +58% p99 look-up time: the cap is set for the look-up cost; no distractor within 32 passed, docs/index.md)
NEAREST_GEOMETRY: dict[str, int] = {"inliers": 20, "cells": 6}  # the pick (as geometry.GEOMETRY; 25-30 inliers over
# 6-8 cells tied with it on every figure, 40 over 8 lost the copy it gains)
MAX_VERIFIED_PHOTOS = 64  # candidate photos verified per look-up, nearest first: a bounded cost per query (16 lost
# 4 of the bench's copies once every `full` pair needed verification: more photos have pending pairs)
FULL_THRESHOLD, WINDOW_THRESHOLD = THRESHOLDS["full"], THRESHOLDS["window"]
RADIUS = {c: max(t, VERIFIED.get(c, 0), UNVERIFIED.get(c, 0), GEOMETRIC.get(c, 0), WITHOUT_KEYPOINTS[c]) for c, t in THRESHOLDS.items()}  # how far a look-up searches
MATCH_THRESHOLD = max(RADIUS.values())  # the largest search radius
WINDOW_CLASSES = ("window", "mid_window", "low_window", "flat_window")


def variant_radii(radius: dict[str, int]) -> dict[str, int]:
    """The searcher's radius per stored variant, from a search radius per class: crop windows within the largest
    radius of the window classes, smooth hashes within the smooth classes' (a far smaller scale); other variants
    (the whole photo) within the largest radius. A stored hash farther than its variant's radius is never accepted."""
    window = max(radius[c] for c in WINDOW_CLASSES)
    smooth = max(radius["smooth"], radius["smooth_window"])
    return {**{w[0]: window for w in H.CROP_WINDOWS},
            **{v: smooth for v in (H.SMOOTH_VARIANT, H.SMOOTH_CENTRE, *(n for n, _ in H.SMOOTH_WINDOWS))}}


WINDOW_RADIUS = max(RADIUS[c] for c in WINDOW_CLASSES)  # the largest search radius for crop windows
SMOOTH_RADIUS = max(RADIUS["smooth"], RADIUS["smooth_window"])  # ... for smooth hashes
VARIANT_RADIUS = variant_radii(RADIUS)  # the searcher's radius per stored variant
NEAREST_DISTANCE = MATCH_THRESHOLD + 1  # a photo found by its thumbnail only: farther than any hash searched
MIN_QUERY_QUALITY = 30  # below: a low-quality query hash (a darkened copy loses quality: lenient on queries)
MIN_STORED_QUALITY = 50  # below: a low-quality stored hash (PDQ's published default)
# both hashes at or above: a textured photo (bench/hash_robustness.py: its copies keep 100); flat graphics and charts of
# one template, whose PDQ quality is 50-89, matched each other at the textured photos' thresholds (docs/index.md)
STRONG_QUALITY = 90
# the windows centred on the photo: a straightened (tilted back) query is compared with these only
CENTRE_WINDOWS = frozenset(name for name, x, y, w, h in H.CROP_WINDOWS if abs(x + w / 2 - 0.5) < 1e-6 and abs(y + h / 2 - 0.5) < 1e-6)
UNRELATED_DISTANCE = 256.0  # expected combined distance between unrelated photos: score 0
DEFAULT_REFRESH_S = 1.0  # a photo added by another process is searchable here within this many seconds


def refresh_interval() -> float:
    """Seconds between loads of other processes' new hashes [env CAPTIONCHECK_INDEX_REFRESH, default 1]."""
    text = os.environ.get("CAPTIONCHECK_INDEX_REFRESH", "")
    try:
        value = float(text) if text else DEFAULT_REFRESH_S
    except ValueError as exc:
        raise InputError(f"CAPTIONCHECK_INDEX_REFRESH={text!r} is not a number of seconds; fix or unset it") from exc
    if value < 0:
        raise InputError("CAPTIONCHECK_INDEX_REFRESH must be >= 0 seconds")
    return value


@dataclass
class Freshness:
    """When a process's searcher last loaded new hashes from its store (one per shared searcher)."""

    interval_s: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    synced_at: float = 0.0  # time.monotonic() when the last load started (0: never)
    dirty: bool = True  # this process wrote: load at the next search whatever the interval
    removal_id: int = 0  # the last tombstone of a removed photo applied to the searcher
    thumbs: N.ThumbTable = field(default_factory=N.ThumbTable)  # coarse thumbnails (NEAREST_K > 0), loaded with the hashes


_FRESHNESS: weakref.WeakKeyDictionary[HashSearcher, Freshness] = weakref.WeakKeyDictionary()
_FRESHNESS_LOCK = threading.Lock()


def _freshness(searcher: HashSearcher, interval_s: float | None) -> Freshness:
    with _FRESHNESS_LOCK:
        state = _FRESHNESS.get(searcher)
        if state is None:
            state = _FRESHNESS[searcher] = Freshness(refresh_interval() if interval_s is None else interval_s)
        elif interval_s is not None:
            state.interval_s = interval_s
        return state


@dataclass
class PhotoMeta:
    """What is known about a photo: where it comes from and what it shows."""

    caption: str = ""
    credit: str = ""
    creator: str = ""
    source_url: str = ""
    page_url: str = ""
    date: str = ""  # ISO 8601, taken or first published
    place: str = ""
    license: str = ""

    def filled_from(self, other: PhotoMeta) -> PhotoMeta:
        """This metadata with its empty fields taken from `other`."""
        return PhotoMeta(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    @classmethod
    def from_embedded(cls, data: bytes) -> PhotoMeta:
        """What the file itself says (IPTC/XMP/EXIF); empty fields where it says nothing."""
        from captioncheck.imagemeta import read_embedded

        e = read_embedded(data)
        return cls(caption=e.caption, credit=e.credit or e.source, creator=e.creator, date=e.date_taken,
                   place=e.place, license=e.copyright)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhotoMeta:
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in data.items() if k in names and v is not None})


def is_iso_date(value: str) -> bool:
    """Whether a photo's `date` is empty or ISO 8601 (2019-03-08, 2019-03-08T14:02:00Z): one rule for CLI, API, import."""
    if not value:
        return True
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def score(distance: float) -> float:
    """Similarity in [0, 1]: 1 for identical hashes, 0 at the distance of unrelated photos."""
    return round(max(0.0, min(1.0, 1.0 - distance / UNRELATED_DISTANCE)), 4)


def describe(region: str, transform: str, variant: str) -> str:
    """How the query relates to the stored photo, e.g. "mirror+crop", "rotate90", "tilt+crop"."""
    parts = [{"rot90": "rotate90", "rot180": "rotate180", "rot270": "rotate270", "band_top": "overlay",
              "band_bottom": "overlay"}.get(transform, transform.rstrip("+-0123456789."))] if transform else []
    if variant not in ("full", H.SMOOTH_VARIANT, H.SMOOTH_CENTRE) and transform not in H.SMOOTH_BANDS:
        parts.append("crop")
    if region == "trim":
        parts.append("borders")
    elif region == "block":
        parts.append("inset")
    return "+".join(parts)


def loaded_generations() -> list[int]:
    """The generation (highest hash row id loaded) of every searcher this process holds, without loading."""
    with _FRESHNESS_LOCK:
        return sorted(searcher.last_row_id for searcher in list(_FRESHNESS.keys()))


class PhotoIndex:
    """Known photos in a store plus the in-memory hash searcher shared by this process.

    The searcher loads the hashes other processes added (rows with a higher id) at most every
    `refresh_s` seconds before a search, at once after a write through this process, or on demand
    (`sync(force=True)`); `freshness()` tells how far behind the store it may be.
    """

    def __init__(self, store: PhotoStore, searcher: HashSearcher, *, refresh_s: float | None = None) -> None:
        self.store = store
        self.searcher = searcher
        self._fresh = _freshness(searcher, refresh_s)

    def __enter__(self) -> PhotoIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes
    def add_photo(self, data: bytes, meta: PhotoMeta, *, commit: bool = True, origin: str = "curated") -> int:
        """Add a photo (or merge its metadata into the same bytes added before); returns its id."""
        digest = H.sha256(data)
        if self.store.find_sha256(digest) is not None:
            return self.add_hashed(digest, len(data), (0, 0), [], meta, commit=commit, origin=origin)
        h = H.hash_image(data)
        return self.add_hashed(digest, len(data), (h.width, h.height), h.rows, meta, commit=commit, origin=origin)

    def add_hashed(self, digest: str, size: int, dims: tuple[int, int], rows: list[H.HashRow], meta: PhotoMeta, *,
                   commit: bool = True, origin: str = "curated", added_at: str = "") -> int:
        """Add a photo whose hashes were computed elsewhere (parallel ingest, import).

        The same bytes added again are merged: curated metadata fills the empty fields of a
        curated photo and replaces what a merely *seen* photo recorded; a sighting never
        changes an existing photo (remember_seen records it separately).
        """
        existing = self.store.find_sha256(digest)
        if existing is not None:
            if origin == "curated":
                old = self.store.photos([existing])[existing]
                self.store.merge_meta(existing, {**asdict(meta), "origin": "curated"}, overwrite=old.origin == "seen",
                                      commit=commit)
            return existing
        if not rows:
            raise ValueError("a new photo needs its hashes")
        record = PhotoRecord(id=0, sha256=digest, size=size, width=dims[0], height=dims[1], origin=origin,
                             added_at=added_at or utcnow(), **asdict(meta))
        self._fresh.dirty = True
        return self.store.add_photo(record, rows, commit=commit)

    def remember_seen(self, data: bytes, sighting: Sighting, *, commit: bool = True) -> bool:
        """Record that this image appeared on a page (first-seen registry, archives; origin="seen").

        Returns False when this photo was already known on this page (nothing new stored).
        """
        if not sighting.seen_at:
            sighting = sighting.model_copy(update={"seen_at": utcnow()})
        meta = PhotoMeta(caption=sighting.caption, credit=sighting.credit, page_url=sighting.page_url,
                         date=sighting.published or sighting.seen_at)
        photo_id = self.add_photo(data, meta, commit=False, origin="seen")
        added = self.store.add_sighting(photo_id, sighting, commit=False)
        if commit:
            self.commit()
        return added

    def remove(self, photo_ids: list[int]) -> int:
        """Remove photos; every process's searcher forgets their hashes at its next refresh (tombstones)."""
        n = self.store.remove(photo_ids)
        self._fresh.dirty = True
        return n

    def commit(self) -> None:
        self.store.commit()
        self._fresh.dirty = True

    # -- reads
    def search(self, image: Image.Image | bytes, k: int = 5, *, exclude_page_url: str | None = None,
               sha256: str | None = None) -> list[Match]:
        """Known photos that look like `image`, best first (at most k).

        Bytes identical to a stored photo's (sha256 of `image` when bytes, else the `sha256` given for
        the decoded image's file) are an exact match, whatever their hashes."""
        if isinstance(image, (bytes, bytearray)):
            sha256 = H.sha256(bytes(image))
        exact = self.store.find_sha256(sha256) if sha256 else None
        try:
            img = H.decode(image)
        except InputError:
            if exact is None:
                raise
            img = None
        queries = H.query_hashes(img) if img is not None else []
        features = geometry.QueryFeatures(img) if img is not None and geometry.available() else None
        return self.search_hashes(queries, k, exclude_page_url=exclude_page_url, exact=exact, features=features)

    def search_hashes(self, queries: list[H.QueryHash], k: int = 5, *, exclude_page_url: str | None = None,
                      exact: int | None = None, features: geometry.QueryFeatures | None = None) -> list[Match]:
        """`search` for an image already hashed (H.query_hashes); exact: the id of a photo with the same bytes;
        features: the image's keypoints (computed when a candidate needs them; None: no geometric verification)."""
        if not queries and exact is None:
            return []
        self.sync()
        best: dict[int, Hit] = {}
        if queries:
            bits = np.frombuffer(b"".join(q.bits for q in queries), np.uint8).reshape(len(queries), -1)
            aux = np.frombuffer(b"".join(q.aux for q in queries), np.uint8).reshape(len(queries), -1)
            hits = self.searcher.search(bits, MATCH_THRESHOLD, aux, VARIANT_RADIUS)
            geo = GeometricCheck(features, self.store.features) if features is not None else None
            best = accepted(queries, hits, thumbs=self.store.thumbs, geo=geo)
            if not best and geo is not None and NEAREST_RADIUS >= 0:
                if not self._fresh.thumbs.loaded:  # the searcher was loaded while NEAREST_RADIUS was -1
                    with self._fresh.lock:
                        self._load_thumbs()
                accept_nearest(best, queries, nearest_photos(queries, self._fresh.thumbs), geo)
        if exact is not None:
            best[exact] = Hit(exact, "full", -1, 0)
        records = self.store.photos(best)
        sightings = self.store.sightings(best)
        ranked = sorted((h for h in best.values() if h.photo_id in records), key=lambda h: (h.distance, h.query != -1, h.photo_id))
        out = []
        for hit in ranked:
            rec = records[hit.photo_id]
            seen = sightings.get(hit.photo_id, [])
            others = [s for s in seen if not exclude_page_url or s.page_url != exclude_page_url]
            if exclude_page_url and (rec.page_url == exclude_page_url if rec.origin == "curated" or not seen else not others):
                continue  # known only from the page being checked: no evidence about that page
            out.append(_match(rec, hit, queries[hit.query] if hit.query >= 0 else None, others))
        return out[:k]

    def sync(self, *, force: bool = False) -> None:
        """Load hashes added since the searcher last looked (by this or another process): when forced,
        after a write through this process, or when the last load is older than the refresh interval."""
        fresh = self._fresh
        with fresh.lock:
            started = time.monotonic()
            if not (force or fresh.dirty or not fresh.synced_at or started - fresh.synced_at >= fresh.interval_s):
                return
            fresh.dirty = False
            try:
                self._load()
            except BaseException:
                fresh.dirty = True
                raise
            fresh.synced_at = started

    def _load(self) -> None:
        """Forget the photos removed since the last load (tombstones), then load every stored PDQ (and smooth)
        hash added since, with its aux hash and quality; low quality ones too (pair_class gives them stricter
        thresholds). A first load builds the searcher's tables once, at the end."""
        fresh = self._fresh
        if not self.searcher.last_row_id:  # nothing loaded yet: removals before now took their hashes with them
            fresh.removal_id = max(fresh.removal_id, self.store.latest_removal_id())
        else:
            gone = self.store.removed_after(fresh.removal_id)
            if gone:
                self.searcher.remove(p for _, p in gone)
                fresh.thumbs.remove(p for _, p in gone)
                fresh.removal_id = gone[-1][0]
        if NEAREST_RADIUS >= 0:
            self._load_thumbs()
        with self.searcher.bulk():
            while True:
                rows = self.store.hashes_after("pdq", self.searcher.last_row_id)
                if not rows:
                    return
                bits = np.frombuffer(b"".join(r[3] for r in rows), np.uint8).reshape(len(rows), 32)
                self.searcher.add(np.array([r[1] for r in rows], np.int64), [r[2] for r in rows], bits,
                                  last_row_id=rows[-1][0], aux=[r[5] for r in rows], quality=[r[4] for r in rows])

    def _load_thumbs(self) -> None:
        """Load the colour thumbnails stored since the last load into the coarse table (nearest.ThumbTable)."""
        table = self._fresh.thumbs
        while True:
            rows = self.store.blobs_after(H.THUMB_KIND, table.last_row_id)
            if not rows:
                table.loaded = True
                return
            table.add([r[1] for r in rows], [r[2] for r in rows], last_row_id=rows[-1][0])

    def get(self, photo_id: int) -> PhotoRecord | None:
        return self.store.photos([photo_id]).get(photo_id)

    def freshness(self) -> dict[str, Any]:
        """The searcher's generation (highest hash row id loaded), the store's, and the lag in seconds:
        0 when up to date, else the age of the last load (anything older than that is searchable)."""
        latest = self.store.latest_hash_id("pdq")
        generation = self.searcher.last_row_id
        age = time.monotonic() - self._fresh.synced_at if self._fresh.synced_at else None
        lag = 0.0 if latest <= generation else round(age, 3) if age is not None else None
        return {"generation": generation, "latest_generation": latest, "lag_s": lag,
                "refresh_s": self._fresh.interval_s}

    def stats(self) -> dict[str, Any]:
        self.sync(force=True)
        return {**self.store.stats(), "backend": getattr(self.store, "backend", "sqlite"), "search": self.searcher.kind,
                "searchable_hashes": len(self.searcher), "thresholds": dict(THRESHOLDS), "verified": dict(VERIFIED),
                "geometric": dict(GEOMETRIC), "unverified": dict(UNVERIFIED),
                **self.freshness()}

    def close(self) -> None:
        self.store.close()


def pair_class(transform: str, query_quality: int, variant: str, stored_quality: int, query_kind: str = "pdq") -> str | None:
    """Which threshold of THRESHOLDS applies to a (query hash, stored hash) pair; None: not compared.

    A query turned by 90/180/270 degrees is compared with whole photos only, a straightened one
    (tilt+-5) with the centred windows only (its corners are cut); a pair where either hash has low
    PDQ quality (smooth gradients, flat graphics, dark copies) gets the stricter low_* thresholds (flat_*
    when both have), and only as is or mirrored; a pair where either has a middling quality (50..STRONG_QUALITY-1: charts, flat
    graphics) the mid_* thresholds. Smooth hashes are compared with the smooth hashes that photos of low
    PDQ quality have.
    """
    stored_smooth = is_smooth(variant)
    if (query_kind == "smooth") != stored_smooth:
        return None
    if stored_smooth:  # only photos of low quality have them; a query of any quality (text over a sky...)
        if stored_quality >= H.SMOOTH_QUALITY:
            return None
        if transform.startswith("tilt"):  # straightened: its corners are cut, like the centre's
            return "smooth" if variant == H.SMOOTH_CENTRE else None
        if transform in H.SMOOTH_BANDS:  # a query's band against the same band of the photo only
            return "smooth_window" if variant == H.SMOOTH_BANDS[transform][0] else None
        if variant == H.SMOOTH_VARIANT:
            return "smooth"
        if variant in _SMOOTH_BAND_VARIANTS or transform not in ("", "mirror"):
            return None
        return "smooth_window"  # a crop (or the centre) of the photo
    window = variant != "full"
    if (transform.startswith("rot") and window) or (transform.startswith("tilt") and variant not in CENTRE_WINDOWS):
        return None
    if query_quality < MIN_QUERY_QUALITY or stored_quality < MIN_STORED_QUALITY:
        if transform not in ("", "mirror"):
            return None
        if query_quality < MIN_QUERY_QUALITY and stored_quality < MIN_STORED_QUALITY:
            return "flat_window" if window else "flat_full"
        return "low_window" if window else "low_full"
    if query_quality < STRONG_QUALITY or stored_quality < STRONG_QUALITY:
        return "mid_window" if window else "mid_full"
    return "window" if window else "full"


_SMOOTH_BAND_VARIANTS = frozenset(v for v, _ in H.SMOOTH_BANDS.values())


def is_smooth(variant: str) -> bool:
    """Whether a stored variant is a smooth hash (of the whole photo, its centre, a window or a band)."""
    return variant.startswith(H.SMOOTH_VARIANT)


def accepted(queries: list[H.QueryHash], hits: list[Hit], thresholds: dict[str, int] = THRESHOLDS, *,
             verified: dict[str, int] | None = None, unverified: dict[str, int] | None = None,
             thumbs: Callable[[list[int]], dict[int, bytes]] | None = None,
             params: dict[str, dict[str, float]] | None = None, geometric: dict[str, int] | None = None,
             geo: GeometricCheck | None = None, keypointless: dict[str, int] | None = None) -> dict[int, Hit]:
    """The best accepted hit per photo, ranked by distance, then by the plainest explanation. A hit is accepted
    within the threshold of its pair's class; with `thumbs` (photo ids -> stored thumbnail; None: thresholds only),
    also beyond it: within the class's verified radius (VERIFIED) when it passes verification on the photo's
    thumbnail, within its geometric radius (GEOMETRIC) when `geo` (the query's keypoints against the photo's stored
    ones; None: never) passes, or, for a photo stored without a thumbnail (an old index), within its UNVERIFIED
    threshold. A photo without keypoints, or every photo when `geo` is None, is held to `keypointless` instead of
    `thresholds` (default: WITHOUT_KEYPOINTS with the shipped THRESHOLDS, else `thresholds` themselves)."""
    verified = VERIFIED if verified is None else verified
    unverified = UNVERIFIED if unverified is None else unverified
    geometric = {} if geo is None else GEOMETRIC if geometric is None else geometric
    keypointless = keypointless if keypointless is not None else WITHOUT_KEYPOINTS if thresholds is THRESHOLDS else thresholds
    if geo is None or thumbs is None:  # no keypoints compared: one set of thresholds for every photo
        thresholds = keypointless if geo is None else thresholds
        keypointless = thresholds
    best: dict[int, Hit] = {}
    pending: list[tuple[Hit, str]] = []
    for hit in hits:
        q = queries[hit.query]
        cls = pair_class(q.transform, q.quality, hit.variant, hit.quality, q.kind)
        if cls is None:
            continue
        if hit.distance > min(thresholds[cls], keypointless[cls]):  # beyond either: decided per photo (keypoints or not)
            if thumbs is not None and hit.distance <= max(verified.get(cls, -1), unverified.get(cls, -1), geometric.get(cls, -1),
                                                          thresholds[cls], keypointless[cls]):
                pending.append((hit, cls))
            continue
        _keep(best, hit, queries)
    if pending:
        _second_level(pending, best, queries, thumbs, (verified, unverified, geometric), params, geo,  # type: ignore[arg-type]
                      (thresholds, keypointless))
    return best


def _keep(best: dict[int, Hit], hit: Hit, queries: list[H.QueryHash]) -> None:
    cur = best.get(hit.photo_id)
    if cur is None or _rank(hit, queries) < _rank(cur, queries):
        best[hit.photo_id] = hit


def _second_level(pending: list[tuple[Hit, str]], best: dict[int, Hit], queries: list[H.QueryHash],
                  thumbs: Callable[[list[int]], dict[int, bytes]], radii: tuple[dict[str, int], dict[str, int], dict[str, int]],
                  params: dict[str, dict[str, float]] | None, geo: GeometricCheck | None,
                  plain: tuple[dict[str, int], dict[str, int]]) -> None:
    """Accept the pending hits (beyond their class's threshold) of the MAX_VERIFIED_PHOTOS nearest photos not
    already accepted closer: for a photo with a thumbnail, per class the PAIRS_PER_CLASS nearest pairs within the
    verified radius, each when it passes verification, else (or beyond) the nearest within the geometric radius when
    the photo passes geometric verification (once per photo); for one without, any within its UNVERIFIED threshold.
    Within its class's plain threshold a pair is accepted at once: `plain` holds the thresholds of a photo with
    keypoints and of one without."""
    from captioncheck.index.verify import VERIFY, family, verified

    verified_radius, unverified, geometric = radii
    pending.sort(key=lambda hc: (hc[0].distance, hc[0].photo_id))
    photos = list(dict.fromkeys(h.photo_id for h, _ in pending if h.photo_id not in best or h.distance < best[h.photo_id].distance))
    photos = photos[:MAX_VERIFIED_PHOTOS]
    stored = thumbs(photos)
    with_keypoints, keypointless = plain
    if geo is not None:
        geo.fetch(photos)  # which have keypoints decides their plain thresholds
    wanted = set(photos)
    tried: dict[tuple[int, str], int] = {}
    for hit, cls in pending:
        if hit.photo_id not in wanted:
            continue
        thumb = stored.get(hit.photo_id)
        if thumb is None:  # stored before thumbnails: the thresholds of that time
            if hit.distance <= unverified.get(cls, -1):
                _keep(best, hit, queries)
            continue
        has_keypoints = geo is not None and geo.has(hit.photo_id)
        if hit.distance <= (with_keypoints if has_keypoints else keypointless)[cls]:
            _keep(best, hit, queries)
            continue
        cur = best.get(hit.photo_id)
        if hit.distance <= verified_radius.get(cls, -1) and tried.get((hit.photo_id, cls), 0) < PAIRS_PER_CLASS:
            tried[(hit.photo_id, cls)] = tried.get((hit.photo_id, cls), 0) + 1
            if cur is not None and cur.distance <= hit.distance:
                continue
            if verified(queries[hit.query].thumb, thumb, hit.variant, (params or VERIFY)[family(cls)]):
                best[hit.photo_id] = hit
                continue
        if not has_keypoints or hit.distance > geometric.get(cls, -1) or (cur is not None and cur.distance <= hit.distance):
            continue
        if geo.passes(hit.photo_id):
            best[hit.photo_id] = hit


def nearest_photos(queries: list[H.QueryHash], table: N.ThumbTable, k: int | None = None) -> list[tuple[int, int, bool, int]]:
    """The k (NEAREST_K) stored photos nearest the query on the coarse thumbnail (nearest.ThumbTable), nearest first:
    (photo id, the query hash number of the view it is nearest to, whether that view is mirrored, the difference)."""
    views = N.query_views(queries)
    found = table.nearest([c for _, _, c in views], NEAREST_K if k is None else k)
    return [(pid, views[v][0], views[v][1], d) for pid, v, d in found]


def accept_nearest(best: dict[int, Hit], queries: list[H.QueryHash], found: list[tuple[int, int, bool, int]],
                   geo: GeometricCheck, radius: int | None = None, params: dict[str, int] | None = None) -> None:
    """Add to `best` each photo of `found` (nearest_photos) within `radius` (NEAREST_RADIUS) not already accepted that
    passes geometric verification (NEAREST_GEOMETRY, or `params`) in the orientation of its view, at
    NEAREST_DISTANCE + its difference."""
    radius = NEAREST_RADIUS if radius is None else radius
    params = NEAREST_GEOMETRY if params is None else params
    found = [f for f in found if f[3] <= radius and f[0] not in best]
    geo.fetch([pid for pid, *_ in found])
    for pid, query, mirrored, d in found:
        if geo.has(pid) and geo.passes_view(pid, mirrored, params):
            best[pid] = Hit(pid, "full", query, NEAREST_DISTANCE + d, quality=queries[query].quality)


class GeometricCheck:
    """Geometric verification (captioncheck.index.geometry) of one query against candidate photos: their stored
    keypoints fetched together (`fetch`), each photo verified once, when first asked (`passes`)."""

    def __init__(self, features: geometry.QueryFeatures, stored: Callable[[list[int]], dict[int, bytes]],
                 params: dict[str, int] | None = None) -> None:
        self.features, self._fetch, self.params = features, stored, params
        self._stored: dict[int, bytes] = {}
        self._passed: dict[int, bool] = {}
        self._views: dict[tuple[int, bool], tuple[int, int]] = {}

    def fetch(self, photo_ids: list[int]) -> None:
        wanted = [p for p in photo_ids if p not in self._stored]
        if wanted:
            got = self._fetch(wanted)
            self._stored.update((p, got.get(p, b"")) for p in wanted)

    def has(self, photo_id: int) -> bool:
        """Whether the photo is stored with keypoints."""
        self.fetch([photo_id])
        return bool(self._stored[photo_id])

    def passes(self, photo_id: int) -> bool:
        if photo_id not in self._passed:
            self.fetch([photo_id])
            self._passed[photo_id] = geometry.verified(self.features, self._stored[photo_id], self.params)
        return self._passed[photo_id]

    def passes_view(self, photo_id: int, mirrored: bool, params: dict[str, int] | None = None) -> bool:
        """Whether the query as is (or mirrored) and the photo pass geometric verification with `params`."""
        if (photo_id, mirrored) not in self._views:
            self.fetch([photo_id])
            self._views[(photo_id, mirrored)] = geometry.view_agreement(self.features, self._stored[photo_id], mirrored)
        return geometry.passes(*self._views[(photo_id, mirrored)], params)


def _rank(hit: Hit, queries: list[H.QueryHash]) -> tuple[int, int]:
    """Smaller is better: distance, then the plainest explanation (whole image, no mirror, no crop)."""
    q = queries[hit.query]
    return hit.distance, int(q.region != "full") + int(bool(q.transform)) + int(hit.variant not in ("full", H.SMOOTH_VARIANT, H.SMOOTH_CENTRE))


def _match(rec: PhotoRecord, hit: Hit, query: H.QueryHash | None, sightings: list[Sighting]) -> Match:
    """A Match for a hit; query None: the same bytes (sha256)."""
    if rec.origin == "seen" and sightings:  # what a merely seen photo "says" is its earliest other appearance
        first = sightings[0]
        rec = replace(rec, caption=first.caption, credit=first.credit, page_url=first.page_url,
                      date=first.published or first.seen_at, seen_at=first.seen_at)
    return Match(
        photo_id=rec.id, caption=rec.caption, credit=rec.credit, creator=rec.creator, source_url=rec.source_url,
        page_url=rec.page_url, date=rec.date, place=rec.place, license=rec.license, origin=rec.origin,
        algorithm="sha256" if query is None else "pdq+dhash+phash", distance=float(hit.distance), score=score(hit.distance),
        seen_at=rec.seen_at, transform="" if query is None else describe(query.region, query.transform, hit.variant),
        sightings=sightings,
    )


def open_index(spec: IndexSpec, *, create: bool = True, readonly: bool = False, refresh_s: float | None = None) -> PhotoIndex:
    """Open (or create) the index at `spec`: a SQLite file path or a `postgresql://` URL. Its searcher is
    shared by every open of it in this process.

    The searcher is keyed by path (or database) and by the random id the database was created with,
    so a file deleted and built again at the same path gets a fresh searcher.
    """
    store = open_store(spec, create=create, readonly=readonly)
    try:
        key = store_key(spec, store)
    except BaseException:
        store.close()
        raise
    return PhotoIndex(store, shared(key), refresh_s=refresh_s)


__all__ = [
    "CENTRE_WINDOWS", "FULL_THRESHOLD", "WITHOUT_KEYPOINTS", "GEOMETRIC", "GeometricCheck", "MATCH_THRESHOLD", "THRESHOLDS", "UNVERIFIED", "VERIFIED", "WINDOW_THRESHOLD", "PhotoIndex", "PhotoMeta",
    "NEAREST_DISTANCE", "NEAREST_GEOMETRY", "NEAREST_K", "NEAREST_RADIUS", "accept_nearest", "accepted", "is_iso_date", "nearest_photos", "is_smooth", "loaded_generations", "open_index", "pair_class", "score", "variant_radii",
]
