"""Look-ups of transformed copies: mirror, crops, borders, a screenshot; and unrelated photos (on both backends)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageOps

from captioncheck.index import PhotoMeta, open_index
from captioncheck.index import hashes as H
from captioncheck.index.photoindex import score


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def index_of_10(request: pytest.FixtureRequest, new_index, make_photo, make_jpeg):
    idx = open_index(new_index(request.param))
    ids = [idx.add_photo(make_jpeg(make_photo(s)), PhotoMeta(caption=f"photo {s}")) for s in range(10)]
    yield idx, ids
    idx.close()


def _jpeg(img: Image.Image, q: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q)
    return buf.getvalue()


def test_mirror_matches_and_says_so(index_of_10, make_photo) -> None:
    idx, ids = index_of_10
    [m, *_] = idx.search(_jpeg(make_photo(3).transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    assert m.photo_id == ids[3] and "mirror" in m.transform and m.algorithm == "pdq+dhash+phash"
    assert 0.5 < m.score <= 1.0


@pytest.mark.parametrize("box", [(32, 24, 608, 456), (0, 0, 560, 420), (70, 50, 640, 480)])
def test_crops_match(index_of_10, make_photo, box) -> None:
    idx, ids = index_of_10
    matches = idx.search(_jpeg(make_photo(6).crop(box)))
    assert matches and matches[0].photo_id == ids[6]


def test_letterbox_and_screenshot_match(index_of_10, make_photo) -> None:
    idx, ids = index_of_10
    letterbox = ImageOps.pad(make_photo(7), (1000, 480), color=(0, 0, 0))
    assert idx.search(_jpeg(letterbox))[0].photo_id == ids[7]
    page = Image.new("RGB", (1280, 900), "white")
    d = ImageDraw.Draw(page)
    d.rectangle((0, 0, 1280, 80), fill=(220, 222, 226))
    d.text((100, 30), "https://news.example/article", fill=(0, 0, 0))
    d.text((160, 110), "Headline of the article", fill=(0, 0, 0))
    page.paste(make_photo(7).resize((700, 525)), (160, 160))
    d.text((160, 700), "Body text " * 20, fill=(0, 0, 0))
    [m, *_] = idx.search(_jpeg(page))
    assert m.photo_id == ids[7] and "inset" in m.transform


def test_resized_greyscale_and_recompressed_match_exactly_one(index_of_10, make_photo) -> None:
    idx, ids = index_of_10
    img = ImageOps.grayscale(make_photo(2).resize((200, 150))).convert("RGB")
    matches = idx.search(_jpeg(img, 40))
    assert [m.photo_id for m in matches] == [ids[2]]


def test_unrelated_photos_do_not_match(index_of_10, make_photo) -> None:
    idx, _ = index_of_10
    for seed in range(100, 110):
        assert idx.search(_jpeg(make_photo(seed))) == []


def test_flat_image_matches_nothing(index_of_10) -> None:
    idx, _ = index_of_10
    assert idx.search(_jpeg(Image.new("RGB", (300, 200), (128, 128, 128)))) == []


def test_score_bounds() -> None:
    assert score(0) == 1.0 and score(256) == 0.0 and score(400) == 0.0 and 0 < score(80) < 1


def test_query_regions_find_the_inset(make_photo) -> None:
    canvas = Image.new("RGB", (800, 600), (255, 255, 255))
    canvas.paste(make_photo(1).resize((400, 300)), (200, 150))
    regions = H.query_regions(canvas)
    assert regions["trim"] == (200, 150, 600, 450)
    assert regions["block"] == (200, 150, 600, 450)


def test_decode_limits_and_modes(make_photo) -> None:
    rgba = make_photo(1).convert("RGBA")
    buf = io.BytesIO()
    rgba.save(buf, "PNG")
    img = H.decode(buf.getvalue())
    assert img.mode == "RGB" and max(img.size) <= H.WORK_SIDE
