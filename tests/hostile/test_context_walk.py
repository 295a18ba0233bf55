"""Issue 10, item 1: a picture's context walks out from the picture over the blocks without text (hidden text,
one-letter paragraphs) to the nearest blocks with text. Walked again from every picture, pictures spread among
such blocks made it quadratic (500 pictures among 50 000 hidden-text paragraphs: 12 million steps); each block is
now walked over once, and the context found is the same."""

from __future__ import annotations

from unittest import mock

from captioncheck.extract import context, extract
from captioncheck.load import page_from_html
from tests.hostile.pages import Counted

LEAD = "The minister spoke to reporters about the budget on Tuesday."


def test_pictures_among_blocks_without_text_walk_each_block_once() -> None:
    pictures, padding = 200, 50
    html = f"<article><p>{LEAD}</p>" + "".join(
        "<p><span hidden>xx</span></p>" * padding + f'<img src="/p{i}.jpg" width="640">' for i in range(pictures))
    html += "<p>x</p>" * padding + "<p>The talks resume on Monday in the capital.</p></article>"
    calls = 0
    read = context.TextBlocks.text

    def counted(self: context.TextBlocks, k: int) -> str:
        nonlocal calls
        calls += 1
        return read(self, k)

    with mock.patch.object(context.TextBlocks, "text", counted):
        page = extract(page_from_html(html, "https://news.example/a"), with_text=False)
    assert len(page.images) == pictures
    assert all(image.context_before == LEAD for image in page.images)  # the same block, however far
    assert all(image.context_after == "The talks resume on Monday in the capital." for image in page.images)
    blocks = pictures * padding + padding + 2
    assert calls <= 3 * blocks  # (walked from every picture: ~pictures * blocks / 2 = 1 million)


def test_hidden_text_is_known_from_the_tables() -> None:
    """`Doc.readable_len`: an element's text outside its hidden descendants (a hidden element keeps all its
    text), the same whether the page's tables are lists or numpy arrays."""
    from captioncheck.extract.dom import Doc

    html = ('<div id=a><p>ab</p><span hidden>xyz</span><p><b class="sr-only">no</b>c d</p></div>'
            '<div id=b hidden><p>efg</p></div>')
    for vectorised in (False, True):
        doc = Doc.parse(html, vectorised=vectorised)
        a, b = doc.index(doc.css_first("#a")), doc.index(doc.css_first("#b"))
        assert (doc.text_len[a], doc.readable_len[a]) == (10, 5)  # "ab" + "c d": what a reader sees
        assert (doc.text_len[b], doc.readable_len[b]) == (3, 3)
        span = doc.index(doc.css_first("span"))
        assert doc.readable_len[span] == doc.text_len[span] == 3


def test_caption_walk_steps_over_hidden_text_without_reading_it() -> None:
    """A picture's caption walk passes blocks whose text is all hidden without reading them (it read each one's
    text to learn it was empty: 1 700 pictures among 68 000 such paragraphs took most of a 2 MB page's time),
    and still finds the caption after them."""
    from captioncheck.extract import caption_text

    pictures, padding = 100, 30
    html = f"<article><p>{LEAD}</p>" + "".join(
        "<p><span hidden>xx</span></p>" * padding + f'<img src="/p{i}.jpg" width="640">' for i in range(pictures))
    html += ('<p><span hidden>xx</span></p><p class="caption">The last picture, as its caption says. '
             "(Photo: Jane Doe/AP)</p></article>")
    junk = Counted(caption_text.is_junk)
    with mock.patch("captioncheck.extract.captions.is_junk", junk):
        page = extract(page_from_html(html, "https://news.example/a"), with_text=False)
    assert len(page.images) == pictures
    assert page.images[-1].caption.startswith("The last picture, as its caption says.")
    assert junk.calls < pictures * 2  # (each hidden-text paragraph read: pictures * padding)
