"""`within`: descendants and ancestors read from the page's tables answer what lexbor's css() and
`dom.ancestors` answer (the rules rely on it: same elements, same order, the element itself included)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captioncheck.extract import within
from captioncheck.extract.dom import Doc, ancestors
from captioncheck.extract.urls import parse_srcset

PAGE = """<html><head><meta itemprop=url content=x><link itemprop=image href=y></head><body>
<article><figure itemscope><picture><source srcset="a.webp"><source srcset="b.webp"><img src=a.jpg></picture>
<meta itemprop=contentUrl content=/full.jpg><link href=/x rel=x>
<figcaption>The caption <span class=credit>Photo: <b>AP</b></span><svg><path d=""/></svg></figcaption></figure>
<template><img src=t.jpg><h1>inside a template</h1></template>
<div><a href=/story><img src=s.jpg> A headline long enough</a><a>no href</a><h3>Sub</h3><button>b</button></div>
<p>Text <input> <a href="/p">link</a></p></article></body></html>"""


def _ids(nodes):
    return [n.mem_id for n in nodes]


def test_descendants_as_css_gives_them():
    doc = Doc.parse(PAGE)
    for node in doc.nodes:
        assert _ids(within.elements(doc, node)) == _ids(node.css("*"))
        assert _ids(within.elements(doc, node, include_self=False)) == [
            n.mem_id for n in node.css("*") if n.mem_id != node.mem_id]
        assert _ids(within.elements(doc, node, {"source"})) == _ids(node.css("source"))
        assert _ids(within.elements(doc, node, {"meta", "link"}, has="itemprop")) == _ids(
            node.css("meta[itemprop], link[itemprop]"))
        assert _ids(within.elements(doc, node, {"a"}, has="href")) == _ids(node.css("a[href]"))
        for tags, query in (({"svg", "button", "img", "input"}, "svg, button, img, input"), ({"h1"}, "h1"),
                            ({"h2", "h3", "h4", "h5"}, "h2, h3, h4, h5")):
            mine, theirs = within.first(doc, node, tags), node.css_first(query)
            assert (mine and mine.mem_id) == (theirs and theirs.mem_id)
        for most in (1, 2, 50):
            assert within.count(doc, node, most) == min(len(node.css("*")), most)
            assert within.count(doc, node, most, include_self=False) == min(len(node.css("*")) - 1, most)


def test_ancestors_as_dom_gives_them():
    doc = Doc.parse(PAGE)
    for node in doc.nodes:
        for limit in (1, 3, 48):
            assert _ids(within.ancestors(doc, node, limit)) == _ids(ancestors(node, limit))


def test_elements_the_tables_do_not_number_are_asked_through_lexbor():
    doc = Doc.parse(PAGE)
    other = Doc.parse(PAGE)  # another parse: none of its elements is numbered in `doc`
    figure = other.tree.css_first("figure")
    img = other.tree.css_first("img")
    assert doc.index(figure) < 0
    assert _ids(within.elements(doc, figure)) == _ids(figure.css("*"))
    assert _ids(within.elements(doc, figure, include_self=False))[0] != figure.mem_id
    assert _ids(within.elements(doc, figure, {"meta", "link"}, has="itemprop")) == _ids(
        figure.css("meta[itemprop], link[itemprop]"))
    assert within.count(doc, figure, 100, include_self=False) == len(figure.css("*")) - 1
    assert _ids(within.ancestors(doc, img, 48)) == _ids(ancestors(img, 48))


def _reference_srcset(value: str) -> list[tuple[str, int]]:
    """The WHATWG srcset steps one character at a time (the oracle `parse_srcset` is held to)."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url, descriptor = value[start:i], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            begin, depth = i, 0
            while i < n and not (value[i] == "," and depth == 0):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
            descriptor = value[begin:i].strip()
        if url:
            m = re.search(r"(\d+(?:\.\d+)?)\s*([wx])", descriptor)
            width = 0 if m is None else int(float(m.group(1)) * (1 if m.group(2) == "w" else 1000))
            out.append((url, width))
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a.jpg", "/i/1-800.jpg", " ", ", ", ",", "(", ")", "400w", "2x", "1.5x", "w", "x", "7",
                                 "1234567890w", "\t", "\n", "٣w", "²x", "h", "."]), max_size=14).map("".join))
def test_srcset_is_read_as_the_standard_reads_it(value):
    assert parse_srcset(value) == _reference_srcset(value)


@pytest.mark.parametrize("vectorised", [False, True])
def test_large_boxes_are_read_through_the_positions_of_their_tags(vectorised: bool) -> None:
    """A box of more than SCAN_DIRECTLY elements is read through the page's positions of the tags asked for: the same
    elements, in the same order, as css() gives."""
    body = PAGE.split("<body>")[1].split("</body>")[0]
    doc = Doc.parse(f"<html><body><main>{body * 12}</main><aside>{body * 3}</aside></body></html>", vectorised=vectorised)
    large = [n for n in doc.nodes if doc.last[doc.index(n)] - doc.index(n) > within.SCAN_DIRECTLY]
    assert len(large) >= 4  # (html, body, main, aside)
    for node in large:
        assert _ids(within.elements(doc, node, {"source"})) == _ids(node.css("source"))
        assert _ids(within.elements(doc, node, {"a"}, has="href")) == _ids(node.css("a[href]"))
        assert _ids(within.elements(doc, node, {"a"}, has="href", include_self=False)) == _ids(node.css("a[href]"))
        assert _ids(within.elements(doc, node, {"meta", "link"}, has="itemprop")) == _ids(
            node.css("meta[itemprop], link[itemprop]"))
        assert within.first(doc, node, {"h1"}) is None  # (only inside the templates, which neither reads)
        assert within.first(doc, node, {"h3"}).mem_id == node.css_first("h3").mem_id
