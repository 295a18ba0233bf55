"""Signals: independent sources of evidence about each image of a page.

Plugin authors import from here: `Signal`, `Evidence`, `PageBatch`, `ImageItem`, `registry`.
Built-in signals are registered by name below through lazy factories, so importing this package
never imports torch or pytesseract:

    clip               image<->caption/article similarity (captioncheck.signals.clip)
    embedded_metadata  EXIF/IPTC/XMP caption, credit, date, place (captioncheck.imagemeta)
    index_match        perceptual-hash lookup in the known-photo index and first-seen registry
    ocr                text inside the image, agency watermarks, burnt-in captions
"""

from __future__ import annotations

from captioncheck.signals.base import (
    ENTRY_POINT_GROUP,
    Evidence,
    ImageItem,
    PageBatch,
    Signal,
    SignalRegistry,
)


def _clip() -> Signal:
    from captioncheck.signals.clip_signal import ClipSignal

    return ClipSignal()


def _embedded() -> Signal:
    from captioncheck.signals.metadata import EmbeddedMetadataSignal

    return EmbeddedMetadataSignal()


def _index() -> Signal:
    from captioncheck.signals.index_match import IndexMatchSignal

    return IndexMatchSignal()


def _ocr() -> Signal:
    from captioncheck.signals.ocr import OcrSignal

    return OcrSignal()


registry = SignalRegistry()
registry.register("clip", _clip)
registry.register("embedded_metadata", _embedded)
registry.register("index_match", _index)
registry.register("ocr", _ocr)

BUILTIN_SIGNALS: tuple[str, ...] = ("clip", "embedded_metadata", "index_match", "ocr")

__all__ = [
    "BUILTIN_SIGNALS",
    "ENTRY_POINT_GROUP",
    "Evidence",
    "ImageItem",
    "PageBatch",
    "Signal",
    "SignalRegistry",
    "registry",
]
