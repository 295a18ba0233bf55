"""The article text just before and just after each picture, and a selector to find it again."""

from __future__ import annotations

import bisect

from captioncheck.extract.dom import MAX_CLIMB, Doc, Node, ancestors, attr, visible_text

CONTEXT_CHARS = 300
_BLOCKS = "p, h2, h3, h4, blockquote, li, pre"


def text_blocks(doc: Doc, scope: Node | None, skip: set[int]) -> list[tuple[int, str]]:
    """(document index, text) of the prose blocks in `scope`, captions and furniture left out."""
    root = scope if scope is not None else doc.body
    if root is None:
        return []
    out_of_prose = _left_out(doc, skip)
    out: list[tuple[int, str]] = []
    for block in root.css(_BLOCKS):
        idx = doc.index(block)
        if block.mem_id in skip or (out_of_prose[idx] if idx >= 0 else _left_out_by_climbing(block, skip)):
            continue
        if block.tag in ("li", "blockquote") and block.css_first(_BLOCKS) is not None:
            continue  # the inner blocks speak for themselves
        text = visible_text(block)
        if len(text) >= 2:
            out.append((idx, text))
    return out


_NOT_PROSE = ("figure", "figcaption", "nav", "aside")
_TOP = ("html", "-undef", "#document")


def _left_out(doc: Doc, skip: set[int]) -> list[bool]:
    """Per element index: one of its nearest MAX_CLIMB ancestors (below <html>) is a caption
    (`skip`), a figure, navigation or an aside. One pass in document order: each element's
    distance to the nearest such ancestor comes from its parent's."""
    far = MAX_CLIMB + 1
    distance: list[int] = []
    tags = doc.tags
    skipped = {doc.order[mem_id] for mem_id in skip if mem_id in doc.order}
    for parent in doc.parents:
        if parent < 0 or tags[parent] in _TOP:
            distance.append(far)
        elif tags[parent] in _NOT_PROSE or parent in skipped:
            distance.append(1)
        else:
            distance.append(min(distance[parent] + 1, far))
    return [d <= MAX_CLIMB for d in distance]


def _left_out_by_climbing(block: Node, skip: set[int]) -> bool:
    return any(a.mem_id in skip or a.tag in _NOT_PROSE for a in ancestors(block))


def around(blocks: list[tuple[int, str]], index: int) -> tuple[str, str]:
    """Up to CONTEXT_CHARS of text before and after a document position (`blocks` in document order)."""
    cut = bisect.bisect_left([b[0] for b in blocks], index) if len(blocks) < 64 else _bisect(blocks, index)
    before: list[str] = []
    size = 0
    for i in range(cut - 1, -1, -1):  # walk out from the cut: never copy the (possibly long) list
        before.append(blocks[i][1])
        size += len(blocks[i][1])
        if size >= CONTEXT_CHARS:
            break
    after: list[str] = []
    size = 0
    for i in range(cut, len(blocks)):
        pos, text = blocks[i]
        if pos == index:
            continue
        after.append(text)
        size += len(text)
        if size >= CONTEXT_CHARS:
            break
    b, a = " ".join(reversed(before)), " ".join(after)
    return (b[-CONTEXT_CHARS:].lstrip() if len(b) > CONTEXT_CHARS else b), (a[:CONTEXT_CHARS].rstrip())


def _bisect(blocks: list[tuple[int, str]], index: int) -> int:
    lo, hi = 0, len(blocks)
    while lo < hi:
        mid = (lo + hi) // 2
        if blocks[mid][0] < index:
            lo = mid + 1
        else:
            hi = mid
    return lo


def css_selector(node: Node, cache: dict[int, dict[int, int]] | None = None) -> str:
    """A CSS selector that finds this element again (ids where unique-looking, else nth-of-type).

    `cache` (one per page) remembers sibling positions so long lists are counted once.
    """
    cache = {} if cache is None else cache
    parts: list[str] = []
    current: Node | None = node
    while current is not None and current.tag not in ("html", "-undef", "#document", None) and len(parts) < MAX_CLIMB:
        ident = attr(current, "id")
        if ident and _plain_ident(ident):
            parts.insert(0, f"{current.tag}#{ident}")
            break
        parts.insert(0, f"{current.tag}:nth-of-type({_nth_of_type(current, cache)})")
        current = current.parent
    return " > ".join(parts)


def _plain_ident(ident: str) -> bool:
    return ident.replace("-", "").replace("_", "").isalnum() and not ident[0].isdigit()


def _nth_of_type(node: Node, cache: dict[int, dict[int, int]]) -> int:
    parent = node.parent
    if parent is None:
        return 1
    if parent.mem_id not in cache:
        table: dict[int, int] = {}
        counts: dict[str, int] = {}
        for sibling in parent.iter(include_text=False):
            tag = sibling.tag or ""
            counts[tag] = counts.get(tag, 0) + 1
            table[sibling.mem_id] = counts[tag]
        cache[parent.mem_id] = table
    return cache[parent.mem_id].get(node.mem_id, 1)


__all__ = ["around", "css_selector", "text_blocks"]
