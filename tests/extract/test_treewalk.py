"""The compiled tree walker (`_lexbor_walk`, read through `treewalk.walk`) gives what the Python walk over selectolax's
objects gives: elements, tag names, mem_ids, parents, depths, subtree ends, and per text node its parent and lengths
(Python's own whitespace, text decoded as selectolax decodes it). Checked on generated markup holding every kind of
node a page can make, and on the test pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser, LexborNode

from captioncheck.extract import treewalk
from captioncheck.extract.dom import Doc

PAGES = sorted((Path(__file__).parents[2] / "testdata" / "pages").glob("*.html"))

_TAGS = ["div", "p", "b", "a", "span", "li", "ul", "td", "tr", "table", "figure", "svg", "math", "template", "select",
         "option", "noscript", "script", "textarea", "font", "clipPath", "foreignObject", "x-custom", "MyTag"]
_TEXTS = ["", " ", "\n\t ", "x", " two  words ", "\u00a0", "\u2003em\u2003", "\x0b", "\x1c\x1d", "\u00e9t\u00e9",
          "\u4e2d\u6587", "\U0001f600", "\ufffd", "&amp; &nbsp;", "a\rb\fc"]
_OTHER = ["<!-- c -->", "<?php echo 1 ?>", "<![CDATA[c d]]>", "<!doctype x>", "<img src=a.jpg>", "<br>", "</p>",
          "</div>", "<td>", "<tr>"]


def _element(children: list[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda tag, text, tail, close: f"<{tag}>{text}{''.join(children)}{f'</{tag}>' if close else ''}{tail}",
                     st.sampled_from(_TAGS), st.sampled_from(_TEXTS), st.sampled_from(_TEXTS), st.booleans())


_LEAF = st.one_of(st.sampled_from(_TEXTS), st.sampled_from(_OTHER))
_MARKUP = st.recursive(_LEAF, lambda kids: st.lists(kids, max_size=5).flatmap(_element), max_leaves=50)


def _walker():
    walker = treewalk.compiled_walker()
    assert walker is not None, "the compiled walker is not built: run `pip install -e .` (needs a C compiler)"
    return walker


def _agree(html: str) -> None:
    root = LexborHTMLParser(html).root
    assert root is not None
    compiled = treewalk._compiled(root, _walker())
    python = treewalk.python_walk(root)
    assert treewalk._same(compiled, python)
    assert compiled is not None and list(map(_seen, compiled.nodes)) == list(map(_seen, python.nodes))


def _seen(node: LexborNode) -> tuple[object, ...]:
    """What the rules read of an element object (a node made by `LazyNodes` or by selectolax's walk)."""
    parent = node.parent
    return (node.mem_id, node.tag, node.tag_id, parent.mem_id if parent is not None else None, node.text(deep=False),
            node.text(deep=True), node.attributes, node.html, node.parser.root.mem_id)


def test_the_compiled_walker_is_built_and_passes_its_probe() -> None:
    _walker()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKUP, min_size=1, max_size=4).map("".join))
def test_compiled_walk_equals_the_python_walk(markup: str) -> None:
    _agree(f"<html><head><title>t</title></head><body>{markup}</body></html>")
    _agree(markup)  # (the parser adds what is missing)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_compiled_walk_on_the_test_pages(page: Path) -> None:
    _agree(page.read_text(encoding="utf-8", errors="replace"))


def test_a_large_page_numbered_either_way_gives_the_same_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    html = ("<article><p>Intro \u00a0text</p>" + "<div class=x><p>para <b>bold</b><?pi x?><!-- c --> tail</div>" * 300
            + "<figure><img src=a.jpg><figcaption>Cap</figcaption></figure></article>")
    fast = Doc.parse(html, vectorised=True)
    monkeypatch.setattr(treewalk, "compiled_walker", lambda: None)
    slow = Doc.parse(html, vectorised=True)
    for name in ("tags", "parents", "last", "hidden", "noscript", "in_link", "text_len", "readable_len", "link_len",
                 "image_at"):
        assert list(getattr(fast, name)) == list(getattr(slow, name)), name
    assert fast.direct_text.tolist() == slow.direct_text.tolist()


def test_a_walker_that_disagrees_on_the_probe_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import captioncheck.extract._lexbor_walk as compiled  # type: ignore[import-not-found]

    def shifted(root_id: int) -> tuple | None:  # as if lexbor's structs had another layout: texts a character longer
        found = compiled.walk(root_id)
        sizes = found[6]
        for k in range(len(sizes)):
            sizes[k] += 1
        return found

    monkeypatch.setattr(compiled, "walk", shifted)
    treewalk.compiled_walker.cache_clear()
    try:
        assert treewalk.compiled_walker() is None
    finally:
        monkeypatch.undo()
        treewalk.compiled_walker.cache_clear()
    assert treewalk.compiled_walker() is not None


def test_element_objects_are_made_when_asked_for_and_kept() -> None:
    """A large page's elements come as `LazyNodes` (made when the rules first ask for one: most of 540 000 never are),
    read like the list of selectolax's own objects: the same object at every ask, slices, negative indices."""
    assert treewalk.lazy_nodes() is not None, "the compiled walker is built but its LazyNodes are refused"
    html = "<article>" + "<p class=c>para <b>bold</b><!-- c --></p><img src=a.jpg alt=x>" * 300 + "</article>"
    doc = Doc.parse(html, vectorised=True)
    theirs = [n for n in doc.tree.root.traverse(include_text=False) if n.tag and not n.tag.startswith("-")]
    nodes = doc.nodes
    assert type(nodes).__name__ == "LazyNodes" and len(nodes) == len(theirs)
    assert nodes[5] is nodes[5] and nodes[-1] is nodes[len(nodes) - 1]
    assert [_seen(n) for n in nodes[3:40:7]] == [_seen(n) for n in theirs[3:40:7]]
    assert [_seen(n) for n in nodes[-3:]] == [_seen(n) for n in theirs[-3:]]
    assert [n.mem_id for n in nodes] == [n.mem_id for n in theirs] and nodes[::-50][0] is nodes[-1]
    with pytest.raises(IndexError):
        nodes[len(nodes)]
    with pytest.raises(IndexError):
        nodes[-len(nodes) - 1]


def test_an_element_object_keeps_its_parser_alive() -> None:
    """A node made by `LazyNodes` holds its parser as selectolax's own do: it outlives the page's tables and the
    parser's last other reference."""
    import gc

    doc = Doc.parse("<div><p id=k>kept <b>text</b></p></div>" + "<p>x</p>" * 10, vectorised=True)
    node = doc.nodes[doc.tags.index("p")]
    del doc
    gc.collect()
    assert (node.tag, node.attributes, node.text(deep=True), node.parent.tag) == ("p", {"id": "k"}, "kept text", "div")


def test_lazy_nodes_are_refused_where_selectolax_lays_its_objects_out_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    import captioncheck.extract._lexbor_walk as compiled  # type: ignore[import-not-found]

    monkeypatch.setattr(compiled, "layout_matches", lambda node, parser: False)
    treewalk.lazy_nodes.cache_clear()
    try:
        assert treewalk.lazy_nodes() is None
        doc = Doc.parse("<p>x</p>" * 10, vectorised=True)  # selectolax's walk makes every element's object
        assert type(doc.nodes) is list and [n.tag for n in doc.nodes] == ["html", "head", "body"] + ["p"] * 10
    finally:
        monkeypatch.undo()
        treewalk.lazy_nodes.cache_clear()
    assert treewalk.lazy_nodes() is not None
