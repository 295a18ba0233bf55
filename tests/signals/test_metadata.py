"""Embedded-metadata signal on real files written with Pillow (EXIF) and on broken bytes."""

from __future__ import annotations

import io

from PIL import Image

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings
from captioncheck.signals import ImageItem, PageBatch, registry
from captioncheck.signals.metadata import has_content


def jpeg(exif: dict[int, str] | None = None, taken: str = "") -> bytes:
    img = Image.new("RGB", (64, 48), (90, 120, 150))
    out = io.BytesIO()
    ex = Image.Exif()
    for tag, value in (exif or {}).items():
        ex[tag] = value
    if taken:
        ex.get_ifd(0x8769)[0x9003] = taken  # Exif IFD: DateTimeOriginal
    img.save(out, "JPEG", exif=ex.tobytes())
    return out.getvalue()


def collect(data: bytes) -> object:
    pil = Image.new("RGB", (64, 48))
    batch = PageBatch(page=PageInfo(), items=[ImageItem(image=ImageInContext(url="https://x/a.jpg"), data=data, pil=pil)],
                      settings=Settings())
    (ev,) = registry.create(["embedded_metadata"])[0].collect(batch)
    return ev


def test_exif_caption_artist_and_date_are_read() -> None:
    # 0x010E ImageDescription, 0x013B Artist, 0x8298 Copyright
    ev = collect(jpeg({0x010E: "Protest in Washington", 0x013B: "Jane Doe", 0x8298: "AFP"}, taken="2019:03:08 10:00:00"))
    assert ev.status == "ok"
    assert ev.value.caption == "Protest in Washington"
    assert "Jane Doe" in ev.value.creator
    assert ev.value.date_taken.startswith("2019-03-08")
    assert has_content(ev.value)


def test_no_metadata_is_ok_and_empty() -> None:
    ev = collect(jpeg())
    assert ev.status == "ok"
    assert not has_content(ev.value)


def test_broken_bytes_do_not_raise() -> None:
    ev = collect(b"\xff\xd8\xff\xe1garbage-not-a-jpeg")
    assert ev.status == "ok"
    assert not has_content(ev.value)
