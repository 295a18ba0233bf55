"""The vectorised hashing: PDQ bit-exact with the reference, one decode for 49 windows, what a query hashes."""

from __future__ import annotations

import io

import numpy as np
import pdqhash
import pytest
from PIL import Image

from captioncheck.index import hashes as H
from captioncheck.index.photoindex import CENTRE_WINDOWS, STRONG_QUALITY, THRESHOLDS, pair_class


def _reference(img: Image.Image) -> tuple[bytes, int]:
    vec, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(img, dtype=np.uint8)))
    return np.packbits(vec.astype(np.uint8)).tobytes(), int(quality)


@pytest.mark.parametrize("seed,size", [(0, (640, 480)), (1, (333, 517)), (2, (1200, 90)), (3, (100, 100))])
def test_pdq_is_bit_exact_with_pdqhash(make_photo, seed, size) -> None:
    img = make_photo(seed, size)
    assert H.pdq(img) == _reference(img)


def test_every_window_is_bit_exact_with_pdqhash_of_the_crop(make_photo) -> None:
    img = make_photo(4, (300, 200))
    rows = {r.variant: r for r in H.index_hashes(img) if r.kind == "pdq"}
    assert len(rows) == 1 + len(H.CROP_WINDOWS) == 49
    for name, *box in H.CROP_WINDOWS:
        assert (rows[name].bits, rows[name].quality) == _reference(H.window(img, *box)), name


def test_quality_of_flat_and_smooth_images(make_photo) -> None:
    flat = Image.new("RGB", (200, 150), (90, 120, 200))
    ramp = Image.fromarray(np.tile(np.linspace(60, 140, 200, dtype=np.float32), (150, 1)).astype(np.uint8)).convert("RGB")
    assert H.pdq(flat)[1] == _reference(flat)[1] == 0
    assert H.pdq(ramp)[1] == _reference(ramp)[1] < 50  # (bits of frequencies absent from a ramp are float noise)
    assert H.pdq(make_photo(5))[1] >= 50


def test_hash_image_decodes_reduced_and_reports_the_original_size(make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(6, (1600, 1000)))
    h = H.hash_image(data)
    assert (h.width, h.height, h.size, h.sha256) == (1600, 1000, len(data), H.sha256(data))
    kinds = [r.kind for r in h.rows]
    assert kinds.count("pdq") == kinds.count("aux") == 49 and {"phash", "dhash", "whash"} <= set(kinds)
    # the reduced decode changes the whole-photo hash by a few bits only
    full = next(r.bits for r in h.rows if r.kind == "pdq" and r.variant == "full")
    assert H.hamming(full, H.pdq(H.decode(data))[0]) <= 40


