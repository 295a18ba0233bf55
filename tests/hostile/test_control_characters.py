"""A page cannot make itself unreadable to the checks with control characters: browsers render NUL and
other C0 characters (as U+FFFD, or not at all), so a document that opens as one (doctype, <html>...) is a
page whatever follows. Random bytes, images and archives are still refused."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from captioncheck._exceptions import InputError
from captioncheck.extract import extract
from captioncheck.load import load_page
from captioncheck.netfetch import looks_like_html

ARTICLE = ("<article><p>Officials met in the capital on Tuesday.</p><figure><img src=a.jpg width=640>"
           "<figcaption>Officials at the meeting (Photo: AFP)</figcaption></figure></article></body></html>")
OPENINGS = ["<!DOCTYPE html><html><head><title>T</title></head><body>", "\ufeff  <html lang=fr><body>",
            "<?xml version='1.0'?>\n<!-- saved --><html xmlns='http://www.w3.org/1999/xhtml'><body>"]


def _junk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.choice([0, 1, 2, 7, 8, 11, 14, 27, 31, 127, 0xFFFD])) for _ in range(n))


@pytest.mark.parametrize("opening", OPENINGS)
@pytest.mark.parametrize("where", ["after the opening", "in a head comment"])
def test_control_characters_after_a_document_opening_do_not_hide_the_page(tmp_path: Path, opening: str,
                                                                           where: str) -> None:
    junk = _junk(random.Random(3), 3000)
    html = opening + (junk if where == "after the opening" else f"<!--{junk}-->") + ARTICLE
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    result = extract(load_page(page, url="https://news.example/a"))
    assert [(image.caption, image.credit) for image in result.images] == [("Officials at the meeting", "Photo: AFP")]
    assert looks_like_html(html.encode("utf-8"))


def test_a_utf16_page_is_a_page_for_the_fetcher_too() -> None:
    html = OPENINGS[0] + ARTICLE
    assert looks_like_html(html.encode("utf-16"))  # (its BOM, then NUL in every other byte)
    assert looks_like_html(html.encode("utf-16-be").join([b"\xfe\xff", b""]))


def test_random_bytes_images_and_archives_are_still_refused(tmp_path: Path) -> None:
    from tests.hostile.pages import big_png

    for i in range(20):
        data = os.urandom(65536)
        assert not looks_like_html(data) or data.lstrip()[:1] == b"<"
        page = tmp_path / f"noise{i}.html"
        page.write_bytes(data)
        with pytest.raises(InputError, match="does not look like an HTML page"):
            load_page(page)
    for data in (big_png(64), b"%PDF-1.7\n" + os.urandom(100), b"PK\x03\x04" + os.urandom(100), b"\x1f\x8b\x08" + os.urandom(100),
                 b"\x00" * 2000 + b"<html><body>x</body></html>"):
        assert not looks_like_html(data)
    fragment = tmp_path / "fragment.html"  # no document opening: the control characters decide, as before
    fragment.write_text("<p>x</p>" + _junk(random.Random(4), 3000), encoding="utf-8")
    with pytest.raises(InputError, match="does not look like an HTML page"):
        load_page(fragment)
