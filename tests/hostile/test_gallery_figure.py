"""Issue 10, item 1: one <figure> holding a whole gallery (each picture followed by its own <figcaption>) was read as
every picture's own box: each of its pictures compared the figure's named parts with one another again (2 000
pictures: 1.6 s) and every picture got the same mash of the first captions. A figure of more pictures than a group
(MAX_GROUP) is a gallery: each picture's caption is the one after it."""

from __future__ import annotations

from captioncheck.extract import extract
from captioncheck.extract.captions import MAX_GROUP
from captioncheck.load import page_from_html


def _page(pictures: int) -> str:
    return ("<article><p>The minister spoke to reporters about the budget on Tuesday.</p><figure>" + "".join(
        f'<img src="/p{i}.jpg" width="640"><figcaption>Picture number {i} of the talks. (Photo: Jane Doe/AP)</figcaption>'
        for i in range(pictures)) + "</figure></article>")


def test_each_picture_of_a_gallery_figure_gets_its_own_caption() -> None:
    pictures = 3 * MAX_GROUP
    page = extract(page_from_html(_page(pictures), "https://news.example/a"), with_text=False)
    assert [image.caption for image in page.images] == [f"Picture number {i} of the talks." for i in range(pictures)]
    assert all(image.credit.endswith("Jane Doe/AP") for image in page.images)


def test_a_figure_of_a_few_pictures_is_still_their_box() -> None:
    html = ('<article><p>The minister spoke to reporters about the budget on Tuesday.</p><figure>'
            '<img src="/a.jpg" width="640"><img src="/b.jpg" width="640">'
            "<figcaption>The minister and his deputy at the talks. (Photo: Jane Doe/AP)</figcaption></figure></article>")
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False)
    assert [image.caption for image in page.images] == ["The minister and his deputy at the talks."] * 2
