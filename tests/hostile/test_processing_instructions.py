"""A processing instruction in the body (`<?php echo 1 ?>`, left by a broken template) becomes a node lexbor names
None, neither element nor text: numbering a page holding one raised TypeError (`"-" in None`) on every page size.
It is skipped like a comment, wherever it stands: the page reads as it does without them."""

from __future__ import annotations

import pytest

from captioncheck.extract import extract
from captioncheck.load import page_from_html

PI = "<?php echo $caption; ?>"
PAGE = ("<html>{pi}<head>{pi}</head><body>{pi}<article><h1>Talks{pi} resume</h1><p>The minister said on Tuesday that "
        "the talks went on.</p>{pi}<figure>{pi}<img src=/p.jpg width=1200>{pi}<figcaption>{pi}The real photo of the "
        "talks.{pi} <span class=credit>{pi}Photo: Jane Doe/AP</span></figcaption>{pi}</figure>{filler}<p>More{pi} "
        "text</p></article>{pi}</body></html>")


@pytest.mark.parametrize("paragraphs", [0, 30_000], ids=["ordinary", "large"])
def test_processing_instructions_anywhere_are_skipped(paragraphs: int) -> None:
    def read(pi: str) -> list[tuple[str, str]]:
        html = PAGE.format(pi=pi, filler="<p>x</p>" * paragraphs)
        page = extract(page_from_html(html, "https://news.example/a"), with_text=False)
        return [(image.caption, image.credit) for image in page.images]

    assert read(PI) == read("") == [("The real photo of the talks.", "Photo: Jane Doe/AP")]
