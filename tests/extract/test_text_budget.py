"""The article text of a page too big for trafilatura: the page's own blocks, joined (bounded work)."""

from __future__ import annotations

import pytest

from captioncheck.extract import extract, metadata
from captioncheck.extract.metadata import MAX_TEXT_ELEMENTS
from captioncheck.load import page_from_html

STORY = "<p>The minister told reporters on Tuesday that the budget would be cut again next year.</p>"


def _page(cards: int) -> str:
    return ("<html><body><article><h1>Budget cuts</h1>" + STORY * 5
            + "".join(f'<div><img src="/p{i}.jpg" width="640"><p>Card {i} caption here</p></div>' for i in range(cards))
            + "</article></body></html>")


def test_a_page_of_more_elements_than_the_bound_reads_its_own_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(metadata, "main_text", lambda html, url, fast=False: calls.append(url) or "")
    big = extract(page_from_html(_page(MAX_TEXT_ELEMENTS // 3 + 10), "https://news.example/a"))
    assert calls == []  # trafilatura never asked
    assert big.page.text.startswith("Budget cuts") or "The minister told reporters" in big.page.text
    small = extract(page_from_html(_page(10), "https://news.example/b"))
    assert calls == ["https://news.example/b"]
    assert small.page.text == ""  # (what the stand-in gave)



def test_a_huge_pages_text_reads_a_bounded_number_of_blocks() -> None:
    from captioncheck.extract.context import TextBlocks
    from captioncheck.extract.dom import Doc

    doc = Doc.parse("<body>" + "".join(f"<p>line {i}</p>" for i in range(50)) + "</body>")
    blocks = TextBlocks(doc, None, set())
    assert blocks.joined(10**6, most_blocks=10).split("\n\n") == [f"line {i}" for i in range(10)]
    assert blocks.joined(10**6).count("\n\n") == 49


def test_one_character_paragraphs_are_no_blocks() -> None:
    from captioncheck.extract.context import TextBlocks
    from captioncheck.extract.dom import Doc

    doc = Doc.parse("<body>" + "<p>x</p>" * 5 + "<p> y </p><p>hello</p></body>")
    assert TextBlocks(doc, None, set()).joined(10**6) == "hello"
