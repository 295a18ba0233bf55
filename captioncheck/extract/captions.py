"""Find the visible caption and credit of one picture.

Where captions live, in the order we look:
1. inside the picture's <figure>: <figcaption> and caption/credit-named elements, in any order;
2. after the picture in document order: the run of caption/credit elements that follows it
   (a <figcaption> without <figure>, `p.legend`, `div.photo__desc`, `span.newsCaption`, a
   `<cite>`, a credit `footer`...), skipping wrappers with no text and small widgets;
3. the next short paragraph when it is set apart like a caption (centred, or wholly in a
   <font>/<em>/<i>/<small>), the convention of older CMSs.
A caption after several pictures of one group (with nothing else between) belongs to each.
Credits come from credit elements (`.credit`, `.copyright`, `<cite>`, itemprop=copyrightHolder),
else from the caption text itself (see `credits.split_credit`). What the elements found say (their
kind by name, the caption and credit of a run of them) is `caption_text`.
"""

from __future__ import annotations

import bisect
import itertools
import re

from captioncheck.extract import within
from captioncheck.extract.caption_text import (
    CAPTION_NAMES,
    CREDIT_LINE,
    CREDIT_NAMES,
    MAX_CAPTION,
    MAX_PARTS,
    CaptionHit,
    credit_hint,
    credit_part,
    is_junk,
    is_prose,
    kind,
    read_roots,
    short_text,
    unbracketed,
)
from captioncheck.extract.credits import looks_like_credit, split_credit
from captioncheck.extract.dom import (
    ABOVE_PAGE,
    HEADING_TAGS,
    MAX_CLIMB,
    SKIP_TAGS,
    Doc,
    Node,
    attr,
    collapse,
    is_hidden,
    is_image_tag,
    leading_text,
    next_element,
    previous_element,
    tokens,
    visible_text,
)
from captioncheck.extract.urls import IMAGE_EXT

_OVERLAY = re.compile(r"(^|[\s_-])(overlay|badge|label|category|kicker|rubric|ribbon|flag)($|[\s_-])")
_CENTER = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_STYLE_WRAPPERS = frozenset({"font", "em", "i", "small", "strong", "b", "span", "cite"})
MAX_WALK = 80  # elements walked after a picture for its caption
# caption elements gathered by that walk (the 258 corpus and held-out pages' walks gather at most 3; a page of 800
# pictures each followed by 74 named elements took 8 ms a picture to read them all)
MAX_WALK_ROOTS = 8
MAX_ROOTS = 40  # named elements of one figure read
MAX_FIGURE = 400  # elements of a figure searched for its caption
MAX_NEXT = 300  # characters of a caption with its credit found right after the picture's box
MIN_SOLE, MAX_SOLE = 6, 400  # characters of a caption found only by standing alone with its picture
_SOLE_BLOCKS = frozenset({"p", "div", "li", "td", "section"})
MIN_BOX_WORDS = 3  # a caption found through its credit's box has a few words at least
MAX_GROUP = 12  # pictures of one group that a caption after them can still belong to


# how a caption was found when no name or tag marks it, only the page's structure: enough to read it, not
# to vouch for the picture (a linked thumbnail with a line under it outside the article is still a teaser)
STRUCTURAL = frozenset({"sole-block"})


_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "button", "picture", "source"})


_CONTROLS = frozenset({"svg", "button", "img", "input"})


def _holds_control(block: Node, doc: Doc) -> bool:
    """An icon, a button or a picture inside: a control ("Open gallery" with its icon) or a card, not a caption line."""
    return within.first(doc, block, _CONTROLS) is not None


def _opens_picture(el: Node, doc: Doc) -> bool:
    """A short link to an image file or to a place in the page itself, or a script's: the picture's "Enlarge this
    image", "View full size", "Show caption" controls."""
    if el.tag != "a" or doc.text_length(el) >= 40:
        return False
    href = attr(el, "href").strip()
    return href.startswith(("#", "javascript:")) or bool(IMAGE_EXT.search(href.split("?")[0]))


