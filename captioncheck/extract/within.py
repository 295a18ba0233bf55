"""An element's descendants and ancestors read from the page's numbered tables instead of lexbor.

`node.css("*")`, `node.css("source")`, `node.css_first("svg, button, img, input")` parse their selector and
walk the subtree on every call (~10 us even on a three-element caption): the rules ask such questions once
per picture or more, thousands of times on a page of pictures. The page's elements are numbered in
document order (`Doc.nodes`, `Doc.tags`), so an element's descendants are the slice up to its last one
(`Doc.last`), which is what lexbor's pre-order walk gives (neither walks into a <template>'s content).
Like selectolax's `css()`, these include the element itself when `include_self` (its tag matching).
An element the tables do not number is asked through lexbor as before.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterator, Sequence

from captioncheck.extract import dom
from captioncheck.extract.dom import MAX_CLIMB, TOP_TAGS, Doc, Node, attributes_of


def elements(doc: Doc, node: Node, tags: Collection[str] | None = None, *, include_self: bool = True,
             has: str = "") -> Iterator[Node]:
    """The subtree's elements in document order (`node.css("*")`), only those whose tag is in `tags` and,
    with `has`, that carry that attribute (`node.css("meta[itemprop], link[itemprop]")`)."""
    start = doc.index(node)
    if start < 0:
        yield from (el for el in _asked(node, tags, has) if include_self or el.mem_id != node.mem_id)
        return
    names, nodes = doc.tags, doc.nodes
    begin, end = (start if include_self else start + 1), doc.last[start]
    if tags is None or end - begin < SCAN_DIRECTLY:
        for i in range(begin, end + 1):
            if (tags is None or names[i] in tags) and (not has or has in attributes_of(nodes[i])):
                yield nodes[i]
        return
    positions = tag_positions(doc, tags)
    for k in range(bisect.bisect_left(positions, begin), bisect.bisect_right(positions, end)):
        if not has or has in attributes_of(nodes[positions[k]]):
            yield nodes[positions[k]]


# Subtrees of at most this many elements are scanned; a larger one is read through the page's positions of the tags
# asked for (found once per page and set of tags): a rule asking "is there an <h1> in this box?" for each of 5 000
# pictures of one large box scanned the box each time (120 KB of `<wbr data-src>` took 2.3 s, 1.2 MB 7 s).
SCAN_DIRECTLY = 64


def tag_positions(doc: Doc, tags: Collection[str]) -> Sequence[int]:
    """The indices of the page's elements whose tag is in `tags`, ascending (built once per page and set of tags)."""
    table: dict[frozenset[str], Sequence[int]] = doc.memo.setdefault("tag_positions", {})  # type: ignore[assignment]
    key = frozenset(tags)
    found = table.get(key)
    if found is None:
        if doc.vectorised:
            import numpy as np

            found = table[key] = np.flatnonzero(doc.tag_mask(key)).tolist()
        else:
            found = table[key] = [i for i, tag in enumerate(doc.tags) if tag in key]
    return found


def first(doc: Doc, node: Node, tags: Collection[str], *, include_self: bool = True) -> Node | None:
    """The first element of the subtree whose tag is in `tags` (`node.css_first("h2, h3")`), or None."""
    return next(elements(doc, node, tags, include_self=include_self), None)


def count(doc: Doc, node: Node, most: int, *, include_self: bool = True) -> int:
    """How many elements the subtree holds (`len(node.css("*"))`), counted up to `most` at most."""
    start = doc.index(node)
    if start < 0:
        return min(len(node.css("*")) - (not include_self), most)  # (css() matches the element itself)
    return min(doc.last[start] - start + include_self, most)


def ancestors(doc: Doc, node: Node, limit: int = MAX_CLIMB) -> Iterator[Node]:
    """`dom.ancestors(node, limit)` read from the page's parent table: the same elements, nearest first, without
    lexbor making a new Python object for each step up (a picture's rules climb its ancestors a dozen times)."""
    at = doc.order.get(node.mem_id, -1)
    if at < 0:
        yield from dom.ancestors(node, limit)
        return
    parents, tags, nodes = doc.parents, doc.tags, doc.nodes
    below, at = at, parents[at]
    while limit > 0 and at >= 0 and tags[at] not in TOP_TAGS:
        yield nodes[at]
        below, at = at, parents[at]
        limit -= 1
    if at < 0 and limit > 0:  # above the numbered root (<html> itself): what lexbor has there, its document node
        yield from dom.ancestors(nodes[below], limit)


def _asked(node: Node, tags: Collection[str] | None, has: str) -> Iterator[Node]:
    query = "*" if tags is None else ", ".join(f"{tag}[{has}]" if has else tag for tag in sorted(tags))
    if tags is None and has:
        query = f"[{has}]"
    yield from node.css(query)


__all__ = ["ancestors", "count", "elements", "first", "tag_positions"]
