"""EXIF, IPTC and XMP read from JPEG/PNG files written with real metadata blocks."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

from captioncheck.imagemeta import read_embedded


def _exif() -> Image.Exif:
    ex = Image.Exif()
    ex[0x013B], ex[0x010F], ex[0x0110], ex[0x8298], ex[0x0131] = "Jane Doe", "Canon", "EOS 5D", "(c) AFP", "Lightroom"
    ex.get_ifd(0x8769)[0x9003] = "2019:03:08 14:02:11"
    gps = ex.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (38.0, 53.0, 24.0), "W", (77.0, 0.0, 36.0)
    return ex


def test_all_three_blocks(make_photo, make_jpeg, xmp_template) -> None:
    xmp = xmp_template.format(credit="AFP/XMP", date="2019-03-08", city="Washington", caption="XMP caption",
                              creator="Mandel Ngan", location="US Capitol")
    iptc = {(2, 120): "Ilhan Omar and Nancy Pelosi at the US Capitol — 8 March 2019", (2, 110): "AFP", (2, 80): "MANDEL NGAN",
            (2, 55): "20190308", (2, 60): "140211-0500", (2, 90): "Washington", (2, 101): "United States", (2, 115): "AFP"}
    meta = read_embedded(make_jpeg(make_photo(1), exif=_exif(), xmp=xmp, iptc=iptc))
    assert meta.caption == "Ilhan Omar and Nancy Pelosi at the US Capitol — 8 March 2019"  # IPTC first, UTF-8 kept
    assert (meta.credit, meta.creator, meta.source, meta.copyright) == ("AFP", "MANDEL NGAN", "AFP", "(c) AFP")
    assert meta.date_taken == "2019-03-08T14:02:11"
    assert (meta.city, meta.country) == ("Washington", "United States")
    assert meta.place == "US Capitol, Washington, United States"
    assert meta.gps == {"lat": 38.89, "lon": -77.01}
    assert (meta.camera, meta.software, meta.c2pa) == ("Canon EOS 5D", "Lightroom", False)
    assert meta.raw["xmp:dc:description"] == "XMP caption"  # x-default chosen over the French alternative
    assert meta.raw["xmp:photoshop:Credit"] == "AFP/XMP" and meta.warnings == []


def test_xmp_only_and_iptc_date_fallback(make_photo, make_jpeg, xmp_template) -> None:
    xmp = xmp_template.format(credit="Reuters", date="2015-02-12T10:00:00Z", city="Kyiv", caption="Only XMP",
                              creator="A. Photographer", location="")
    meta = read_embedded(make_jpeg(make_photo(2), xmp=xmp))
    assert (meta.caption, meta.credit, meta.creator, meta.date_taken, meta.city) == (
        "Only XMP", "Reuters", "A. Photographer", "2015-02-12T10:00:00Z", "Kyiv")
    meta = read_embedded(make_jpeg(make_photo(2), iptc={(2, 55): "20190308", (2, 60): "140211+0100"}))
    assert meta.date_taken == "2019-03-08T14:02:11+01:00"


def test_png_xmp_and_c2pa_marker(make_photo, xmp_template) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_template.format(credit="PNG credit", date="", city="", caption="png",
                                                          creator="", location=""))
    buf = io.BytesIO()
    make_photo(3).save(buf, "PNG", pnginfo=info)
    meta = read_embedded(buf.getvalue())
    assert (meta.caption, meta.credit, meta.c2pa) == ("png", "PNG credit", False)


def test_c2pa_jumbf_segment_detected(make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(4))
    box = b"JP" + b"\x00\x01" + b"\x00\x00\x00\x01" + b"\x00\x00\x00\x20jumb\x00\x00\x00\x18jumdc2pa\x00\x11\x00\x10"
    seg = b"\xff\xeb" + (len(box) + 2).to_bytes(2, "big") + box
    assert read_embedded(data[:2] + seg + data[2:]).c2pa is True


def test_never_raises_on_junk(make_photo, make_jpeg) -> None:
    good = make_jpeg(make_photo(5), iptc={(2, 120): "x"})
    for junk in (b"", b"garbage", good[:200], good[:2] + b"\xff\xed\x00\x10Photoshop 3.0\x00\x00" + good[2:]):
        meta = read_embedded(junk)
        assert meta.caption in ("", "x")
    assert read_embedded(b"garbage").warnings


def _chunk(kind: bytes, body: bytes) -> bytes:
    import zlib

    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def _moved_after_pixels(png: bytes, kinds: tuple[bytes, ...]) -> bytes:
    """The PNG with its chunks of `kinds` moved from before the pixel data to just before IEND (allowed)."""
    pos, kept, moved = 8, [], []
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        chunk = png[pos:pos + 12 + length]
        (moved if chunk[4:8] in kinds else kept).append(chunk)
        pos += 12 + length
    return png[:8] + b"".join(kept[:-1] + moved + kept[-1:])


def test_png_metadata_is_read_without_decoding_pixels_unless_it_follows_them(make_photo, xmp_template,
                                                                              monkeypatch) -> None:
    """EXIF and XMP before the pixel data are read from the chunks alone (Pillow's getexif decoded every pixel
    of a PNG without EXIF: 49 MP each); after the pixel data (allowed, rarer) the pixels are decoded to reach them."""
    photo = make_photo(6)
    exif = Image.Exif()
    exif[0x013B] = "A. Photographer"  # Artist
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_template.format(credit="After credit", date="", city="", caption="after",
                                                          creator="", location=""))
    buf = io.BytesIO()
    photo.save(buf, "PNG", pnginfo=info, exif=exif)
    before = buf.getvalue()
    plain = io.BytesIO()
    photo.save(plain, "PNG")
    loads = []
    real_load = PngImagePlugin.PngImageFile.load

    def counted(self):  # type: ignore[no-untyped-def]
        loads.append(self.size)
        return real_load(self)

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", counted)
    assert read_embedded(plain.getvalue()).is_empty() and not loads  # nothing to read: no pixels decoded
    meta = read_embedded(before)
    assert (meta.creator, meta.caption, meta.credit) == ("A. Photographer", "after", "After credit") and not loads
    after = _moved_after_pixels(before, (b"eXIf", b"iTXt"))
    assert after != before and len(after) == len(before)
    meta = read_embedded(after)
    assert (meta.creator, meta.caption, meta.credit) == ("A. Photographer", "after", "After credit")
    assert loads  # decoded once, to reach the chunks after the pixels
