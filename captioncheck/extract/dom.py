"""HTML5 parsing and the small DOM helpers every extraction step shares.

Lexbor (via selectolax) is a conforming HTML5 parser: `<img>` after `<source>` stays inside
`<picture>`, and `<noscript>` content is parsed as elements (scripting off), so lazy-load copies
are visible. `Doc` numbers elements in document order once, so "is X inside Y" and "does X come
before Y" are integer comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

Node = LexborNode

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "textarea", "button"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "td", "th", "ul", "caption", "summary", "details", "br",
})
_HIDDEN_CLASS = re.compile(r"(^|[\s_-])(sr-only|visually-?hidden|screen-?reader(-text)?|a11y|offscreen|hidden-text|visuallyhidden|u-hidden|is-hidden|d-none|hide)($|[\s_-])|__visually-hidden", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS = re.compile(r"\s+")
_LABEL_LINE = re.compile(r"^(©|\(c\)|[\w .]{1,20}[:：]|photo|foto|bild|credit|crédit)$", re.IGNORECASE)


def collapse(text: str) -> str:
    """Collapse runs of whitespace (incl. NBSP and full-width spaces) to one space, trim."""
    return _WS.sub(" ", text.replace("\u00a0", " ").replace("\u3000", " ").replace("\u200b", "")).strip()


def attr(node: Node, name: str) -> str:
    value = node.attributes.get(name)
    return value.strip() if isinstance(value, str) else ""


def tokens(node: Node) -> str:
    """id, class and role of one element, lower-cased, space separated (for name conventions)."""
    return f"{attr(node, 'id')} {attr(node, 'class')} {attr(node, 'role')}".lower().strip()


def is_hidden(node: Node) -> bool:
    """Hidden from readers: `hidden`, display:none, screen-reader-only classes."""
    if "hidden" in node.attributes or _HIDDEN_STYLE.search(attr(node, "style")):
        return True
    return bool(_HIDDEN_CLASS.search(attr(node, "class")))


def leading_text(node: Node) -> str:
    """Text directly inside this element before its first child element (what a reader meets first)."""
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag not in ("-comment", "br"):
            break
    return collapse("".join(parts))


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None and parent.tag not in ("html", "-undef", "#document"):
        yield parent
        parent = parent.parent


def visible_text(node: Node, *, first_line: bool = False, exclude: frozenset[int] = frozenset()) -> str:
    """Text a reader sees: hidden parts skipped, blocks and classed elements never run together.

    `exclude` holds mem_ids of descendants to leave out (e.g. the credit inside a caption).
    """
    parts: list[str] = []
    _collect(node, parts, exclude)
    text = "".join(parts)
    if first_line:
        lines = [line for line in text.split("\n") if line.strip()]
        text = lines[0] if lines else ""
        for more in lines[1:]:  # "Foto:" / "©" on a line of its own labels the next line
            if not _LABEL_LINE.match(collapse(text)):
                break
            text = f"{text} {more}"
    return collapse(text)


def _collect(node: Node, parts: list[str], exclude: frozenset[int] = frozenset()) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
            continue
        if tag in SKIP_TAGS or tag == "-comment" or is_hidden(child) or child.mem_id in exclude:
            continue
        if tag == "br":
            parts.append("\n")
            continue
        sep = "\n" if tag in BLOCK_TAGS else (" " if child.attributes.get("class") or tag in {"cite", "small"} else "")
        parts.append(sep)
        _collect(child, parts, exclude)
        parts.append(sep)


@dataclass
class Doc:
    """A parsed page with its elements numbered in document order."""

    tree: LexborHTMLParser
    order: dict[int, int] = field(default_factory=dict)  # mem_id -> index
    end: dict[int, int] = field(default_factory=dict)  # mem_id -> index of last descendant
    nodes: list[Node] = field(default_factory=list)

    @classmethod
    def parse(cls, html: str) -> Doc:
        doc = cls(LexborHTMLParser(html))
        root = doc.tree.root
        if root is not None:
            doc._number(root)
        return doc

    def _number(self, root: Node) -> None:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                self.end[node.mem_id] = len(self.nodes) - 1
                continue
            self.order[node.mem_id] = len(self.nodes)
            self.nodes.append(node)
            stack.append((node, True))
            children = [c for c in node.iter(include_text=False)]
            stack.extend((c, False) for c in reversed(children))

    def index(self, node: Node) -> int:
        return self.order.get(node.mem_id, -1)

    def contains(self, outer: Node, inner: Node) -> bool:
        start, idx = self.index(outer), self.index(inner)
        return start <= idx <= self.end.get(outer.mem_id, -1)

    @property
    def body(self) -> Node | None:
        return self.tree.body

    def css(self, query: str) -> list[Node]:
        return list(self.tree.css(query))
