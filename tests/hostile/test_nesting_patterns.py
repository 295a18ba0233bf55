"""Issue 10, item 1: pages that nest deep only by the HTML5 tree builder's rules (stray end tags that close
nothing, mis-nested tags it ignores, lists, tables, formatting elements it pushes again...). Each page is
flattened before parsing: lexbor's tree of the capped page is at most about twice MAX_DEPTH deep (asserted
on lexbor's own tree, not on time), and the picture after the nesting is still found. Mis-nestings the
parser repairs (`<b><p></b></p>`, unclosed `<a>`, `<select>` in `<select>`) are not deep and are parsed as
they are."""

from __future__ import annotations

import pytest

from captioncheck.extract import extract
from captioncheck.extract.dom import MAX_DEPTH, cap_nesting
from captioncheck.load import page_from_html
from tests.hostile.pages import lexbor_depth

PICTURE = "<img src=a.jpg width=640>"
UNITS = 5_000  # repetitions: 5 000 to 20 000 levels, far past the cap (at 50 000 lexbor alone takes seconds to minutes)

DEEP = {
    "stray_end_tag": "<div></x>",  # closes nothing (the old count popped a level for it)
    "span_closed_under_div": "<span><div></span></div>",  # </span> ignored while a <div> is open above it
    "stray_end_tag_in_paragraph": "<section><p></x></p>",
    "list_items": "<ul><li>",  # two levels per unit (the old count saw one)
    "tables": "<table><tr><td>",  # four levels per unit, with the <tbody> the parser adds
    "formatting": "<b><i><u>",
    "formatting_closed_under_div": "<b><div></b>",  # the adoption agency keeps the <div> open
    "font_nobr": "<font><nobr>x",
    "forms": "<form><div></form>",  # </form> takes the form out of the stack, what it held stays open
    "foreign_content": "<svg><g><foreignobject><div></g>",  # </g> is ignored in the HTML inside
    "unclosed_formatting_in_blocks": "<div><b>x</div>\n",  # the <b> is pushed again outside each <div>
}
SHALLOW = {
    "formatting_across_paragraph": "<b><p></b></p>",
    "unclosed_links": "<a href=x>",
    "select_in_select": "<select><option>",
    "stray_paragraph_end": "<p></x></p>",
    "blocks_in_buttons": "<button><div></button>",  # </button> closes the <div> too
    "unclosed_spans_in_divs": "<div><span>text</div>",  # common on real sites: </div> closes the span
}


@pytest.mark.parametrize("unit", DEEP.values(), ids=DEEP.keys())
def test_a_page_deep_by_the_tree_builders_rules_is_capped_and_keeps_its_picture(unit: str) -> None:
    html = "<p>x</p>" + unit * UNITS + PICTURE
    capped = cap_nesting(html)
    assert capped is not html
    assert lexbor_depth(capped) <= 2 * MAX_DEPTH + 4
    images = extract(page_from_html(html, "https://news.example/a"), with_text=False).images
    assert [image.url for image in images] == ["https://news.example/a.jpg"]


@pytest.mark.parametrize("unit", SHALLOW.values(), ids=SHALLOW.keys())
def test_a_mis_nesting_the_parser_repairs_is_not_flattened(unit: str) -> None:
    html = "<p>x</p>" + unit * UNITS + PICTURE
    assert cap_nesting(html) is html
    assert lexbor_depth(html) <= 8


def test_a_real_page_of_unclosed_spans_keeps_its_structure() -> None:
    """600 unclosed <span>s and links in their <div>s count 600 levels by "+1 per start tag" and would have
    been flattened; the tree builder closes them with each </div>."""
    row = '<div class="row"><span class="tag"><a href="/t">Topic</a> text</div>'
    html = "<html><body><article>" + row * 600 + "<figure>" + PICTURE + "<figcaption>Cap</figcaption></figure></article></body></html>"
    assert cap_nesting(html) is html
