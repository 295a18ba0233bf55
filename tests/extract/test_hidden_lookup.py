"""`dom.is_hidden` on the page being extracted answers from the hidden elements `Doc.parse` found once (its CSS
pre-filter, then the markup rule): the same answer as the markup rule for every element."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captioncheck.extract.dom import Doc, hidden_by_markup, is_hidden, remembered_attributes, visible_text

MARKS = ["", " hidden", ' style="display:none"', ' style="visibility: hidden"', ' style="color:none"',
         ' class="sr-only"', ' class="visually-hidden x"', ' class="hide-me"', ' class="d-none"', ' class="shidden"',
         ' class="screenful"', ' class="only-child"', ' aria-hidden="true"', ' class="a11y"', ' HIDDEN']


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["p", "span", "div", "b"]), st.sampled_from(MARKS)), min_size=1, max_size=12))
def test_the_page_lookup_agrees_with_the_markup(elements: list[tuple[str, str]]) -> None:
    html = "<body>" + "".join(f"<{tag}{mark}>t{i} " for i, (tag, mark) in enumerate(elements)) + "</body>"
    doc = Doc.parse(html)
    nodes = list(doc.tree.root.traverse())
    outside = [visible_text(doc.tree.body)]
    with remembered_attributes(doc):
        assert [is_hidden(n) for n in nodes] == [hidden_by_markup(n) for n in nodes]
        assert visible_text(doc.tree.body) == outside[0]
