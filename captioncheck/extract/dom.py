"""HTML5 parsing and the small DOM helpers every extraction step shares.

Lexbor (via selectolax) is a conforming HTML5 parser: `<img>` after `<source>` stays inside
`<picture>`, and `<noscript>` content is parsed as elements (scripting off), so lazy-load copies
are visible. `Doc` numbers elements in document order once, so "is X inside Y" and "does X come
before Y" are integer comparisons, and computes in the same single pass what later steps would
otherwise climb or re-read for every element (hidden, inside <noscript>/<a>, text lengths).
Every walk here is iterative and every climb is bounded: a page nested 200 000 levels deep costs
what a flat page of the same size costs.
"""

from __future__ import annotations

import bisect
import gc
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakMethod

from selectolax.lexbor import LexborHTMLParser, LexborNode

# the pre-parse flattening lives in `flatten`; its helpers are named here too (tests read them as `dom.X`)
from captioncheck.extract import treewalk
from captioncheck.extract.flatten import (  # noqa: F401
    CAP_ROUNDS,
    MAX_DEPTH,
    NUMPY_TAGS,
    QUOTED_SCAN_TAGS,
    _cap_once,
    _page_tokens,
    _scannable,
    _well_formed_levels,
    cap_nesting,
    max_depth,
)
from captioncheck.extract.treewalk import Lookup as _Lookup

if TYPE_CHECKING:
    import numpy as np

GC_PAUSE_CHARS = 200_000  # smaller pages create few node objects: no pause (see `gc_paused`)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large page is extracted (`extract.extract_records` holds it over
    the whole of it, the cap and the numbering included): each collection would walk all the page's node
    objects and table entries again (a 2 MB page holds 300 000), and they form no cycles to collect. On a
    small page the collection it defers costs more later than it saves (measured: +3 ms)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


Node = LexborNode
_T = TypeVar("_T")

