"""Each check opens the index anew (a cheap SQLite connection) while the hash searcher is shared
per index file in the process, so a server never reloads every hash and still sees new photos."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from captioncheck.index import PhotoMeta, open_index


def jpeg(seed: int) -> bytes:
    img = Image.effect_mandelbrot((480, 360), (-2 + seed * 0.3, -1.2, 1, 1.2), 40 + seed).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_searcher_is_shared_per_file_and_sees_later_additions(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    with open_index(path, create=True) as writer:
        writer.add_photo(jpeg(0), PhotoMeta(caption="first photo"))
    with open_index(path, readonly=True) as first, open_index(path, readonly=True) as second:
        assert first.searcher is second.searcher
        with open_index(path, create=True) as writer:  # another process or thread adds a photo
            writer.add_photo(jpeg(3), PhotoMeta(caption="added later"))
        assert [m.caption for m in second.search(jpeg(3))] == ["added later"]
