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
    monkeypatch.setattr(metadata, "main_text", lambda html, url: calls.append(url) or "")
    big = extract(page_from_html(_page(MAX_TEXT_ELEMENTS // 3 + 10), "https://news.example/a"))
    assert calls == []  # trafilatura never asked
    assert big.page.text.startswith("Budget cuts") or "The minister told reporters" in big.page.text
    small = extract(page_from_html(_page(10), "https://news.example/b"))
    assert calls == ["https://news.example/b"]
    assert small.page.text == ""  # (what the stand-in gave)

