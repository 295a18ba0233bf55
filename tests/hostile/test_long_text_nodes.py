"""Found by `scripts/scaling_scan.py` (seed 2414): unclosed `<label itemprop=caption>`s and `<ol>`s repeated to 1.2 MB are
capped (their middle levels' tags dropped), leaving one 320 KB text node that every picture's caption read took whole
(`visible_text(limit=2400)` returned 324 KB), and the credit split then copied the text before each credit label it
found: 4.4 s at 1.2 MB. Reading stops at about the limit inside a text node too, and the label search looks back over
whitespace only."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from captioncheck.extract import credits
from captioncheck.extract.dom import visible_text


def test_reading_stops_near_the_limit_inside_one_long_text_node() -> None:
    text = "Reuters © Getty Images (c) AFP " * 10_000  # 310 000 characters in one text node
    node = LexborHTMLParser(f"<label>{text}<b>x</b></label>").css_first("label")
    assert node is not None
    shown = visible_text(node, limit=2400)
    assert 2400 <= len(shown) <= 2400 + 64
    assert text.startswith(shown)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n.:;|(x-/", max_size=40), st.integers(min_value=0, max_value=40))
def test_the_boundary_before_a_label_is_read_as_before(text: str, start: int) -> None:
    start = min(start, len(text))
    before = text[:start].rstrip()
    assert credits._boundary_before(text, start) == (bool(before) and before[-1] in ".!?。|–—-/([)»\"”:;,")
