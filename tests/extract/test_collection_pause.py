"""Large pages are extracted with cyclic garbage collection paused (each collection walks the page's
hundreds of thousands of objects), ordinary pages with it running; it is on again afterwards, also
after an error."""

from __future__ import annotations

import gc

import pytest

import captioncheck.extract as ex
from captioncheck.extract.dom import GC_PAUSE_CHARS
from captioncheck.load import page_from_html

SMALL = "<article><h1>T</h1><p>Some text of the article here.</p><figure><img src=a.jpg><figcaption>A caption</figcaption></figure></article>"
LARGE = "<article><h1>T</h1>" + "<p>Some text of the article here.</p>" * (GC_PAUSE_CHARS // 30) + "<img src=a.jpg></article>"


def _seen(monkeypatch) -> list[bool]:
    seen: list[bool] = []
    inner = ex._extract_doc

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return inner(*args, **kwargs)

    monkeypatch.setattr(ex, "_extract_doc", spy)
    return seen


@pytest.mark.parametrize(("html", "paused"), [(SMALL, False), (LARGE, True)])
def test_collection_paused_on_large_pages_only(monkeypatch, html, paused):
    seen = _seen(monkeypatch)
    assert gc.isenabled()
    result = ex.extract(page_from_html(html, "https://news.example/a"))
    assert result.images
    assert seen == [not paused]
    assert gc.isenabled()


def test_collection_back_on_after_an_error(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ex, "_extract_doc", boom)
    with pytest.raises(RuntimeError):
        ex.extract_records(page_from_html(LARGE, "https://news.example/a"))
    assert gc.isenabled()
