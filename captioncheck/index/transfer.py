"""Export and import of an index as JSON Lines: one photo per line with metadata, hashes and sightings.

Hashes travel as hex, so an index can be moved or merged without the image files. Lines are
validated at the boundary (hash lengths, hex, known kinds) before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from captioncheck._exceptions import InputError
from captioncheck._types import Sighting
from captioncheck.index.hashes import AUX_BYTES, PDQ_BYTES, SMALL_BYTES, SMALL_KINDS, HashRow
from captioncheck.index.photoindex import PhotoIndex, PhotoMeta
from captioncheck.index.store import META_FIELDS

FORMAT = "captioncheck-index/1"
HASH_BYTES = {"pdq": PDQ_BYTES, "aux": AUX_BYTES, **{k: SMALL_BYTES for k in SMALL_KINDS}}


def export_lines(index: PhotoIndex) -> Iterator[str]:
    for rec in index.store.iter_photos(with_hashes=True):
        obj = {k: v for k, v in asdict(rec).items() if k not in ("hashes", "seen_at", "sightings")}
        obj["sightings"] = [s.model_dump(exclude={"site"}) for s in rec.sightings]
        obj["format"] = FORMAT
        obj["hashes"] = [{"kind": h.kind, "variant": h.variant, "bits": h.bits.hex(), "quality": h.quality} for h in rec.hashes]
        yield json.dumps(obj, ensure_ascii=False)


def parse_line(line: str, where: str) -> dict[str, object]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg}); give a file written by `captioncheck index export`") from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT or not isinstance(obj.get("sha256"), str):
        raise InputError(f"{where}: not a captioncheck index export line; give a file written by `captioncheck index export`")
    rows = []
    for h in obj.get("hashes") or []:
        kind, bits = h.get("kind"), h.get("bits", "")
        try:
            raw = bytes.fromhex(bits)
        except (ValueError, TypeError) as exc:
            raise InputError(f"{where}: hash is not hex") from exc
        if kind not in HASH_BYTES or len(raw) != HASH_BYTES[kind]:
            raise InputError(f"{where}: bad {kind!r} hash of {len(raw)} bytes")
        rows.append(HashRow(kind, str(h.get("variant", "full")), raw, h.get("quality")))
    if not any(r.kind == "pdq" and r.variant == "full" for r in rows):
        raise InputError(f"{where}: no full-image PDQ hash")
    obj["rows"] = rows
    return obj


def import_lines(index: PhotoIndex, lines: Iterable[str], *, name: str = "input", batch: int = 500) -> tuple[int, int]:
    """Add every exported photo; returns (added, merged)."""
    added = merged = 0
    try:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            obj = parse_line(line, f"{name}:{n}")
            existed = index.store.find_sha256(obj["sha256"]) is not None  # type: ignore[arg-type]
            meta = PhotoMeta(**{k: str(obj.get(k) or "") for k in META_FIELDS})
            origin = "seen" if obj.get("origin") == "seen" else "curated"
            pid = index.add_hashed(str(obj["sha256"]), int(obj.get("size") or 0),  # type: ignore[call-overload]
                                   (int(obj.get("width") or 0), int(obj.get("height") or 0)), obj["rows"],  # type: ignore[arg-type]
                                   meta, commit=False, origin=origin)
            for s in obj.get("sightings") or []:  # type: ignore[union-attr]
                index.store.add_sighting(pid, Sighting.model_validate(s), commit=False)  # idempotent per (photo, page)
            merged += existed
            added += not existed
            if (added + merged) % batch == 0:
                index.commit()
    finally:
        index.commit()
    return added, merged


__all__ = ["FORMAT", "export_lines", "import_lines", "parse_line"]
