"""The per-element tables `Doc` computes (numpy passes on a large page, Python loops on an ordinary one:
both are run here on every example) equal a plain climb over each node.

The reference below asks the tree node by node (parents, ancestors, subtree text), the way the
tables were first written; hypothesis generates the markup (nested links and <svg><a>, hidden and
screen-reader-only boxes, <noscript>, raw-text elements, non-breaking spaces, images).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from captioncheck.extract import dom
from captioncheck.extract.context import _left_out
from captioncheck.extract.dom import (
    _MAYBE_HIDDEN,
    MAX_CLIMB,
    SKIP_TAGS,
    Doc,
    is_hidden,
    last_children,
    tokens,
)
from captioncheck.extract.zones import (
    _CHROME_TAGS,
    _find_main,
    chrome_marks,
    chrome_name,
    find_zones,
)

_TAGS = ["div", "p", "a", "span", "b", "noscript", "script", "figure", "nav", "aside", "li", "ul", "section",
         "article", "blockquote", "font", "td", "h2"]
_ATTRS = ["", " hidden", ' class="sr-only"', ' class="sidebar"', ' class="article-body"', ' style="display:none"',
          ' role="navigation"', ' href="/x"']
_TEXTS = ["", " ", "word", "  two  words ", "\u00a0", "\u00a0x\u00a0", "a fairly long sentence of prose that goes on " * 2]


def _element(children: list[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda tag, at, text, tail: f"<{tag}{at}>{text}{''.join(children)}</{tag}>{tail}",
                     st.sampled_from(_TAGS), st.sampled_from(_ATTRS), st.sampled_from(_TEXTS), st.sampled_from(_TEXTS))


_LEAF = st.one_of(st.sampled_from(_TEXTS), st.just('<img src="a.jpg">'), st.just('<svg><a><text>in svg</text></a></svg>'))
_MARKUP = st.recursive(_LEAF, lambda kids: st.lists(kids, max_size=4).flatmap(_element), max_leaves=40)


def _reference(doc: Doc) -> dict[str, list]:
    root = doc.tree.root
    nodes = [n for n in root.traverse(include_text=True) if n.tag not in ("-text", "-comment")]
    index = {n.mem_id: i for i, n in enumerate(nodes)}
    parents = [index.get(n.parent.mem_id, -1) if i else -1 for i, n in enumerate(nodes)]
    hidden_ids = {n.mem_id for n in doc.tree.css("*") if n.mem_id in index and is_hidden(n)}

    def chain(i: int) -> list[int]:  # it and its ancestors
        out = []
        while i >= 0:
            out.append(i)
            i = parents[i]
        return out

    own = [0] * len(nodes)
    for t in root.traverse(include_text=True):
        if t.tag == "-text":
            p = index[t.parent.mem_id]
            if nodes[p].tag not in SKIP_TAGS:
                own[p] += len(" ".join((t.text_content or "").split()))
    text_len = [0] * len(nodes)
    end = list(range(len(nodes)))
    for i in range(len(nodes)):
        for a in chain(i):
            text_len[a] += own[i]
            end[a] = max(end[a], i)
    link_len = [0] * len(nodes)
    for i in range(len(nodes)):
        for a in chain(i)[1:]:  # text of i counts for ancestor a when an <a> lies on the path below a
            if any(nodes[b].tag == "a" for b in chain(i)[: chain(i).index(a)]):
                link_len[a] += own[i]
    return {
        "parents": parents,
        "end": end,
        "text_len": text_len,
        "link_len": link_len,
        "in_link": [any(nodes[a].tag == "a" for a in chain(i)) for i in range(len(nodes))],
        "noscript": [any(nodes[a].tag == "noscript" for a in chain(i)) for i in range(len(nodes))],
        "hidden": [any(nodes[a].mem_id in hidden_ids for a in chain(i)) for i in range(len(nodes))],
        "image_at": [i for i, n in enumerate(nodes) if n.tag == "img"],
    }


@pytest.mark.parametrize("mode", ["numpy", "loop", "walked"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup=_MARKUP)
def test_doc_tables_equal_a_climb_per_node(markup: str, mode: str) -> None:
    # (the reference calls every element its markup hides hidden: the rule that shows a wrapper hidden by its class
    # name when it holds the page's article, MIN_HIDDEN_ARTICLE characters or more, is tested in test_patterns_unseen;
    # generated markup reaches it now and then)
    # "walked": a page below NUMPY_TAGS numbered by the compiled walk, its tables then lists as the loop leaves them
    vectorised = mode == "numpy"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dom, "MIN_HIDDEN_ARTICLE", 1 << 30)
        patch.setattr(dom, "WALKED_TAGS", 1 << 30)
        loop = Doc.parse(f"<html><body>{markup}</body></html>", vectorised=False) if mode == "walked" else None
        if mode == "walked":
            patch.setattr(dom, "WALKED_TAGS", 0)
            import numpy  # noqa: F401  (loaded, as the language model loads it on a process's first page)

            patch.setattr(Doc, "_number_loop", None)  # (not called: the walk numbers the page)
        doc = Doc.parse(f"<html><body>{markup}</body></html>", vectorised=vectorised)
    want = _reference(doc)
    if loop is not None:  # the same plain tables as the loop's, nothing of numpy's left
        assert (doc.parent_at, doc.end_at, doc.depth, "tag_codes" in doc.memo) == (None, None, None, False)
        assert all(type(getattr(doc, t)) is type(getattr(loop, t)) and list(getattr(doc, t)) == list(getattr(loop, t))
                   for t in ("parents", "last", "text_len", "readable_len", "link_len", "image_at", "tags"))
        assert type(doc.order) is dict and type(doc.end) is dict and list(doc.end.values()) == list(loop.end.values())
    assert list(doc.parents) == want["parents"]  # (a list, or an int64 array on a large page)
    assert [doc.end[n.mem_id] for n in doc.nodes] == want["end"] == list(doc.last)
    assert doc.text_len == want["text_len"]
    assert doc.link_len == want["link_len"]
    assert doc.in_link == want["in_link"]
    assert doc.noscript == want["noscript"]
    assert doc.hidden == want["hidden"]
    assert list(doc.image_at) == want["image_at"]
    if vectorised:
        assert doc.end_at.tolist() == want["end"]
        assert doc.depth.tolist() == [len(_chain(doc.parents, i)) - 1 for i in range(len(doc.nodes))]


def _chain(parents: list[int], i: int) -> list[int]:
    out = []
    while i >= 0:
        out.append(i)
        i = parents[i]
    return out


@pytest.mark.parametrize("vectorised", [True, False])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup=_MARKUP, data=st.data())
def test_zone_marks_equal_a_climb_per_node(markup: str, data: st.DataObject, vectorised: bool) -> None:
    doc = Doc.parse(f"<html><body>{markup}</body></html>", vectorised=vectorised)
    n = len(doc.nodes)
    chrome_self = [chrome_name(tokens(node)) for node in doc.nodes]
    marks = [any(chrome_self[a] or doc.tags[a] in _CHROME_TAGS for a in _chain(doc.parents, i)[1:]) for i in range(n)]
    assert [bool(m) for m in chrome_marks(doc)] == marks
    skipped = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=3)))
    near = []
    for i in range(n):
        up = _chain(doc.parents, i)[1:]
        hit = False
        for steps, a in enumerate(up, 1):
            if doc.tags[a] in ("html", "-undef", "#document") or steps > MAX_CLIMB:
                break
            if doc.tags[a] in ("figure", "figcaption", "nav", "aside") or a in skipped:
                hit = True
                break
        near.append(hit)
    assert [bool(m) for m in _left_out(doc, skipped)] == near
    find_zones(doc, "")  # the whole zone step runs on the generated shape


@pytest.mark.parametrize("vectorised", [True, False])
def test_prose_weights_count_a_divs_own_text_and_its_inline_children(vectorised: bool) -> None:
    doc = Doc.parse("<body><div id=main><div>" + "Direct text of the div, long enough to count. " + "<b>bold part</b>"
                    "<p>a paragraph that is inside, not direct</p></div><nav><p>" + "menu text " * 10 + "</p></nav></div>",
                    vectorised=vectorised)
    chrome = chrome_marks(doc)
    _, weights = _find_main(doc, chrome)
    inner = doc.css("div")[1]
    direct = len("Direct text of the div, long enough to count.") + len("bold part")
    assert inner.mem_id not in weights  # its paragraph is too short to weigh anything
    outer = doc.css("div")[0]
    assert weights[outer.mem_id] == direct  # the nav's paragraph is chrome: it weighs nothing


def test_last_children_walks_back_from_the_end() -> None:
    doc = Doc.parse("<div>a<b>1</b><!--c--><i>2</i>tail</div>")
    div = doc.css("div")[0]
    assert [c.tag for c in last_children(div, 3)] == [c.tag for c in list(div.iter(include_text=True))[-3:]]
    assert [c.tag for c in last_children(div, 99)] == [c.tag for c in div.iter(include_text=True)]
    assert last_children(doc.css("b")[0].child, 5) == []


@pytest.mark.parametrize("vectorised", [True, False])
def test_left_out_looks_exactly_max_climb_levels_up(vectorised: bool) -> None:
    for depth in (MAX_CLIMB - 2, MAX_CLIMB - 1, MAX_CLIMB, MAX_CLIMB + 1):
        doc = Doc.parse("<body><figure>" + "<div>" * depth + "<p>deep</p>" + "</div>" * depth + "</figure></body>",
                        vectorised=vectorised)
        p = doc.index(doc.css("p")[0])
        assert bool(_left_out(doc, [])[p]) == (depth + 1 <= MAX_CLIMB), depth  # the figure is depth + 1 levels up


def test_attribute_helpers_read_one_dict_like_attr() -> None:
    from captioncheck.extract.dom import attr, attrs, is_hidden
    from captioncheck.extract.images import declared_size

    doc = Doc.parse('<img id=" Pic " class="Hero x" role=img data-width="640" height="0" data-credit=" AP " '
                    'style="display: none" src=a.jpg><svg viewBox="0 0 1 1"></svg>')
    img = doc.css("img")[0]
    assert attrs(img, "id", "class", "nope", "data-credit") == [attr(img, n) for n in ("id", "class", "nope", "data-credit")]
    assert tokens(img) == "pic hero x img"
    assert is_hidden(img)
    assert declared_size(img) == (640, None)  # data-width stands in for width; height 0 beside it means auto


def test_attribute_dicts_are_built_once_per_element_while_a_page_is_extracted() -> None:
    """Inside `remembered_attributes(doc)` every helper reads one dict per element of that page (the same
    values as a fresh read); an element of another page, or any read outside the block, is read afresh."""
    from captioncheck.extract.dom import attr, attributes_of, remembered_attributes

    doc = Doc.parse('<div class="box"><img src=a.jpg alt=" A "></div>')
    other = Doc.parse('<div class="box"><img src=b.jpg></div>')
    img = doc.css("img")[0]
    assert attributes_of(img) is not attributes_of(img)
    with remembered_attributes(doc):
        first = attributes_of(img)
        assert attributes_of(doc.css("img")[0]) is first  # another node object for the same element
        assert first == img.attributes and attr(img, "alt") == "A" and tokens(doc.css("div")[0]) == "box"
        other_img = other.css("img")[0]
        assert attributes_of(other_img) is not attributes_of(other_img)
        assert attr(other_img, "src") == "b.jpg"
    assert attributes_of(img) is not first


def test_remembered_attribute_dicts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of 200 000 classed elements keeps at most MAX_REMEMBERED dicts; the others are read afresh."""
    from captioncheck.extract import dom

    monkeypatch.setattr(dom, "MAX_REMEMBERED", 2)
    doc = Doc.parse('<p class="a">x</p><p class="b">y</p><p class="c">z</p>')
    with dom.remembered_attributes(doc):
        _, second, third = (dom.attributes_of(p) for p in doc.css("p"))
        assert dom.attributes_of(doc.css("p")[1]) is second
        assert dom.attributes_of(doc.css("p")[2]) is not third and third == {"class": "c"}