MAX_CLIMB = 48  # how far up a per-element question looks (real article markup nests far less)
MANY_MAYBE_HIDDEN = 1000  # elements the hidden pre-filter finds on a page before its `[hidden]` ones are found by lexbor
MIN_HIDDEN_ARTICLE = 1000  # characters a wrapper hidden only by its class name holds before it can be the article
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "textarea", "button"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "td", "th", "ul", "caption", "summary", "details", "br",
})
# "hide" alone or for a context ("hide", "is-hide", "hide-from-desktop", "hide-for-print"), not "hide-<what>": a BEM
# modifier naming what the element hides ("image__hide-placeholder": the picture's placeholder, not the picture)
_HIDE_CONTEXT = r"(?:for|from|on|in|at|when|all|always|desktop|mobile|tablet|print|screen|xs|sm|md|lg|xl|small|medium|large)"
_HIDDEN_CLASS = re.compile(r"(^|[\s_-])(sr-only|visually-?hidden|screen-?reader(-text)?|a11y|off-?screen|hidden-text|visuallyhidden|u-hidden|is-hidden|d-none)($|[\s_-])"
                           rf"|(^|[\s_-])hide($|\s|_|-{_HIDE_CONTEXT}(?![a-z]))|__visually-hidden", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# a CSS pre-filter for `is_hidden` (it decides): every element it can call hidden matches this
_MAYBE_HIDDEN = ('[hidden], [style*="none" i], [style*="hidden" i], [class*="only" i], [class*="hid" i], '
                 '[class*="reader" i], [class*="a11y" i], [class*="screen" i], [class*="none" i], [class*="hide" i]')
# the same selectors by the attribute each reads (see `Doc.with_attributes`)
_MAYBE_HIDDEN_BY_NAME = {name: ", ".join(part for part in _MAYBE_HIDDEN.split(", ") if part[1:].startswith(name))
                         for name in ("hidden", "style", "class")}
_LABEL_LINE = re.compile(r"^(©|\(c\)|[\w .]{1,20}[:：]|photo|foto|bild|credit|crédit)$", re.IGNORECASE)


class Caseless:
    """A case-insensitive pattern asked yes or no (`found_in`). On ASCII text it runs as its case-sensitive
    twin on the lower-cased text: with IGNORECASE, sre cannot skip to the branches' first letters and tries
    every branch at every position (a 30-word alternation over a URL: 18 us instead of 6). Other text gets
    the IGNORECASE pattern, with Unicode's case folding ("K" Kelvin, long "ſ"). The pattern is written in
    lower case (an upper-case escape such as \\S would change meaning if lower-cased: refused)."""

    __slots__ = ("folded", "pattern", "plain")

    def __init__(self, pattern: str) -> None:
        if pattern != pattern.lower():
            raise ValueError(f"Caseless patterns are written in lower case: {pattern!r}")
        self.pattern = pattern
        self.plain = re.compile(pattern)
        self.folded = re.compile(pattern, re.IGNORECASE)

    def found_in(self, text: str) -> bool:
        return (self.plain.search(text.lower()) if text.isascii() else self.folded.search(text)) is not None


def collapse(text: str) -> str:
    """Collapse runs of whitespace (incl. NBSP and full-width spaces) to one space, trim.

    str.split() splits on exactly the characters regex `\\s` matches (both use str.isspace), NBSP
    and U+3000 among them, and is 2.5x faster than a re.sub on long text."""
    return " ".join(text.replace("\u200b", "").split())


def attr(node: Node, name: str) -> str:
    value = attributes_of(node).get(name)  # (`value_of`, inlined: asked ~15 times a picture)
    return value.strip() if isinstance(value, str) else ""


# What is remembered while one page is extracted (`remembered_attributes`): its parser, per `per_element` answer
# (its slot) a table of mem_id -> answer, and the mem_ids of its hidden elements. Nothing changes the tree while it is read.
_REMEMBERED: ContextVar[tuple[LexborHTMLParser, list[dict[int, Any]], frozenset[int]] | None] = (
    ContextVar("remembered_attributes", default=None))
_ANSWERS: list[Callable[[Node], Any]] = []  # the answers `per_element` remembers, in the order of their slots

# from this many tags (below NUMPY_TAGS) a page is numbered by the compiled walk when numpy is already loaded (the
# language model loads it on the first page of a process), its tables then turned into lists (`Doc._as_lists`)
WALKED_TAGS = 2_000
MAX_REMEMBERED = 16_384  # elements whose answers a page keeps, per function (the pictures' own and their ancestors')


def per_element(answer: Callable[[Node], _T]) -> Callable[[Node], _T]:
    """`answer`, worked out once per element of the page `remembered_attributes` runs for (at most MAX_REMEMBERED
    answers per function kept); afresh for any other node. Only for answers that depend on the element's own markup
    (tag, attributes); an answer None is worked out afresh each time. Each answer has a slot: its table is found by
    index, without a look-up (asked ~50 times a picture, the attribute dicts and names most)."""
    slot = len(_ANSWERS)
    _ANSWERS.append(answer)

    @wraps(answer)
    def remembered(node: Node) -> _T:
        current = _REMEMBERED.get()
        if current is None or node.parser is not current[0]:
            return answer(node)
        try:
            table = current[1][slot]
        except IndexError:  # (an answer made after the page's tables were: not remembered on this page)
            return answer(node)
        mem_id = node.mem_id
        found = table.get(mem_id)
        if found is None:
            found = answer(node)
            if len(table) < MAX_REMEMBERED:
                table[mem_id] = found
        return found

    return remembered


@per_element
def attributes_of(node: Node) -> Mapping[str, str | None]:
    """`node.attributes` (a dict of all the element's attributes, which lexbor builds anew on every access:
    ~1 us, 15 us for 60 attributes), built once per element of the page being extracted. Read-only."""
    return node.attributes


@contextmanager
def remembered_attributes(doc: Doc) -> Iterator[None]:
    """While the block runs, `attributes_of` (and every helper here that reads attributes) builds each element's
    attribute dict of this page once, and other answers that depend on an element's own markup only (`tokens`,
    and those other modules ask `per_element` for) are worked out once: the rules ask for the same picture's
    and ancestors' names many times. `is_hidden` answers from the page's hidden elements, found once by `Doc.parse`."""
    token = _REMEMBERED.set((doc.tree, [{} for _ in _ANSWERS], doc.hidden_ids))
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def value_of(found: Mapping[str, str | None], name: str) -> str:
    """One attribute of an element's attribute dict, stripped ("" when absent or valueless)."""
    value = found.get(name)
    return value.strip() if isinstance(value, str) else ""


# `node.attributes` builds a dict of all the element's attributes on every call (a hostile <img>
# carries 60): helpers that read several names of one element read them from one dict.
def attrs(node: Node, *names: str) -> list[str]:
    """Several attributes of one element (stripped, "" when absent), read from one attribute dict."""
    found = attributes_of(node)
    return [value_of(found, name) for name in names]


@per_element
def tokens(node: Node) -> str:
    """id, class and role of one element, lower-cased, space separated (for name conventions)."""
    found = attributes_of(node)
    return f"{value_of(found, 'id')} {value_of(found, 'class')} {value_of(found, 'role')}".lower().strip()


def is_hidden(node: Node) -> bool:
    """Hidden from readers: `hidden`, display:none, screen-reader-only classes. On the page `remembered_attributes`
    runs for, one set lookup (reading the text of a block asks it of every element inside)."""
    current = _REMEMBERED.get()
    if current is not None and node.parser is current[0]:
        return node.mem_id in current[2]
    return hidden_by_markup(node)


def hidden_by_markup(node: Node) -> bool:
    """`is_hidden` from the element's own attributes."""
    found = attributes_of(node)
    return _hidden_unnamed(found) or bool(_HIDDEN_CLASS.search(value_of(found, "class")))


def _hidden_unnamed(found: Mapping[str, str | None]) -> bool:
    """Hidden by its `hidden` attribute or its inline style (not by a class name)."""
    return "hidden" in found or bool(_HIDDEN_STYLE.search(value_of(found, "style")))


# inline elements that show nothing when they hold no element and only blanks (a spacer `<span>&nbsp;</span>`, an
# icon font's `<i class="icon"></i>`)
_BLANK_INLINE = frozenset({"span", "i", "b", "em", "strong", "small", "font", "u"})


def leading_text(node: Node, past_blank: bool = False) -> str:
    """Text directly inside this element before its first child element (what a reader meets first); with
    `past_blank`, before its first child element that shows something (blank inline elements are passed)."""
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag not in ("-comment", "br") and not (past_blank and _blank_inline(child)):
            break
    return collapse("".join(parts))


def _blank_inline(node: Node) -> bool:
    """An inline element holding only blank text (no element): it shows nothing."""
    if node.tag not in _BLANK_INLINE:
        return False
    return all(child.tag == "-text" and not (child.text_content or "").strip() for child in node.iter(include_text=True))


def next_element(node: Node) -> Node | None:
    """The node after `node` among its siblings, blank text and comments skipped (None at the end)."""
    nxt = node.next
    while nxt is not None and _shows_nothing(nxt):
        nxt = nxt.next
    return nxt


def previous_element(node: Node) -> Node | None:
    """The node before `node` among its siblings, blank text, comments and line breaks skipped (None at the start)."""
    before = node.prev
    while before is not None and (before.tag == "br" or _shows_nothing(before)):
        before = before.prev
    return before


def _shows_nothing(node: Node) -> bool:
    """A comment or blank text between siblings."""
    return node.tag == "-comment" or (node.tag == "-text" and not (node.text_content or "").strip())


def last_children(node: Node, count: int) -> list[Node]:
    """The last `count` child nodes (text and comments included) in document order: walked back
    from the last child, so a wrapper of 45 000 children costs what one of `count` costs."""
    if node.tag == "template":  # its children live in a content fragment that `iter` reads
        return list(node.iter(include_text=True))[-count:]
    out: list[Node] = []
    child = node.last_child
    while child is not None and len(out) < count:
        out.append(child)
        child = child.prev
    out.reverse()
    return out


def is_image_tag(tag: str | None) -> bool:
    """<img> and the custom elements that stand for one (<amp-img>, <amp-anim>, <a-img>, <x-image>...)."""
    return tag == "img" or tag == "amp-anim" or (tag is not None and "-" in tag and tag.endswith(("-img", "-image")))


ABOVE_PAGE = frozenset({"-undef", "-document"})  # lexbor's document node (and an unknown node's) above <html>
TOP_TAGS = ABOVE_PAGE | {"html"}  # where a climb through ancestors stops (<html> and above)


def ancestors(node: Node, limit: int = MAX_CLIMB) -> Iterator[Node]:
    """The element's ancestors, nearest first, at most `limit` of them (below <html>)."""
    parent = node.parent
    while limit > 0 and parent is not None and parent.tag not in TOP_TAGS:
        yield parent
        parent = parent.parent
        limit -= 1


def visible_text(node: Node, *, first_line: bool = False, exclude: frozenset[int] = frozenset(),
                 limit: int = 20_000) -> str:
    """Text a reader sees: hidden parts skipped, blocks and classed elements never run together.

    `exclude` holds mem_ids of descendants to leave out (e.g. the credit inside a caption);
    reading stops after about `limit` characters (a caption or a paragraph never needs more).
    """
    text = _leaf_text(node, limit)
    if text is None:
        text = _collect(node, exclude, limit)
    if first_line:
        lines = [line for line in text.split("\n") if line.strip()]
        text = lines[0] if lines else ""
        for more in lines[1:]:  # "Foto:" / "©" on a line of its own labels the next line
            if not _LABEL_LINE.match(collapse(text)):
                break
            text = f"{text} {more}"
    return collapse(text)


def visible_lines(node: Node, limit: int = 20_000, exclude: frozenset[int] = frozenset()) -> list[str]:
    """The element's visible text as lines (blocks and <br> end a line), whitespace collapsed, empty lines dropped."""
    return [line for line in (collapse(x) for x in _collect(node, exclude, limit).split("\n")) if line]


def _leaf_text(node: Node, limit: int) -> str | None:
    """The text of an element without child elements (most paragraphs) in two C calls; None when
    it has children or is long enough that `_collect` would stop early."""
    if next(iter(node.iter(include_text=False)), None) is not None:
        return None
    text = node.text(deep=False) or ""
    return _as_shown(text) if len(text) < limit else None


def _as_shown(text: str) -> str:
    """A text node's line breaks are spaces on screen (only <br> and blocks end a line): "(Credit:\nName/CNET)" is one
    line. Only `<pre>` keeps them, which no caption uses."""
    return text.replace("\r", " ").replace("\n", " ") if "\n" in text or "\r" in text else text


def _collect(node: Node, exclude: frozenset[int], limit: int) -> str:
    """Iterative walk (no recursion: hostile pages nest deeper than Python's stack)."""
    parts: list[str] = []
    size = 0
    budget = 4 * limit + 2000  # elements visited: empty wrappers count too
    stack: list[Node | str] = [node]
    first = True
    current = _REMEMBERED.get()  # (`is_hidden`'s set lookup, without a call per element)
    hidden_ids = current[2] if current is not None and node.parser is current[0] else None
    while stack and size < limit and budget > 0:
        item = stack.pop()
        budget -= 1
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag
        if not first:
            if tag == "-text":
                text = _as_shown(item.text_content or "")
                if len(text) > limit - size + 64:  # one long text node (unclosed tags dropped by the nesting cap left
                    text = text[: limit - size + 64]  # 320 KB in one: every caption read of it took it whole)
                parts.append(text)
                size += len(text.strip())
                continue
            if tag in SKIP_TAGS or tag == "-comment":
                continue
            mem_id = item.mem_id
            if (mem_id in hidden_ids if hidden_ids is not None else hidden_by_markup(item)) or mem_id in exclude:
                continue
            if tag == "br":
                parts.append("\n")
                continue
        first = False
        sep = "\n" if tag in BLOCK_TAGS else (" " if tag == "cite" or tag == "small" or attributes_of(item).get("class") else "")
        # (no more children than the walk can still visit: an element of thousands of children, read for each of
        # hundreds of pictures, was listed whole each time)
        children = list(islice(item.iter(include_text=True), budget))
        if item is not node:
            parts.append(sep)
            stack.append(sep)
        stack.extend(reversed(children))
    return "".join(parts)


class _Order(Mapping[int, int]):
    """mem_id -> element index of a large page. A dict of 500 000 mem_ids costs ~0.07 s to build and ~30 MB to hold,
    and a page of that many elements is asked for a few of them (its pictures' ancestors): while few have been asked
    for, an element is found by a sorted search in the mem_ids (`_Lookup`'s arrays: lexbor hands them out ascending in
    document order on a fresh parser, in any order once it reuses memory); past ASKED_BEFORE_DICT asks and one per 16
    elements, the dict is built and handed to what `built` gives, when it still gives something (a `WeakMethod` of the
    Doc's: the Doc then asks the dict directly; a Python method per ask cost ~0.2 us)."""

    __slots__ = ("_asked", "_built", "_dict", "_find")

    def __init__(self, mem_ids: list[int] | _Lookup,
                 built: Callable[[], Callable[[dict[int, int]], None] | None] | None = None) -> None:
        self._find = mem_ids if isinstance(mem_ids, _Lookup) else _Lookup(mem_ids)
        self._asked = 0
        self._dict: dict[int, int] | None = None
        self._built = built

    def get(self, mem_id: int, default: int | None = None) -> int | None:  # type: ignore[override]
        found = self._dict
        if found is None:
            self._asked += 1
            if self._asked * 16 <= len(self) + ASKED_BEFORE_DICT * 16:
                return self._find.one(mem_id, default)
            found = self._dict = dict(zip(self._find.ids.tolist(), range(len(self))))
            built = self._built() if self._built is not None else None
            if built is not None:
                built(found)
        return found.get(mem_id, default)

    def __getitem__(self, mem_id: int) -> int:
        at = self.get(mem_id)
        if at is None:
            raise KeyError(mem_id)
        return at

    def __contains__(self, mem_id: object) -> bool:
        return isinstance(mem_id, int) and self.get(mem_id) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self._find.ids.tolist())

    def __len__(self) -> int:
        return len(self._find.ids)


