"""The article text just before and just after each picture, and a selector to find it again."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from captioncheck.extract.dom import (
    HEADING_TAGS,
    MAX_CLIMB,
    TOP_TAGS,
    Doc,
    Node,
    attr,
    visible_text,
)

if TYPE_CHECKING:
    import numpy as np

CONTEXT_CHARS = 300
_BLOCKS = "p, h2, h3, h4, blockquote, li, pre"
_BLOCK_TAGS = frozenset(tag.strip() for tag in _BLOCKS.split(","))
MAX_JOINED_BLOCKS = 20_000  # candidate blocks read for a huge page's article text (a long feature has a few hundred)


class TextBlocks:
    """The prose blocks of the article zone in document order, captions and furniture left out.

    Which elements can be blocks is decided for all of them at once (vectorised over the tag and
    parent tables); the text of a block is read only when asked for: the context of each
    picture needs the few blocks around it, the article text its first MAX_ARTICLE_TEXT characters,
    so a 30 MB page of 235 000 paragraphs reads a few thousand of them.
    """

    def __init__(self, doc: Doc, scope: Node | None, skip: set[int]) -> None:
        root = scope if scope is not None else doc.body
        self.doc = doc
        self._skipped = {doc.order[mem_id] for mem_id in skip if mem_id in doc.order}  # the captions
        self.positions: list[int] = []  # document index of each candidate, ascending
        self._texts: dict[int, str] = {}  # candidate -> its text, "" when it is no block
        self._lists: dict[int, bool] = {}  # list element index -> most of its items are links
        self.contexts: dict[tuple[int, bool], tuple[str, str]] = {}  # `around`'s answers, per place between blocks
        self._readable: list[int] | None = None  # the candidates with two characters of text or more (`readable`)
        self._back: dict[int, int] = {}  # readable rank -> the nearest rank at or before it with text (-1: none)
        self._ahead: dict[int, int] = {}  # ... at or after it (len(readable): none)
        if root is None or doc.index(root) < 0:
            return
        if not doc.vectorised:
            self._blocks_loop(doc, root, skip)
            return
        import numpy as np

        skipped = sorted({doc.order[mem_id] for mem_id in skip if mem_id in doc.order})
        start, end = doc.index(root), doc.end[root.mem_id]
        # what root.css(_BLOCKS) finds, by the tag table
        block = doc.tag_mask(_BLOCK_TAGS) & ~_left_out(doc, skipped)
        block[skipped] = False
        at = np.flatnonzero(block[start:end + 1]) + start
        self.positions = at.tolist()
        self._readable = np.flatnonzero(doc.memo["readable_len"][at] >= 2).tolist()  # (see `readable`)

    def _blocks_loop(self, doc: Doc, root: Node, skip: set[int]) -> None:
        """`__init__`'s candidates on an ordinary page (no numpy tables), one Python step per element."""
        skipped = {doc.order[mem_id] for mem_id in skip if mem_id in doc.order}
        out_of_prose = _left_out_loop(doc, skipped)
        tags = doc.tags
        for idx in range(doc.index(root), doc.end[root.mem_id] + 1):  # what root.css(_BLOCKS) finds, by the tag table
            if tags[idx] in _BLOCK_TAGS and not out_of_prose[idx] and idx not in skipped:
                self.positions.append(idx)

    def text(self, k: int) -> str:
        """The text of candidate `k` ("" when it is no block: too short, or a list item or quote
        whose inner blocks speak for themselves)."""
        if k not in self._texts:
            block = self.doc.nodes[self.positions[k]]  # (its node object made only when read: `dom.Doc.nodes`)
            text = ""
            # (fewer than two characters of text a reader sees: no block, known from the tables without reading it)
            if self.doc.readable_len[self.positions[k]] >= 2 and (block.tag not in _CONTAINERS or self._plain_line(k)):
                text = visible_text(block)
            self._texts[k] = text if len(text) >= 2 else ""
        return self._texts[k]

    def readable(self) -> list[int]:
        """The candidates `text` may find text in (two characters of text or more outside hidden elements, read from the
        tables), ascending."""
        if self._readable is None:
            readable_len, positions = self.doc.readable_len, self.positions
            self._readable = [k for k in range(len(positions)) if readable_len[positions[k]] >= 2]
        return self._readable

    def with_text(self, rank: int, step: int) -> int:
        """From `readable()[rank]` on, backwards (`step` -1) or forwards (+1), the rank of the first candidate whose
        `text` is not empty (-1 / len(readable) when none). Every rank walked over is remembered with its answer,
        so the blocks without text between pictures are walked once, not once per picture (a page of 2 000
        pictures among 100 000 paragraphs of hidden text was quadratic)."""
        readable, known = self.readable(), (self._back if step < 0 else self._ahead)
        walked: list[int] = []
        while 0 <= rank < len(readable):
            found = known.get(rank)
            if found is not None:
                rank = found
                break
            if self.text(readable[rank]):
                break
            walked.append(rank)
            rank += step
        for each in walked:
            known[each] = rank
        return rank

    def _plain_line(self, k: int) -> bool:
        """A list item or quote is read as prose when it holds only inline text: no inner block (that
        block is read itself), heading, `<time>` (a dateline), picture, caption, figure or aside, and it
        is not mostly a link (a list of "related" headlines). It was never read: the old test, `css_first(_BLOCKS)`, matched the element
        itself with selectolax, so every `<li>`/`<blockquote>` looked like it held a block. Looks at most
        MAX_LINE elements, so a long nested list costs no more than its own size."""
        doc, idx = self.doc, self.positions[k]
        if doc.link_len[idx] * 2 > doc.text_len[idx]:  # read from the tables by index: a page may hold 45 000
            return False
        if doc.tags[idx] == "li" and self._link_list(doc.parents[idx]):
            return False  # the plain item of a list of links: a breadcrumb's current page, a menu's label
        end = doc.last[idx]
        if end - idx > MAX_LINE or bisect.bisect_right(doc.image_at, end) > bisect.bisect_left(doc.image_at, idx):
            return False
        tags, skipped = doc.tags, self._skipped
        return not any(tags[j] in _NOT_INLINE or j in skipped for j in range(idx + 1, end + 1))

    def _link_list(self, parent: int) -> bool:
        """Are most items of this list links (navigation)? Counted once per list, over its first
        MAX_LIST elements."""
        if parent not in self._lists:
            doc = self.doc
            end = min(doc.end.get(doc.nodes[parent].mem_id, parent), parent + MAX_LIST) if parent >= 0 else parent
            items = [j for j in range(parent + 1, end + 1) if doc.parents[j] == parent and doc.tags[j] == "li"]
            links = sum(doc.link_len[j] * 2 > doc.text_len[j] for j in items)
            self._lists[parent] = links * 2 > len(items)
        return self._lists[parent]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        """(document index, text) of every block."""
        for k, idx in enumerate(self.positions):
            text = self.text(k)
            if text:
                yield idx, text

    def joined(self, at_least: int, most_blocks: int = MAX_JOINED_BLOCKS) -> str:
        """The blocks' texts joined by blank lines, read until the result is `at_least` long (the whole join
        when it is shorter: its first `at_least` characters are the full join's), from at most `most_blocks`
        candidates (a page of 260 000 one-word paragraphs would be read whole: ~7 us a block)."""
        parts: list[str] = []
        size = -2
        for k in self.readable():  # (the others have no text)
            if k >= most_blocks:
                break
            text = self.text(k)
            if not text:
                continue
            parts.append(text)
            size += len(text) + 2
            if size >= at_least:
                break
        return "\n\n".join(parts)


