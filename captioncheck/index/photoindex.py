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
Hashes of flat images match anything flat, so query hashes with PDQ quality below
MIN_QUERY_QUALITY and stored hashes below MIN_STORED_QUALITY (PDQ's published default, 50) are
not used.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from captioncheck._types import Match, Sighting
from captioncheck.index import hashes as H
from captioncheck.index.search import HashSearcher, Hit, shared
from captioncheck.index.store import PhotoRecord, SQLiteStore, utcnow

FULL_THRESHOLD = 152  # combined distance (PDQ + 2 x aux bits, 0..512); see docs/index.md
WINDOW_THRESHOLD = 108
MATCH_THRESHOLD = max(FULL_THRESHOLD, WINDOW_THRESHOLD)  # the largest search radius
MIN_QUERY_QUALITY = 30  # a darkened or low-contrast copy loses PDQ quality: be lenient on queries
MIN_STORED_QUALITY = 50
UNRELATED_DISTANCE = 256.0  # expected combined distance between unrelated photos: score 0


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
    """How the query relates to the stored photo, e.g. "mirror+crop"."""
    parts = [transform] if transform else []
    if variant != "full":
        parts.append("crop")
    if region == "trim":
        parts.append("borders")
    elif region == "block":
        parts.append("inset")
    return "+".join(parts)


class PhotoIndex:
    """Known photos in a store plus the in-memory hash searcher shared by this process."""

    def __init__(self, store: SQLiteStore, searcher: HashSearcher) -> None:
        self.store = store
        self.searcher = searcher
        self._sync_lock = threading.Lock()

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
        img = H.decode(data)
        return self.add_hashed(digest, len(data), img.size, H.index_hashes(img), meta, commit=commit, origin=origin)

    def add_hashed(self, digest: str, size: int, dims: tuple[int, int], rows: list[H.HashRow], meta: PhotoMeta, *,
                   commit: bool = True, origin: str = "curated") -> int:
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
                             added_at=utcnow(), **asdict(meta))
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
            self.store.commit()
        return added

    def remove(self, photo_ids: list[int]) -> int:
        return self.store.remove(photo_ids)

    def commit(self) -> None:
        self.store.commit()

    # -- reads
    def search(self, image: Image.Image | bytes, k: int = 5, *, exclude_page_url: str | None = None) -> list[Match]:
        """Known photos that look like `image`, best first (at most k)."""
        img = H.decode(image)
        queries = [q for q in H.query_hashes(img) if q.quality >= MIN_QUERY_QUALITY]
        if not queries:
            return []
        self.sync()
        bits = np.frombuffer(b"".join(q.bits for q in queries), np.uint8).reshape(len(queries), -1)
        aux = np.frombuffer(b"".join(q.aux for q in queries), np.uint8).reshape(len(queries), -1)
        best: dict[int, Hit] = {}
        radii = {v[0]: WINDOW_THRESHOLD for v in H.CROP_WINDOWS}
        for hit in self.searcher.search(bits, FULL_THRESHOLD, aux, radii):
            cur = best.get(hit.photo_id)
            if cur is None or _rank(hit, queries) < _rank(cur, queries):
                best[hit.photo_id] = hit
        records = self.store.photos(best)
        sightings = self.store.sightings(best)
        ranked = sorted((h for h in best.values() if h.photo_id in records), key=lambda h: (h.distance, h.photo_id))
        out = []
        for hit in ranked:
            rec = records[hit.photo_id]
            seen = sightings.get(hit.photo_id, [])
            others = [s for s in seen if not exclude_page_url or s.page_url != exclude_page_url]
            if exclude_page_url and (rec.page_url == exclude_page_url if rec.origin == "curated" or not seen else not others):
                continue  # known only from the page being checked: no evidence about that page
            out.append(_match(rec, hit, queries[hit.query], others))
        return out[:k]

    def sync(self) -> None:
        """Load hashes added since the searcher last looked (by this or another process)."""
        with self._sync_lock:
            while True:
                rows = self.store.hashes_after("pdq", self.searcher.last_row_id)
                if not rows:
                    return
                last = rows[-1][0]
                rows = [r for r in rows if (r[4] or 0) >= MIN_STORED_QUALITY]
                bits = np.frombuffer(b"".join(r[3] for r in rows), np.uint8).reshape(len(rows), 32)
                self.searcher.add(np.array([r[1] for r in rows], np.int64), [r[2] for r in rows], bits, last_row_id=last,
                                  aux=[r[5] for r in rows])

    def get(self, photo_id: int) -> PhotoRecord | None:
        return self.store.photos([photo_id]).get(photo_id)

    def stats(self) -> dict[str, Any]:
        self.sync()
        return {**self.store.stats(), "search": self.searcher.kind, "searchable_hashes": len(self.searcher),
                "thresholds": {"full": FULL_THRESHOLD, "window": WINDOW_THRESHOLD}}

    def close(self) -> None:
        self.store.close()


def _rank(hit: Hit, queries: list[H.QueryHash]) -> tuple[int, int]:
    """Smaller is better: distance, then the plainest explanation (whole image, no mirror, no crop)."""
    q = queries[hit.query]
    return hit.distance, int(q.region != "full") + int(bool(q.transform)) + int(hit.variant != "full")


def _match(rec: PhotoRecord, hit: Hit, query: H.QueryHash, sightings: list[Sighting]) -> Match:
    if rec.origin == "seen" and sightings:  # what a merely seen photo "says" is its earliest other appearance
        first = sightings[0]
        rec = replace(rec, caption=first.caption, credit=first.credit, page_url=first.page_url,
                      date=first.published or first.seen_at, seen_at=first.seen_at)
    return Match(
        photo_id=rec.id, caption=rec.caption, credit=rec.credit, creator=rec.creator, source_url=rec.source_url,
        page_url=rec.page_url, date=rec.date, place=rec.place, license=rec.license, origin=rec.origin,
        algorithm="pdq+dhash+phash", distance=float(hit.distance), score=score(hit.distance), seen_at=rec.seen_at,
        transform=describe(query.region, query.transform, hit.variant), sightings=sightings,
    )


def open_index(path: str | Path, *, create: bool = True, readonly: bool = False) -> PhotoIndex:
    """Open (or create) the index at `path`; its searcher is shared by every open of it in this process.

    The searcher is keyed by path and by the random id the database was created with, so a file
    deleted and built again at the same path gets a fresh searcher.
    """
    store = SQLiteStore(path, create=create, readonly=readonly)
    key = f"{Path(path).resolve()}#{store.index_id()}"
    return PhotoIndex(store, shared(key))


__all__ = ["FULL_THRESHOLD", "MATCH_THRESHOLD", "WINDOW_THRESHOLD", "PhotoIndex", "PhotoMeta", "is_iso_date", "open_index", "score"]
