"""Where the article is on the page: the body container, the title and the lead zone between them.

The body container is found like readability does, by where the prose is: every paragraph of
real sentences weighs its text length, and we descend from <body> into the child holding most of
the weight as long as it holds a clear majority. Images above it but below the title (the lead
photo of many layouts sits in a header outside the body) are in the lead zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from captioncheck.extract.dom import (
    Doc,
    Node,
    collapse,
    subtree_sums,
    tokens,
    visible_text,
)

if TYPE_CHECKING:
    import numpy as np

_CHROME_TAGS = frozenset({"nav", "footer", "aside"})
_CHROME_NAMES = re.compile(r"(^|[\s_-])(nav|navbar|menu|footer|sidebar|comments?|related|teaser|recommend\w*|most-?read|popular|promo|newsletter|cookie|breadcrumbs?)($|[\s_-])")
# readability's convention: a chrome-like name that also names the article ("l-sidebar-fixed l-article-body",
# "main-with-sidebar") is a page layout around the article, not the sidebar itself
_ARTICLE_NAMES = re.compile(r"(^|[\s_-])(article|body|column|content|main)($|[\s_-])")
MIN_PARAGRAPH = 40
_PROSE_TAGS = frozenset({"p", "pre", "blockquote", "div"})
_INLINE_TAGS = frozenset({"b", "i", "em", "strong", "span", "font"})  # a <div>'s own text includes theirs


@dataclass
class Zones:
    main: Node | None
    title: Node | None
    lead_start: int  # document index where the lead zone starts (the title), -1 if none
    main_start: int
    main_end: int
    more: list[tuple[int, int]] = field(default_factory=list)  # sibling sections that also hold prose
    others: list[tuple[int, int]] = field(default_factory=list)  # follow-on articles (their own headline)

    def in_other_article(self, index: int) -> bool:
        return any(start <= index <= end for start, end in self.others)

    def in_body(self, index: int) -> bool:
        if self.main is not None and self.main_start <= index <= self.main_end:
            return True
        return any(start <= index <= end for start, end in self.more)


def chrome_name(names: str) -> bool:
    """Do these class/id names mark navigation, sidebar, comments...? Not when they also name the article."""
    return bool(_CHROME_NAMES.search(names)) and not _ARTICLE_NAMES.search(names)


_NAMING = ("id", "class", "role")  # the attributes whose words name a box


def chrome_marks(doc: Doc) -> np.ndarray | list[bool]:
    """Per element index: it or an ancestor is navigation, footer, sidebar, comments... (one pass)."""
    if not doc.vectorised:
        return _chrome_marks_loop(doc)
    import numpy as np

    named = {doc.index(node) for node in doc.with_attributes(_NAMING)}  # the others have no names to read
    chrome = [idx for idx in named - {-1} if chrome_name(tokens(doc.nodes[idx]))]  # the element itself is chrome
    chrome += np.flatnonzero(doc.tag_mask(_CHROME_TAGS)).tolist()
    return doc.covering(sorted(chrome), strict=True) > 0  # below one of them


def _paragraph_weights(doc: Doc, at: np.ndarray) -> np.ndarray:
    """The weights of the paragraphs at element indices `at`: their text length, unless it is
    short, inside a link (teaser text) or mostly links."""
    import numpy as np

    length = doc.array("text_len")[at]
    parent = doc.parent_at[at]
    in_link = doc.array("in_link")[np.maximum(parent, 0)] & (parent >= 0)  # teaser text in a link
    mostly_links = doc.array("link_len")[at] > 0.5 * length
    return np.where((length >= MIN_PARAGRAPH) & ~in_link & ~mostly_links, length, 0)


def _direct_text_lengths(doc: Doc, at: np.ndarray) -> np.ndarray:
    """For the <div>s at `at`: the text directly inside (text nodes, and text of inline b/i/em/strong/
    span/font children), 0 when shorter than a paragraph."""
    import numpy as np

    inline = np.flatnonzero(doc.tag_mask(_INLINE_TAGS))
    inline_text = np.bincount(doc.parent_at[inline][doc.parent_at[inline] >= 0], minlength=len(doc.nodes),
                              weights=doc.array("text_len")[inline][doc.parent_at[inline] >= 0].astype(np.float64))
    length = (doc.direct_text[at] + inline_text[at]).astype(np.int64)
    return np.where(length >= MIN_PARAGRAPH, length, 0)


def _find_main(doc: Doc, chrome: np.ndarray | list[bool]) -> tuple[Node | None, dict[int, int]]:
    if not doc.vectorised:
        return _find_main_loop(doc, chrome)  # type: ignore[arg-type]
    import numpy as np

    weights: dict[int, int] = {}
    body = doc.body
    if body is None:
        return None, weights
    own = np.zeros(len(doc.nodes), dtype=np.int64)  # the p, pre, blockquote and div elements, by the tag table
    divs = doc.tag_mask(("div",)) & ~chrome
    paragraphs = np.flatnonzero(doc.tag_mask(_PROSE_TAGS - {"div"}) & ~chrome)
    own[paragraphs] = _paragraph_weights(doc, paragraphs)
    own[np.flatnonzero(divs)] = _direct_text_lengths(doc, np.flatnonzero(divs))
    below = subtree_sums(own, doc.end_at) - own  # weight of the paragraphs inside each element (itself excluded)
    heavy = np.flatnonzero(below)
    weights = {doc.nodes[idx].mem_id: w for idx, w in zip(heavy.tolist(), below[heavy].tolist())}
    node = body
    total = weights.get(body.mem_id, 0)
    if not total:
        return None, weights
    return _descend(node, weights), weights


# an ordinary page (no numpy tables): the same answers, one Python step per element
def _chrome_marks_loop(doc: Doc) -> list[bool]:
    """Per element index: it or an ancestor is navigation, footer, sidebar, comments... (one pass)."""
    named = {doc.index(node) for node in doc.with_attributes(_NAMING)}  # the others have no names to read
    chrome = [False] * len(doc.nodes)  # the element itself is chrome
    for idx in named - {-1}:
        chrome[idx] = chrome_name(tokens(doc.nodes[idx]))
    marks: list[bool] = []
    for parent in doc.parents:
        marks.append(parent >= 0 and (marks[parent] or chrome[parent] or doc.tags[parent] in _CHROME_TAGS))
    return marks


def _paragraph_weight_at(doc: Doc, idx: int) -> int:
    """A paragraph's weight (element index `idx`): its text length, unless it is short, inside a
    link (teaser text) or mostly links."""
    length = doc.text_len[idx]
    if length < MIN_PARAGRAPH:
        return 0
    parent = doc.parents[idx]
    if parent >= 0 and doc.in_link[parent]:
        return 0  # teaser text inside a link to another page
    if doc.link_len[idx] > 0.5 * length:
        return 0
    return length


def _find_main_loop(doc: Doc, chrome: list[bool]) -> tuple[Node | None, dict[int, int]]:
    weights: dict[int, int] = {}
    body = doc.body
    if body is None:
        return None, weights
    own = [0] * len(doc.nodes)
    for idx, tag in enumerate(doc.tags):  # the p, pre, blockquote and div elements, by the tag table
        if tag not in _PROSE_TAGS or chrome[idx]:
            continue
        own[idx] = _paragraph_weight_at(doc, idx) if tag != "div" else _direct_text_len(doc, doc.nodes[idx])
    below = [0] * len(doc.nodes)  # weight of the paragraphs inside each element (itself excluded)
    for idx in range(len(doc.nodes) - 1, 0, -1):
        parent = doc.parents[idx]
        if parent >= 0 and (own[idx] or below[idx]):
            below[parent] += own[idx] + below[idx]
    for idx, w in enumerate(below):
        if w:
            weights[doc.nodes[idx].mem_id] = w
    node = body
    total = weights.get(body.mem_id, 0)
    if not total:
        return None, weights
    return _descend(node, weights), weights


def _direct_text_len(doc: Doc, node: Node) -> int:
    n = 0
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            n += len((child.text_content or "").strip())
        elif child.tag in _INLINE_TAGS:
            n += doc.text_length(child)
    return n if n >= MIN_PARAGRAPH else 0


def _descend(node: Node, weights: dict[int, int]) -> Node:
    """From `node` down into the child holding most of the prose, while it holds a clear majority."""
    total = weights.get(node.mem_id, 0)
    while True:
        children = [c for c in node.iter(include_text=False) if weights.get(c.mem_id, 0)]
        heavy = max(children, key=lambda c: weights[c.mem_id], default=None)
        if heavy is None or weights[heavy.mem_id] < 0.6 * total:
            return node
        node = heavy


def find_title(doc: Doc, main: Node | None, title_text: str) -> Node | None:
    """The <h1> that names the article (nearest to the body container)."""
    h1s = [h for h in doc.css("h1", needs="<h1") if doc.text_length(h)]
    if not h1s:
        return None
    if main is not None:
        inside = [h for h in h1s if doc.contains(main, h)]
        if inside:
            return inside[0]
        before = [h for h in h1s if doc.index(h) < doc.index(main)]
        if before:
            return before[-1]
    want = collapse(title_text).lower()[:40]
    return next((h for h in h1s[:50] if want and want[:20] in visible_text(h, limit=400).lower()), h1s[0])


def _sibling_sections(doc: Doc, main: Node | None, weights: dict[int, int],
                      chrome: np.ndarray | list[bool]) -> list[tuple[int, int]]:
    """Sections beside the body container (or beside its parent) that hold a fair share of prose
    too: articles split into several sections."""
    if main is None:
        return []
    share = max(weights.get(main.mem_id, 0) * 0.15, 200)
    out: list[tuple[int, int]] = []
    node = main
    for _ in range(2):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            break
        for sib in parent.iter(include_text=False):
            if sib.mem_id == node.mem_id or weights.get(sib.mem_id, 0) < share:
                continue
            if chrome[doc.index(sib)] or chrome_name(tokens(sib)) or sib.tag in _CHROME_TAGS:
                continue
            out.append((doc.index(sib), doc.end.get(sib.mem_id, doc.index(sib))))
        node = parent
    return out


MAX_ARTICLES = 60


def same_title(heading: str, title: str) -> bool:
    """Is this heading (or alt text) the page's title? Sites add their name to <title>, so either may hold the other."""
    heading, title = collapse(heading).lower()[:60], collapse(title).lower()
    return len(heading) >= 10 and len(title) >= 10 and (heading in title or title[:60] in heading)


