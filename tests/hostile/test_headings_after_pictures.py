"""Issue 10, item 1: a picture's caption walk climbs from the first text after the picture to its block. From a
heading straight inside the article (or <body>) the climb left the page's elements for the document node above
<html>, which has no entry in the page's tables: its text was read anew at every call, and 1 800 pictures each
before a heading (0.6 MB) took 9.3 s. The climb now stops at <html>, whose box holds the picture."""

from __future__ import annotations

from unittest import mock

from captioncheck.extract import extract
from captioncheck.extract.dom import Doc
from captioncheck.load import page_from_html


def test_caption_walk_never_reads_the_document_above_the_page() -> None:
    pictures = 300
    html = "<article><p>The minister spoke on Tuesday.</p>" + "".join(
        f'<h2>Heading {i}</h2><img src="/p{i}.jpg" width="640"><h3>Sub {i}</h3>' + "<h4></h4>" * 10
        for i in range(pictures)) + "</article>"
    outside = 0
    length = Doc.text_length

    def counted(self: Doc, node: object) -> int:
        nonlocal outside
        outside += self.index(node) < 0  # type: ignore[arg-type]
        return length(self, node)  # type: ignore[arg-type]

    with mock.patch.object(Doc, "text_length", counted):
        page = extract(page_from_html(html, "https://news.example/a"), with_text=False)
    assert len(page.images) == pictures
    assert outside == 0  # (before: the document's whole text, several times per picture)


def test_a_caption_under_a_picture_straight_in_body_is_still_found() -> None:
    html = ('<html><body><p>The minister spoke to reporters about the budget on Tuesday in the capital.</p>'
            '<img src="/p.jpg" width="640"><p>The minister at the talks on Tuesday. Photo: Jane Doe/AP</p>'
            '<p>The talks resume on Monday, officials said, after a week of meetings in the capital city.</p>'
            "</body></html>")
    page = extract(page_from_html(html, "https://news.example/a"), with_text=False)
    assert page.images[0].caption == "The minister at the talks on Tuesday."
    assert page.images[0].credit.endswith("Jane Doe/AP")
