"""The colour thumbnail a photo is stored with, and the verification of pairs near a threshold on it."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from captioncheck.index import PhotoMeta, open_index
from captioncheck.index import geometry as G
from captioncheck.index import hashes as H
from captioncheck.index import photoindex as P
from captioncheck.index.search import Hit
from captioncheck.index.transfer import export_lines, import_lines, parse_line
from captioncheck.index.verify import GREY, VERIFY, agreement, band_agreement, passes, variant_box, verified

LOW = VERIFY["low"]


def _jpeg(img: Image.Image, q: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q)
    return buf.getvalue()


def _gradient(colours: tuple[tuple[int, int, int], tuple[int, int, int]], size: tuple[int, int] = (640, 420),
              angle: float = 0.6) -> Image.Image:
    w, h = size
    y, x = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    t = (x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle)
    t = ((t - t.min()) / np.ptp(t))[..., None]
    c0, c1 = np.array(colours[0], np.float32), np.array(colours[1], np.float32)
    return Image.fromarray((c0 + (c1 - c0) * t).astype(np.uint8))


def _same_luma_other_colours(img: Image.Image) -> Image.Image:
    """The image with its chroma turned around (Cb and Cr negated): the same luma, so the same PDQ, dHash and pHash."""
    y, cb, cr = img.convert("YCbCr").split()
    flip = lambda band: band.point(lambda v: 255 - v)
    return Image.merge("YCbCr", (y, flip(cb), flip(cr))).convert("RGB")


def _stored_thumb(img: Image.Image) -> bytes:
    return next(r.bits for r in H.hash_image(_jpeg(img, 92)).rows if r.kind == H.THUMB_KIND)


def _query_thumb(data: bytes) -> bytes:
    return next(q.thumb for q in H.query_hashes(H.decode(data)) if q.region == "full" and not q.transform)


def test_a_photo_is_stored_with_one_small_thumbnail(index_spec, make_photo, make_jpeg) -> None:
    with open_index(index_spec) as idx:
        pid = idx.add_photo(make_jpeg(make_photo(3)), PhotoMeta(caption="x"))
        thumbs = idx.store.thumbs([pid, pid + 1000])
        assert list(thumbs) == [pid] and len(thumbs[pid]) == H.THUMB_BYTES
        assert idx.stats()["searchable_hashes"] == len([r for r in H.hash_image(make_jpeg(make_photo(3))).rows
                                                       if r.kind == "pdq"])  # the thumbnail is never searched


@pytest.mark.parametrize(("kind", "fetch", "complaint"), [
    (H.THUMB_KIND, "thumbs", "thumb hash has"),
    pytest.param(G.FEATURE_KIND, "features", "orb features have",
                 marks=pytest.mark.skipif(not G.available(), reason="OpenCV (the geometry extra) is not installed")),
])
def test_export_and_import_carry_the_stored_extras_and_check_their_length(tmp_path, make_photo, make_jpeg, kind: str,
                                                                           fetch: str, complaint: str) -> None:
    """The colour thumbnail and the ORB keypoints travel with a photo; a line whose bytes are cut is refused."""
    with open_index(tmp_path / "a.sqlite") as a, open_index(tmp_path / "b.sqlite") as b:
        pid = a.add_photo(make_jpeg(make_photo(4)), PhotoMeta(caption="x"))
        lines = list(export_lines(a))
        import_lines(b, lines)
        assert list(getattr(b.store, fetch)([1]).values()) == list(getattr(a.store, fetch)([pid]).values())
        obj = json.loads(lines[0])
        for h in obj["hashes"]:
            if h["kind"] == kind:
                h["bits"] = h["bits"][:-2]
        with pytest.raises(Exception, match=complaint):
            parse_line(json.dumps(obj), "line 1")


def test_verification_accepts_copies_and_rejects_a_recoloured_gradient() -> None:
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    stored = _stored_thumb(sky)
    for copy in (_jpeg(sky, 40), _jpeg(sky.resize((400, 262)), 75), _jpeg(ImageOps.grayscale(sky).convert("RGB"))):
        assert verified(_query_thumb(copy), stored, "full", LOW), agreement(_query_thumb(copy), stored, "full")
    other = _same_luma_other_colours(sky)
    assert np.abs(H.luma(other) - H.luma(sky)).max() <= 6  # the same luma (within 2%): the hashes see little difference
    assert not verified(_query_thumb(_jpeg(other)), stored, "full", LOW)
    turned = _gradient(((30, 80, 200), (240, 180, 90)), angle=2.2)  # same colours, another direction
    assert not verified(_query_thumb(_jpeg(turned)), stored, "full", LOW)
    grey = _query_thumb(_jpeg(ImageOps.grayscale(sky).convert("RGB")))
    assert agreement(grey, stored, "full")[1] == GREY  # a grey copy: its layout alone decides


def test_a_crop_is_verified_against_its_window(make_photo) -> None:
    img = make_photo(7)
    stored = _stored_thumb(img)
    name, left, top, w, h = next(win for win in H.CROP_WINDOWS if win[0].startswith("c80"))
    crop = H.window(img, left, top, w, h)
    q = _query_thumb(_jpeg(crop))
    (layout, colour), (whole_layout, whole_colour) = agreement(q, stored, name), agreement(q, stored, "full")
    assert layout > 0.99 and colour > 0.7  # shapes of saturated colours: their edges cost some cells their colour
    assert layout > whole_layout and colour > whole_colour + 0.2  # aligned with the window, not the whole photo
    assert verified(q, stored, name, {"layout": 0.99, "colour": 0.7, "grey_layout": 1.0})
    assert variant_box(H.SMOOTH_CENTRE) == H.CENTRE_90
    with pytest.raises(ValueError):
        variant_box("nonsense")


def _pair(query_img: Image.Image, stored_img: Image.Image, distance: int | None = None) -> tuple[list[H.QueryHash], list[Hit]]:
    """The query hashes of one image and a hit of its whole-image hash on a photo (id 1), by default 5 beyond the
    full threshold and the one of an index without thumbnails."""
    qs = H.query_hashes(H.decode(_jpeg(query_img)))
    n = next(i for i, q in enumerate(qs) if q.region == "full" and not q.transform and q.kind == "pdq")
    far = max(P.THRESHOLDS["full"], P.UNVERIFIED["full"]) + 5
    return qs, [Hit(1, "full", n, far if distance is None else distance, quality=100)]


def test_a_pair_beyond_its_threshold_needs_verification_and_a_thumbnail(make_photo) -> None:
    img = make_photo(11)
    stored = {1: _stored_thumb(img)}
    radii = {"full": max(P.THRESHOLDS["full"], P.UNVERIFIED["full"]) + 20}
    qs, hits = _pair(img, img)
    assert P.accepted(qs, hits, verified=radii, thumbs=lambda ids: stored) != {}  # the same picture: verified
    assert P.accepted(qs, hits, verified=radii, thumbs=lambda ids: {}) == {}  # stored without a thumbnail (old index)
    assert P.accepted(qs, hits, verified=radii, thumbs=None) == {}  # no verification: today's thresholds
    assert P.accepted(qs, hits, verified={}, thumbs=lambda ids: stored) == {}  # no verified radius for the class
    other_qs, other_hits = _pair(_same_luma_other_colours(img), img)
    assert P.accepted(other_qs, other_hits, verified=radii, thumbs=lambda ids: stored) == {}


def test_a_pair_the_thresholds_of_before_accepted_unverified_now_needs_verification(make_photo) -> None:
    """Verification first: a textured pair between the plain threshold and the old one (UNVERIFIED) counts only
    when the thumbnails agree; an index without thumbnails still accepts it as before."""
    img = make_photo(12)
    stored = {1: _stored_thumb(img)}
    assert P.THRESHOLDS["full"] < P.UNVERIFIED["full"] <= P.VERIFIED["full"]
    d = P.UNVERIFIED["full"]
    other_qs, other_hits = _pair(_same_luma_other_colours(img), img, d)
    assert P.accepted(other_qs, other_hits, thumbs=lambda ids: stored) == {}  # other colours: rejected
    assert 1 in P.accepted(other_qs, other_hits, thumbs=lambda ids: {})  # an old index: the threshold of before
    qs, hits = _pair(img, img, d)
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: stored)  # the same picture: verified


def test_a_class_without_a_plain_threshold_accepts_only_verified_pairs() -> None:
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    qs = H.query_hashes(H.decode(_jpeg(sky)))
    n = next(i for i, q in enumerate(qs) if q.kind == "smooth" and not q.transform and q.region == "full")
    hits = [Hit(1, H.SMOOTH_VARIANT, n, 0, quality=10)]  # an identical smooth hash
    assert P.THRESHOLDS["smooth"] < 0  # low-texture images look alike: a smooth pair always needs its thumbnails
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: {1: _stored_thumb(sky)})
    recoloured = _stored_thumb(_same_luma_other_colours(sky))
    assert P.accepted(qs, hits, thumbs=lambda ids: {1: recoloured}) == {}  # the same layout, other colours
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: {})  # no thumbnail (an old index): UNVERIFIED["smooth"]


def test_an_index_without_thumbnails_still_matches(tmp_path, make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(5))
    h = H.hash_image(data)
    with open_index(tmp_path / "old.sqlite") as idx:  # as an index written before thumbnails: hashes only
        pid = idx.add_hashed(h.sha256, h.size, (h.width, h.height), [r for r in h.rows if r.kind != H.THUMB_KIND], PhotoMeta())
        assert idx.store.thumbs([pid]) == {}
        copy = _jpeg(Image.open(io.BytesIO(data)).resize((480, 360)), 70)
        assert [m.photo_id for m in idx.search(copy)] == [pid]


def test_a_photo_without_thumbnail_keeps_the_thresholds_of_before() -> None:
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    qs = H.query_hashes(H.decode(_jpeg(sky)))
    n = next(i for i, q in enumerate(qs) if q.kind == "pdq" and not q.transform and q.region == "full")
    assert qs[n].quality < P.MIN_QUERY_QUALITY  # a flat_full pair with a stored hash of low quality
    assert P.pair_class("", qs[n].quality, "full", 10) == "flat_full"
    d = P.UNVERIFIED["flat_full"]
    assert P.THRESHOLDS["flat_full"] < d <= P.VERIFIED["flat_full"]  # between the two levels
    hits = [Hit(1, "full", n, d, quality=10)]
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: {})  # an old index: as before verification
    other = _stored_thumb(_same_luma_other_colours(sky))
    assert P.accepted(qs, hits, thumbs=lambda ids: {1: other}) == {}  # a new one: verified, and this one fails
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: {1: _stored_thumb(sky)})


def _flat_window_case(img: Image.Image, distance: int) -> tuple[list[H.QueryHash], list[Hit], str]:
    """A copy of `img` cropped to one of its 80% windows, and a hit of its whole-image PDQ hash on that stored window
    (photo 1, stored quality 10) at `distance`: a flat_window pair (both hashes of low quality)."""
    name, left, top, w, h = next(win for win in H.CROP_WINDOWS if win[0].startswith("c80"))
    qs = H.query_hashes(H.decode(_jpeg(H.window(img, left, top, w, h))))
    n = next(i for i, q in enumerate(qs) if q.region == "full" and not q.transform and q.kind == "pdq")
    assert P.pair_class("", qs[n].quality, name, 10) == "flat_window"
    return qs, [Hit(1, name, n, distance, quality=10)], name


def test_a_cropped_gradient_is_found_within_the_wider_verified_radius() -> None:
    """Wider caps (docs/index.md): a low-texture crop whose nearest pair lies beyond the verified radius of before
    (flat_window 63, low_full 125) but within today's counts once its thumbnails agree, and only then."""
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    stored = _stored_thumb(sky)
    d = P.VERIFIED["flat_window"]
    assert d > 63 and P.VERIFIED["low_full"] > 125 and P.VERIFIED["flat_full"] > 119
    qs, hits, _ = _flat_window_case(sky, d)
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: {1: stored})
    assert P.accepted(qs, hits, thumbs=lambda ids: {1: _stored_thumb(_same_luma_other_colours(sky))}) == {}
    assert P.accepted(qs, hits, thumbs=lambda ids: {}) == {}  # an old index: beyond UNVERIFIED, as before
    qs, hits, _ = _flat_window_case(sky, d + 1)
    assert P.accepted(qs, hits, thumbs=lambda ids: {1: stored}) == {}  # beyond the radius: never