def _with_credit_line(part: Node) -> bool:
    """A block that ends with its credit line ("The home where he rented a room. (Photo: Jane Doe/Getty Images)"): in
    a box that is no <figure> (an ImageObject), text the picture's caption by how it is written."""
    text = visible_text(part, limit=MAX_SOLE + 200)
    if not text or len(text) > MAX_SOLE:
        return False
    caption, credit = split_credit(text)
    return bool(caption) and bool(CREDIT_LINE.match(credit))


class CaptionFinder:
    """Finds captions for the pictures of one page (document-order walks share one `Doc`)."""

    def __init__(self, doc: Doc, picture_nodes: list[Node]) -> None:
        self.doc = doc
        self.pictures = {n.mem_id for n in picture_nodes}
        self._picture_at = {doc.index(n) for n in picture_nodes}  # (the same, by index: `_walk_after`'s steps)
        self._img_at = sorted(doc.index(n) for n in picture_nodes if is_image_tag(n.tag))
        self._named: dict[int, list[Node]] = {}
        self._hints: dict[int, bool] = {}  # block mem_id -> its text holds a credit's hint

    def find(self, anchor: Node, node: Node) -> CaptionHit:
        figure = self._figure(node)
        start = anchor
        while figure is not None:  # an ImageObject box inside a <figure>: the figure's caption is the picture's
            roots = self._roots_in(figure, node)
            credits: frozenset[int] = frozenset()
            how = "figure"
            if figure.tag == "figure":
                named = bool(roots)
                roots, credits = self._figure_parts(figure, node, roots)
                how = "figure" if named else "figure-text"
            else:  # an ImageObject or wp-caption box: only its credit lines are read without a name
                roots, credits = self._figure_parts(figure, node, roots, credits_only=True)
            if roots:
                hit = read_roots(roots, self.doc, credits, how)
                if hit.credit and not hit.caption:
                    hit = self._credit_box(hit, figure, node)
                if hit.caption or hit.credit:
                    return hit
            start = figure
            figure = self._figure(figure) if figure.tag != "figure" else None
        hit = self._walk_after(start)
        if hit.caption or hit.credit:
            return hit
        return CaptionHit()

    def _figure(self, node: Node) -> Node | None:
        for depth, anc in enumerate(within.ancestors(self.doc, node)):
            if depth > 6 or anc.tag in ("article", "main", "body"):
                return None
            if anc.tag == "figure" or "wp-caption" in attr(anc, "class"):
                # the picture's own box; a figure of more pictures than a group is a gallery, whose pictures each
                # have their own caption after them (read as one figure, every picture got the first captions)
                return anc if self.doc.count_images(anc) <= MAX_GROUP else None
            if "imageobject" in attr(anc, "itemtype").lower() and self.doc.count_images(anc) == 1:
                return anc  # a schema.org ImageObject around one picture
        return None

    def _figure_parts(self, figure: Node, node: Node, roots: list[Node],
                      credits_only: bool = False) -> tuple[list[Node], frozenset[int]]:
        """The named roots of a <figure> with the text no name marks: by HTML's definition what a figure
        holds besides its picture is the picture's caption; a short part that reads as a credit line is
        the credit ("<figure><img><figcaption>…</figcaption><p>Photo by X/Getty Images</p></figure>").
        With a named caption found (or `credits_only`: a box that is no <figure>), only the credit lines are
        added; without, every part is read."""
        parts = [p for p in self._loose_parts(figure, node)
                 if not any(self.doc.contains(r, p) or self.doc.contains(p, r) for r in roots)]
        # (a box that is no <figure> holds other things than its picture's caption: a credit line there opens with its mark)
        credits = frozenset(p.mem_id for p in parts
                            if credit_part(p) and (not credits_only or CREDIT_LINE.match(visible_text(p, limit=160))))
        after = self.doc.index(node)  # a caption is read after its picture; text before it is an overlay ("View photo")
        added = [p for p in parts if p.mem_id in credits or (not roots and self.doc.index(p) > after and (
            not credits_only or _with_credit_line(p)))]
        if not added:
            return roots, frozenset()
        return sorted(roots + added, key=self.doc.index), credits

    def _loose_parts(self, box: Node, node: Node) -> list[Node]:
        """The largest elements of the box that hold text and neither the picture nor another picture:
        the box's children, and the children of each wrapper around the picture (a bounded walk)."""
        doc = self.doc
        out: list[Node] = []
        stack = [box]
        budget = MAX_PARTS
        while stack and budget > 0:
            parent = stack.pop()
            for child in parent.iter(include_text=False):
                budget -= 1
                if budget <= 0:
                    break
                i = doc.index(child)
                if i < 0 or not doc.text_len[i] or doc.hidden[i] or child.tag in _NOT_TEXT:
                    continue
                if doc.contains(child, node):
                    stack.append(child)
                elif not self._other_picture_inside(child, node) and not is_junk(child, doc) and not (
                        child.tag in HEADING_TAGS or doc.link_length(child) > doc.text_length(child) // 2):
                    out.append(child)
        return sorted(out, key=doc.index)

    def _named_in(self, container: Node) -> list[Node]:
        """Caption/credit-named elements of one figure (listed once per figure)."""
        if container.mem_id not in self._named:
            start = self.doc.index(container)
            end = min(self.doc.end.get(container.mem_id, start), start + MAX_FIGURE)  # a figure is small
            self._named[container.mem_id] = [  # (tags from the table: lexbor spells each one anew when asked)
                el for el, tag in zip(self.doc.nodes[start + 1:end + 1], self.doc.tags[start + 1:end + 1])
                if not is_image_tag(tag) and tag not in ("picture", "source", "meta", "link") and kind(el)
                and not is_hidden(el)][:MAX_ROOTS]
        return self._named[container.mem_id]

    def _roots_in(self, container: Node, node: Node) -> list[Node]:
        roots: list[Node] = []
        for el in self._named_in(container):
            if self.doc.contains(el, node) or any(self.doc.contains(r, el) for r in roots):
                continue
            if self._other_picture_inside(el, node):
                continue
            roots.append(el)
        return roots

    def _other_picture_inside(self, el: Node, node: Node) -> bool:
        """Does `el` hold a picture <img> other than `node`?"""
        start = self.doc.index(el)
        return self._other_picture_within(start, self.doc.end.get(el.mem_id, start), node)

    def _other_picture_within(self, start: int, end: int, node: Node, node_at: int | None = None) -> bool:
        """Does the element at index `start` (its last descendant at `end`) hold a picture <img> other than
        `node` (at index `node_at` when the caller knows it)?"""
        count = bisect.bisect_right(self._img_at, end) - bisect.bisect_left(self._img_at, start + 1)
        if count and is_image_tag(node.tag) and node.mem_id in self.pictures:
            count -= start < (self.doc.index(node) if node_at is None else node_at) <= end
        return count > 0

    def _walk_after(self, start: Node) -> CaptionHit:
        doc = self.doc
        start_at = doc.index(start)
        i = doc.end.get(start.mem_id, start_at) + 1
        roots: list[Node] = []
        steps = passed = 0
        # a hidden picture (a gallery's slide waiting its turn) reads text hidden like it: its caption waits too
        shown_only = not doc.hidden[start_at]
        tags = doc.tags  # (each element's tag name from the tables: `el.tag` asks lexbor anew at every step)
        # (the element's node object is made only past the steps the tables answer: a walk passes many elements)
        while i < len(doc.nodes) and steps < MAX_WALK and len(roots) < MAX_WALK_ROOTS:
            tag = tags[i]
            steps += 1
            end = doc.last[i]
            if tag == "figure" and not i <= start_at <= end and self._other_picture_within(i, end, start, start_at):
                break  # another picture's own box: its caption is its own
            if i in self._picture_at:
                passed += 1
                if roots or passed > MAX_GROUP:
                    break
                i += 1
                continue
            if not doc.text_len[i] and doc.image_at and not self._other_picture_within(i, end, start, start_at):
                i = end + 1  # no text and no picture inside: nothing to read here
                continue
            if not doc.text_len[i]:
                i += 1
                continue
            if (not doc.readable_len[i] and not doc.hidden[i] and tag not in SKIP_TAGS
                    and not self._other_picture_within(i, end, start, start_at)):
                i = end + 1  # text, all of it hidden (nothing to read, what `is_junk` would have read to learn)
                continue
            el = doc.nodes[i]
            if tag in ("script", "style", "noscript", "template", "svg") or (doc.hidden[i] and shown_only) or (
                    not roots and (is_junk(el, doc) or _opens_picture(el, doc))):
                i = end + 1
                continue
            if _OVERLAY.search(tokens(el)) and len(short_text(el)) < 60:
                if looks_like_credit(short_text(el)):  # a credit printed over the picture
                    roots.append(el)
                i = end + 1
                continue
            if kind(el) and doc.shows_text(el) and short_text(el, 20):
                if el.tag in HEADING_TAGS or (roots and (is_prose(el, self.doc) or self._holds_heading(el))):
                    break  # a headline, the article, or a module after the caption ("More on: <h2>…")
                if self._other_picture_within(i, end, start, start_at):
                    i += 1
                    continue
                roots.append(self._with_loose_text(el, start))
                i = doc.last[doc.index(roots[-1])] + 1
                continue
            if leading_text(el, past_blank=True):
                if not roots:
                    credit = self._credit_line(el, start)
                    if credit is not None:
                        return self._credit_line_box(credit, start) or CaptionHit(
                            credit=unbracketed(visible_text(credit, limit=200)), nodes=[credit], how="credit-line")
                    box = self._box_with_credit(el, start) or self._next_with_credit(el, start)
                    if box is not None:
                        return box
                    block = self._caption_like_block(el, start)
                    if block is not None:
                        hit = read_roots([block], self.doc, how="next-paragraph")
                        if hit.caption and not hit.credit and _one_word(hit.caption):
                            break  # one word styled apart (a kicker over the headline: "crafts") is no caption
                        after = next_element(block) if hit.credit and not hit.caption else None
                        if after is not None and self._caption_after_credit(after, block, start):
                            return read_roots([block, after], self.doc, frozenset({block.mem_id}), how="next-paragraph")
                        return hit
                    sole = self._sole_block(el, start)
                    if sole is not None:
                        return sole
                elif len(roots) == 1 and kind(roots[0]) == "credit" and self._caption_after_credit(el, roots[0], start):
                    roots.append(el)  # the picture's box: its credit line, then its caption
                    i = end + 1
                    continue
                break
            i += 1
        if not roots:
            return CaptionHit()
        return read_roots(roots, self.doc, how="after")

    def _caption_after_credit(self, el: Node, credit: Node, start: Node) -> bool:
        """After the credit line of the picture's own small box, an unnamed block beside it is the caption
        (`<div><p><img></p><p class=vcard>AP</p><p>Apr. 8: The president signs…</p></div>`)."""
        doc = self.doc
        box = el.parent
        if box is None or credit.parent is None or box.mem_id != credit.parent.mem_id or el.tag == "-text":
            return False
        return (doc.contains(box, start) and doc.text_length(box) <= MAX_CAPTION and el.tag not in HEADING_TAGS
                and not self._other_picture_inside(box, start))

    def _with_loose_text(self, el: Node, start: Node) -> Node:
        """A named caption/credit element, or the small box it shares with text of no element only
        (`<div><cite>Name/Agency</cite>The caption, written after the credit.</div>`): that text is the caption."""
        box = el.parent
        doc = self.doc
        if box is None or box.tag in ("body", "html") or doc.contains(box, start):
            return el
        size = doc.text_length(box)
        if size > MAX_CAPTION or size <= doc.text_length(el):
            return el
        in_children = sum(doc.text_length(child) for child in box.iter(include_text=False))
        if in_children != doc.text_length(el) or self._other_picture_inside(box, start):
            return el  # other elements with text in the box: it is no caption's own box
        return box

    def _block_of(self, el: Node, tags: frozenset[str] | tuple[str, ...], steps: int = 4,
                  apart_from: Node | None = None) -> Node:
        """From an inline run up to its block: `el`, or the nearest of its `steps` ancestors whose tag is one of
        `tags`; with `apart_from`, the climb stops below the box that holds that picture. It never leaves the
        page's elements (<html> at most): the document above them has no entry in the page's tables, so it would
        not hold the picture and its text would be read anew at every call (a page of 1 800 pictures, each before
        a heading straight in the article, read its whole text 16 000 times)."""
        block = el
        for _ in range(steps):
            if block.tag in tags or block.parent is None or block.parent.tag in ABOVE_PAGE or (
                    apart_from is not None and self.doc.contains(block.parent, apart_from)):
                break
            block = block.parent
        return block

    def _credit_box(self, hit: CaptionHit, figure: Node, node: Node) -> CaptionHit:
        """A figure whose only named element is its credit: the block around the credit, inside the
        figure and apart from the picture, is the caption with its credit
        (`<div><span>The caption</span><cite>Agency</cite></div>`)."""
        boxes: list[Node] = []
        for root in hit.nodes:
            box = root.parent
            if (box is None or box.mem_id == figure.mem_id or not self.doc.contains(figure, box)
                    or self.doc.contains(box, node) or self._other_picture_inside(box, node)
                    or self.doc.text_length(box) > MAX_CAPTION or is_prose(box, self.doc)):
                return hit
            boxes.append(box)
        wider = self._caption_with_credit(list({b.mem_id: b for b in boxes}.values()), hit.how)
        return wider if wider is not None else hit  # a label or a button beside the credit is no caption

    def _box_with_credit(self, el: Node, start: Node) -> CaptionHit | None:
        """The first text after the picture, when its block is short, shares a box of its own with the
        picture (no other text around them) and reads as a caption with its credit: an unnamed footer
        under the picture ("<div><span>The caption.</span><span>©</span><span>Agency / Name</span></div>")."""
        doc = self.doc
        block = self._block_of(el, _SOLE_BLOCKS)
        length = doc.text_length(block)
        if length > 400 or doc.contains(block, start):
            return None
        if not self._hinted(block) and not self._holds_credit(block):
            return None  # nothing a credit is told by (a mark, a label's colon, a slash, a credit element)
        if doc.has_tags(block, "p", 2) or self._holds_heading(block):
            return None  # (≤ 400 characters: `is_prose` is its two paragraphs)
        box = next((a for a in within.ancestors(doc, block, 6) if doc.contains(a, start)), None)
        if box is None or doc.text_length(box) > length + 80:
            return None  # the picture and the block are not alone in their box: the article's text, a card
        return self._caption_with_credit([block], "box")

    def _next_with_credit(self, el: Node, start: Node) -> CaptionHit | None:
        """The block right after the picture's box (nothing but line breaks between) when it is short, not
        prose and reads as a caption with its credit: "<div><a><img></a></div><p>Eileen Gu. © AFP / X</p>"
        inside the article's text, where the box around them holds the whole article."""
        doc = self.doc
        block = self._block_of(el, ("p", "div"), apart_from=start)
        if doc.contains(block, start) or doc.text_length(block) > MAX_NEXT or doc.in_link[doc.index(block)]:
            return None
        before, first = previous_element(block), block
        for _ in range(3):  # the block opens wrappers that follow the picture's box (`<div><div><p>Caption</p>...`)
            if before is not None or first.parent is None or doc.contains(first.parent, start):
                break
            first = first.parent
            before = previous_element(first)
        if before is None or before.tag == "-text" or not (before.mem_id == start.mem_id or doc.contains(before, start)):
            return None  # text or another element between the picture and the block
        if doc.text_length(before) - doc.link_length(before) > 20 or doc.text_length(before) > 60:
            return None  # more than the picture's own controls ("Enlarge", "Show caption" links) beside it
        if doc.has_tags(block, "p", 2) or self._holds_heading(block):
            return None
        if not self._hinted(block):
            return None  # nothing a credit is told by: no need to read it as one
        return self._caption_with_credit([block], "next-with-credit")

    def _hinted(self, block: Node) -> bool:
        """`credit_hint` of the block's text, once per block (the walk of one picture may ask twice)."""
        found = self._hints.get(block.mem_id)
        if found is None:
            found = self._hints[block.mem_id] = credit_hint(block.text(deep=True) or "")
        return found

    def _credit_line_box(self, credit: Node, start: Node) -> CaptionHit | None:
        """The credit line with the caption block right after it, when a short box of their own holds the two
        (`<div><p>Bild: Jahr Media</p><p>The caption…</p></div>` under the picture), or they end the text of
        the picture's own box (`<div><img><p>Bild: X</p><p>The caption…</p></div>`)."""
        doc = self.doc
        box = credit.parent
        if box is None:
            return None
        if doc.contains(box, start):  # the picture's own box: the block right after the credit line, if it ends the box's text
            after = next_element(credit)
            if (after is None or after.tag not in ("p", "div", "span") or doc.text_length(after) > MAX_SOLE
                    or doc.text_length(box) > doc.text_length(credit) + doc.text_length(after) + 20
                    or self._holds_heading(after) or is_prose(after, doc) or _holds_control(after, doc)):
                return None
            return self._caption_with_credit([credit, after], "credit-line", frozenset({credit.mem_id}))
        if doc.text_length(box) > MAX_SOLE or doc.has_tags(box, "p", 3) or self._holds_heading(box):
            return None
        return self._caption_with_credit([box], "credit-line")

    def _caption_with_credit(self, roots: list[Node], how: str, credit_roots: frozenset[int] = frozenset()) -> CaptionHit | None:
        """What the roots read as, when that is a caption of MIN_BOX_WORDS words or more with its credit."""
        hit = read_roots(roots, self.doc, credit_roots, how)
        return hit if len(hit.caption.split()) >= MIN_BOX_WORDS and hit.credit else None

    def _holds_credit(self, el: Node) -> bool:
        start = self.doc.index(el)
        end = min(self.doc.end.get(el.mem_id, start), start + MAX_PARTS)
        return any(kind(other) == "credit" for other in self.doc.nodes[start + 1:end + 1])

    def _holds_heading(self, el: Node) -> bool:
        start = self.doc.index(el)
        end = min(self.doc.end.get(el.mem_id, start), start + MAX_FIGURE)
        return any(tag in HEADING_TAGS for tag in self.doc.tags[start + 1:end + 1])

    def _credit_line(self, el: Node, start: Node) -> Node | None:
        """The next short paragraph when it is only a labelled credit ("Fot. X / Agency", "© X", "Photo: X")."""
        block = self._block_of(el, ("p", "div", "span", "small"))
        if self.doc.contains(block, start) or self.doc.text_length(block) > 120:
            return None
        text = visible_text(block, limit=200)
        return block if CREDIT_LINE.match(text) and looks_like_credit(text) else None

    def _sole_block(self, el: Node, start: Node) -> CaptionHit | None:
        """The first text after the picture, when it is one short block (no heading, not links, not
        written like the article's paragraphs) that shares a box with the picture and nothing else, or
        nothing but a credit line after it: the line under a picture that no name marks
        (`<div><div><img></div><p>The caption</p></div>`)."""
        doc = self.doc
        block = self._block_of(el, _SOLE_BLOCKS, apart_from=start)
        length = doc.text_length(block)
        if not MIN_SOLE <= length <= MAX_SOLE or doc.contains(block, start) or block.tag in HEADING_TAGS:
            return None
        if (doc.in_link[doc.index(block)] or doc.link_length(block) > length // 2 or doc.has_tags(block, "p", 2)
                or self._holds_heading(block) or _holds_control(block, doc)):
            return None  # a link list or a teaser's headline, the article's text, a module
        box = next((a for a in within.ancestors(doc, block, 6) if doc.contains(a, start)), None)
        if box is None or doc.count_images(box) > MAX_GROUP:
            return None
        box_length = doc.text_length(box)
        credit = self._credit_after(block, box) if box_length > length else None
        if box_length > length + 20 + (doc.text_length(credit) if credit is not None else 0):
            return None  # other text shares the box (besides a credit line): the block is the article's, or a card's
        kind_of = self._paragraph_kind(block) if block.tag == "p" else ""
        if kind_of and kind_of == self._body_paragraph_kind():  # (a page without classes cannot tell: box and length decide)
            return None  # written like the article's own paragraphs: the text goes on after a picture
        if credit is not None:  # `<div><img><div><div>The caption</div><div>Name, Associated Press</div></div></div>`
            # (found by where it stands, as the line alone: a card's headline with its source reads the same)
            return self._caption_with_credit([block, credit], "sole-block", frozenset({credit.mem_id}))
        return read_roots([block], doc, how="sole-block")

    def _credit_after(self, block: Node, box: Node) -> Node | None:
        """The next text after `block` inside `box`, when it is a short line that reads as a credit on its own."""
        doc = self.doc
        at, end = doc.last[doc.index(block)] + 1, doc.last[doc.index(box)]
        for i in range(at, min(end + 1, at + MAX_WALK)):
            if doc.readable_len[i] and not doc.hidden[i]:
                el = doc.nodes[i]
                text = visible_text(el, limit=200) if doc.readable_len[i] <= 120 else ""
                return el if text and looks_like_credit(text) and not _holds_control(el, doc) else None
        return None

    def _paragraph_kind(self, p: Node) -> str:
        return collapse(attr(p, "class"))

    def _body_paragraph_kind(self) -> str | None:
        """The class of the `<p>`s that hold most of the page's text (the article's paragraphs), once per page."""
        memo = self.doc.memo
        if "body_paragraph" not in memo:
            totals: dict[str, int] = {}
            doc = self.doc
            for i, tag in enumerate(doc.tags):
                if tag == "p" and doc.text_len[i]:
                    key = self._paragraph_kind(doc.nodes[i])
                    totals[key] = totals.get(key, 0) + doc.text_len[i]
            memo["body_paragraph"] = max(totals, key=totals.__getitem__) if totals else None
        found = memo["body_paragraph"]
        return found if isinstance(found, str) else None

    def _caption_like_block(self, el: Node, start: Node) -> Node | None:
        """The next paragraph, when it is styled like a caption (centred or wholly in <font>/<em>)."""
        block = self._block_of(el, ("p", "div", "td", "center"), steps=MAX_CLIMB)
        if self.doc.contains(block, start) or block.tag == "div" and self.doc.has_tags(block, "p", 1):
            return None
        text = visible_text(block, limit=400)
        if not text or len(text) > 300:
            return None
        if block.tag == "center" or attr(block, "align").lower() == "center" or _CENTER.search(attr(block, "style")):
            return block
        children = list(itertools.islice(
            (c for c in block.iter(include_text=True) if c.tag != "-text" or (c.text_content or "").strip()), 2))
        if len(children) == 1 and children[0].tag in _STYLE_WRAPPERS:
            return block
        return None


def _one_word(text: str) -> bool:
    """One short word of a script that separates words by spaces (a Chinese or Japanese caption has none)."""
    return len(text) <= 24 and len(text.split()) == 1 and not any("\u2e80" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af"
                                                                   for c in text)


__all__ = ["CAPTION_NAMES", "CREDIT_NAMES", "STRUCTURAL", "CaptionFinder", "CaptionHit", "kind", "read_roots"]