_CASELESS_TEXT = st.lists(st.sampled_from([*"aAcCdDeEgGiIlLnNoOpPrRsStTuU-_/.:? 0", "\u212a", "\u017f", "\u0130",
                                           "ph", "PHOTO", "caption", "Credit", "ad.", "/ads/", "Gallery", "sKype"]),
                          max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_CASELESS_TEXT)
def test_caseless_patterns_answer_as_ignorecase_does(text: str) -> None:
    """On ASCII text the lower-cased text meets the case-sensitive twin; elsewhere (Kelvin sign, long s,
    dotted I) the IGNORECASE pattern answers: always what IGNORECASE answers."""
    import re

    from captioncheck.extract import captions, roles, teasers

    for caseless in (captions.CAPTION_NAMES, captions.CREDIT_NAMES, roles._TRACKERS, roles._URL_FURNITURE,
                     roles._GALLERY, roles._CHART, teasers._PHOTO_PAGE):
        assert caseless.found_in(text) == bool(re.search(caseless.pattern, text, re.IGNORECASE)), caseless.pattern


def test_caseless_patterns_are_written_in_lower_case() -> None:
    from captioncheck.extract.dom import Caseless

    assert Caseless(r"photo\b").found_in("A PHOTO here") and not Caseless(r"photo\b").found_in("photos")
    with pytest.raises(ValueError, match="lower case"):
        Caseless(r"\S+photo")  # lower-cased, \S would become \s


