"""Issue 10, item 1: every candidate URL of a picture is ranked, checked for a placeholder and keyed at several steps
(~10 us each): 1 000 pictures with 120-candidate srcsets (2 MB) took 1.3 s. A srcset's widest MAX_SRCSET_KEPT
candidates are worked on (real ones list at most a dozen: the corpus's longest, 12); the picture is still fetched
from the widest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from captioncheck.extract import extract
from captioncheck.extract.urls import MAX_SRCSET_KEPT, widest
from captioncheck.load import page_from_html


@given(st.lists(st.integers(min_value=0, max_value=5000), max_size=3 * MAX_SRCSET_KEPT))
def test_widest_keeps_the_widest_in_their_order(widths: list[int]) -> None:
    pairs = [(f"/p{i}.jpg", w) for i, w in enumerate(widths)]
    kept = widest(pairs)
    assert len(kept) == min(len(pairs), MAX_SRCSET_KEPT)
    assert kept == [p for p in pairs if p in kept]  # their own order
    if pairs:
        assert max(w for _, w in kept) == max(widths)
        dropped = [w for p, w in pairs if (p, w) not in kept]
        assert not dropped or max(dropped) <= min(w for _, w in kept)


def test_a_picture_of_a_long_srcset_is_fetched_from_the_widest() -> None:
    srcset = ", ".join(f"/p-{w}.jpg {w}w" for w in range(100, 100 + 120 * 10, 10))
    html = f'<article><p>The minister spoke on Tuesday.</p><img data-srcset="{srcset}" src="/p.jpg"></article>'
    image = extract(page_from_html(html, "https://news.example/a"), with_text=False).images[0]
    assert image.url == "https://news.example/p-1290.jpg"
    assert len(image.urls) <= MAX_SRCSET_KEPT + 1
