"""The thumbnail-nearest candidates (captioncheck.index.nearest, photoindex.accept_nearest): the stored photos nearest a
query on a coarse colour thumbnail, accepted only when geometric verification passes, looked at when the hashes
accepted nothing."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from captioncheck.index import PhotoMeta, open_index
from captioncheck.index import geometry as G
from captioncheck.index import hashes as H
from captioncheck.index import nearest as N
from captioncheck.index import photoindex as P


def _jpeg(img: Image.Image, q: int = 90) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=q)
    return buf.getvalue()


def _thumb(level: tuple[int, int, int], side: int = H.THUMB_SIDE) -> bytes:
    return np.broadcast_to(np.array(level, np.uint8), (side, side, 3)).tobytes()


def test_coarse_averages_the_stored_thumbnail_by_blocks() -> None:
    grid = np.zeros((H.THUMB_SIDE, H.THUMB_SIDE, 3), np.uint8)
    grid[:4, :4] = 200  # one block of 4x4 cells: one coarse cell
    c = N.coarse(grid.tobytes()).reshape(N.COARSE, N.COARSE, 3)
    assert c[0, 0].tolist() == [200, 200, 200] and c.sum() == 600


def test_the_table_answers_the_nearest_photos_in_order_and_forgets_removed_ones() -> None:
    table = N.ThumbTable()
    table.add([10, 11, 12, 13], [_thumb((100, 128, 128)), _thumb((104, 128, 128)), _thumb((140, 128, 128)),
                                 _thumb((20, 90, 160))], last_row_id=7)
    assert len(table) == 4 and table.last_row_id == 7
    found = table.nearest([N.coarse(_thumb((101, 128, 128)))], 3)
    assert [p for p, _, _ in found] == [10, 11, 12]
    # root mean square differences in 1/STEPS of a level, rounded up: 1 level off on one channel of three
    assert found[0][2] == int(np.ceil(np.sqrt(1 / 3) * N.STEPS))
    # two views: each photo is reported with the view it is nearest to
    found = table.nearest([N.coarse(_thumb((0, 0, 0))), N.coarse(_thumb((20, 90, 160)))], 1)
    assert found == [(13, 1, 0)]
    table.remove([10, 13])
    assert [p for p, _, _ in table.nearest([N.coarse(_thumb((101, 128, 128)))], 5)] == [11, 12]
    assert N.ThumbTable().nearest([N.coarse(_thumb((1, 2, 3)))], 3) == []


def test_query_views_are_the_regions_as_is_and_mirrored(make_photo) -> None:
    img = H.decode(_jpeg(make_photo(5)))
    queries = H.query_hashes(img)
    views = N.query_views(queries)
    keys = [(queries[n].region, queries[n].transform) for n, _, _ in views]
    assert ("full", "") in keys and ("full", "mirror") in keys
    assert len(keys) == len(set(keys)) and all(t in ("", "mirror") for _, t in keys)
    assert all(m == (queries[n].transform == "mirror") for n, m, _ in views)


def _brick() -> Image.Image:
    skimage = pytest.importorskip("skimage")
    return Image.open(Path(skimage.__file__).parent / "data" / "brick.png").convert("RGB")


def _textures() -> list[Image.Image]:
    skimage = pytest.importorskip("skimage")
    d = Path(skimage.__file__).parent / "data"
    return [Image.open(d / n).convert("RGB") for n in ("grass.png", "gravel.png", "camera.png", "coins.png")]


def _unstored() -> Image.Image:
    skimage = pytest.importorskip("skimage")
    return Image.open(Path(skimage.__file__).parent / "data" / "moon.png").convert("RGB")


@pytest.mark.skipif(not G.available(), reason="OpenCV (the geometry extra) is not installed")
def test_a_crop_the_hashes_miss_is_found_by_its_thumbnail_and_keypoints(index_spec, monkeypatch) -> None:
    """scikit-image's brick (a grey repeating texture) cropped by 5% at an offset: its hashes lie beyond every radius
    searched (the bench's one crop-5% miss); its thumbnail is the nearest and its keypoints agree."""
    brick = _brick()
    crop = _jpeg(brick.crop((12, 24, 12 + 486, 24 + 486)))
    with open_index(index_spec) as idx:
        pid = idx.add_photo(_jpeg(brick, 92), PhotoMeta(caption="brick"))
        others = [idx.add_photo(_jpeg(t, 92), PhotoMeta(caption=f"texture {n}")) for n, t in enumerate(_textures())]
        monkeypatch.setattr(P, "NEAREST_RADIUS", -1)
        assert idx.search(crop) == []  # the hashes alone: not found
        monkeypatch.setattr(P, "NEAREST_RADIUS", 120)
        found = idx.search(crop)  # with the shipped geometric minima (photoindex.NEAREST_GEOMETRY)
        assert [m.photo_id for m in found] == [pid]
        assert found[0].distance >= P.NEAREST_DISTANCE and found[0].transform == ""
        # stricter geometric minima than the copy reaches: not accepted
        shipped = P.NEAREST_GEOMETRY
        monkeypatch.setattr(P, "NEAREST_GEOMETRY", {"inliers": 10_000, "cells": 6})
        assert idx.search(crop) == []
        monkeypatch.setattr(P, "NEAREST_GEOMETRY", shipped)
        # a radius under the crop's coarse difference: not looked at
        monkeypatch.setattr(P, "NEAREST_RADIUS", 0)
        assert idx.search(crop) == []
        monkeypatch.setattr(P, "NEAREST_RADIUS", 120)
        # a photo that is not stored finds its nearest thumbnails, whose keypoints disagree: nothing accepted
        assert idx.search(_jpeg(_unstored().crop((30, 30, 400, 400)))) == []
        # a removed photo is no candidate any more
        idx.remove([pid])
        idx.sync(force=True)
        assert pid not in [m.photo_id for m in idx.search(crop)]
        assert others


@pytest.mark.skipif(not G.available(), reason="OpenCV (the geometry extra) is not installed")
def test_nearest_candidates_are_looked_at_only_when_the_hashes_accept_nothing(make_photo, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(P, "NEAREST_RADIUS", 120)
    with open_index(tmp_path / "i.db") as idx:
        a = idx.add_photo(_jpeg(make_photo(1)), PhotoMeta(caption="a"))
        idx.add_photo(_jpeg(make_photo(2)), PhotoMeta(caption="b"))
        found = idx.search(_jpeg(make_photo(1), 70))
        assert [m.photo_id for m in found] == [a] and found[0].distance < P.NEAREST_DISTANCE


def test_an_index_loaded_before_the_source_was_on_loads_the_thumbnails_at_its_first_use(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(P, "NEAREST_RADIUS", -1)
    with open_index(tmp_path / "i.db") as idx:
        idx.add_photo(_jpeg(Image.new("RGB", (300, 200), (200, 30, 30))), PhotoMeta(caption="red"))
        idx.search(_jpeg(Image.new("RGB", (300, 200), (10, 10, 200))))
        assert len(idx._fresh.thumbs) == 0
        monkeypatch.setattr(P, "NEAREST_RADIUS", 120)
        idx.sync(force=True)
        assert len(idx._fresh.thumbs) == 1
