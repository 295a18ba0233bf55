"""Geometric verification (captioncheck.index.geometry): the keypoints a photo is stored with, and candidate pairs
accepted beyond their thresholds when a query shares many keypoints with a photo in one consistent placement."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from captioncheck.index import PhotoMeta, open_index
from captioncheck.index import geometry as G
from captioncheck.index import hashes as H
from captioncheck.index import photoindex as P
from captioncheck.index.search import Hit

pytestmark = pytest.mark.skipif(not G.available(), reason="OpenCV (the geometry extra) is not installed")


def _jpeg(img: Image.Image, q: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q)
    return buf.getvalue()


def _stored(img: Image.Image) -> bytes:
    return next(r.bits for r in H.hash_image(_jpeg(img, 92)).rows if r.kind == G.FEATURE_KIND)


def _query(img: Image.Image) -> G.QueryFeatures:
    return G.QueryFeatures(H.decode(_jpeg(img)))


def _caption_band(img: Image.Image) -> Image.Image:
    out = img.copy()
    d = ImageDraw.Draw(out)
    w, h = out.size
    d.rectangle((0, int(h * 0.84), w, h), fill=(0, 0, 0))
    d.text((int(w * 0.03), int(h * 0.87)), "Officials meet in the capital", font=ImageFont.load_default(size=h // 16),
           fill=(255, 255, 255))
    return out


def _tilted(img: Image.Image, angle: float) -> Image.Image:
    return img.rotate(angle, resample=Image.Resampling.BICUBIC)  # in place: black corners


def test_a_photo_is_stored_with_its_keypoints_never_searched(index_spec, make_photo, make_jpeg) -> None:
    with open_index(index_spec) as idx:
        pid = idx.add_photo(make_jpeg(make_photo(3)), PhotoMeta(caption="x"))
        features = idx.store.features([pid, pid + 1000])
        assert list(features) == [pid]
        pts, desc, (w, h) = G.decode(features[pid])
        assert 50 <= len(pts) <= G.STORED_FEATURES and desc.shape == (len(pts), 32) and max(w, h) <= H.INDEX_SIDE * 3 // 2
        assert (pts[:, 0] <= w).all() and (pts[:, 1] <= h).all()
        assert idx.stats()["searchable_hashes"] == len([r for r in H.hash_image(make_jpeg(make_photo(3))).rows
                                                       if r.kind == "pdq"])


def test_copies_pass_and_other_photos_fail(make_photo) -> None:
    img = make_photo(21)
    stored = _stored(img)
    w, h = img.size
    copies = {
        "crop at an offset": img.crop((int(0.13 * w), int(0.04 * h), int(0.93 * w), int(0.84 * h))),
        "turned by 5 degrees": _tilted(img, 5),
        "caption band": _caption_band(img),
        "mirrored and small": ImageOps.mirror(img).resize((320, 240)),
        "turned by 90 degrees": img.transpose(Image.Transpose.ROTATE_90),
    }
    for name, copy in copies.items():
        assert G.verified(_query(copy), stored), (name, G.agreement(_query(copy), stored))
    for seed in (22, 23, 24):
        assert not G.verified(_query(make_photo(seed)), stored), G.agreement(_query(make_photo(seed)), stored)


def test_a_shared_overlay_matches_in_one_place_only(make_photo) -> None:
    """Two other photos under the same large label (an agency mark, a chart template's title) share keypoints in one
    consistent placement, but only where the label is: too few cells of the photo."""
    def labelled(seed: int) -> Image.Image:
        out = make_photo(seed).filter(ImageFilter.GaussianBlur(6))
        d = ImageDraw.Draw(out)
        d.rectangle((20, 20, 300, 80), fill=(250, 250, 250))
        d.text((30, 28), "AGENCY  2019", font=ImageFont.load_default(size=40), fill=(10, 10, 10))
        return out

    inliers, cells = max(G.agreement(_query(labelled(31)), _stored(labelled(32))))
    assert inliers >= G.GEOMETRY["inliers"] // 2  # the label matches...
    assert cells < G.GEOMETRY["cells"]  # ...in one corner of the photo
    assert not G.verified(_query(labelled(31)), _stored(labelled(32)))


def test_without_keypoints_nothing_is_verified(make_photo) -> None:
    flat = Image.new("RGB", (400, 300), (120, 160, 200))
    assert not G.verified(_query(flat), _stored(flat))  # no keypoints in a flat image: left to the thumbnails
    assert not G.verified(_query(make_photo(1)), None)
    assert not G.verified(_query(make_photo(1)), b"")
    assert not G.verified(_query(make_photo(1)), b"\x01\x02\x03")  # not a feature record
    assert not G.verified(None, _stored(make_photo(1)))


def _far_pair(query_img: Image.Image, distance: int) -> tuple[list[H.QueryHash], list[Hit]]:
    qs = H.query_hashes(H.decode(_jpeg(query_img)))
    n = next(i for i, q in enumerate(qs) if q.region == "full" and not q.transform and q.kind == "pdq")
    return qs, [Hit(1, "full", n, distance, quality=100)]


def test_a_pair_beyond_the_verified_radius_counts_within_the_geometric_one_when_verified(make_photo) -> None:
    img = make_photo(41)
    copy = _caption_band(_tilted(img, -5))
    stored_geo = {1: _stored(img)}
    stored_thumb = {1: next(r.bits for r in H.hash_image(_jpeg(img, 92)).rows if r.kind == H.THUMB_KIND)}
    far = max(P.THRESHOLDS["full"], P.VERIFIED["full"], P.UNVERIFIED["full"]) + 10
    radii = {**P.GEOMETRIC, "full": far}
    qs, hits = _far_pair(copy, far)
    calls: list[list[int]] = []

    def fetch(ids: list[int]) -> dict[int, bytes]:
        calls.append(list(ids))
        return stored_geo

    geo = P.GeometricCheck(_query(copy), fetch)
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: stored_thumb, geometric=radii, geo=geo)
    assert calls == [[1]]  # fetched once
    assert P.accepted(qs, hits, thumbs=lambda ids: stored_thumb, geometric=radii) == {}  # no query keypoints
    assert P.accepted(qs, hits, thumbs=lambda ids: stored_thumb, geometric={**radii, "full": far - 1},
                      geo=P.GeometricCheck(_query(copy), fetch)) == {}  # beyond the geometric radius
    other = P.GeometricCheck(_query(make_photo(42)), fetch)  # another photo's keypoints
    assert P.accepted(qs, hits, thumbs=lambda ids: stored_thumb, geometric=radii, geo=other) == {}
    none = P.GeometricCheck(_query(copy), lambda ids: {})  # a photo stored without keypoints
    assert P.accepted(qs, hits, thumbs=lambda ids: stored_thumb, geometric=radii, geo=none) == {}


def test_search_uses_the_query_keypoints_and_an_index_without_them_still_matches(tmp_path, make_photo, monkeypatch) -> None:
    img = make_photo(51)
    data = _jpeg(img, 92)
    h = H.hash_image(data)
    seen: list[object] = []
    real = P.accepted

    def spy(queries, hits, *args, **kwargs):  # the index passes its query's keypoints to the acceptance
        seen.append(kwargs.get("geo"))
        return real(queries, hits, *args, **kwargs)

    monkeypatch.setattr(P, "accepted", spy)
    with open_index(tmp_path / "new.sqlite") as idx, open_index(tmp_path / "old.sqlite") as old:
        pid = idx.add_photo(data, PhotoMeta())
        old_id = old.add_hashed(h.sha256, h.size, (h.width, h.height), [r for r in h.rows if r.kind != G.FEATURE_KIND], PhotoMeta())
        assert old.store.features([old_id]) == {}
        copy = _jpeg(img.resize((480, 360)), 70)
        assert [m.photo_id for m in idx.search(copy)] == [pid]
        assert [m.photo_id for m in old.search(copy)] == [old_id]
        assert seen and all(isinstance(g, P.GeometricCheck) for g in seen)


def test_a_photo_without_keypoints_keeps_the_thresholds_of_thumbnails_alone(make_photo) -> None:
    """An index written before keypoints (or a query without OpenCV) matches as before: a `full` pair within
    WITHOUT_KEYPOINTS["full"] counts unverified, while a photo with keypoints needs its pair verified."""
    img = make_photo(61)
    other = make_photo(62)  # its thumbnail and keypoints disagree with the query's
    thumb = {1: next(r.bits for r in H.hash_image(_jpeg(other, 92)).rows if r.kind == H.THUMB_KIND)}
    d = P.WITHOUT_KEYPOINTS["full"]
    assert P.THRESHOLDS["full"] < d  # verification (thumbnails or keypoints) decides a pair this near
    qs, hits = _far_pair(img, d)
    with_kp = P.GeometricCheck(_query(img), lambda ids: {1: _stored(other)})
    without_kp = P.GeometricCheck(_query(img), lambda ids: {})
    assert P.accepted(qs, hits, thumbs=lambda ids: thumb, geo=with_kp) == {}
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: thumb, geo=without_kp)  # stored before keypoints
    assert 1 in P.accepted(qs, hits, thumbs=lambda ids: thumb)  # a query without keypoints (no OpenCV)
    qs, hits = _far_pair(img, d + 1)
    assert P.accepted(qs, hits, thumbs=lambda ids: thumb, geo=without_kp) == {}


def test_index_search_finds_a_turned_cropped_captioned_copy_by_its_keypoints(index_spec, make_photo, make_jpeg, monkeypatch) -> None:
    """End to end on both backends: a copy turned by 5 degrees, cropped at an offset and captioned is found only
    because the index compares keypoints (without them its thumbnails disagree and its hashes are too far)."""
    img = make_photo(77, (1200, 800))
    turned = _caption_band(_tilted(img, 5))
    w, h = turned.size
    copy = _jpeg(turned.crop((int(0.12 * w), int(0.07 * h), int(0.92 * w), int(0.87 * h))), 80)
    with open_index(index_spec) as idx:
        pid = idx.add_photo(make_jpeg(img), PhotoMeta(caption="original"))
        for s in range(78, 84):
            idx.add_photo(make_jpeg(make_photo(s, (1200, 800))), PhotoMeta())
        found = idx.search(copy)
        assert [m.photo_id for m in found] == [pid] and found[0].distance > P.WITHOUT_KEYPOINTS["full"]
        monkeypatch.setattr(G, "available", lambda: False)  # OpenCV missing at query time: thumbnails alone
        assert idx.search(copy) == []


def test_asking_whether_opencv_is_there_does_not_import_it() -> None:
    """A look-up asks `available()` for every image; importing OpenCV costs ~0.1 s of CPU a cold `check`, paid only
    once a candidate's keypoints are compared."""
    import subprocess
    import sys

    code = ("import sys; from captioncheck.index import geometry as G, photoindex; "
            "assert G.available() and 'cv2' not in sys.modules, sorted(m for m in sys.modules if 'cv2' in m)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
