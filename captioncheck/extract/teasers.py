"""Pictures that stand for other articles: a linked picture with the headline linked beside it, a small card whose
only text links away, a row of cards of one shape (a "most read" or "related" rail inside the body). Told by
links and shapes, not by names; `roles` asks these when it decides what a picture is.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator

from captioncheck.extract import within
from captioncheck.extract.captions import STRUCTURAL
from captioncheck.extract.dom import (
    HEADING_TAGS,
    Caseless,
    Doc,
    Node,
    ancestors,
    attr,
    attributes_of,
    tokens,
)
from captioncheck.extract.images import Found
from captioncheck.extract.urls import IMAGE_EXT, split_url

_VIEWER = Caseless(r"lightb|fancybox|photoswipe|gallery|zoom|enlarge|data-img|data-lightbox|modal")
_PHOTO_PAGE = Caseless(r"/(photo|image|img|media|gallery|foto|bild)s?[/.]|/elem/|img\.html")
_A, _H1 = frozenset({"a"}), frozenset({"h1"})
_PICTURE_TAGS = frozenset({"img", "amp-img", "picture"})
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5"})
MAX_TEASER_TEXT = 300  # characters of one teaser card (headline, kicker, a line of summary)
MAX_ROW = 12  # siblings of a card compared with it
MAX_CARD = 200  # elements of a small card looked at


def link_card(f: Found, doc: Doc, page_url: str) -> bool:
    """The picture sits in a small card whose only text is a link to another page ("RELATED" cards and
    "Keep reading" callouts inside the body): a teaser, even when the picture itself is not linked."""
    if captioned_photo(f):
        return False
    for node in within.ancestors(doc, f.anchor, 6):  # a <noscript> copy sits one level deeper
        length = doc.text_length(node)
        if not length:
            continue
        if length > 300 or _picture_count(node, doc) > 1 or (
                doc.link_length(node) < 0.8 * length and _heading_length(node, doc) < 0.9 * length):
            break
        if f.credit and not f.caption and length <= len(f.credit) + 4:
            return False  # the only text is the picture's credit, linked to its source ("Jane Doe, Example Blog")
        return _links_away(node, doc, page_url)
    # a small <article> inside the page (a teaser module: headline link + summary), not the story itself
    card = next((a for a in within.ancestors(doc, f.anchor, 8) if a.tag == "article"), None)
    return (card is not None and doc.text_length(card) <= 600 and _picture_count(card, doc) == 1
            and within.first(doc, card, _H1) is None and _links_away(card, doc, page_url))


def teaser_row(f: Found, doc: Doc, page_url: str) -> bool:
    """A picture linked to another article inside one of a row of cards of one shape (three or more
    siblings of one tag and class, each holding a picture linked to a page of its own, with a short text):
    a "most read" or "related" rail inside the body, told by its shape and links, not by its names."""
    if captioned_photo(f):
        return False
    link = link_of(f, doc)
    if link is None or not is_article_link(link, page_url):
        return False
    node = link
    for _ in range(6):
        card = node.parent
        if card is None or card.tag in ("body", "main", "article") or doc.text_length(card) > MAX_TEASER_TEXT:
            return False
        shape = (card.tag, attr(card, "class"))
        # the first MAX_ROW siblings of its shape (the nearest before it first), read only until two are linked cards
        # (two are enough: a rail of 30 000 was read 24 times a card, then every sibling's class once per picture)
        alike = itertools.islice((s for s in _element_siblings_all(card, MAX_ROW) if (s.tag, attr(s, "class")) == shape),
                                 MAX_ROW)
        linked = (s for s in alike if doc.text_length(s) <= MAX_TEASER_TEXT and _linked_picture(s, doc, page_url))
        if len(list(itertools.islice(linked, 2))) >= 2:
            return doc.text_length(card) >= 15  # the card's headline
        node = card  # siblings of another shape (the card's own parts, on a page without classes): one level up
    return False


def _element_siblings_all(node: Node, limit: int) -> Iterator[Node]:
    """Up to `limit` element siblings on each side of `node` (itself left out): those before it, nearest first, then
    those after it (read as they are asked for)."""
    for step in ("prev", "next"):
        sib, seen = getattr(node, step), 0
        while sib is not None and seen < limit:
            if sib.tag not in ("-text", "-comment"):
                yield sib
                seen += 1
            sib = getattr(sib, step)


def _linked_picture(box: Node, doc: Doc, page_url: str) -> bool:
    """Does the box hold a picture inside a link to another article?"""
    for a in itertools.islice(within.elements(doc, box, _A, has="href"), 4):
        if within.first(doc, a, _PICTURE_TAGS) is not None and is_article_link(a, page_url):
            return True
    return False


def _picture_count(node: Node, doc: Doc, most: int = 3) -> int:
    """Pictures in the box, a `<noscript>` twin not counted again (counting stops after `most`)."""
    start = doc.index(node)
    if start < 0:
        return doc.count_images(node)
    end = doc.end.get(node.mem_id, start)
    count = 0
    first = at = bisect.bisect_left(doc.image_at, start)
    while at < len(doc.image_at) and doc.image_at[at] <= end and count < most:  # no slice: a body holds thousands
        if at - first >= 4 * most:
            return most  # that many <img>s are no one-picture card, <noscript> twins or not
        count += not doc.noscript[doc.image_at[at]]
        at += 1
    return count


def _heading_length(node: Node, doc: Doc) -> int:
    """Characters of the box's text inside headings (h1–h6 or role=heading): a callout whose only text is
    its headings ("Keep reading" / "The latest on <a>topic</a>") around an uncaptioned picture. Looks at
    most MAX_CARD elements of the box."""
    start = doc.index(node)
    if start < 0:
        return 0
    end, total, inside = min(doc.end.get(node.mem_id, start), start + MAX_CARD), 0, -1
    for idx in range(start + 1, end + 1):
        if idx <= inside:
            continue  # within a heading already counted
        tag = doc.tags[idx]
        if tag in HEADING_TAGS or (tag in ("div", "span", "p") and attr(doc.nodes[idx], "role") == "heading"):
            total += doc.text_len[idx]
            inside = doc.end.get(doc.nodes[idx].mem_id, idx)
    return total


def _links_away(node: Node, doc: Doc, page_url: str) -> bool:
    """Does the box hold a headline-long link to another article? (The box itself counts, as with
    selectolax's css(): a card that is one `<a>` around picture and headline links away, as meant.) Answered once
    per box of the page: the pictures of one box ask it each (5 000 pictures of a box of short links read them all
    each time)."""
    known: dict[tuple[int, str], bool] = doc.memo.setdefault("links_away", {})  # type: ignore[assignment]
    found = known.get((node.mem_id, page_url))
    if found is None:
        links = (a for a in within.elements(doc, node, _A, has="href") if doc.text_length(a) >= 15)
        found = known[node.mem_id, page_url] = any(is_article_link(a, page_url) for a in itertools.islice(links, 5))
    return found


def found_by_structure(f: Found) -> bool:
    """Its caption was found only by where a text stands (`captions.STRUCTURAL`): it reads the line, it
    does not make the picture an article photo."""
    return any(note.startswith("caption: ") and note[9:] in STRUCTURAL for note in f.notes)


def captioned_photo(f: Found) -> bool:
    """Markup says it is a photo: its own <figure> gives it a caption or a credit."""
    return bool(f.caption or f.credit) and "caption: figure" in f.notes


def caption_in_link(f: Found, doc: Doc) -> bool:
    """No caption, or the 'caption' is the teaser text inside the same link."""
    if not f.caption_nodes:
        return True
    link = link_of(f, doc)
    return link is not None and all(_inside(n, link) for n in f.caption_nodes)


def _inside(node: Node, outer: Node) -> bool:
    return any(a.mem_id == outer.mem_id for a in ancestors(node))


def link_of(f: Found, doc: Doc) -> Node | None:
    return next((a for a in itertools.chain((f.node,), within.ancestors(doc, f.node, 4)) if a.tag == "a"), None)


def is_article_link(link: Node, page_url: str) -> bool:
    """A link to another HTML page (not the picture itself, a photo page or a viewer)."""
    href = attr(link, "href")
    if not href or href.startswith(("#", "javascript:")) or IMAGE_EXT.search(href):
        return False
    viewer = " ".join(attributes_of(link).keys()) + " " + tokens(link)
    if _VIEWER.found_in(viewer):
        return False  # opens the picture bigger, not another article
    target, here = split_url(href), split_url(page_url)
    if target.path and here.path and target.path.rstrip("/") == here.path.rstrip("/"):
        return False
    return not _PHOTO_PAGE.found_in(href)


def link_text(link: Node, doc: Doc) -> bool:
    """The link (or its box) carries a headline."""
    container = link.parent if link.parent is not None and link.parent.tag != "p" else link
    if doc.text_length(container) >= 15:
        return True
    return doc.size(container) <= 500 and within.first(doc, container, _SUBHEADINGS) is not None


def _element_siblings(node: Node) -> list[Node]:
    """The element just before and just after `node`."""
    out: list[Node] = []
    for step in ("prev", "next"):
        sib = getattr(node, step)
        while sib is not None and sib.tag in ("-text", "-comment"):
            sib = getattr(sib, step)
        if sib is not None:
            out.append(sib)
    return out


def _links_by_href(doc: Doc) -> dict[str, list[int]]:
    """href -> document indices (ascending) of the links with a headline-long text (built once)."""
    table = doc.memo.get("links")
    if not isinstance(table, dict):
        table = {}
        for a in doc.css("a[href]", needs="<a"):
            if doc.text_length(a) >= 15:
                table.setdefault(attr(a, "href"), []).append(doc.index(a))
        doc.memo["links"] = table
    return table


def same_link_with_headline(link: Node, href: str, doc: Doc) -> bool:
    """Teaser lists link the picture and, separately, the headline to the same article."""
    others = _links_by_href(doc).get(href, [])
    me = doc.index(link)
    j = bisect.bisect_left(others, me)
    mine = j < len(others) and others[j] == me  # the picture's own link has a headline too
    if len(others) <= mine:
        return False
    node = link
    for _ in range(4):
        parent = node.parent
        if parent is None or parent.tag == "body":
            return False
        scope = [parent] if parent.tag not in ("main", "article") else _element_siblings(node)
        for box in scope:
            start, end = doc.index(box), doc.end.get(box.mem_id, -1)
            inside = bisect.bisect_right(others, end) - bisect.bisect_left(others, start)
            if inside - (start <= me <= end and mine) > 0:
                return True
        if parent.tag in ("main", "article"):
            return False
        node = parent
    return False


__all__ = ["MAX_TEASER_TEXT", "caption_in_link", "captioned_photo", "found_by_structure", "is_article_link", "link_card",
           "link_of", "link_text", "same_link_with_headline", "teaser_row"]