_NOT_PROSE = ("figure", "figcaption", "nav", "aside")
_CONTAINERS = ("li", "blockquote")  # read only when they hold a plain line (`TextBlocks._plain_line`)
_NOT_INLINE = _BLOCK_TAGS | HEADING_TAGS | {"time", "ul", "ol", "dl", "table", "picture", "video", "iframe", *_NOT_PROSE}
MAX_LINE = 64  # elements in a list item or quote read as one line of prose
MAX_LIST = 2000  # elements of a list looked at to tell a list of links


def _left_out(doc: Doc, skipped: list[int]) -> np.ndarray | list[bool]:
    """Per element index: one of its nearest MAX_CLIMB ancestors (below <html>) is a caption
    (element indices `skipped`), a figure, navigation or an aside. Level by level from the root:
    each element's distance to the nearest such ancestor comes from its parent's."""
    if not doc.vectorised:
        return _left_out_loop(doc, set(skipped))
    import numpy as np

    far = MAX_CLIMB + 1
    stop = doc.tag_mask(_NOT_PROSE)
    stop[skipped] = True
    top = doc.tag_mask(TOP_TAGS)
    parent = doc.parent_at
    distance = np.full(len(doc.nodes), far, dtype=np.int64)
    for level in doc.depth_levels()[1:]:
        up = parent[level]
        distance[level] = np.where(top[up], far, np.where(stop[up], 1, np.minimum(distance[up] + 1, far)))
    return distance <= MAX_CLIMB