def test_the_searcher_looks_as_far_as_the_widest_radius_of_each_kind_of_stored_hash() -> None:
    radius = dict.fromkeys(P.THRESHOLDS, 10) | {"mid_window": 40, "smooth_window": 7}
    radii = P.variant_radii(radius)
    assert {radii[w[0]] for w in H.CROP_WINDOWS} == {40}
    assert {radii[v] for v in (H.SMOOTH_VARIANT, H.SMOOTH_CENTRE, *(n for n, _ in H.SMOOTH_WINDOWS))} == {10}
    assert "full" not in radii  # the whole photo: the search's own (largest) radius
    assert P.VARIANT_RADIUS == P.variant_radii(P.RADIUS)
    assert P.MATCH_THRESHOLD >= max(P.VERIFIED.values())


def _overlaid(img: Image.Image, top: float, height: float, alpha: int = 110) -> Image.Image:
    """The image with a band of white across its whole width at `top` (fractions of the height), `alpha` opaque:
    what a watermark's line of text or a caption band does to a 16x16 grid."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).rectangle((0, round(top * img.height), img.width, round((top + height) * img.height)),
                                    fill=(255, 255, 255, alpha))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


@pytest.mark.parametrize("top", [0.0, 0.4, 0.86])
def test_a_band_of_rows_may_be_set_aside_when_the_family_allows_it(top: float) -> None:
    """A band across a picture (a watermark's line, a caption band, meme text) changes more cells than the layout's
    trim leaves out: with a `band` minimum the correlation over the other rows may decide, and the copy passes."""
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    stored = _stored_thumb(sky)
    q = _query_thumb(_jpeg(_overlaid(sky, top, 0.15)))
    plain, banded = agreement(q, stored, "full")[0], band_agreement(q, stored, "full")[0]
    assert plain < LOW["layout"] <= banded
    assert not verified(q, stored, "full", {**LOW, "band": 0})
    assert verified(q, stored, "full", {**LOW, "band": LOW["layout"]})
    assert not verified(q, stored, "full", {**LOW, "band": banded + 0.001})  # the band has its own minimum


def test_textured_photos_set_a_caption_band_aside(make_photo) -> None:
    """As shipped, a textured pair may pass on the rows outside a band (VERIFY["textured"]["band"]): a dark caption
    band across the foot of a grey photo (the bench's `brick` and grey wallpapers) fails the whole grid's layout."""
    img = ImageOps.grayscale(make_photo(24)).convert("RGB")
    stored = _stored_thumb(img)
    captioned = img.copy()
    ImageDraw.Draw(captioned).rectangle((0, round(0.82 * img.height), img.width, img.height), fill=(10, 10, 10))
    q = _query_thumb(_jpeg(captioned))
    textured = VERIFY["textured"]
    layout, colour = agreement(q, stored, "full")
    assert colour == GREY and layout < textured["grey_layout"] and textured["band"] > 0
    assert band_agreement(q, stored, "full")[0] >= textured["grey_layout"]
    assert verified(q, stored, "full", textured)
    assert not verified(q, stored, "full", {**textured, "band": 0})


def test_setting_a_band_aside_does_not_pass_another_gradient_or_other_colours() -> None:
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    stored = _stored_thumb(sky)
    banded = {**LOW, "band": LOW["layout"]}
    turned = _gradient(((30, 80, 200), (240, 180, 90)), angle=1.2)  # the same colours, 35 degrees turned
    assert band_agreement(_query_thumb(_jpeg(turned)), stored, "full")[0] < LOW["layout"]
    assert not verified(_query_thumb(_jpeg(turned)), stored, "full", banded)
    other = _overlaid(_same_luma_other_colours(sky), 0.4, 0.15)
    assert not verified(_query_thumb(_jpeg(other)), stored, "full", banded)  # the colours still decide


def test_verified_decides_as_passes_on_the_agreement(make_photo) -> None:
    """verified() looks at the band only when the whole grid falls short: the same answer as passes() on agreement()
    and band_agreement()."""
    stored = [_stored_thumb(make_photo(s)) for s in (21, 22)] + [_stored_thumb(_gradient(((30, 80, 200), (240, 180, 90))))]
    queries = [_query_thumb(_jpeg(_overlaid(make_photo(21), 0.8, 0.2, 170))), _query_thumb(_jpeg(make_photo(22), 50)),
               _query_thumb(_jpeg(ImageOps.grayscale(make_photo(21)).convert("RGB"))),
               _query_thumb(_jpeg(_overlaid(_gradient(((30, 80, 200), (240, 180, 90))), 0.3, 0.1)))]
    darker = _gradient(((20, 55, 140), (170, 125, 60)))  # the sky's direction at other levels
    stored.append(_stored_thumb(darker))
    queries.append(_query_thumb(_jpeg(_overlaid(_gradient(((30, 80, 200), (240, 180, 90))), 0.4, 0.15))))
    variants = [{**p, "band": p["layout"] if not p["band"] else 0} for p in VERIFY.values()]
    variants += [{**p, "band": p["layout"], "band_levels": 1 - p.get("band_levels", 0)} for p in VERIFY.values()]
    for params in (*VERIFY.values(), *variants):
        for q in queries:
            for s in stored:
                for variant in ("full", H.CROP_WINDOWS[5][0]):
                    expected = passes(*agreement(q, s, variant), params, *band_agreement(q, s, variant))
                    assert verified(q, s, variant, params) == expected


def test_a_watermarked_gradient_passes_on_the_rows_outside_the_band_as_shipped() -> None:
    """hash11: the low-texture family sets a band aside too (a watermark's line of text across a gradient fails the
    whole grid's 0.99), and only where the cells outside the band keep the stored photo's levels (band_agreement's second answer)."""
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    stored = _stored_thumb(sky)
    q = _query_thumb(_jpeg(_overlaid(sky, 0.4, 0.15)))
    low = VERIFY["low"]
    assert low["band"] > 0 and low["band_levels"]
    assert agreement(q, stored, "full")[0] < low["layout"] <= band_agreement(q, stored, "full")[0]
    assert band_agreement(q, stored, "full")[1]
    assert verified(q, stored, "full", low)
    assert not verified(q, stored, "full", {**low, "band": 0})  # main's low family before hash11


def test_the_band_needs_the_levels_of_the_stored_photo_outside_it() -> None:
    """Another gradient of the same direction at other levels correlates as well once each side is normalised: with
    a band over it, the rows outside the band agree (>= 0.99) but their mean and spread do not, so it is not passed
    (without the level rule one half's pick reached 0.12-0.14% on the other half of the bench's distractors)."""
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    darker = _gradient(((20, 55, 140), (170, 125, 60)))  # the same hues, 0.55-0.7 of the levels
    stored = _stored_thumb(sky)
    q = _query_thumb(_jpeg(_overlaid(darker, 0.4, 0.15)))
    low = VERIFY["low"]
    assert agreement(q, stored, "full")[0] < low["layout"] <= band_agreement(q, stored, "full")[0]
    assert not band_agreement(q, stored, "full")[1]
    assert verified(q, stored, "full", {**low, "band_levels": 0})  # the band alone would pass it
    assert not verified(q, stored, "full", low)
    assert not passes(*agreement(q, stored, "full"), low, band_agreement(q, stored, "full")[0], False)
    assert passes(*agreement(q, stored, "full"), {**low, "band_levels": 0}, band_agreement(q, stored, "full")[0], False)


def test_a_watermarked_gradient_is_found_by_the_index_within_the_verified_radius() -> None:
    """Through photoindex.accepted: a low-texture copy with a watermark band, its pair beyond the plain threshold of
    its class and within the verified radius, is accepted on the shipped constants; the darker gradient is not."""
    sky = _gradient(((30, 80, 200), (240, 180, 90)))
    stored = {1: _stored_thumb(sky)}
    for img, found in ((_overlaid(sky, 0.4, 0.15), True), (_overlaid(_gradient(((20, 55, 140), (170, 125, 60))), 0.4, 0.15), False)):
        qs = H.query_hashes(H.decode(_jpeg(img)))
        n = next(i for i, q in enumerate(qs) if q.kind == "pdq" and not q.transform and q.region == "full")
        cls = P.pair_class("", qs[n].quality, "full", 10)
        assert cls in ("low_full", "flat_full")
        d = max(P.THRESHOLDS[cls], P.UNVERIFIED[cls], P.WITHOUT_KEYPOINTS[cls]) + 1
        assert d <= P.VERIFIED[cls]
        hits = [Hit(1, "full", n, d, quality=10)]
        assert (1 in P.accepted(qs, hits, thumbs=lambda ids: stored)) is found


def _blobs(r: float = 0.1) -> Image.Image:
    """Three soft blobs of muted colours on grey (an out-of-focus picture): smooth, yet its layout moves when shifted,
    unlike a linear gradient's."""
    w, h = 640, 420
    y, x = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    img = np.full((h, w, 3), 120.0)
    for cx, cy, colour in ((0.3, 0.4, (150, 130, 110)), (0.7, 0.6, (110, 130, 150)), (0.5, 0.2, (160, 150, 120))):
        g = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
        img = img * (1 - g) + np.array(colour, float) * g
    return Image.fromarray(img.clip(0, 255).astype(np.uint8))


def _between_windows(img: Image.Image, shift: float = 0.025) -> tuple[Image.Image, str]:
    """A 10% crop of `img` at an offset `shift` (of each side) from the stored centre 90% window, i.e. half-way to the
    next one: what the bench's crop_10 copies are. Returns the crop and the window's variant name."""
    name, left, top, w, h = next(win for win in H.CROP_WINDOWS if win[0] == "c90_11")
    box = (left + shift, top + shift, left + shift + w, top + shift + h)
    return img.crop(tuple(round(v * s) for v, s in zip(box, (img.width, img.height) * 2))), name


def test_a_low_texture_crop_between_windows_passes_when_its_colour_agrees_closely() -> None:
    """hash12: a smooth picture cropped between two stored windows keeps its colours cell for cell but its layout
    moves under the low family's 0.99; with its colour agreeing on close_colour of the cells, close_layout suffices
    (a colour agreement under close_colour, or a grey copy, still needs the family's layout minimum)."""
    img = _blobs()
    stored = _stored_thumb(img)
    crop, name = _between_windows(img)
    q = _query_thumb(_jpeg(crop))
    layout, colour = agreement(q, stored, name)
    assert LOW["close_layout"] <= layout < LOW["layout"] and colour >= LOW["close_colour"]
    assert band_agreement(q, stored, name)[0] < LOW["band"]  # nor does setting a band aside pass it
    assert verified(q, stored, name, LOW)
    assert passes(layout, colour, LOW)
    assert not verified(q, stored, name, {**LOW, "close_colour": 0})  # main before hash12
    assert not passes(layout, colour, {**LOW, "close_colour": 0})
    assert not passes(layout, LOW["close_colour"] - 0.01, LOW)  # a colour agreement under close_colour: 0.99 again
    assert not passes(LOW["close_layout"] - 0.001, colour, LOW)
    grey = _query_thumb(_jpeg(ImageOps.grayscale(crop).convert("RGB")))
    assert agreement(grey, stored, name)[1] == GREY and not verified(grey, stored, name, LOW)  # grey: no colour to agree


def test_a_low_texture_crop_between_windows_is_found_by_the_index() -> None:
    """Through photoindex.accepted on the shipped constants: the crop's flat_window pair with the window it lies
    closest to, beyond the class's plain threshold and within its verified radius, is accepted."""
    img = _blobs()
    crop, name = _between_windows(img)
    qs = H.query_hashes(H.decode(_jpeg(crop)))
    n = next(i for i, q in enumerate(qs) if q.kind == "pdq" and not q.transform and q.region == "full")
    cls = P.pair_class("", qs[n].quality, name, 10)
    assert cls in ("low_window", "flat_window")
    d = P.VERIFIED[cls]
    assert d > max(P.THRESHOLDS[cls], P.UNVERIFIED[cls], P.WITHOUT_KEYPOINTS[cls])
    hits = [Hit(1, name, n, d, quality=10)]
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: {1: _stored_thumb(img)})
    assert P.accepted(qs, hits, thumbs=lambda ids: {1: _stored_thumb(_same_luma_other_colours(img))}) == {}
