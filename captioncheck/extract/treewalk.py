"""Lexbor's tree as per-element arrays, in document order: what `dom.Doc` numbers a large page from.

`walk(root)` gives each element's node object, tag name, mem_id, parent index, depth and last descendant, and per
text node (more than ASCII whitespace) its parent's index and its length as `dom` measures text (whitespace
collapsed; stripped). Two ways, with the same results:

* `_lexbor_walk` (compiled, see its source): one C pass over lexbor's node structs. The elements' node objects are
  made when the rules first ask for one (`LazyNodes`, `lazy_nodes`: most of a huge page's never are), else by
  selectolax's own walk (~0.3 us a node, all of them). Used when it was built and agrees with the Python walk on a
  probe page (`compiled_walker`).
* `python_walk`: selectolax's walk with one Python call per node for its tag id, mem_id, parent and text, and numpy
  passes for depths and subtree ends (~0.7 s for the 960 000 nodes of 2 MB of unclosed paragraphs; the compiled walk
  ~0.1 s).
"""

from __future__ import annotations

import bisect
import functools
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress
from types import ModuleType
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser, LexborNode

from captioncheck.extract.compiled import checked

if TYPE_CHECKING:
    import numpy as np

# SVG names lexbor gives camel-cased inside <svg> and lower-cased elsewhere, under one tag id
_CASED_SVG = frozenset({
    "altglyph", "altglyphdef", "altglyphitem", "animatecolor", "animatemotion", "animatetransform", "clippath",
    "feblend", "fecolormatrix", "fecomponenttransfer", "fecomposite", "feconvolvematrix", "fediffuselighting",
    "fedisplacementmap", "fedistantlight", "fedropshadow", "feflood", "fefunca", "fefuncb", "fefuncg", "fefuncr",
    "fegaussianblur", "feimage", "femerge", "femergenode", "femorphology", "feoffset", "fepointlight",
    "fespecularlighting", "fespotlight", "fetile", "feturbulence", "foreignobject", "glyphref", "lineargradient",
    "radialgradient", "textpath"})


@dataclass
class Walked:
    """The tree under the root element, numbered in document order (pre-order)."""

    nodes: Sequence[LexborNode]  # per element (a list, or `_lexbor_walk.LazyNodes`)
    tags: list[str]  # per element: its tag name
    codes: tuple[np.ndarray, dict[str, int]]  # per element its tag as a small integer, and the names' codes
    mem_ids: np.ndarray  # per element (uint64)
    parent: np.ndarray  # per element: its parent's index, -1 for the root
    depth: np.ndarray  # per element: 0 for the root
    last: np.ndarray  # per element: the index of its last descendant (itself when it has none)
    text_parent: np.ndarray  # per text node: its parent's index
    text_size: np.ndarray  # per text node: its length, whitespace collapsed (`len(" ".join(text.split()))`)
    text_stripped: np.ndarray  # per text node: `len(text.strip())`


def walk(root: LexborNode) -> Walked:
    """Number the tree under `root` (compiled when it can, else in Python: the same results)."""
    compiled = compiled_walker()
    walked = _compiled(root, compiled) if compiled is not None else None
    return walked if walked is not None else python_walk(root)


def python_walk(root: LexborNode) -> Walked:
    """`walk` through selectolax's Python objects, one call per node for each thing asked (the reference)."""
    import numpy as np

    every = list(root.traverse(include_text=True, skip_empty=True))  # blank text has no length
    ids = np.fromiter((node.tag_id for node in every), dtype=np.uint64, count=len(every))
    distinct, first = np.unique(ids, return_index=True)
    names = [every[i].tag for i in first.tolist()]
    # elements, and text nodes (CDATA sections too); the rest (comments, processing instructions, whose tag is None)
    # are left out
    is_text = np.isin(ids, [k for k, name in zip(distinct.tolist(), names) if name == "-text"])
    is_element = np.isin(ids, [k for k, name in zip(distinct.tolist(), names) if is_element_name(name)])
    nodes = list(compress(every, is_element.tolist()))
    texts = list(compress(every, is_text.tolist()))
    del every
    mem_ids = np.fromiter((node.mem_id for node in nodes), dtype=np.uint64, count=len(nodes))
    find = Lookup(mem_ids)
    parent = np.concatenate(([-1], find([node.parent.mem_id for node in nodes[1:]]))).astype(np.int64)
    depth = _tree_depths(parent)
    last = _subtree_ends(parent, depth)
    contents = [node.text_content or "" for node in texts]
    text_parent = find([node.parent.mem_id for node in texts])
    del texts
    text_size = np.array([len(" ".join(text.split())) for text in contents], dtype=np.int64)
    text_stripped = np.array([len(text.strip()) for text in contents], dtype=np.int64)
    return Walked(nodes, *_element_tags(nodes, ids[is_element]), mem_ids, parent, depth, last, text_parent, text_size,
                  text_stripped)


