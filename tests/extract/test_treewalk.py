"""The compiled tree walker (`_lexbor_walk`, read through `treewalk.walk`) gives what the Python walk over selectolax's
objects gives: elements, tag names, mem_ids, parents, depths, subtree ends, and per text node its parent and lengths
(Python's own whitespace, text decoded as selectolax decodes it). Checked on generated markup holding every kind of
node a page can make, and on the test pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

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
    assert treewalk._same(compiled, treewalk.python_walk(root))


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
