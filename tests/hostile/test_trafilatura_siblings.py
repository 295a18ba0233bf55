"""Issue 10, item 1: trafilatura's fallbacks (readability, jusText) are quadratic in siblings. readability looks along
an empty element's siblings for the nearest one with text, from every empty element: 2 000 empty slides in one box
(0.7 MB) took 1.4 s there. Above MAX_SIBLING_PAIRS trafilatura runs without its fallbacks; the article's text is
still read."""

from __future__ import annotations

from unittest import mock

from captioncheck.extract import extract, metadata
from captioncheck.extract.dom import Doc
from captioncheck.load import page_from_html

ARTICLE = ("<article><h1>Talks resume</h1>"
           + "<p>The minister spoke to reporters about the budget on Tuesday, officials said in the capital.</p>" * 12
           + "</article>")


def _calls(html: str) -> list[bool]:
    seen: list[bool] = []
    real = metadata.main_text

    def recorded(text: str, url: str, fast: bool = False) -> str:
        seen.append(fast)
        return real(text, url, fast=fast)

    with mock.patch.object(metadata, "main_text", recorded):
        page = extract(page_from_html(html, "https://news.example/a"))
    assert "The minister spoke to reporters" in page.page.text  # the article's text either way
    return seen


def test_many_empty_siblings_skip_the_quadratic_fallbacks() -> None:
    slides = '<div class="slider">' + '<div class="slide" hidden><img data-src="/p.jpg"></div>' * 1500 + "</div>"
    assert metadata.sibling_pairs(Doc.parse(slides)) > metadata.MAX_SIBLING_PAIRS
    assert _calls(f"<html><body>{slides}{ARTICLE}</body></html>") == [True]


def test_an_ordinary_page_keeps_them() -> None:
    gallery = '<div class="gallery">' + '<figure><img src="/p.jpg"><figcaption>A slide</figcaption></figure>' * 40 + "</div>"
    assert _calls(f"<html><body>{gallery}{ARTICLE}</body></html>") == [False]
