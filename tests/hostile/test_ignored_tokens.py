"""Tokens the parser ignores, written with attributes: lexbor keeps each one's attributes until the page is freed,
growing faster than the page (1 MB of `<td id=x>x` outside any table: 700 MB; 2 MB: 2.8 GB in 7 s). Found by the
extraction property test run at scale (`scripts/property_scale.py`: 1.5 MB of stray cells peaked at 273-355 MiB of
allocations). `cap_nesting` drops the start tags `open_levels` knows the parser ignores (table parts outside a
table, a <frame>, repeats of <html>/<head>/<body>/<frameset>, a <form> inside a form) and the attributes of end tags."""

from __future__ import annotations

import tracemalloc

import pytest
from selectolax.lexbor import LexborHTMLParser

from captioncheck.extract import extract
from captioncheck.extract.dom import cap_nesting
from captioncheck.load import page_from_html

HEAD = '<html lang="fr"><body class="story"><article><p>Un texte.</p><img src="a.jpg" width="640">'
LIMIT = 64 * 2**20  # the same pages without the attributes allocate ~15 MiB


@pytest.mark.parametrize("unit", ['<td id="x">x', "</div id=x>x", '<frame id="x">x', '<body id="x">x', "</td class=a>x",
                                  '<form action="/s">x'])
def test_ignored_tokens_with_attributes_cost_no_more_than_the_page(unit: str) -> None:
    html = HEAD + unit * 50_000
    tracemalloc.start()
    try:
        record = extract(page_from_html(html, "https://example.com/a"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < LIMIT, f"{unit!r}: {peak / 2**20:.0f} MiB"
    assert [i.url for i in record.images] == ["https://example.com/a.jpg"]
    assert record.page.language == "fr"  # the page's own <html lang> is kept


def test_cells_of_a_real_table_and_the_first_root_tags_stay() -> None:
    rows = "".join(f'<tr class="r"><td class="c" id="c{i}">{i}</td><td class="c">x</td></tr>' for i in range(1_500))
    html = f'<html lang="de"><body class="page"><table class="t">{rows}</table>' + '<td id="s">y' * 1_500
    tree = LexborHTMLParser(cap_nesting(html))
    assert len(tree.css("td.c")) == 3_000 and tree.css_first("td#c1499") is not None
    assert tree.css_first("html").attributes.get("lang") == "de"
    assert tree.css_first("body").attributes.get("class") == "page"
    assert LexborHTMLParser(cap_nesting(html)).html.count('id="s"') == 0  # the stray cells after the table are gone


def test_forms_inside_a_form_are_linear() -> None:
    """A `<form>` opened before the last one's `</form>` is ignored, its attributes kept by lexbor: 2.4 MB of
    `<form href=...>` between text took 23 s to parse (1.2 MB: 2.3 s; found by `scripts/scaling_scan.py`). The
    first form keeps its attributes."""
    import time

    unit = '<form href="/story">Photo by Jane Doe (c) AFP'
    html = HEAD + unit * (2_400_000 // len(unit))
    started = time.process_time()
    tree = LexborHTMLParser(cap_nesting(html))
    assert time.process_time() - started < 2.0  # (now ~0.2 s)
    assert len(tree.css("form")) == 1 and tree.css_first("form").attributes == {"href": "/story"}