def is_element_name(tag: str | None) -> bool:
    """Is this what selectolax calls an element node? (Not "-text", "-comment", nor None: a processing instruction.)"""
    return tag is not None and not tag.startswith("-")


def _compiled(root: LexborNode, compiled: Callable[[int], tuple | None]) -> Walked | None:
    """`walk` through the compiled walker (None where its element count is not selectolax's: never seen)."""
    import numpy as np

    found = compiled(root.mem_id)
    if found is None:
        return None
    *tables, kinds = found
    mem_ids, tag_ids, parent, depth, last, text_parent, text_size, text_stripped = (
        np.frombuffer(part, dtype=part.typecode) for part in tables)
    lazy = lazy_nodes()
    nodes = (lazy(type(root), root.parser, tables[0]) if lazy is not None  # made when the rules ask for them
             else list(compress(root.traverse(include_text=False), kinds)))  # elements (not comments)
    if len(nodes) != len(mem_ids) or (nodes and nodes[-1].mem_id != int(mem_ids[-1])):
        return None  # (never seen: the two walks follow the same pointers)
    return Walked(nodes, *_element_tags(nodes, tag_ids), mem_ids, parent, depth, last, text_parent, text_size,
                  text_stripped)


# a page holding every kind of node and text the walks read: elements nested and side by side, comments, blank and
# non-ASCII text (Python's own whitespace: no-break and em spaces, a vertical tab), an undecodable byte's replacement,
# SVG's camel-cased names, a <template>'s content (not in the tree walked), a CDATA section (text) and a processing
# instruction (neither element nor text)
_PROBE = ("<!doctype html><html lang=fr><head><title>t</title><!-- c --></head><body>\n <div id=a> Un\u00a0 deux "
          "<b>trois\u2003quatre</b>\x0b<!-- d --><p>\u00e9t\u00e9 \u4e2d\u6587</p></div><svg><clipPath/><foreignObject>"
          "<i> x </i></foreignObject></svg><template><i>t</i></template><ul><li>1<li>2</ul>\ufffd<table><td>c</table>"
          "<svg><![CDATA[cd ata]]></svg><?php echo 1 ?></body></html>")


@functools.cache
def compiled_walker() -> Callable[[int], tuple | None] | None:
    """The compiled walker when it is built and gives what `python_walk` gives on a probe page, else None (checked
    once per process: it reads lexbor's structs by a layout fixed when it was compiled; no Python source of its own
    to be older than)."""
    module = checked("_lexbor_walk", (), "tree walker", _walks_the_probe)
    return module.walk if module is not None else None


@functools.cache
def lazy_nodes() -> Callable[..., Sequence[LexborNode]] | None:
    """The compiled module's `LazyNodes` (element node objects made when first asked for, not all ~0.3 us each up
    front), when it has them and they make what selectolax makes: a node selectolax made holds its address and parser
    where `LazyNodes` writes them (read, not written), and on the probe page every element made so has selectolax's
    mem_id, tag, parent, text and attributes (checked once per process; else every element's object is made by
    selectolax's walk, as before)."""
    try:
        from captioncheck.extract import _lexbor_walk as module
    except ImportError:
        return None
    kind = getattr(module, "LazyNodes", None)
    parser = LexborHTMLParser(_PROBE)
    root = parser.root
    if kind is None or root is None or not module.layout_matches(root, parser):
        return None
    found = module.walk(root.mem_id)
    if found is None:
        return None
    made = kind(type(root), parser, found[0])
    theirs = list(compress(root.traverse(include_text=False), found[-1]))

    def seen(node: LexborNode) -> tuple[object, ...]:
        parent = node.parent
        return (node.mem_id, node.tag, parent.mem_id if parent is not None else None, node.text(deep=False),
                node.attributes, node.parser is parser)

    return kind if theirs and len(made) == len(theirs) and list(map(seen, made)) == list(map(seen, theirs)) else None


def _walks_the_probe(module: ModuleType) -> bool:
    root = LexborHTMLParser(_PROBE).root
    return root is not None and _same(_compiled(root, module.walk), python_walk(root))


def _same(one: Walked | None, other: Walked) -> bool:
    import numpy as np

    if one is None:
        return False
    return (one.tags == other.tags and [n.mem_id for n in one.nodes] == [n.mem_id for n in other.nodes]
            and all(np.array_equal(getattr(one, name), getattr(other, name))
                    for name in ("mem_ids", "parent", "depth", "last", "text_parent", "text_size", "text_stripped")))