@pytest.mark.parametrize("vectorised", [True, False])
def test_text_blocks_read_list_items_and_quotes_that_hold_a_plain_line(vectorised: bool) -> None:
    """A list item or quote of inline text is prose; one holding blocks gives them (once), one holding a
    picture or a caption gives nothing, nor does one that is mostly a link ("related" headlines), nor the
    plain item of a list of links (a breadcrumb's current page)."""
    from captioncheck.extract.context import TextBlocks

    doc = Doc.parse("<body><article><p>A paragraph of the story.</p><ul><li>a list item, <b>in bold</b></li>"
                    "<li><p>inner para</p></li><li><a href=/other>A related headline elsewhere</a></li>"
                    "<li><img src=a.jpg><span class=cap>slide caption</span></li><li><h1>The headline</h1></li>"
                    "<li>Updated <time datetime=2024-05-06>May 6</time></li></ul>"
                    "<ul><li><a href=/news>News</a></li><li><a href=/news/city>City news</a></li><li>This story's title</li></ul>"
                    "<blockquote>a quote</blockquote><blockquote><p>quoted para</p>— Someone</blockquote>"
                    "<figure><p>in a figure</p></figure></article></body>", vectorised=vectorised)
    skip = {doc.css("span.cap")[0].mem_id}
    blocks = TextBlocks(doc, doc.css("article")[0], skip)
    assert [text for _, text in blocks] == ["A paragraph of the story.", "a list item, in bold", "inner para",
                                            "a quote", "quoted para"]