def _left_out_loop(doc: Doc, skipped: set[int]) -> list[bool]:
    """Per element index: one of its nearest MAX_CLIMB ancestors (below <html>) is a caption
    (element indices `skipped`), a figure, navigation or an aside. One pass in document order:
    each element's distance to the nearest such ancestor comes from its parent's."""
    far = MAX_CLIMB + 1
    distance: list[int] = []
    tags = doc.tags
    for parent in doc.parents:
        if parent < 0 or tags[parent] in TOP_TAGS:
            distance.append(far)
        elif tags[parent] in _NOT_PROSE or parent in skipped:
            distance.append(1)
        else:
            distance.append(min(distance[parent] + 1, far))
    return [d <= MAX_CLIMB for d in distance]


def around(blocks: TextBlocks, index: int) -> tuple[str, str]:
    """Up to CONTEXT_CHARS of text before and after a document position (`blocks` in document order).

    Pictures with no block between them (a gallery, a row of thumbnails) share their context: it is
    read once per place between blocks (and whether the position is a block itself)."""
    positions = blocks.positions
    cut = bisect.bisect_left(positions, index)
    place = (cut, cut < len(positions) and positions[cut] == index)
    if place not in blocks.contexts:
        blocks.contexts[place] = _around(blocks, index, cut)
    return blocks.contexts[place]


def _around(blocks: TextBlocks, index: int, cut: int) -> tuple[str, str]:
    """The blocks with text nearest the cut (candidates before it, and from it on), skipping the picture's own."""
    positions, text_of, readable = blocks.positions, blocks.text, blocks.readable()
    before: list[str] = []
    size = 0
    rank = bisect.bisect_left(readable, cut) - 1  # walk out from the cut: never copy the list
    while rank >= 0:
        text = text_of(readable[rank])
        if not text:  # over a run of blocks without text (walked once for all the pictures, `with_text`)
            rank = blocks.with_text(rank, -1)
            continue
        before.append(text)
        size += len(text)
        if size >= CONTEXT_CHARS:
            break
        rank -= 1
    after: list[str] = []
    size = 0
    rank = bisect.bisect_left(readable, cut)
    while rank < len(readable):
        k = readable[rank]
        text = text_of(k)
        if not text:
            rank = blocks.with_text(rank, 1)
            continue
        if positions[k] != index:
            after.append(text)
            size += len(text)
            if size >= CONTEXT_CHARS:
                break
        rank += 1
    b, a = " ".join(reversed(before)), " ".join(after)
    return (b[-CONTEXT_CHARS:].lstrip() if len(b) > CONTEXT_CHARS else b), (a[:CONTEXT_CHARS].rstrip())


