"""Helpers of a large page's numbering: `dom._Order` (mem_id -> element index: a sorted search while few are asked
for, then a dict, handed to the Doc; the same answers as the dict it replaces), on pages whose mem_ids ascend in
document order, on pages where the parser adds elements later, and on a parser that reuses memory (mem_ids in any
order)."""

from __future__ import annotations

import random

import pytest

from captioncheck.extract.dom import Doc, _Order


def test_order_answers_as_the_dict() -> None:
    rng = random.Random(7)
    ids = sorted(rng.sample(range(1, 10**12), 5_000))
    built: list[dict[int, int]] = []
    order = _Order(ids, lambda: built.append)  # (what a WeakMethod gives while its object lives)
    plain = dict(zip(ids, range(len(ids))))
    asked = [*rng.sample(ids, 2_000), *rng.sample(range(10**12, 2 * 10**12), 500), 0]
    rng.shuffle(asked)
    for mem_id in asked:  # past the bisection budget (64 + 5 000 / 16): the dict is built midway
        assert order.get(mem_id, -1) == plain.get(mem_id, -1)
        assert (mem_id in order) == (mem_id in plain)
    assert len(order) == len(plain)
    assert built == [plain]  # (handed over once built)
    with pytest.raises(KeyError):
        order[10**13]


@pytest.mark.parametrize("markup", ["<div><p>x</p><span>y</span></div>", "<table><tr><td>x</td></tr></table>"],
                         ids=["ascending", "tables"])  # (the parser adds each <tbody> after its table's cells)
def test_a_large_page_finds_its_elements(markup: str) -> None:
    doc = Doc.parse(markup * 20_000, vectorised=True)
    rng = random.Random(3)
    for k in [0, 1, len(doc.nodes) - 1, *rng.sample(range(len(doc.nodes)), 10_000)]:  # (past the dict's budget)
        assert doc.index(doc.nodes[k]) == k
        assert doc.end[doc.nodes[k].mem_id] == doc.last[k]
    assert isinstance(doc.order, dict)
    assert doc.index(Doc.parse("<p>z</p>").nodes[0]) == -1


def test_order_answers_in_any_order_of_mem_ids() -> None:
    rng = random.Random(11)
    ids = rng.sample(range(1, 2**63), 3_000)  # (not ascending: a parser that reuses memory hands them out so)
    order = _Order(ids)
    for k in rng.sample(range(len(ids)), 100):  # (within the sorted search's budget: no dict yet)
        assert order.get(ids[k]) == k and ids[k] in order
    assert order.get(2**63 + 5) is None and order.get(-1, -2) == -2 and "x" not in order
    assert list(order) == ids



def test_line_breaks_in_the_source_are_spaces_on_screen() -> None:
    """A newline inside a text node is a space to a reader; only <br> and blocks end a line (a credit written
    "(Credit:\\nName/CNET)" in the source was read as "(Credit:")."""
    from selectolax.lexbor import LexborHTMLParser

    from captioncheck.extract.dom import visible_lines, visible_text

    leaf = LexborHTMLParser('<span class="credit">(Credit:\nJane Doe/CNET)</span>').css_first("span")
    assert visible_text(leaf, first_line=True) == "(Credit: Jane Doe/CNET)"
    mixed = LexborHTMLParser("<p>One line\nstill the same<br>second <b>line\nhere</b></p>").css_first("p")
    assert visible_lines(mixed) == ["One line still the same", "second line here"]


def test_hide_classes_hide_the_element_not_what_a_modifier_names() -> None:
    """`hide`, `is-hide`, `hide-from-desktop`, `hide-for-print` hide the element; `image__hide-placeholder` names what
    the element hides (its placeholder): a lead photo's wrapper was taken for hidden."""
    from selectolax.lexbor import LexborHTMLParser

    from captioncheck.extract.dom import hidden_by_markup

    def hidden(cls: str) -> bool:
        return hidden_by_markup(LexborHTMLParser(f'<div class="{cls}">x</div>').css_first("div"))

    assert all(hidden(c) for c in ("hide", "box is-hide", "a-u-hide-from-desktop", "row hide-for-print", "sr-only"))
    assert not any(hidden(c) for c in ("image image__hide-placeholder", "hideous", "show-hide-toggle", "lede"))


@pytest.mark.parametrize("asked", [10, 20_000], ids=["index-searched", "index-built"])
def test_a_pages_doc_is_freed_when_dropped_without_the_cyclic_collector(asked: int) -> None:
    """A large page's Doc holds lexbor's tree (hundreds of MB for a 2 MB bomb): dropped, it is freed at once, not when
    the cyclic collector next runs (its element index held the Doc's own method strongly: a cycle), whether or not
    its index was asked enough to be built into a dict."""
    import gc
    import weakref

    enabled = gc.isenabled()
    gc.disable()
    try:
        doc = Doc.parse("<div><p>x</p><span>y</span></div>" * 20_000, vectorised=True)
        for k in range(0, 3 * asked, 3):
            doc.index(doc.nodes[k])
        assert isinstance(doc.order, dict) == (asked > 10)
        gone = weakref.ref(doc)
        del doc
        assert gone() is None
    finally:
        if enabled:
            gc.enable()