ASKED_BEFORE_DICT = 64  # `_Order`: elements asked for by bisection on any page (and one per 16 elements)


class _EndOf(Mapping[int, int]):
    """mem_id -> index of the element's last descendant, read through the element's own index."""

    def __init__(self, order: Mapping[int, int], last: Sequence[int]) -> None:
        self.order, self._last = order, last

    def __getitem__(self, mem_id: int) -> int:
        return self._last[self.order[mem_id]]

    def get(self, mem_id: int, default: int | None = None) -> int | None:  # type: ignore[override]
        at = self.order.get(mem_id)
        return default if at is None else self._last[at]

    def __iter__(self) -> Iterator[int]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)


def _compact(values: np.ndarray) -> Sequence[int]:
    """A large page's per-element table of integers as an `array` (8 bytes an entry; a list of ints took 40 on a page
    of 400 000 elements, and a page holds several): read like a list by the steps that loop in Python."""
    import numpy as np

    return array("q", np.ascontiguousarray(values, dtype=np.int64).tobytes())


def subtree_sums(values: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Per element: the sum of `values` over its subtree (a contiguous range in document order)."""
    import numpy as np

    total = np.concatenate(([0], np.cumsum(values)))
    return total[last + 1] - total[: len(values)]


def _link_lengths(own: np.ndarray, links: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Per element: the length of its text that lies inside an <a> below it (`links`: how many <a> are
    the element or its ancestors; text counts when its own count is higher than the element's)."""
    import numpy as np

    out = subtree_sums(np.where(links > 0, own, 0), last)
    for level in np.unique(links[links > 0]).tolist():  # text inside a link, below another link (rare)
        at = np.flatnonzero(links == level)
        out[at] = subtree_sums(np.where(links > level, own, 0), last)[at]
    return out


@dataclass
class Doc:
    """A parsed page with its elements numbered in document order.

    Per element index: `parents` (index of the parent element, -1 at the root), `hidden` (it or an
    ancestor is hidden), `noscript` / `in_link` (inside a <noscript> / an <a>), `text_len` (length
    of its text, whitespace collapsed), `readable_len` (at least the length of what `visible_text` can read
    of it: for an element that is not hidden, its text outside hidden descendants; for a hidden one, all
    its text) and `link_len` (of that, the text inside links).
    """

    tree: LexborHTMLParser
    html: str = ""  # the text parsed (nesting capped, see `cap_nesting`)
    order: Mapping[int, int] = field(default_factory=dict)  # mem_id -> index (a dict; `_Order` on a large page)
    end: Mapping[int, int] = field(default_factory=dict)  # mem_id -> index of last descendant
    last: Sequence[int] = field(default_factory=list)  # per element index: index of its last descendant
    nodes: list[Node] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # per element index: its tag name
    parents: Sequence[int] = field(default_factory=list)
    hidden: list[bool] = field(default_factory=list)
    noscript: list[bool] = field(default_factory=list)
    in_link: list[bool] = field(default_factory=list)
    text_len: list[int] = field(default_factory=list)
    readable_len: list[int] = field(default_factory=list)
    link_len: list[int] = field(default_factory=list)
    image_at: Sequence[int] = field(default_factory=list)  # indices of the <img> elements, ascending
    # the same tables as numpy arrays, for steps that work on all elements at once
    # (None on an ordinary page, whose tables are the lists above: `vectorised` says which)
    parent_at: np.ndarray = None  # type: ignore[assignment]
    depth: np.ndarray = None  # type: ignore[assignment]
    end_at: np.ndarray = None  # type: ignore[assignment]  # index of the last descendant
    direct_text: np.ndarray = None  # type: ignore[assignment]  # length of its own text nodes, each stripped
    memo: dict[str, object] = field(default_factory=dict)  # per-page tables later steps build once
    hidden_ids: frozenset[int] = frozenset()  # mem_ids of the elements hidden by their own markup (`is_hidden`)
    vectorised: bool = False  # the numpy tables below are filled (a large page): see `parse`

    @classmethod
    def parse(cls, html: str, vectorised: bool | None = None) -> Doc:
        """Parse and number a page; its tables are numpy arrays from NUMPY_TAGS tags on (`vectorised`
        forces either way), Python lists below (a cold `extract` of an ordinary page never imports numpy)."""
        html = cap_nesting(html)
        doc = cls._numbered(html, vectorised)
        shown = doc._article_hidden_by_name()
        return cls._numbered(html, vectorised, shown) if shown else doc

    @classmethod
    def _numbered(cls, html: str, vectorised: bool | None, shown: frozenset[int] = frozenset()) -> Doc:
        """The page parsed and numbered, the elements `shown` (their places among `maybe_hidden`'s) not hidden."""
        doc = cls(LexborHTMLParser(html), html=html)
        root = doc.tree.root
        if root is not None:
            once = {n.mem_id: n for n in doc.maybe_hidden()}  # (a selector group names an element once per selector)
            # (on a page of many such elements, those with a `hidden` attribute are hidden without reading their
            # attributes in Python: 68 000 `<span hidden>` took 0.15 s)
            marked = {n.mem_id for n in doc.css("[hidden]")} if len(once) > MANY_MAYBE_HIDDEN else frozenset()
            ordinals = {m: k for k, (m, n) in enumerate(once.items())
                        if k not in shown and (m in marked or hidden_by_markup(n))}
            hidden = set(ordinals)
            doc.hidden_ids = frozenset(hidden)
            doc.memo["hidden_ordinals"] = ordinals
            tags = html.count("<")
            doc.vectorised = tags >= NUMPY_TAGS if vectorised is None else vectorised
            if not doc.vectorised:
                if tags >= WALKED_TAGS and "numpy" in sys.modules and treewalk.compiled_walker() is not None:
                    doc._number(root, hidden)  # (numpy already loaded: the compiled walk is cheaper than the loop)
                    doc._as_lists()
                else:
                    doc._number_loop(root, hidden)
                return doc
            doc._number(root, hidden)
        return doc

    def _as_lists(self) -> None:
        """The tables `_number` filled, as `_number_loop` leaves them: plain lists and dicts, which the per-picture
        rules of a page below NUMPY_TAGS read one entry at a time (a Python method per `end` lookup cost more than
        the walk saves), and none of the numpy tables that only the vectorised steps read."""
        order = self.order
        assert isinstance(order, _Order)  # (as `_number` leaves it: nothing has asked it yet, its dict is not built)
        mem_ids = order._find.ids.tolist()
        self.order = dict(zip(mem_ids, range(len(mem_ids))))
        self.parents, self.last = list(self.parents), list(self.last)
        self.end = dict(zip(mem_ids, self.last))
        self.image_at = list(self.image_at)
        self.parent_at = self.depth = self.end_at = self.direct_text = None  # type: ignore[assignment]
        for key in ("tag_codes", "readable_len", "arrays"):
            self.memo.pop(key, None)

    def _indices(self, mem_ids: Iterable[int]) -> list[int]:
        """The element index of each mem_id (-1 for one that is not an element of the page): on a large page all at
        once, by one sorted search (68 000 `<span hidden>` asked one by one took ~0.1 s)."""
        if isinstance(self.order, _Order):
            return self.order._find(list(mem_ids)).tolist()  # type: ignore[no-any-return]
        return [self.order.get(mem_id, -1) for mem_id in mem_ids]

    def _article_hidden_by_name(self) -> frozenset[int]:
        """The elements hidden only by a class name (no `hidden` attribute, no inline style) that hold at least half
        as much text as the whole page shows (and MIN_HIDDEN_ARTICLE characters): the page's own article, whatever
        its wrapper's name says (BuzzFeed's list items sit in `suplist_list_hide`). Their places among
        `maybe_hidden`'s."""
        if not self.nodes or self.text_len[0] - self.readable_len[0] < MIN_HIDDEN_ARTICLE:
            return frozenset()
        half = max(self.readable_len[0] / 2, MIN_HIDDEN_ARTICLE)
        ordinals: dict[int, int] = self.memo["hidden_ordinals"]  # type: ignore[assignment]
        out = set()
        for idx, ordinal in zip(self._indices(ordinals), ordinals.values()):
            if idx < 0 or self.text_len[idx] < half:
                continue
            if not _hidden_unnamed(attributes_of(self.nodes[idx])):
                out.add(ordinal)
        return frozenset(out)

    def _number_loop(self, root: Node, hidden: set[int]) -> None:
        """`_number` for an ordinary page, without numpy (its import costs more than it saves here): one
        Python step per node in lexbor's pre-order walk, then text lengths and subtree ends added up
        from the last element back to the first (each descendant comes after its element)."""
        order, nodes, parents, tags, mem_ids = self.order, self.nodes, self.parents, self.tags, []
        hidden_of, noscript, in_link, text_len = self.hidden, self.noscript, self.in_link, self.text_len
        shown: list[int] = []  # text_len without the text of hidden elements
        for node in root.traverse(include_text=True):
            tag = node.tag
            if tag == "-text":
                text = node.text_content
                if not text or text.isspace():  # indentation: no length, no parent to look up
                    continue
                parent = order[node.parent.mem_id]
                if tags[parent] not in SKIP_TAGS:
                    size = len(" ".join(text.split()))
                    text_len[parent] += size
                    if not hidden_of[parent]:
                        shown[parent] += size
                continue
            if not treewalk.is_element_name(tag):  # a comment, a processing instruction
                continue
            idx = len(nodes)
            mem_id = node.mem_id
            order[mem_id] = idx
            parent = order[node.parent.mem_id] if idx else -1
            nodes.append(node)
            parents.append(parent)
            tags.append(tag)
            mem_ids.append(mem_id)
            up = parent >= 0
            hidden_of.append((up and hidden_of[parent]) or mem_id in hidden)
            noscript.append((up and noscript[parent]) or tag == "noscript")
            in_link.append((up and in_link[parent]) or tag == "a")
            text_len.append(0)
            shown.append(0)
            if tag == "img" or ("-" in tag and is_image_tag(tag)):
                self.image_at.append(idx)
        last = list(range(len(nodes)))
        link_len = [0] * len(nodes)
        for idx in range(len(nodes) - 1, 0, -1):
            parent = parents[idx]
            last[parent] = max(last[parent], last[idx])
            text_len[parent] += text_len[idx]
            shown[parent] += shown[idx]
            link_len[parent] += text_len[idx] if tags[idx] == "a" else link_len[idx]
        self.link_len = link_len
        self.readable_len = [size if hid else seen for size, seen, hid in zip(text_len, shown, hidden_of)]
        self.end, self.last = dict(zip(mem_ids, last)), last

    def _number(self, root: Node, hidden: set[int]) -> None:
        """Number the elements in document order and fill the per-element tables.

        The tree's shape (parents, depths, subtree ends) and its text lengths come as arrays from
        `treewalk.walk` (one C pass over lexbor's nodes where the compiled walker is built); what
        follows from them ("it or an ancestor is...", text lengths added up) is computed on numpy
        arrays, a few vectorised passes instead of a Python step per node.
        """
        import numpy as np

        walked = treewalk.walk(root)
        nodes, tags, n = walked.nodes, walked.tags, len(walked.nodes)
        find = _Lookup(walked.mem_ids)
        self.nodes, self.tags = nodes, tags
        # (the Doc's own method held weakly: a strong one made each page's Doc, lexbor's tree with it, a cycle that only
        # the cyclic collector freed, up to hundreds of MB per page held past its extraction)
        self.order = _Order(find, WeakMethod(self._order_built))
        self.memo["tag_codes"] = walked.codes
        parent = walked.parent
        self.parent_at, self.parents = parent, _compact(parent)
        images = {tag for tag in set(tags) if tag == "img" or ("-" in tag and is_image_tag(tag))}
        self.image_at = _compact(np.flatnonzero(self.tag_mask(images)))
        self.depth = walked.depth
        self.end_at = last = walked.last
        self.last = _compact(last)
        self.end = _EndOf(self.order, self.last)
        # the text directly inside each element (whitespace collapsed), none for script, style...
        text_parent, text_size = walked.text_parent, walked.text_size
        found = text_parent >= 0
        self.direct_text = np.bincount(text_parent[found], minlength=n,  # stripped, per text node
                                       weights=walked.text_stripped[found].astype(np.float64))
        del walked
        counted = found & ~self.tag_mask(SKIP_TAGS)[np.maximum(text_parent, 0)]
        own = np.bincount(text_parent[counted], weights=text_size[counted], minlength=n).astype(np.int64)
        text_len = subtree_sums(own, last)
        self.text_len = text_len.tolist()
        links = self.covering(np.flatnonzero(self.tag_mask(("a",))))  # how many <a> are it or its ancestors
        self.in_link = (links > 0).tolist()
        link_len = _link_lengths(own, links, last)
        self.link_len = link_len.tolist()
        # (kept as arrays too, for the vectorised steps: `array`)
        self.memo["arrays"] = {"text_len": text_len, "in_link": links > 0, "link_len": link_len}
        self.noscript = (self.covering(np.flatnonzero(self.tag_mask(("noscript",)))) > 0).tolist()
        at = find(list(hidden))  # (one sorted search for all of them)
        hidden_at = self.covering(at[at >= 0]) > 0
        self.hidden = hidden_at.tolist()
        # (numpy: `context.TextBlocks.readable`)
        self.memo["readable_len"] = np.where(hidden_at, text_len, subtree_sums(np.where(hidden_at, 0, own), last))
        self.readable_len = self.memo["readable_len"].tolist()

    def _order_built(self, found: dict[int, int]) -> None:
        """`_Order` built its dict: asked directly from now on."""
        self.order = found
        if isinstance(self.end, _EndOf):
            self.end.order = found

    def depth_levels(self) -> list[np.ndarray]:
        """Element indices grouped by depth (the root alone at 0), each group ascending."""
        levels = self.memo.get("levels")
        if levels is None:
            levels = self.memo["levels"] = treewalk.depth_levels(self.depth)
        return levels  # type: ignore[return-value]

    def array(self, table: str) -> np.ndarray:
        """A per-element table (`text_len`, `link_len`, `in_link`...) as a numpy array, made once per page: `_number`
        keeps those it computes as arrays (converting a list of 540 000 entries back took ~0.02 s a time). Read-only."""
        arrays: dict[str, np.ndarray] = self.memo.setdefault("arrays", {})  # type: ignore[assignment]
        found = arrays.get(table)
        if found is None:
            import numpy as np

            found = arrays[table] = np.asarray(getattr(self, table))
        return found

    def tag_codes(self) -> np.ndarray:
        """Per element: its tag as a small integer (one code per tag name of the page), coded once per page."""
        return self._coded()[0]

    def _coded(self) -> tuple[np.ndarray, dict[str, int]]:
        coded = self.memo.get("tag_codes")
        if coded is None:
            coded = self.memo["tag_codes"] = treewalk.coded_names(self.tags)
        return coded  # type: ignore[return-value]

    def tag_mask(self, names: frozenset[str] | set[str] | tuple[str, ...]) -> np.ndarray:
        """Per element: is its tag one of `names`? (tags are coded as small integers once per page)"""
        import numpy as np

        codes, vocab = self._coded()
        wanted = np.zeros(max(vocab.values(), default=0) + 1, dtype=bool)  # codes need not be consecutive
        wanted[[vocab[name] for name in names if name in vocab]] = True
        return wanted[codes]

    def first_with_text(self, tag: str, start: int, min_length: int) -> int:
        """Index of the first <tag> element at or after `start` whose text is at least `min_length` long, else -1."""
        import numpy as np

        if start >= len(self.nodes):
            return -1
        found = self.tag_mask((tag,))[start:] & (self.array("text_len")[start:] >= min_length)
        return int(np.argmax(found)) + start if found.any() else -1

    def covering(self, indices: list[int] | np.ndarray, strict: bool = False) -> np.ndarray:
        """Per element: how many of the elements `indices` are it or its ancestors (only its ancestors
        with `strict`). Each one covers its subtree, a contiguous range of document order."""
        import numpy as np

        at = np.asarray(indices, dtype=np.int64)
        steps = np.zeros(len(self.nodes) + 1, dtype=np.int64)
        np.add.at(steps, at + 1 if strict else at, 1)
        np.add.at(steps, self.end_at[at] + 1, -1)
        return np.cumsum(steps[:-1])

    def index(self, node: Node) -> int:
        return self.order.get(node.mem_id, -1)

    def contains(self, outer: Node, inner: Node) -> bool:
        start, idx = self.index(outer), self.index(inner)
        return start <= idx <= self.end.get(outer.mem_id, -1)

    @property
    def images(self) -> list[Node]:
        """Every <img> (and <amp-img>-like element), in document order."""
        return [self.nodes[i] for i in self.image_at]

    def size(self, node: Node) -> int:
        """Number of elements in the element's subtree (itself included)."""
        start = self.index(node)
        return self.end.get(node.mem_id, start) - start + 1 if start >= 0 else 1

    def has_tags(self, node: Node, tag: str, at_least: int, budget: int = 5000) -> bool:
        """Does the element hold `at_least` <tag> descendants (looking at most `budget` elements)?"""
        start = self.index(node)
        if start < 0:  # not numbered: selectolax's css() matches the element itself too, leave it out
            return sum(other.mem_id != node.mem_id for other in node.css(tag)) >= at_least
        end = min(self.end.get(node.mem_id, start), start + budget)
        found = 0
        for other in self.nodes[start + 1:end + 1]:
            found += other.tag == tag
            if found >= at_least:
                return True
        return False

    def count_images(self, node: Node) -> int:
        """How many <img> the element holds (itself included)."""
        start = self.index(node)
        if start < 0:  # not numbered: count as the tables do (css() already matches the element itself)
            return sum(is_image_tag(other.tag) for other in node.traverse(include_text=False))
        end = self.end.get(node.mem_id, start)
        return bisect.bisect_right(self.image_at, end) - bisect.bisect_left(self.image_at, start)

    def is_hidden(self, node: Node) -> bool:
        idx = self.index(node)
        return self.hidden[idx] if idx >= 0 else is_hidden(node)

    def in_noscript(self, node: Node) -> bool:
        idx = self.index(node)
        return idx >= 0 and self.noscript[idx]

    def text_length(self, node: Node) -> int:
        idx = self.index(node)
        return self.text_len[idx] if idx >= 0 else len(collapse(node.text(deep=True) or ""))

    def shows_text(self, node: Node) -> bool:
        """Could `visible_text(node)` read any text? False only when it surely reads none: the text of the element's
        subtree outside the descendants it skips (SKIP_TAGS, hidden by their own markup) is blank. Answered from a
        per-page table built once (a walk after each picture read, for each element it met, the visible text of a
        chain of unclosed formatting elements whose only text was inside buttons: up to 2 000 elements a read)."""
        idx = self.index(node)
        if idx < 0 or self.tags[idx] in SKIP_TAGS:  # (a skipped tag's own text is read when it is asked for itself)
            return True
        shown = self.memo.get("shown_len")
        if shown is None:
            shown = self.memo["shown_len"] = self._shown_lengths()
        return shown[idx] > 0  # type: ignore[index]

    def _shown_lengths(self) -> Sequence[int]:
        """Per element: the length of its own text plus that of its children's shown text, a child counted unless its
        tag is in SKIP_TAGS or its own markup hides it (what `visible_text` reads of it, text whose parent is a
        SKIP_TAGS element aside, which `text_len` does not count either)."""
        n = len(self.nodes)
        hidden = [at for at in self._indices(self.hidden_ids) if at >= 0]
        if self.vectorised:
            import numpy as np

            stop = self.tag_mask(SKIP_TAGS)
            stop[hidden] = True
            parent, text_len = self.parent_at, self.array("text_len")
            own = text_len - np.bincount(parent[1:], weights=text_len[1:], minlength=n).astype(np.int64)
            shown = own.copy()
            for level in reversed(self.depth_levels()[1:]):  # children before their parents
                np.add.at(shown, parent[level], np.where(stop[level], 0, shown[level]))
            return _compact(shown)
        blocked = [tag in SKIP_TAGS for tag in self.tags]
        for at in hidden:
            blocked[at] = True
        own = list(self.text_len)
        for i in range(1, n):
            own[self.parents[i]] -= self.text_len[i]
        shown = own
        for i in range(n - 1, 0, -1):  # (a child comes after its parent)
            if not blocked[i]:
                shown[self.parents[i]] += shown[i]
        return shown

    def link_length(self, node: Node) -> int:
        idx = self.index(node)
        return self.link_len[idx] if idx >= 0 else 0

    @property
    def body(self) -> Node | None:
        return self.tree.body

    def css(self, query: str, needs: str = "") -> list[Node]:
        """`tree.css(query)`; with `needs` (lower-case text every match's markup holds, such as "<meta" for
        `meta`), nothing when the parsed text lacks it: each query walks every element (~11 ms on a
        2 MB page of 200 000), and a tag the parser never adds by itself is in the text as written."""
        return list(self.tree.css(query)) if self.may_hold(needs) else []

    def css_first(self, query: str, needs: str = "") -> Node | None:
        """`tree.css_first(query)`, with `needs` as in `css`."""
        return self.tree.css_first(query) if self.may_hold(needs) else None

    def may_hold(self, text: str) -> bool:
        """Can the page hold markup with this lower-case text? (False only when its parsed text lacks it.) Answered
        once per text and page: a search through 2 MB that finds nothing takes ~1 ms, and a rule may ask per picture."""
        if not text or not self.html:
            return True
        asked: dict[str, bool] = self.memo.setdefault("may_hold", {})  # type: ignore[assignment]
        found = asked.get(text)
        if found is None:
            found = asked[text] = text in self.lowered()
        return found

    def maybe_hidden(self) -> list[Node]:
        """What `css(_MAYBE_HIDDEN)` gives (elements `is_hidden` may call hidden), asking only for the
        selectors whose attribute the parsed text names (see `with_attributes`)."""
        present = self._named(tuple(_MAYBE_HIDDEN_BY_NAME))
        return self.css(", ".join(_MAYBE_HIDDEN_BY_NAME[name] for name in present)) if present else []

    def lowered(self) -> str:
        """The parsed text in lower case, made once per page (attribute names are looked for in it)."""
        lowered = self.memo.get("lowered")
        if lowered is None:
            lowered = self.memo["lowered"] = self.html.lower()
        return lowered  # type: ignore[return-value]

    def with_attributes(self, names: tuple[str, ...], unless: frozenset[str] = frozenset()) -> list[Node]:
        """What `css("[a], [b], ...")` gives for the lower-case attribute `names`, asking only for those
        the parsed text names at all: lexbor tests every selector of a group on every element (12
        names cost 12 passes over a 2 MB page's 200 000 elements), and an attribute name is never
        written with character references, so a name absent from the text is on no element. Elements
        whose tag is in `unless` are left out by lexbor (no Python object made for each of 20 000 <img>)."""
        present = self._named(names)
        if not present:
            return []
        but = f":not({', '.join(sorted(unless))})" if unless else ""
        return self.css(", ".join(f"[{name}]{but}" for name in present))

    def _named(self, names: tuple[str, ...]) -> list[str]:
        """The lower-case attribute `names` the parsed text holds; all of them for a Doc built around a
        tree (not by `parse`): no text to look in."""
        if not self.html:
            return list(names)
        lowered = self.lowered()
        return [name for name in names if name in lowered]
