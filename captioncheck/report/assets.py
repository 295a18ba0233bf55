"""Images for the HTML report: thumbnails of the page's images and of matched originals.

Reads only (a) the saved page's own image copies and (b) files in an originals folder the
user names (default: `originals/` next to the index file), matched to index records by SHA-256.
Every image is decoded with a pixel limit and re-encoded as a small JPEG.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from captioncheck.report.schema import CheckReport, ImageReport

THUMB_SIDE = 420
MAX_PIXELS = 50_000_000
MAX_ORIGINAL_FILES = 5000
MAX_FILE_BYTES = 30 * 1024 * 1024


def thumbnail(data: bytes, side: int = THUMB_SIDE) -> bytes | None:
    """A JPEG thumbnail, or None for anything unreadable, huge or hostile."""
    try:
        img = Image.open(io.BytesIO(data))
        if img.size[0] * img.size[1] > MAX_PIXELS:
            return None
        img.draft("RGB", (side, side))
        img = img.convert("RGB")
        img.thumbnail((side, side))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=80)
        return out.getvalue()
    except Exception:
        return None


def page_thumbnails(report: CheckReport, reader: Callable[[ImageReport], bytes | None]) -> dict[int, bytes]:
    """position -> thumbnail, from the bytes `reader` gives for each image (None: no thumbnail)."""
    thumbs: dict[int, bytes] = {}
    for image in report.images:
        try:
            data = reader(image)
        except Exception:
            data = None
        if data and len(data) <= MAX_FILE_BYTES:
            thumb = thumbnail(data)
            if thumb:
                thumbs[image.position] = thumb
    return thumbs


def original_thumbnails(report: CheckReport, index_path: Path | str | None, folder: Path | None) -> dict[int, bytes]:
    """photo_id -> thumbnail of the matched original, for files found in `folder` by SHA-256."""
    ids = {m.photo_id for img in report.images for m in img.matches if m.origin != "seen"}
    if not ids or index_path is None or folder is None or not folder.is_dir():
        return {}
    from captioncheck.index import open_index

    wanted: dict[str, int] = {}
    with open_index(index_path, create=False, readonly=True) as index:
        for pid in ids:
            rec = index.get(pid)
            if rec is not None:
                wanted[rec.sha256] = pid
    found: dict[int, bytes] = {}
    for path in sorted(folder.iterdir())[:MAX_ORIGINAL_FILES]:
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
            data = path.read_bytes()
            pid = wanted.get(hashlib.sha256(data).hexdigest())
            thumb = thumbnail(data) if pid is not None else None
            if thumb:
                found[pid] = thumb  # type: ignore[index]
                if len(found) == len(wanted):  # every wanted original found: stop reading files
                    break
    return found


__all__ = ["original_thumbnails", "page_thumbnails", "thumbnail"]