@pytest.mark.parametrize("vectorised", [True, False])
def test_pictures_with_no_block_between_them_share_a_context_read_once(vectorised: bool) -> None:
    """A row of pictures between two paragraphs: each gets the context a fresh read gives (the text before
    and after the row), read once for the row; a paragraph's own position leaves that paragraph out."""
    import bisect

    from captioncheck.extract import context
    from captioncheck.extract.context import TextBlocks, around

    doc = Doc.parse("<body><p>First paragraph of the story.</p>" + "<div><img src=a.jpg></div>" * 5
                    + "<p>Second paragraph.</p><div><img src=b.jpg></div><p>Third one.</p></body>", vectorised=vectorised)
    blocks = TextBlocks(doc, doc.body, set())
    images = [doc.index(img) for img in doc.css("img")]
    fresh = [context._around(blocks, index, bisect.bisect_left(blocks.positions, index)) for index in images]
    assert [around(blocks, index) for index in images] == fresh
    assert fresh[0] == ("First paragraph of the story.", "Second paragraph. Third one.")
    assert fresh[5] == ("First paragraph of the story. Second paragraph.", "Third one.")
    assert len(blocks.contexts) == 2  # one read for the row of five, one for the last picture
    second = doc.index(doc.css("p")[1])
    assert around(blocks, second) == ("First paragraph of the story.", "Third one.")