def css_selector(node: Node, cache: dict[int, tuple[bool, Mapping[int, int]]] | None = None, doc: Doc | None = None) -> str:
    """A CSS selector that finds this element again (ids where unique-looking, else nth-of-type).

    `cache` (one per page) remembers sibling positions so long lists are counted once; with the page's
    `doc` (numpy tables), a parent's children are counted on the tables.
    """
    cache = {} if cache is None else cache
    parts: list[str] = []
    current: Node | None = node
    while current is not None and current.tag is not None and current.tag not in TOP_TAGS and len(parts) < MAX_CLIMB:
        ident = attr(current, "id")
        if ident and _plain_ident(ident):
            parts.insert(0, f"{current.tag}#{ident}")
            break
        parts.insert(0, f"{current.tag}:nth-of-type({_nth_of_type(current, cache, doc)})")
        current = current.parent
    return " > ".join(parts)


def _plain_ident(ident: str) -> bool:
    return ident.replace("-", "").replace("_", "").isalnum() and not ident[0].isdigit()


def _nth_of_type(node: Node, cache: dict[int, tuple[bool, Mapping[int, int]]], doc: Doc | None = None) -> int:
    parent = node.parent
    if parent is None:
        return 1
    if parent.mem_id not in cache:
        table = _positions_by_tables(doc, parent) if doc is not None and doc.vectorised else None
        if table is None:
            table = {}
            counts: dict[str, int] = {}
            for sibling in parent.iter(include_text=False):
                tag = sibling.tag or ""
                counts[tag] = counts.get(tag, 0) + 1
                table[sibling.mem_id] = counts[tag]
            cache[parent.mem_id] = (False, table)  # by mem_id
        else:
            cache[parent.mem_id] = (True, table)  # by element index
    by_index, table = cache[parent.mem_id]
    return table.get(doc.index(node) if by_index and doc is not None else node.mem_id, 1)


MAX_LOOPED_CHILDREN = 512  # elements below a parent whose children are counted by a loop (numpy's calls cost more)


def _positions_by_tables(doc: Doc, parent: Node) -> Mapping[int, int] | None:
    """Element index -> position among the siblings of its tag, for every element child of `parent`: what
    the loop over lexbor's children counts (a body of 60 000 children: one Python step each), from the tag
    and parent tables; None when the parent is not numbered or holds fewer than MAX_LOOPED_CHILDREN elements."""
    import numpy as np

    at = doc.index(parent)
    if at < 0 or doc.end_at[at] - at < MAX_LOOPED_CHILDREN:  # a small box: its few children are looped over
        return None
    end = doc.end_at[at]
    kids = np.flatnonzero(doc.parent_at[at + 1:end + 1] == at) + at + 1
    codes = doc.tag_codes()[kids]
    order = np.argsort(codes, kind="stable")  # by tag, in document order within each tag
    ranked = codes[order]
    first = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))  # where each tag's run starts
    run_start = np.repeat(first, np.diff(np.concatenate((first, [len(kids)]))))
    position = np.empty(len(kids), dtype=np.int64)
    position[order] = np.arange(len(kids)) - run_start + 1
    return _Positions(kids, position)


class _Positions(Mapping[int, int]):
    """`_positions_by_tables`'s answer, looked up in its arrays: a dict of a body's 500 000 children cost
    ~0.06 s, and at most a few thousand of them are asked for (the pictures' ancestors)."""

    __slots__ = ("kids", "position")

    def __init__(self, kids: np.ndarray, position: np.ndarray) -> None:
        self.kids, self.position = kids, position

    def __getitem__(self, index: int) -> int:
        at = int(self.kids.searchsorted(index))
        if at < len(self.kids) and self.kids[at] == index:
            return int(self.position[at])
        raise KeyError(index)

    def __iter__(self) -> Iterator[int]:
        return iter(self.kids.tolist())

    def __len__(self) -> int:
        return len(self.kids)


__all__ = ["TextBlocks", "around", "css_selector"]
