"""Embedded-metadata signal: the photo's own EXIF/IPTC/XMP caption, credit, date and place.

A thin wrapper over `captioncheck.imagemeta.read_embedded` (which never raises on bad
metadata); when the file carries a C2PA manifest store, its Content Credentials are read and
validated with c2pa-python (`signals.c2pa_manifest`). An image without any metadata still yields status "ok" with an empty record: the
absence is evidence too (stripped by the publisher), not a failure.
"""

from __future__ import annotations

from typing import Any

from captioncheck.signals.base import Evidence, ImageItem, PageBatch

NAME = "embedded_metadata"


def has_content(meta: Any) -> bool:
    """True when the record carries any caption, credit, date or place."""
    fields = ("caption", "credit", "creator", "source", "copyright", "date_taken", "city", "country", "place")
    return (any(getattr(meta, f, None) for f in fields) or bool(getattr(meta, "gps", None))
            or bool(getattr(meta, "digital_source_type", "")) or getattr(meta, "content_credentials", None) is not None)


class EmbeddedMetadataSignal:
    name = NAME

    def collect(self, batch: PageBatch) -> list[Evidence]:
        try:
            from captioncheck.imagemeta import read_embedded
        except ImportError as exc:
            return [Evidence.unavailable(NAME, f"metadata reader missing ({exc}); reinstall captioncheck") for _ in batch.items]
        return [self._one(read_embedded, item) for item in batch.items]

    @staticmethod
    def _one(reader: Any, item: ImageItem) -> Evidence:
        try:
            meta = reader(item.data)
            if meta.c2pa:
                from captioncheck.signals.c2pa_manifest import read_content_credentials

                meta.content_credentials = read_content_credentials(item.data)
            return Evidence(signal=NAME, value=meta)
        except Exception as exc:  # the reader promises not to raise; never let one image stop the page
            return Evidence.error(NAME, f"could not read embedded metadata ({type(exc).__name__}): {exc}")


__all__ = ["NAME", "EmbeddedMetadataSignal", "has_content"]
