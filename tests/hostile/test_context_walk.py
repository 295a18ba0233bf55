"""Issue 10, item 1: a picture's context walks out from the picture over the blocks without text (hidden text,
one-letter paragraphs) to the nearest blocks with text. Walked again from every picture, pictures spread among
such blocks made it quadratic (500 pictures among 50 000 hidden-text paragraphs: 12 million steps); each block is
now walked over once, and the context found is the same."""

from __future__ import annotations

from unittest import mock

from captioncheck.extract import context, extract
from captioncheck.load import page_from_html

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