class Lookup:
    """mem_id -> element index for many mem_ids at once (a sorted search instead of a dict per id)."""

    def __init__(self, mem_ids: list[int] | np.ndarray) -> None:
        import numpy as np

        self.ids = np.asarray(mem_ids, dtype=np.uint64)
        self._plain: tuple[array, array] | None = None  # (`one`'s sorted ids and their indices, made when first asked)
        if bool(np.all(self.ids[1:] > self.ids[:-1])):  # (a fresh parser's): already sorted
            self._sorter, self._sorted = np.arange(len(self.ids)), self.ids
        else:
            self._sorter = np.argsort(self.ids, kind="stable")
            self._sorted = self.ids[self._sorter]

    def __call__(self, mem_ids: list[int]) -> np.ndarray:
        import numpy as np

        wanted = np.array(mem_ids, dtype=np.uint64)
        if not len(self.ids) or not len(wanted):
            return np.full(len(wanted), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, wanted), len(self.ids) - 1)
        return np.where(self._sorted[at] == wanted, self._sorter[at], -1).astype(np.int64)

    def one(self, mem_id: int, default: int | None = None) -> int | None:
        """The index of one mem_id (`default` when it is none of them): a bisection in C over `array` copies of the
        sorted ids (~1 us; numpy's searchsorted of one value costs ~2 us, and a page of 2 000 pictures asks ~11 000)."""
        if not isinstance(mem_id, int) or not 0 <= mem_id < 1 << 64 or not len(self.ids):
            return default
        if self._plain is None:
            self._plain = (array("Q", self._sorted.tobytes()), array("q", self._sorter.astype("int64").tobytes()))
        ids, sorter = self._plain
        at = bisect.bisect_left(ids, mem_id)
        return sorter[at] if at < len(ids) and ids[at] == mem_id else default


def depth_levels(depth: np.ndarray) -> list[np.ndarray]:
    """Element indices grouped by depth (the root alone at 0), each group ascending."""
    import numpy as np

    by_depth = np.argsort(depth, kind="stable")
    bounds = np.cumsum(np.bincount(depth)) if len(depth) else np.zeros(0, dtype=np.int64)
    return np.split(by_depth, bounds[:-1])


def _tree_depths(parent: np.ndarray) -> np.ndarray:
    """Depth of each element (the root's is 0) from its parent's index, by pointer jumping: each
    round doubles how far every element has looked up, so log2(depth) vectorised rounds."""
    import numpy as np

    depth = (parent >= 0).astype(np.int64)
    up = parent.copy()
    active = np.flatnonzero(up >= 0)
    while active.size:
        above = up[active]
        depth[active] += depth[above]
        up[active] = up[above]
        active = active[up[active] >= 0]
    return depth


def _subtree_ends(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Index of each element's last descendant (itself when it has none), from the deepest level up."""
    import numpy as np

    last = np.arange(len(parent), dtype=np.int64)
    for level in reversed(depth_levels(depth)[1:]):
        np.maximum.at(last, parent[level], last[level])
    return last


def _element_tags(nodes: list[LexborNode], ids: np.ndarray) -> tuple[list[str], tuple[np.ndarray, dict[str, int]]]:
    """The elements' tag names and the names coded as small integers (`dom.Doc.tag_mask`'s table), from their lexbor
    tag ids (one code per name on a page; custom elements get their own): the name is read once per id, and per node
    only for the SVG names whose case depends on where they stand."""
    import numpy as np

    distinct, first, code_of = np.unique(ids, return_index=True, return_inverse=True)
    names = [nodes[i].tag for i in first.tolist()]
    codes = code_of.reshape(-1).astype(np.int32)
    tags = list(map(names.__getitem__, codes.tolist()))
    vocab = {name: k for k, name in enumerate(names)}
    cased = [k for k, name in enumerate(names) if name.lower() in _CASED_SVG]
    for at in np.flatnonzero(np.isin(codes, cased)).tolist() if cased else ():
        tags[at] = nodes[at].tag  # "clipPath" in <svg>, "clippath" outside it
        codes[at] = vocab.setdefault(tags[at], len(names) + len(vocab))
    if len(vocab) != len(names) + len(set(vocab.values()) - set(range(len(names)))):
        return tags, coded_names(tags)  # two ids of one name: code the names
    return tags, (codes, vocab)


def coded_names(tags: list[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Each tag name as a small integer (its rank among the page's names), and the names' codes."""
    import numpy as np

    vocab = {tag: code for code, tag in enumerate(sorted(set(tags)))}
    return np.fromiter(map(vocab.__getitem__, tags), dtype=np.int32, count=len(tags)), vocab
