"""trafilatura's tree cleaning joins each deleted element's tail onto its neighbour's: a page of asides each followed by
loose text costs it quadratic time (1 MB: 5 s; the extraction property test's 1 MB page: 12 s). Its CPU budget
(`metadata.TEXT_CPU_S` + `TEXT_CPU_PER_MB_S` per MB) bounds it; the page is still extracted."""

from __future__ import annotations

import time

from captioncheck.extract import extract, metadata
from captioncheck.load import page_from_html


def test_a_page_that_makes_trafilatura_quadratic_is_extracted_within_its_budget() -> None:
    html = ('<html lang="en"><body><article><p>x</p><img src="a.jpg" width="640">'
            + ("<aside>x</aside>" + "some words of text here " * 5) * 5_500 + "</article></body></html>")
    extract(page_from_html("<p>x</p>", "https://example.com/warm"))
    started = time.process_time()
    record = extract(page_from_html(html, "https://example.com/a"))
    spent = time.process_time() - started
    budget = metadata.TEXT_CPU_S + metadata.TEXT_CPU_PER_MB_S * len(html) / 2**20
    assert spent < budget + 1.5, f"{spent:.1f} s"
    assert [i.url for i in record.images] == ["https://example.com/a.jpg"]
