"""Issue 10, item 1: `python_open_levels` follows the tree builder in Python, one step per tag; a start tag whose like is
the current element (`<p>` in an open `<p>`, `<li>`, `<dd>`/`<dt>`, a cell straight in its row, a row after a cell:
unclosed paragraphs, items, cells and rows, the legacy way) went through the full rules (~1.3-1.9 us a tag: 500 000
unclosed `<p>`s or cells took 0.7-1 s there). It now takes a shortcut; the levels, the deepest level and the formatting tags to drop are the same
as without it, on generated pages of the tags whose rules meet it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captioncheck.extract import flatten, nesting

TAGS = ["<p>", "<p class=a>", "</p>", "<li>", "</li>", "<dd>", "<dt>", "</dd>", "<td>", "<th>", "</td>", "<tr>",
        "</tr>", "<table>", "</table>", "<tbody>", "<tfoot>", "</thead>", "<tr class=r>", "<div>", "</div>", "<b>", "</b>", "<i class=x>", "<button>",
        "</button>", "<ul>", "</ul>", "<dl>", "<select>", "<option>", "<template>", "</template>", "<svg>",
        "</svg>", "<caption>", "<object>", "</object>", "<a href=x>", "</a>", "<h2>", "</h2>", "<br>", "x", " ",
        "<thead>", "</tbody>", "</dd>", "</dt>", "<dl>", "</dl>", "<math>", "<hr>", "<b class=y>", "</select>"]


def _levels(html: str, shortcut: bool) -> tuple[list[int], int, list[int]]:
    parts = flatten.page_tokens(html)
    drops: list[int] = []
    nesting.SAME_AT_TOP = shortcut
    try:
        levels, deepest = nesting.python_open_levels(parts, drops)
    finally:
        nesting.SAME_AT_TOP = True
    return levels, deepest, drops


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TAGS), max_size=80))
def test_the_shortcut_gives_the_levels_of_the_full_rules(tokens: list[str]) -> None:
    html = "".join(tokens)
    assert _levels(html, True) == _levels(html, False)


def test_unclosed_paragraphs_and_cells_take_the_shortcut() -> None:
    for html in ("<p>x" * 2000, "<p>x<hr>" * 2000, "<ul>" + "<li>x" * 2000, "<table><tr>" + "<td>x" * 2000 + "</table>",
                 "<dl>" + "<dt>x<dd>y" * 1000, "<table>" + "<tr><td>x" * 1000 + "</table>", "<p><table>" + "<tr>x" * 2000,
                 "<table>" + "<thead>x" * 2000, "<table><tbody class=a>" + "<tr class=b>" * 2000):
        calls = 0
        start_tag = nesting.OpenElements.start_tag

        def counted(self: nesting.OpenElements, *args: object) -> int:
            nonlocal calls
            calls += 1
            return start_tag(self, *args)  # type: ignore[arg-type]

        nesting.OpenElements.start_tag = counted  # type: ignore[method-assign]
        try:
            levels, deepest, _ = _levels(html, True)
        finally:
            nesting.OpenElements.start_tag = start_tag  # type: ignore[method-assign]
        assert calls <= 3 and deepest <= 4