def _stories(doc: Doc, main: Node | None, weights: dict[int, int],
             title_text: str) -> tuple[Node | None, list[tuple[int, int]]]:
    """Infinite-scroll pages hold the next stories too, each an <article> with its own <h1>. The page's own
    story is the one whose <h1> is the page title (not the longest one); the others are follow-ons."""
    stories = [(a, h) for a in doc.css("article", needs="<article")[:MAX_ARTICLES] for h in [a.css_first("h1")] if h is not None]
    stories = [(a, h) for a, h in stories if not any(o is not a and doc.contains(a, o) for o, _ in stories)]
    if len(stories) < 2 or not title_text:
        return main, []
    own = next((a for a, h in stories if same_title(visible_text(h, limit=300), title_text)), None)
    if own is None:
        return main, []
    if main is None or not doc.contains(own, main):  # the body container lies outside the page's own story
        main = _descend(own, weights) if weights.get(own.mem_id) else own
    others = [(doc.index(a), doc.end.get(a.mem_id, doc.index(a))) for a, _ in stories if a is not own]
    return main, others


def find_zones(doc: Doc, title_text: str = "") -> Zones:
    chrome = chrome_marks(doc)
    main, weights = _find_main(doc, chrome)
    main, others = _stories(doc, main, weights, title_text)
    if main is None:
        main = doc.body  # no prose at all (a picture page, a fragment): the whole body is the article
    title = find_title(doc, main, title_text)
    main_start = doc.index(main) if main is not None else -1
    main_end = doc.end.get(main.mem_id, -1) if main is not None else -1
    lead_start = doc.index(title) if title is not None else -1
    return Zones(main=main, title=title, lead_start=lead_start, main_start=main_start, main_end=main_end,
                 more=_sibling_sections(doc, main, weights, chrome), others=others)


__all__ = ["Zones", "find_title", "find_zones", "same_title"]