def _around_one_step_at_a_time(blocks: object, index: int, cut: int) -> tuple[str, str]:
    """`context._around` as it was: every candidate stepped over one by one, from each picture."""
    from captioncheck.extract.context import CONTEXT_CHARS

    positions, text_of = blocks.positions, blocks.text  # type: ignore[attr-defined]
    before: list[str] = []
    for k in range(cut - 1, -1, -1):
        if text_of(k):
            before.append(text_of(k))
            if sum(map(len, before)) >= CONTEXT_CHARS:
                break
    after: list[str] = []
    for k in range(cut, len(positions)):
        if positions[k] != index and text_of(k):
            after.append(text_of(k))
            if sum(map(len, after)) >= CONTEXT_CHARS:
                break
    b, a = " ".join(reversed(before)), " ".join(after)
    return (b[-CONTEXT_CHARS:].lstrip() if len(b) > CONTEXT_CHARS else b), a[:CONTEXT_CHARS].rstrip()


_PIECES = ["<p>A paragraph of some forty characters here.</p>", "<p></p>", "<p>x</p>", "<li><a href=/a><img src=t.jpg></a></li>",
           "<div><img src=b.jpg></div>", "<p><img src=c.jpg> with its own words</p>", "<li>an item of prose</li>",
           "<h2>A heading</h2>", "<blockquote>quoted</blockquote>", "<figure><img src=f.jpg><figcaption>cap</figcaption></figure>"]


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=60), vectorised=st.booleans())
def test_context_read_block_to_block_equals_stepping_over_every_candidate(pieces: list[str], vectorised: bool) -> None:
    """The walk that jumps over text-less candidates (remembered per direction) reads what stepping over each
    candidate read, for every picture, in any order of asking."""
    import bisect

    from captioncheck.extract import context
    from captioncheck.extract.context import TextBlocks

    doc = Doc.parse("<body><ul>" + "".join(pieces) + "</ul></body>", vectorised=vectorised)
    blocks = TextBlocks(doc, doc.body, set())
    images = [doc.index(img) for img in doc.css("img")]
    for index in images[::-1] + images:
        cut = bisect.bisect_left(blocks.positions, index)
        assert context._around(blocks, index, cut) == _around_one_step_at_a_time(blocks, index, cut)


def test_thousands_of_linked_thumbnails_step_over_each_candidate_a_few_times() -> None:
    """3 000 text-less list items, each a linked thumbnail, between two paragraphs: every picture's context
    is those two paragraphs, and the candidates are read a bounded number of times in all (each picture
    walked all the others before: 2 000 records x 3 000 candidates, 14 s for 30 000 of them)."""
    import bisect

    from captioncheck.extract import context
    from captioncheck.extract.context import TextBlocks

    n = 3000
    doc = Doc.parse("<body><p>Before the list.</p><ul>" + "<li><a href=/a><img src=t.jpg></a></li>" * n
                    + "</ul><p>After the list.</p></body>")
    blocks = TextBlocks(doc, doc.body, set())
    reads = 0
    read = blocks.text

    def counted(k: int) -> str:
        nonlocal reads
        reads += 1
        return read(k)

    blocks.text = counted  # type: ignore[method-assign]
    for index in (doc.index(img) for img in doc.css("img")):
        assert context._around(blocks, index, bisect.bisect_left(blocks.positions, index)) == ("Before the list.",
                                                                                               "After the list.")
    assert len(blocks.positions) == n + 2
    assert reads <= 4 * (n + 2)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(markup=_MARKUP)
