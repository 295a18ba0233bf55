"""Issue 10, items 1 and 9: a page naming more pictures than `extract` reads (MAX_PICTURES) kept the first ones in
document order, so decoys put before the article (tracking pixels in the header, a sidebar of thumbnails, a hidden
block) hid its photo from every check. Pictures inside article, main, figure or picture boxes are read first, then
the other visible ones, then hidden ones and pixels; the records stay in document order."""

from __future__ import annotations

import pytest

import captioncheck.extract as extract_module
from captioncheck.extract import extract
from captioncheck.load import page_from_html

LIMIT = 40
ARTICLE = ('<article><h1>Spy chief visits Tehran</h1><p>The minister said on Tuesday that the talks went on.</p>'
           '<figure><img src="/real/photo.jpg" width="1200" height="800"><figcaption>The real photo of the talks. '
           "(Photo: Jane Doe/AP)</figcaption></figure><p>The talks resume on Monday, officials said.</p></article>")
DECOYS = {
    "pixels": "<header>" + "".join(f'<img src="/px/{i}.gif" width="1" height="1">' for i in range(3 * LIMIT)) + "</header>",
    "sidebar": "<aside>" + "".join(f'<a href="/s{i}"><img src="/t/{i}.jpg"></a>' for i in range(3 * LIMIT)) + "</aside>",
    "hidden": "<div hidden>" + "".join(f'<img src="/h/{i}.jpg" width="640">' for i in range(3 * LIMIT)) + "</div>",
}


@pytest.mark.parametrize("decoys", sorted(DECOYS))
def test_decoys_before_the_article_do_not_hide_its_photo(monkeypatch: pytest.MonkeyPatch, decoys: str) -> None:
    monkeypatch.setattr(extract_module, "MAX_PICTURES", LIMIT)
    html = f"<html><body>{DECOYS[decoys]}{ARTICLE}</body></html>"
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False, all_images=True)
    assert LIMIT - 5 <= len(page.images) <= LIMIT  # (repeated placeholders merged)
    photo = [image for image in page.images if image.url.endswith("/real/photo.jpg")]
    assert [image.caption for image in photo] == ["The real photo of the talks."]
    assert [image.position for image in page.images] == list(range(len(page.images)))  # document order
    assert page.images[-1].url.endswith("/real/photo.jpg")


def test_a_gallery_longer_than_the_limit_keeps_its_first_pictures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_PICTURES", LIMIT)
    html = "<article><p>x</p>" + "".join(
        f'<figure><img src="/g/{i}.jpg" width="640"><figcaption>Picture {i} of the gallery.</figcaption></figure>'
        for i in range(2 * LIMIT)) + "</article>"
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False, all_images=True)
    assert [image.url.rsplit("/", 1)[1] for image in page.images] == [f"{i}.jpg" for i in range(LIMIT)]


def test_tracking_pixels_inside_the_article_do_not_hide_its_photo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "MAX_PICTURES", LIMIT)
    pixels = "".join(f'<img src="/px/{i}.gif" width="1" height="1">' for i in range(3 * LIMIT))
    html = "<html><body>" + ARTICLE.replace("<h1>", pixels + "<h1>") + "</body></html>"
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False, all_images=True)
    assert [image.caption for image in page.images if image.url.endswith("/real/photo.jpg")] == ["The real photo of the talks."]


@pytest.mark.parametrize("decoy", ['<img src="/d/{i}.jpg" width="640">', '<wbr data-src="/d/{i}.jpg">',
                                   '<div><a href="/s{i}"><img src="/d/{i}.jpg"></a></div>'], ids=["img", "data-src", "linked"])
def test_pictures_inside_the_article_do_not_hide_its_captioned_photo(monkeypatch: pytest.MonkeyPatch, decoy: str) -> None:
    """Decoys inside the article itself, before its photo, are inside an article box as the photo is: the photo was
    lost behind 2 000 bare `<img>`. A picture in a `<figure>` with a caption of its own is read first."""
    monkeypatch.setattr(extract_module, "MAX_PICTURES", LIMIT)
    decoys = "".join(decoy.format(i=i) for i in range(3 * LIMIT))
    html = "<html><body>" + ARTICLE.replace("<figure>", decoys + "<figure>") + "</body></html>"
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False, all_images=True)
    assert [image.caption for image in page.images if image.url.endswith("/real/photo.jpg")] == ["The real photo of the talks."]
    assert [image.position for image in page.images] == list(range(len(page.images)))  # document order


def test_figures_left_open_around_the_photo_do_not_make_their_decoys_captioned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unclosed `<figure>`s around decoys hold the photo's own figure, and so its caption: a figcaption makes only its
    own figure captioned (seed 130 of `scripts/scaling_scan.py --photo-last`)."""
    monkeypatch.setattr(extract_module, "MAX_PICTURES", LIMIT)
    decoys = "".join(f'<figure><img src="/d/{i}.jpg" width="640"><h2>Heading {i}' for i in range(3 * LIMIT))
    html = "<html><body>" + ARTICLE.replace("<figure>", decoys + "<figure>", 1) + "</body></html>"
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False, all_images=True)
    assert [image.caption for image in page.images if image.url.endswith("/real/photo.jpg")] == ["The real photo of the talks."]
