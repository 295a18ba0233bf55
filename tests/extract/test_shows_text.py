"""`Doc.shows_text` answers from a per-page table whether `visible_text` could read any text of an element: it must
never say "none" where `visible_text` reads some (the caption walk then skips the element without reading it)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captioncheck.extract.dom import Doc, visible_text

TOKENS = ["<div>", "</div>", "<b>", "</b>", "<button>", "</button>", "<span hidden>", "<span style=display:none>",
          "</span>", "<p>", "<select><option>o", "</select>", "<noscript>", "</noscript>", "<a href=x>", "</a>", "<svg>",
          "</svg>", "<i class=caption>", "</i>", "<template>t</template>", "<!-- c -->", "x", " ", "Photo", "\u200b",
          "<br>", "<img src=a.jpg>", "<table><td>", "</table>"]


@pytest.mark.parametrize("vectorised", [False, True])
@settings(max_examples=150, deadline=None)
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=50))
def test_no_text_means_visible_text_reads_none(tokens: list[str], vectorised: bool) -> None:
    doc = Doc.parse("<html><body>" + "".join(tokens) + "</body></html>", vectorised=vectorised)
    for node in doc.nodes:
        if not doc.shows_text(node):
            assert visible_text(node) == "", (node.tag, "".join(tokens))


def test_text_only_inside_buttons_is_none_to_show() -> None:
    doc = Doc.parse("<div id=a><b><button>(c) AFP</button><b><button>x</button></b></b></div><p id=b>Shown</p>")
    assert not doc.shows_text(doc.tree.css_first("#a")) and visible_text(doc.tree.css_first("#a")) == ""
    assert doc.shows_text(doc.tree.css_first("#b")) and doc.shows_text(doc.tree.css_first("button"))