def test_selectors_counted_on_the_tables_equal_the_loop_over_children(markup: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """nth-of-type positions from the tag and parent tables (a body of 60 000 children is no Python loop) are
    what the loop over each parent's lexbor children counts (comments among them)."""
    from captioncheck.extract import context
    from captioncheck.extract.context import css_selector

    monkeypatch.setattr(context, "MAX_LOOPED_CHILDREN", 0)  # every parent counted on the tables
    doc = Doc.parse(markup + "<!-- c --><p>x</p><div><!-- c --><img src=a.jpg></div>", vectorised=True)
    by_tables: dict[int, tuple[bool, dict[int, int]]] = {}
    by_loop: dict[int, tuple[bool, dict[int, int]]] = {}
    for node in doc.nodes:
        if node.tag not in ("html", "head", "body"):
            assert css_selector(node, by_tables, doc) == css_selector(node, by_loop), node.tag
    assert all(by_index for by_index, _ in by_tables.values()) and not any(by_index for by_index, _ in by_loop.values())


@pytest.mark.parametrize("vectorised", [True, False])
def test_other_picture_by_indices_answers_as_by_nodes(vectorised: bool) -> None:
    """The caption walk asks "does this element hold another picture?" with the indices it already holds:
    the same answers as the question asked with the elements."""
    from captioncheck.extract.captions import CaptionFinder

    doc = Doc.parse("<div><figure><picture><img src=a.jpg></picture><figcaption>A</figcaption></figure>"
                    "<div><img src=b.jpg><noscript><img src=b.jpg></noscript><p>B</p></div><img src=c.jpg></div>",
                    vectorised=vectorised)
    pictures = doc.css("img")[:2] + doc.css("img")[3:]
    finder = CaptionFinder(doc, pictures)
    for node in [*pictures, doc.css("picture")[0]]:
        for i, el in enumerate(doc.nodes):
            end = doc.end[el.mem_id]
            assert finder._other_picture_within(i, end, node, doc.index(node)) == finder._other_picture_inside(el, node)
            assert finder._other_picture_within(i, end, node) == finder._other_picture_inside(el, node)


@pytest.mark.parametrize("markup", [
    "<clippath></clippath><svg><clippath></clippath><foreignobject><div>x</div></foreignobject></svg><foreignObject>",
    "<x-a></x-a><X-A>t</X-A><!--c--><image><math><mi>1</mi></math><aa:bb></aa:bb><template><b>x</b></template>",
    "<svg><clipPath></clipPath></svg><clippath></clippath><p>t</p>",
])
def test_tags_read_by_tag_id_are_lexbors_names(markup: str) -> None:
    """A large page's tags are read as lexbor's tag ids, each id's name once: the same names as each node's
    `tag` (an SVG name is camel-cased only inside <svg>), and `tag_mask` codes them one to one."""
    doc = Doc.parse(markup, vectorised=True)
    assert doc.tags == [node.tag for node in doc.nodes] == Doc.parse(markup, vectorised=False).tags
    for name in {*doc.tags, "nosuch"}:
        assert doc.tag_mask((name,)).tolist() == [tag == name for tag in doc.tags]


def test_an_ordinary_page_is_numbered_without_numpy() -> None:
    import subprocess
    import sys

    code = ("import sys; from captioncheck.extract.dom import Doc; "
            "d = Doc.parse('<p>' + 'x<b>y</b>' * 100 + '</p>'); print(d.vectorised, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_counts_of_an_element_outside_the_tables_leave_the_element_itself_out() -> None:
    """selectolax's css() matches the element itself: an element that is not numbered (parsed apart, as
    a <noscript> twin is) must be counted as the tables count it, its descendants only."""
    from selectolax.lexbor import LexborHTMLParser

    html = "<body><div><img src=a.jpg><amp-img src=b.jpg></amp-img><p>one</p></div><p>two</p></body>"
    doc = Doc.parse(html)
    apart = LexborHTMLParser(html)
    for query in ("div", "img", "p"):
        numbered, alone = doc.css(query)[0], apart.css_first(query)
        assert doc.index(alone) < 0
        assert doc.count_images(alone) == doc.count_images(numbered), query
        for at_least in (1, 2):
            assert doc.has_tags(alone, "p", at_least) == doc.has_tags(numbered, "p", at_least), (query, at_least)
    assert doc.count_images(apart.css_first("img")) == 1 and doc.count_images(apart.css_first("div")) == 2
    assert not doc.has_tags(apart.css_first("p"), "p", 1)


@pytest.mark.parametrize("markup", [
    '<div ID="a" data-Big="x"><span itemid=1 data-big=2 role=img>t</span><p class>no</p></div>',
    "<p>no attributes at all</p><img src=a.jpg>",
    '<svg><a role="link" xlink:href="/x"><text class="c">in svg</text></a></svg><noscript><img data-src=/n.jpg></noscript>',
    '<p title="data-big id">names only in a value</p><template><b data-hires=1 id=t></b></template>',
    '<div HIDDEN>x</div><p STYLE="Display: NONE">y</p><span class="SR-only">z</span><b style="color:red">w</b>',
])
def test_with_attributes_finds_what_the_whole_selector_group_finds(markup: str) -> None:
    names = ("id", "class", "role", "itemid", "data-big", "data-src", "data-hires", "data-zoom-src")
    doc = Doc.parse(f"<html><body>{markup}</body></html>")
    group = [n.mem_id for n in doc.css(", ".join(f"[{name}]" for name in names))]
    assert [n.mem_id for n in doc.with_attributes(names)] == group
    around_tree = Doc(doc.tree)  # no parsed text to look in: the whole group is asked
    assert [n.mem_id for n in around_tree.with_attributes(names)] == group
    maybe_hidden = {n.mem_id for n in doc.css(_MAYBE_HIDDEN)}
    assert {n.mem_id for n in doc.maybe_hidden()} == maybe_hidden == {n.mem_id for n in around_tree.maybe_hidden()}


_NEEDED = [("meta", "<meta"), ('script[type="application/ld+json"]', "<script"), ("time[datetime]", "<time"),
           ("title", "<title"), ("base[href]", "<base"), ("script:not([src])", "<script"), ("a[href]", "<a"),
           ("h1", "<h1"), ("article", "<article"), ("[style*=background]", "style")]


@pytest.mark.parametrize("markup", [
    "<p>no such tags</p>" * 3,
    ('<META name=x content=y><SCRIPT TYPE="application/ld+json">{}</SCRIPT><Time DateTime="2020-01-01">t</Time>'
     '<BASE HREF="/b/"><A HREF="/x">x</A><H1>T</H1><ARTICLE>a</ARTICLE><div STYLE="BACKGROUND:url(a.jpg)"></div>'),
    '<svg><title>icon</title><a href="/s">s</a></svg><noscript><meta name=n><time datetime=2019>x</time></noscript>',
    '<div style="&#98;ackground:url(a.jpg)">entity in the value</div><template><article><h1>in template</h1></article></template>',
])
def test_css_with_needs_finds_what_css_finds(markup: str) -> None:
    doc = Doc.parse(f"<html><head></head><body>{markup}</body></html>")
    around_tree = Doc(doc.tree)  # no parsed text to look in: every query is asked
    for query, needs in _NEEDED:
        expected = [n.mem_id for n in doc.tree.css(query)]
        assert [n.mem_id for n in doc.css(query, needs=needs)] == expected, query
        assert [n.mem_id for n in around_tree.css(query, needs=needs)] == expected, query
        first = doc.tree.css_first(query)
        got = doc.css_first(query, needs=needs)
        assert (got.mem_id if got is not None else None) == (first.mem_id if first is not None else None), query
    assert doc.may_hold("") and not doc.may_hold("<nosuchtag") and around_tree.may_hold("<nosuchtag")


class _CountedText(str):
    """The page's lower-cased text, counting the searches made in it."""

    searches = 0

    def __contains__(self, part: object) -> bool:
        type(self).searches += 1
        return super().__contains__(part)  # type: ignore[operator]


def test_may_hold_searches_the_page_once_per_text() -> None:
    """A rule asks `may_hold` per picture (`images._meta_candidates`): a search of 2 MB that finds nothing took ~1 ms,
    2 000 of them 1.4 s. Each text is looked for once per page, and the answers stay right."""
    doc = Doc.parse('<p itemprop="caption">x</p><img src=a.jpg>' * 10)
    doc.memo["lowered"] = _CountedText(doc.lowered())
    answers = [(doc.may_hold("itemprop"), doc.may_hold("<nosuchtag")) for _ in range(100)]
    assert set(answers) == {(True, False)} and _CountedText.searches == 2


def test_many_maybe_hidden_elements_are_hidden_as_each_ones_attributes_say(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a page of more than MANY_MAYBE_HIDDEN elements the pre-filter finds, those with a `hidden` attribute are
    found by lexbor (`[hidden]`), not read one by one: the same elements are hidden, by attribute, style or class,
    upper-case names and empty values included."""
    units = ['<span hidden>a</span>', '<span HIDDEN="">b</span>', '<span style="display: none">c</span>',
             '<span class="sr-only">d</span>', '<span class="hidden-ish">e</span>', '<span class="shown">f</span>',
             '<i hidden="false">g</i>', '<svg hidden><g></g></svg>', '<p class="hide">h</p>']
    html = "<article><p>x</p>" + "".join(units[i % len(units)] for i in range(1300)) + "</article>"
    fast = dom.Doc.parse(html, vectorised=True)
    monkeypatch.setattr(dom, "MANY_MAYBE_HIDDEN", 10**9)
    slow = dom.Doc.parse(html, vectorised=True)
    assert len(fast.hidden_ids) > 900
    assert sorted(fast.order.get(m) for m in fast.hidden_ids) == sorted(slow.order.get(m) for m in slow.hidden_ids)
    assert fast.hidden == slow.hidden


@pytest.mark.parametrize("vectorised", [True, False])
def test_a_wrapper_hidden_by_name_that_holds_the_article_is_shown_either_way(vectorised: bool) -> None:
    """The article shown through a wrapper hidden only by its class name (`_article_hidden_by_name`), among thousands of
    other hidden elements: a large page finds their places all at once, an ordinary page one by one; the same
    answer."""
    text = "The singer posted a photo of herself on Sunday and the reaction was swift. " * 30
    html = ('<body><div class="menu nav_hide"><a href="/a">Home</a></div>' + "<p><span hidden>xx</span></p>" * 3000
            + f'<article><h1>T</h1><div class="list suplist_list_hide"><p id=kept>{text}</p></div></article></body>')
    doc = Doc.parse(html, vectorised=vectorised)
    kept, menu = doc.tags.index("div", doc.tags.index("article")), doc.tags.index("div")
    assert not doc.hidden[kept] and not doc.hidden[kept + 1] and doc.hidden[menu]
    assert sum(doc.hidden) == 3000 + 2  # every <span hidden>, the menu and its link


def test_an_answer_remembered_per_element_is_worked_out_once_and_one_made_mid_page_afresh() -> None:
    """`per_element` answers come from the page's table after the first ask; an answer made after the page's tables
    (no slot there) is worked out every time, never an error."""
    from captioncheck.extract import dom

    asked: list[int] = []

    @dom.per_element
    def before(node: dom.Node) -> str:
        asked.append(node.mem_id)
        return node.tag or ""

    doc = Doc.parse('<p class="a">x</p>')
    with dom.remembered_attributes(doc):
        assert before(doc.css("p")[0]) == before(doc.css("p")[0]) == "p" and len(asked) == 1

        @dom.per_element
        def during(node: dom.Node) -> str:
            asked.append(node.mem_id)
            return node.tag or ""

        assert during(doc.css("p")[0]) == during(doc.css("p")[0]) == "p" and len(asked) == 3
