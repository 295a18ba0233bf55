"""Where the article is on the page: the body container, the title and the lead zone between them.

The body container is found like readability does, by where the prose is: every paragraph of
real sentences weighs its text length, and we descend from <body> into the child holding most of
the weight as long as it holds a clear majority. Images above it but below the title (the lead
photo of many layouts sits in a header outside the body) are in the lead zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from captioncheck.extract.dom import Doc, Node, ancestors, collapse, tokens

_CHROME_TAGS = frozenset({"nav", "footer", "aside"})
_CHROME_NAMES = re.compile(r"(^|[\s_-])(nav|navbar|menu|footer|sidebar|comments?|related|teaser|recommend\w*|most-?read|popular|promo|newsletter|cookie|breadcrumbs?)($|[\s_-])")
MIN_PARAGRAPH = 40


@dataclass
class Zones:
    main: Node | None
    title: Node | None
    lead_start: int  # document index where the lead zone starts (the title), -1 if none
    main_start: int
    main_end: int
    more: list[tuple[int, int]] = field(default_factory=list)  # sibling sections that also hold prose

    def in_body(self, index: int) -> bool:
        if self.main is not None and self.main_start <= index <= self.main_end:
            return True
        return any(start <= index <= end for start, end in self.more)


def _is_chrome(node: Node) -> bool:
    for anc in ancestors(node):
        if anc.tag in _CHROME_TAGS or _CHROME_NAMES.search(tokens(anc)):
            return True
    return False


def _paragraph_weight(node: Node) -> int:
    text = collapse(node.text(deep=True, separator=" "))
    if len(text) < MIN_PARAGRAPH:
        return 0
    if any(a.tag == "a" for a in ancestors(node)):
        return 0  # teaser text inside a link to another page
    link_text = sum(len(collapse(a.text(deep=True))) for a in node.css("a"))
    if link_text > 0.5 * len(text):
        return 0
    return len(text)


def _find_main(doc: Doc) -> tuple[Node | None, dict[int, int]]:
    weights: dict[int, int] = {}
    body = doc.body
    if body is None:
        return None, weights
    for para in doc.css("p, pre, blockquote, div"):
        w = _paragraph_weight(para) if para.tag != "div" else _direct_text_len(para)
        if not w or _is_chrome(para):
            continue
        for anc in ancestors(para):
            weights[anc.mem_id] = weights.get(anc.mem_id, 0) + w
    node = body
    total = weights.get(body.mem_id, 0)
    if not total:
        return None, weights
    while True:
        children = [c for c in node.iter(include_text=False) if weights.get(c.mem_id, 0)]
        heavy = max(children, key=lambda c: weights[c.mem_id], default=None)
        if heavy is None or weights[heavy.mem_id] < 0.6 * total:
            return node, weights
        node = heavy


def _direct_text_len(node: Node) -> int:
    n = 0
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            n += len((child.text_content or "").strip())
        elif child.tag in ("br", "a", "b", "i", "em", "strong", "span", "font"):
            if child.tag != "br":
                n += len(collapse(child.text(deep=True))) if child.tag != "a" else 0
    return n if n >= MIN_PARAGRAPH else 0


def find_title(doc: Doc, main: Node | None, title_text: str) -> Node | None:
    """The <h1> that names the article (nearest to the body container)."""
    h1s = [h for h in doc.css("h1") if collapse(h.text(deep=True))]
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
    return next((h for h in h1s if want and want[:20] in collapse(h.text(deep=True)).lower()), h1s[0])


def _sibling_sections(doc: Doc, main: Node | None, weights: dict[int, int]) -> list[tuple[int, int]]:
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
            if _is_chrome(sib) or _CHROME_NAMES.search(tokens(sib)) or sib.tag in _CHROME_TAGS:
                continue
            out.append((doc.index(sib), doc.end.get(sib.mem_id, doc.index(sib))))
        node = parent
    return out


def find_zones(doc: Doc, title_text: str = "") -> Zones:
    main, weights = _find_main(doc)
    if main is None:
        main = doc.body  # no prose at all (a picture page, a fragment): the whole body is the article
    title = find_title(doc, main, title_text)
    main_start = doc.index(main) if main is not None else -1
    main_end = doc.end.get(main.mem_id, -1) if main is not None else -1
    lead_start = doc.index(title) if title is not None else -1
    return Zones(main=main, title=title, lead_start=lead_start, main_start=main_start, main_end=main_end,
                 more=_sibling_sections(doc, main, weights))


__all__ = ["Zones", "find_title", "find_zones"]
