"""The index signal opens an index once per process and still sees photos added later."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from captioncheck.index import PhotoMeta, open_index
from captioncheck.signals import index_match


def jpeg(seed: int) -> bytes:
    img = Image.effect_mandelbrot((480, 360), (-2 + seed * 0.3, -1.2, 1, 1.2), 40 + seed).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_index_is_opened_once_and_sees_later_additions(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    with open_index(path, create=True) as writer:
        writer.add_photo(jpeg(0), PhotoMeta(caption="first photo"))
    try:
        first = index_match._open(path, readonly=True)
        assert index_match._open(path, readonly=True) is first
        with open_index(path, create=True) as writer:  # another process or thread adds a photo
            writer.add_photo(jpeg(3), PhotoMeta(caption="added later"))
        assert [m.caption for m in first.search(jpeg(3))] == ["added later"]
    finally:
        index_match.close_indexes()
    assert index_match._open(path, readonly=True) is not first
    index_match.close_indexes()
