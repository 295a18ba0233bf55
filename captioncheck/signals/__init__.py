"""Signals: independent sources of evidence about each image of a page.

Plugin authors import from here: `Signal`, `Evidence`, `PageBatch`, `ImageItem`, `Reason`, `registry`.
A plugin is a zero-argument factory named by an entry point in the `captioncheck.signals` group;
its evidence values appear under `plugins` in the report, and values that are `Reason`s (or lists
of them) count in the verdict like the built-in findings.
Built-in signals are registered by name below through lazy factories, so importing this package
never imports torch or pytesseract:

    clip               image<->caption/article similarity (captioncheck.signals.clip)
    embedded_metadata  EXIF/IPTC/XMP caption, credit, date, place (captioncheck.imagemeta)
    index_match        perceptual-hash lookup in the known-photo index and first-seen registry
    ocr                text inside the image, agency watermarks, burnt-in captions
"""

from __future__ import annotations

from functools import lru_cache

from captioncheck._types import Reason
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


@lru_cache(maxsize=1)
def plugin_signals() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Third-party signals from the `captioncheck.signals` entry points, loaded once per process:
    (names, one-line problems)."""
    names, problems = registry.load_entry_points()
    return tuple(names), tuple(problems)

__all__ = [
    "BUILTIN_SIGNALS",
    "ENTRY_POINT_GROUP",
    "Evidence",
    "ImageItem",
    "PageBatch",
    "Reason",
    "Signal",
    "SignalRegistry",
    "plugin_signals",
    "registry",
]