def test_hash_image_applies_exif_orientation(make_photo) -> None:
    img = make_photo(7, (400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown turned by 90 degrees
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92, exif=exif)
    h = H.hash_image(buf.getvalue())
    assert (h.width, h.height) == (300, 400)
    upright = next(r.bits for r in h.rows if r.kind == "pdq" and r.variant == "full")
    assert H.hamming(upright, H.pdq(img.transpose(Image.Transpose.ROTATE_270))[0]) <= 20


def test_hash_image_rejects_garbage_with_a_clear_error() -> None:
    with pytest.raises(H.InputError, match="cannot decode image"):
        H.hash_image(b"not an image at all")


def test_query_hashes_cover_mirror_rotations_and_tilts(make_photo) -> None:
    img = make_photo(8, (480, 320))
    qs = H.query_hashes(img)
    transforms = [q.transform for q in qs if q.region == "full" and q.kind == "pdq"]
    assert transforms == ["", "mirror", "rot90", "rot180", "rot270", f"tilt{H.TILT:+g}", f"tilt{-H.TILT:+g}"]
    assert [q.transform for q in qs if q.kind == "smooth"] == ["", "mirror", "rot90", "rot180", "rot270", "band_top", "band_bottom",
                                                           f"tilt{H.TILT:+g}", f"tilt{-H.TILT:+g}"]
    by = {q.transform: q for q in qs if q.kind == "pdq"}
    assert by["mirror"].bits == H.pdq(img.transpose(Image.Transpose.FLIP_LEFT_RIGHT))[0]
    assert by["rot90"].bits == H.pdq(img.transpose(Image.Transpose.ROTATE_90))[0]


def test_pair_classes() -> None:
    centre = sorted(CENTRE_WINDOWS)[0]
    assert CENTRE_WINDOWS == {"c95_11", "c90_11", "c85_11", "c80_22"}
    assert pair_class("", 95, "full", 90) == "full" and pair_class("mirror", 95, "c80_00", 90) == "window"
    assert pair_class("rot90", 95, "full", 90) == "full" and pair_class("rot90", 95, centre, 90) is None
    assert pair_class("tilt+5", 95, centre, 90) == "window" and pair_class("tilt+5", 95, "c80_00", 90) is None
    assert pair_class("tilt+5", 95, "full", 90) is None
    assert pair_class("", 10, "full", 90) == "low_full" and pair_class("", 80, "c90_00", 20) == "low_window"
    assert pair_class("rot180", 10, "full", 90) is None


def test_pair_classes_by_quality_on_both_sides() -> None:
    """Textured photos (both hashes of quality >= STRONG_QUALITY) keep their own thresholds; a pair with a chart-like
    quality on either side gets mid_*, one of low quality on both sides (where PDQ is noise) flat_*."""
    assert STRONG_QUALITY == 90
    assert pair_class("", 89, "full", 100) == "mid_full" and pair_class("", 100, "c80_00", 60) == "mid_window"
    assert pair_class("", 35, "full", 100) == "mid_full"  # a darkened copy of a textured photo: lenient on queries
    assert pair_class("rot90", 70, "full", 95) == "mid_full" and pair_class("tilt-5", 70, "c90_11", 95) == "mid_window"
    assert pair_class("", 10, "full", 20) == "flat_full" and pair_class("mirror", 29, "c85_00", 49) == "flat_window"
    assert pair_class("", 30, "full", 20) == "low_full" and pair_class("", 10, "c85_00", 50) == "low_window"
    assert pair_class("rot90", 10, "full", 20) is None and pair_class("tilt+5", 10, "c90_11", 20) is None
    assert set(THRESHOLDS) >= {"full", "window", "mid_full", "mid_window", "low_full", "low_window", "flat_full",
                               "flat_window", "smooth", "smooth_window"}


def test_pair_classes_of_smooth_hashes() -> None:
    """Smooth windows answer plain (or mirrored) queries, a band only the query's same band, the whole
    photo plain and turned queries, the centre straightened ones; photos of high quality have none."""
    win, top, bottom = "smooth_c80_02", "smooth_top", "smooth_bottom"
    assert {v for v, _ in H.SMOOTH_WINDOWS} >= {win, top, bottom}
    assert pair_class("", 80, "smooth", 20, "smooth") == "smooth" and pair_class("rot90", 80, "smooth", 20, "smooth") == "smooth"
    assert pair_class("", 80, win, 20, "smooth") == "smooth_window" and pair_class("mirror", 80, H.SMOOTH_CENTRE, 20, "smooth") == "smooth_window"
    assert pair_class("rot90", 80, win, 20, "smooth") is None and pair_class("tilt+5", 80, win, 20, "smooth") is None
    assert pair_class("tilt+5", 80, H.SMOOTH_CENTRE, 20, "smooth") == "smooth"
    assert pair_class("band_top", 80, top, 20, "smooth") == "smooth_window"
    assert pair_class("band_top", 80, bottom, 20, "smooth") is None and pair_class("band_top", 80, "smooth", 20, "smooth") is None
    assert pair_class("", 80, top, 20, "smooth") is None  # a band is compared with the query's own bands only
    assert pair_class("", 80, win, 60, "smooth") is None and pair_class("", 80, win, 20, "pdq") is None


def test_transparent_images_are_flattened_on_a_contrasting_background() -> None:
    """Light content on a transparent background would vanish on white: it is flattened on black; dark content on white."""
    def shapes(colour: tuple[int, int, int]) -> bytes:
        img = Image.new("RGBA", (300, 200), (*colour, 0))
        for i, box in enumerate([(20, 20, 120, 90), (150, 60, 280, 180), (60, 120, 110, 190)]):
            Image.Image.paste(img, Image.new("RGBA", (box[2] - box[0], box[3] - box[1]), (*colour, 255 - 60 * i)), box[:2])
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return buf.getvalue()

    light, dark = H.decode(shapes((250, 250, 250))), H.decode(shapes((10, 10, 10)))
    assert np.asarray(light)[0, 0].tolist() == [0, 0, 0] and np.asarray(light)[50, 50].min() > 200
    assert np.asarray(dark)[0, 0].tolist() == [255, 255, 255] and np.asarray(dark)[50, 50].max() < 50
    assert H.pdq(light)[1] >= 50  # the shapes are there to hash, not a blank page


def test_smooth_hash_is_stored_for_low_quality_photos_only(make_photo, make_jpeg) -> None:
    sky = Image.fromarray(np.tile(np.linspace(90, 200, 300, dtype=np.float32)[:, None, None], (1, 400, 3)).astype(np.uint8))
    assert [r.variant for r in H.hash_image(make_jpeg(sky)).rows if r.variant == "smooth"] == ["smooth", "smooth"]
    assert not [r for r in H.hash_image(make_jpeg(make_photo(9))).rows if r.variant == "smooth"]
    layout, colour = H.smooth(sky)
    darker = Image.fromarray((np.asarray(sky) * 0.8).astype(np.uint8))
    assert H.smooth(darker)[0] == layout  # the layout ignores brightness
    assert 0 < H.hamming(H.smooth(darker)[1], colour) <= 12  # the colour moves a little
    rows = {r.variant for r in H.hash_image(make_jpeg(sky)).rows if r.kind == "pdq"}
    assert rows >= {"smooth", H.SMOOTH_CENTRE, *(v for v, _ in H.SMOOTH_WINDOWS)}  # windows and bands too
    turned = H.smooth(sky.transpose(Image.Transpose.ROTATE_90))[0]
    assert H.hamming(turned, layout) > 100
