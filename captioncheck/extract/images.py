"""Find every image a page shows and merge the copies of one picture.

One `Found` per picture: the <img> (with its <picture> sources, <noscript> twin, lazy attributes,
wrapping image link and ImageObject meta), or an element whose inline style paints a
background-image. Copies of one picture (a <noscript> twin, a hidden lightbox/fullscreen copy,
a mobile-only duplicate) are merged: same URL, or same long file name.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any
from urllib.parse import unquote

from captioncheck.extract import jsontext, within
from captioncheck.extract.dom import (
    Doc,
    Node,
    ancestors,
    attr,
    attrs,
    collapse,
    is_image_tag,
    next_element,
)
from captioncheck.extract.urls import (
    IMAGE_EXT,
    Candidate,
    absolutize,
    element_candidates,
    file_name,
    highest,
    is_placeholder,
    per_url,
    split_url,
    word_src_attribute,
)

_MEDIA_WIDTH = re.compile(r"min-width\s*:\s*(\d{2,4})\s*px", re.IGNORECASE)
_WRAPPERS = frozenset({"picture", "a", "span"})
_SOURCE = frozenset({"source"})
_META_TAGS = frozenset({"meta", "link"})
MAX_CANDIDATES = 200  # URLs kept per picture (the corpus's most is 112, after merging copies)
MAX_SOURCES = 50  # <source> elements read per <picture> (real ones have a handful)
_BG_NAMES = re.compile(r"(^|[\s_-])(cover|hero|lead|opener|featured|image|photo|picture|bild|img|media|visual)($|[\s_-])")


@dataclass
class Found:
    """One picture on the page, with everything that names it."""

    node: Node  # the <img> (or the element with a background-image)
    anchor: Node  # the outermost wrapper that holds only this picture (<picture>, <a>, ...)
    index: int  # document position
    cands: list[Candidate] = field(default_factory=list)
    alt: str = ""
    title: str = ""
    width: int | None = None
    height: int | None = None
    hidden: bool = False  # inside a hidden element (lightbox copy, mobile-only duplicate)
    in_noscript: bool = False
    copies: list[Node] = field(default_factory=list)
    role: str = "inline"
    caption: str = ""
    credit: str = ""
    caption_nodes: list[Node] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    structured: tuple[str, str] = ("", "")  # caption and credit a JSON-LD ImageObject gives this picture
    _urls: tuple[list[tuple[str, str, int]], list[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def rank(self) -> tuple[int, int, int]:
        """Which copy of a picture speaks for it: an article image, captioned, visible."""
        from captioncheck._records import ARTICLE_ROLES

        return (self.role in ARTICLE_ROLES, bool(self.caption or self.credit), not self.hidden)

    def urls(self) -> list[str]:
        """Its URLs, best first, placeholders left out (asked at several steps: answered once per set of candidates)."""
        key = list(map(_CANDIDATE_FIELDS, self.cands))
        if self._urls is None or self._urls[0] != key:
            seen: dict[str, None] = {}
            for c in sorted(self.cands, key=_lower_score):
                if c.url not in seen and not is_placeholder(c.url):  # (a URL listed twice is asked once)
                    seen[c.url] = None
            self._urls = (key, list(seen))
        return list(self._urls[1])


_CANDIDATE_FIELDS = attrgetter("url", "origin", "width")  # what a picture's URL list depends on, per candidate


def _lower_score(c: Candidate) -> float:  # (highest score first; a stable sort keeps equals in their order)
    return -c.score


_LEADING_NUMBER = re.compile(r"\s*(\d+)")
_PHOTO_EXTENSION = re.compile(r"\.(jpe?g|png|gif|webp|avif)$")
_EXTENSION_ON = re.compile(r"\.[a-z0-9]{2,5}(?:[?#].*)?$")  # with what follows it


def _int(value: str) -> int | None:
    m = _LEADING_NUMBER.match(value or "")
    return int(m.group(1)) if m else None


_RATIO_LAYOUTS = frozenset({"responsive", "fill", "flex-item", "fixed-height"})


def declared_size(node: Node) -> tuple[int | None, int | None]:
    """The width and height the markup declares, in pixels, or None where it does not say.

    AMP-style `layout="responsive"` (<amp-img>, <a-img>) gives only the aspect ratio (width="16"
    height="9"), and a 0 beside a real size means "auto" (`height="0"` under a 570px-wide photo).
    """
    layout, width, data_width, height, data_height = attrs(node, "layout", "width", "data-width", "height", "data-height")
    if layout.lower() in _RATIO_LAYOUTS:
        return None, None
    w, h = _int(width or data_width), _int(height or data_height)
    if w == 0 and (h or 0) >= 50:
        w = None
    if h == 0 and (w or 0) >= 50:
        h = None
    return w, h


_STYLE_SIZE = re.compile(r"(?<![\w-])(width|height)\s*:\s*(\d{1,5})(?:\.\d+)?px", re.IGNORECASE)


def style_size(node: Node) -> tuple[int | None, int | None]:
    """The width and height an element's inline style fixes in pixels (`style="width:60px;height:60px"`, a
    gallery's thumbnail box), None where it does not (`max-width` and percentages say nothing)."""
    found = {name.lower(): int(value) for name, value in _STYLE_SIZE.findall(attr(node, "style"))}
    return found.get("width"), found.get("height")


def anchor_of(img: Node, doc: Doc) -> Node:
    """Climb through <picture>, a link or span that wraps only this picture."""
    node = img
    for _ in range(6):
        parent = node.parent
        if parent is None or parent.tag not in _WRAPPERS:
            break
        if parent.tag != "picture" and (doc.count_images(parent) > 1 or doc.text_length(parent)):
            break
        node = parent
    return node


def _img_candidates(img: Node, doc: Doc) -> list[Candidate]:
    cands = element_candidates(img)
    picture = img.parent if img.parent is not None and img.parent.tag == "picture" else None
    if picture is not None:
        for source in itertools.islice(within.elements(doc, picture, _SOURCE), MAX_SOURCES):
            media = _MEDIA_WIDTH.search(attr(source, "media"))  # "(min-width: 990px)": the size for wide screens
            hint = int(media.group(1)) if media else 0
            cands += [Candidate(c.url, "source" if c.origin == "srcset" else c.origin, c.width or hint)
                      for c in element_candidates(source)]
    if not _names_a_url(cands):
        cands += _sibling_sources(img)
    for node in itertools.chain((img,), within.ancestors(doc, img, 3)):
        if node.tag == "a":
            href = attr(node, "href")
            if IMAGE_EXT.search(href) and not href.startswith("#"):
                cands.append(Candidate(href, "link"))
            break
    return cands


_WIDTH_NAME = re.compile(r"^data-(?:width|w|size)-(\d{2,4})$")  # `data-width-1140=""`: the width a source is for


def _source_elements(box: Node) -> Iterator[Node]:
    """The children of `box` that name a URL and nothing else (no child element, no text): the sources a script
    picks from for the `<img>` beside them (picturefill's `<span data-src=...>`)."""
    for child in itertools.islice(box.iter(include_text=False), MAX_SOURCES):
        if child.tag not in ("img", "source", "a") and child.child is None and \
                any(name in _DATA_URL_ATTRS for name in child.attributes):
            yield child


def _sibling_sources(img: Node) -> list[Candidate]:
    """An `<img>` that names no URL of its own (only alt and title) takes the URLs of the empty source elements
    beside it (`<span data-src=".../FREE_640/..." data-width-640></span>` x 6, `<img alt=...>`): a responsive
    picture a script builds, each source's width in its `data-media` or `data-width-N` attribute."""
    box = img.parent
    if box is None:
        return []
    out: list[Candidate] = []
    for source in _source_elements(box):
        media = _MEDIA_WIDTH.search(attr(source, "data-media") or attr(source, "media"))
        hint = int(media.group(1)) if media else next(
            (int(m.group(1)) for m in map(_WIDTH_NAME.match, source.attributes) if m), 0)
        out += [Candidate(c.url, "source", c.width or hint) for c in element_candidates(source)
                if c.origin != "background"]
    return out


def _meta_candidates(img: Node, doc: Doc) -> list[Candidate]:
    """itemprop=contentUrl / url next to the image inside its own ImageObject / figure."""
    if not doc.may_hold("itemprop"):
        return []  # (a page whose text names no itemprop has no such element: no climb per picture)
    for anc in within.ancestors(doc, img, 4):
        own = anc.tag == "figure" or "imageobject" in attr(anc, "itemtype").lower() or \
            attr(anc, "itemprop").lower() in {"image", "associatedmedia", "primaryimageofpage"}
        if not own:
            continue
        if doc.count_images(anc) > 1:
            return []
        metas = [m for m in within.elements(doc, anc, _META_TAGS, has="itemprop")
                 if attr(m, "itemprop").lower() in {"contenturl", "url", "image", "thumbnailurl", "thumbnail"}]
        return [Candidate(attr(m, "content") or attr(m, "href"), "src" if "thumb" in attr(m, "itemprop").lower() else "meta")
                for m in metas if attr(m, "content") or attr(m, "href")]
    return []


def strongest(cands: list[Candidate], limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """At most `limit` candidates: the highest-scoring ones, in their own order (the best one and
    the first of equally good ones are always kept). Real pictures name a few dozen URLs at most."""
    return highest(cands, attrgetter("score"), limit)


def collect(doc: Doc, base: str, limit: int | None = None) -> tuple[list[Found], int]:
    """Every picture of the page in document order, and how many the page names; with `limit`, at most `limit` of
    them, read in the order `_article_first` gives when it names more (the work per picture is done for those
    only, so a page naming 20 000 pictures costs what `limit` of them cost)."""
    others = [(doc.index(node), 1, _background_found, node) for node in _background_nodes(doc)]
    others += [(doc.index(_data_target(node)), 1, _data_found, node) for node in _data_nodes(doc)]
    others.sort(key=lambda item: item[0])  # stable
    # merged lazily in document order (at one position an <img> comes first, then the others): a page naming
    # 20 000 <img> builds entries for those it reaches only
    def merged() -> Iterator[tuple[int, int, Any, Node | None]]:
        return heapq.merge(((i, 0, _img_found, None) for i in doc.image_at), others, key=lambda item: item[:2])

    named = merged()
    count = len(doc.image_at) + len(others)
    if limit is not None and count > limit:
        named = _article_first(doc, merged)
    found: list[tuple[int, int, Found]] = []
    for at, order, make, node in named:
        if limit is not None and len(found) >= limit:
            break
        picture = make(doc.nodes[at] if node is None else node, doc, base)
        if picture is not None:
            found.append((at, order, picture))
    found.sort(key=lambda item: item[:2])  # (document order, as merged: already so unless ranked)
    return [picture for _, _, picture in found], count


_ARTICLE_BOXES = ("article", "main", "figure", "picture")  # where a page's own photos stand
# the pictures whose declared width or height may be 0-2 pixels (`declared_size` decides): one lexbor pass
_SMALL_SIZES = ", ".join(f'[{name}^="{digit}"]' for name in ("width", "height") for digit in "012")


def _article_first(doc: Doc, named: Callable[[], Iterator[tuple[int, int, Any, Node | None]]]
                   ) -> Iterator[tuple[int, int, Any, Node | None]]:
    """More pictures named than `collect` reads (a gallery of thousands, or decoys put before the photo: 2 000
    tracking pixels in a page's header hid its article photo, 2 000 bare `<img>` in the article itself did too): the
    order they are read in. First those in a `<figure>` with a caption of its own (a `<figcaption>` with text), then
    those a reader sees inside an article, main, figure or picture box, then the other visible ones, then the hidden
    ones and those whose markup declares them a pixel or two wide or high; in document order within each.

    `named` gives the pictures in document order, afresh at each call: their ranks are read in one pass and kept as
    one byte each, then each rank's pictures are given in a pass of their own, as far as `collect` reads (a page of
    400 000 `<img>` held 400 000 entries and their sort keys at once: 64 MB)."""
    inside = _inside(doc, within.tag_positions(doc, _ARTICLE_BOXES))
    captioned = _inside(doc, sorted({box for i in within.tag_positions(doc, _FIGCAPTION) if doc.text_len[i]
                                     for box in [_own_figure(doc, i)] if box >= 0}))
    pixels = _pixels(doc)

    def rank(item: tuple[int, int, Any, Node | None]) -> int:
        at, _, _, node = item
        if at < 0:
            return 4
        if doc.hidden[at] or (node is None and at in pixels):
            return 3
        return 0 if captioned[at] else 1 if inside[at] else 2

    ranks = bytearray(map(rank, named()))
    del inside, captioned, pixels
    for wanted in sorted(set(ranks)):
        yield from itertools.compress(named(), (r == wanted for r in ranks))


_FIGCAPTION = frozenset({"figcaption"})


def _own_figure(doc: Doc, caption: int) -> int:
    """The `<figure>` a `<figcaption>` (element index) captions: its parent, or a figure at most two levels further up
    (a wrapper between them), else -1. Not any figure around it: the figures a page leaves open around its photo's own
    hold that caption too, and every decoy picture inside them would count as captioned."""
    at = doc.parents[caption]
    for _ in range(3):
        if at < 0:
            return -1
        if doc.tags[at] == "figure":
            return at
        at = doc.parents[at]
    return -1


def _pixels(doc: Doc) -> set[int]:
    """Indices of the pictures whose markup declares them at most 2 pixels wide or high (tracking pixels)."""
    out: set[int] = set()
    for node in doc.css(_SMALL_SIZES):
        if is_image_tag(node.tag):
            width, height = declared_size(node)
            if (width is not None and width <= 2) or (height is not None and height <= 2):
                out.add(doc.index(node))
    return out


def _inside(doc: Doc, boxes: Sequence[int]) -> list[bool]:
    """Per element: is it one of `boxes` (element indices) or inside one (each covers its subtree, a range of
    document order: a running count of the ranges open)."""
    steps = [0] * (len(doc.nodes) + 1)
    for i in boxes:
        steps[i] += 1
        steps[doc.last[i] + 1] -= 1
    return [open_ > 0 for open_ in itertools.accumulate(steps[:-1])]


def _img_found(img: Node, doc: Doc, base: str) -> Found:
    anchor = anchor_of(img, doc)
    in_noscript = doc.in_noscript(img)
    cands = _img_candidates(img, doc) + _meta_candidates(img, doc)
    for c in cands:
        if in_noscript:
            c.origin = "noscript"
    cands = strongest(cands)
    for c in cands:
        c.url = absolutize(c.url, base)
    width, height = declared_size(img)
    if width is None and height is None:  # a size set in CSS, on the picture or on a box holding only it
        width, height = style_size(img)
        box = anchor.parent
        if width is None and height is None and box is not None and doc.count_images(box) == 1 and not doc.text_length(box):
            width, height = style_size(box)
    alt, title = attrs(img, "alt", "title")
    return Found(
        node=img, anchor=anchor, index=doc.index(img), cands=cands,
        alt=alt, title=title, width=width, height=height,
        hidden=doc.is_hidden(img), in_noscript=in_noscript,
    )


_NOT_PICTURES = frozenset({"a", "link", "meta", "source", "script", "iframe", "video", "audio", "input", "button",
                           "form", "body", "html", "head", "picture"})
_DATA_CAPTION = ("data-caption", "data-description", "data-desc")  # shown as the slide's caption
_DATA_ALT = ("data-alt", "data-title")  # alt text for the picture JS will create: not a visible caption


_DATA_URL_ATTRS = ("itemid", "data-src", "data-big", "data-image", "data-img-path", "data-full", "data-original",
                   "data-lazy-src", "data-srcset", "data-large", "data-zoom-src", "data-hires")


def _data_nodes(doc: Doc) -> list[Node]:
    """Pictures named only by attributes, with no <img> (yet): a gallery slide whose image URL sits in
    `data-src`/`data-big`/`data-img-path`..., an ImageObject figure whose `itemid` is the image URL."""
    out: list[Node] = []
    for node in doc.with_attributes(_DATA_URL_ATTRS + _word_src_names(doc), unless=_NOT_PICTURES | {"img"}):
        if node.tag in _NOT_PICTURES or is_image_tag(node.tag) or doc.count_images(node) or _source_of_img(node):
            continue
        out.append(node)
    return out


_WORD_SRC_NAME = re.compile(r"\sdata-[a-z]+-src\s*=")
MAX_WORD_SRC_NAMES = 8  # distinct "data-<word>-src" names looked for (each is one more pass of lexbor's selector)


def _word_src_names(doc: Doc) -> tuple[str, ...]:
    """The "data-<word>-src" attribute names the page writes that may name an image (`urls.word_src_attribute`),
    beyond the known ones: a platform's own lazy loader (`<div class="picturefill" data-platform-src="...jpg">`)."""
    if not doc.html or "-src" not in doc.html:
        return ()
    found: dict[str, None] = {}
    for m in _WORD_SRC_NAME.finditer(doc.lowered()):
        name = m.group(0).strip().rstrip("=").strip()
        if name not in _DATA_URL_ATTRS and word_src_attribute(name):
            found[name] = None
            if len(found) >= MAX_WORD_SRC_NAMES:
                break
    return tuple(found)


def _source_of_img(node: Node) -> bool:
    """Is `node` one of the sources of an `<img>` beside it that names no URL of its own (`_sibling_sources`)?"""
    box = node.parent
    if box is None or node.child is not None:
        return False
    for child in itertools.islice(box.iter(include_text=False), MAX_SOURCES + 1):
        if child.tag == "img":
            return not _names_a_url(element_candidates(child))
    return False


def _names_a_url(cands: list[Candidate]) -> bool:
    """Does any candidate name a picture (not a lazy-load placeholder)?"""
    return any(not is_placeholder(c.url) for c in cands)


def _data_target(node: Node) -> Node:
    """Where a picture named by attributes sits: inside a <figure>, so its <figcaption> is found."""
    inner = next(iter(node.iter(include_text=False)), None) if node.tag == "figure" else None
    return inner if inner is not None else node


def _data_found(node: Node, doc: Doc, base: str) -> Found | None:
    cands = [c for c in element_candidates(node) if c.origin != "background" and IMAGE_EXT.search(c.url)]
    itemid = attr(node, "itemid")
    if itemid and "imageobject" in attr(node, "itemtype").lower() and not is_placeholder(itemid):
        cands.append(Candidate(itemid, "meta"))
    cands = [Candidate(absolutize(c.url, base), c.origin, c.width) for c in strongest(cands) if not is_placeholder(c.url)]
    if not cands:
        return None
    target = _data_target(node)
    caption = next((jsontext.plain(attr(node, n)) for n in _DATA_CAPTION if attr(node, n)
                    and not IMAGE_EXT.search(attr(node, n))), "")
    alt = next((collapse(attr(node, n)) for n in _DATA_ALT if attr(node, n) and not IMAGE_EXT.search(attr(node, n))), "")
    width, height = declared_size(node)
    notes = ["picture named by attributes only"] + (["caption in attributes"] if caption else [])
    return Found(node=target, anchor=target, index=doc.index(target), cands=cands, alt=caption or alt,
                 hidden=doc.is_hidden(node), width=width, height=height, notes=notes)


def _background_nodes(doc: Doc) -> list[Node]:
    return [node for node in doc.css("[style*=background]", needs="style")
            if not is_image_tag(node.tag) and _BG_NAMES.search(attr(node, "class").lower())]


def _background_found(node: Node, doc: Doc, base: str) -> Found | None:
    cands = [Candidate(absolutize(c.url, base), c.origin)
             for c in strongest([c for c in element_candidates(node) if c.origin == "background"])]
    cands = [c for c in cands if not is_placeholder(c.url)]
    return Found(node=node, anchor=node, index=doc.index(node), cands=cands) if cands else None


def drop_repeated_placeholders(found: list[Found]) -> None:
    """A src shared by 3+ images that also name other URLs is a lazy-load stand-in."""
    counts: dict[str, int] = {}
    for f in found:
        for url in {c.url for c in f.cands if c.origin == "src"}:
            counts[url] = counts.get(url, 0) + 1
    shared = {u for u, n in counts.items() if n >= 3}
    for f in found:
        if any(c.url not in shared for c in f.cands):
            f.cands = [c for c in f.cands if not (c.origin == "src" and c.url in shared)]


@per_url  # (every copy of every picture is keyed when copies are merged: 1 000 pictures of long srcsets, 33 000 URLs)
def file_key(url: str) -> str:
    """The file name that identifies a picture across sizes/copies ("" when too generic)."""
    name = file_name(url)  # the path's last segment, as urlsplit reads it
    if not name or "%" in name:  # percent-escapes decoded first (a "%2F" is a folder), trailing slashes dropped
        name = unquote(split_url(url).path).rstrip("/").rsplit("/", 1)[-1]
    name = name.lower()
    if _SCRIPT_NAME.search(name):  # "image.php?src=/posts/p16615_2.jpg&w=660": the query names the picture
        inner = [unquote(v) for v in _QUERY_VALUE.findall(url.partition("?")[2]) if IMAGE_EXT.search(unquote(v))]
        return file_key(inner[0]) if inner and not _SCRIPT_NAME.search(inner[0].split("?")[0]) else ""
    stem = _PHOTO_EXTENSION.sub("", name)
    if len(stem) < 8 or is_placeholder(url) or all(
            len(part) <= 3 or part.isdigit() or part in _SIZE_WORDS for part in _NAME_PARTS.split(stem)):
        return ""  # a rendition's name, each photo's the same ("ku-xlarge.jpg", "original.png"): its folder names it
    return name


_NAME_PARTS = re.compile(r"[-_.]+")
_SIZE_WORDS = frozenset({
    "image", "photo", "picture", "original", "default", "large", "xlarge", "xxlarge", "big", "bigpic", "small", "medium",
    "thumb", "thumbnail", "full", "fullsize", "main", "master", "standard", "square", "wide", "crop", "cropped",
    "landscape", "portrait", "preview", "lowres", "hires", "retina", "mobile", "desktop", "tablet"})


# a script that serves pictures (its name is no picture's), and the values of a query string
_SCRIPT_NAME = re.compile(r"\.(php\d?|aspx?|ashx|jsp|cgi|pl|py)$")
_QUERY_VALUE = re.compile(r"(?:^|&)[^=&]*=([^&]+)")


# size/quality renditions appended to one picture's name: "-s1200", "-c85", "_w640" (a "-860x484" suffix is
# left alone: WordPress names each crop so, and two crops of one upload can be two article images)
_RENDITION = re.compile(r"(?:[-_][swhcq]\d{2,4})+$", re.IGNORECASE)


def variant_key(url: str, key: str | None = None) -> str:
    """The picture's name without its rendition suffixes and extension, when it is long enough to be
    unique ("ap_16342669033405-ec3bdb8a…-s1800-c85.webp" and "…-s1200.jpg" are one photo); else "".
    `key` is the URL's `file_key` when the caller has it already."""
    key = file_key(url) if key is None else key
    if not key:
        return ""
    stem = _EXTENSION_ON.sub("", key)
    base = _RENDITION.sub("", stem)
    return f"~{base}" if base != stem and len(base) >= 16 else ""


def attach_noscript(found: list[Found], doc: Doc) -> list[Found]:
    """A <noscript> image belongs to the scripted image just before it in the same container."""
    kept: list[Found] = []
    positions: list[int] = []  # document positions of `kept`, ascending (`found` is in document order)
    for f in found:
        noscript = next((a for a in ancestors(f.node) if a.tag == "noscript"), None) if f.in_noscript else None
        twin = _twin_before(noscript, kept, positions, doc) if noscript is not None else None
        if twin is not None:
            twin.cands += f.cands
            twin.copies.append(f.node)
        else:
            kept.append(f)
            positions.append(f.index)
    return kept


MAX_TWIN_BOX = 1000  # characters of text in the box a scripted picture shares with its <noscript> copy (its caption)


def _twin_before(noscript: Node, kept: list[Found], positions: list[int], doc: Doc) -> Found | None:
    """The last kept picture before the <noscript>, inside its parent (or up to two levels higher), in a box
    of a picture and its caption, or right before it: an ad's <noscript> fallback further down an article
    whose paragraphs share a wrapper with a photo is no copy of that photo."""
    at = doc.index(noscript)
    last = bisect.bisect_left(positions, at) - 1
    if last < 0:
        return None
    twin = kept[last]
    container = noscript.parent
    for _ in range(3):
        if container is None:
            return None
        if doc.index(container) <= positions[last]:
            after = next_element(twin.anchor)
            adjacent = after is not None and after.mem_id == noscript.mem_id
            return twin if adjacent or doc.text_length(container) <= MAX_TWIN_BOX else None
        container = container.parent
    return None




def merge_copies(found: list[Found]) -> list[Found]:
    """Merge records that name the same picture (same URL or same long file name)."""
    owner: dict[str, Found] = {}
    out: list[Found] = []
    for f in found:
        keys = same_picture_keys(f)
        if not keys:
            continue
        target = next((owner[k] for k in keys if k in owner), None)
        if target is None:
            out.append(f)
            target = f
        else:
            _absorb(target, f)
        for k in keys:
            owner.setdefault(k, target)
    return out


def _absorb(target: Found, other: Found) -> None:
    if other.rank > target.rank:  # the better copy decides where the picture sits and what it says
        for name in ("node", "anchor", "index", "hidden", "role", "caption", "credit", "caption_nodes", "notes",
                     "width", "height"):
            mine, theirs = getattr(target, name), getattr(other, name)
            setattr(target, name, theirs)
            setattr(other, name, mine)
    target.cands += other.cands
    target.copies.append(other.node)
    target.alt = target.alt or other.alt
    target.title = target.title or other.title


__all__ = ["Found", "anchor_of", "attach_noscript", "collect", "drop_repeated_placeholders", "file_key", "merge_copies",
           "same_picture_keys", "script_box", "script_slides", "variant_key"]


# --- gallery state in inline scripts -------------------------------------------------------------------------
_JS_OBJECT = re.compile(r"\{[^{}]{0,3000}\}")
_JS_PAIR = re.compile(r"""["']?([A-Za-z_][\w-]{0,30})["']?\s*:\s*(?:"((?:\\.|[^"\\]){0,3000})"|'((?:\\.|[^'\\]){0,3000})')""")
_JS_URL_KEYS = frozenset({"url", "src", "image", "img", "imageurl", "image_url", "imgurl", "path", "large", "full",
                          "original", "contenturl", "fullsize", "big", "hires", "zoom"})
_JS_CAPTION_KEYS = frozenset({"caption", "description", "desc", "legend", "imagecaption", "image_caption"})
_JS_CREDIT_KEYS = frozenset({"credit", "author", "copyright", "photographer", "credittext", "copyrightholder",
                             "imagecredit", "image_credit"})
_ANY_IMAGE_NAME = re.compile(r"\.(jpe?g|png|webp|gif|avif)\b", re.IGNORECASE)
_JS_KEYS = _JS_URL_KEYS | _JS_CAPTION_KEYS | _JS_CREDIT_KEYS
MAX_SCRIPT = 2_000_000  # characters of inline script read per page
MAX_SLIDES = 200


def _js_string(raw: str) -> str:
    try:
        text = jsontext.loads(f'"{raw}"', strict=True)
    except ValueError:
        text = raw.replace("\\'", "'").replace("\\/", "/")
    return jsontext.plain(text)


def script_box(script: Node) -> Node | None:
    """The box a gallery script sits in with its gallery: its parent (or grandparent), never <body>/<head>."""
    return next((a for a in ancestors(script, 3) if a.tag not in ("body", "html", "head")), None)


def script_slides(doc: Doc, base: str, near: list[int]) -> list[list[Found]]:
    """Slides a gallery keeps only in its inline script state (`images: [{url: …, author: …}, …]`), one
    list per script whose box holds one of the pictures at the document positions `near` (ascending):
    page-wide app state is never read. `extract` keeps a list only when it also names that picture (the
    gallery's visible slide): the rest are the gallery's hidden slides."""
    groups: list[list[Found]] = []
    budget, slides = MAX_SCRIPT, 0
    for script in doc.css("script:not([src])", needs="<script"):
        kind = attr(script, "type").lower()
        if kind and "javascript" not in kind and kind != "application/json":
            continue  # JSON-LD is read as structured data; templates are not state
        box = script_box(script)
        if box is None:
            continue
        start, end = doc.index(box), doc.end.get(box.mem_id, -1)
        if bisect.bisect_right(near, end) - bisect.bisect_left(near, start) <= 0:
            continue
        text = script.text(deep=True) or ""
        budget -= len(text)
        if budget < 0 or slides >= MAX_SLIDES:
            break
        if not _ANY_IMAGE_NAME.search(text):
            continue
        group: list[Found] = []
        for m in _JS_OBJECT.finditer(text):
            fields = {k.lower(): _js_string(a or b) for k, a, b in _JS_PAIR.findall(m.group(0))
                      if k.lower() in _JS_KEYS}
            url = next((v for k, v in fields.items() if k in _JS_URL_KEYS and IMAGE_EXT.search(v)
                        and not is_placeholder(v)), "")
            if not url:
                continue
            caption = next((v for k, v in fields.items() if k in _JS_CAPTION_KEYS and not IMAGE_EXT.search(v)), "")
            credit = next((v for k, v in fields.items() if k in _JS_CREDIT_KEYS), "")
            group.append(Found(node=script, anchor=script, index=doc.index(script),
                               cands=[Candidate(absolutize(url, base), "meta")], caption=caption, credit=credit,
                               notes=["slide named in a script's gallery state"]))
        if len(group) >= 2:
            groups.append(group[:MAX_SLIDES])
            slides += len(group)
    return groups


def same_picture_keys(f: Found) -> list[str]:
    """The keys `merge_copies` joins copies of one picture by (URLs, long file names, rendition stems), in the
    order of the candidates: a list, never a set, so that which copy a picture merges into does not depend on
    the process's string-hash seed."""
    keys: dict[str, None] = {c.url: None for c in f.cands if not is_placeholder(c.url)}
    for c in f.cands:
        key = file_key(c.url)
        if key:
            keys[key] = None
            variant = variant_key(c.url, key)
            if variant:
                keys[variant] = None
    return list(keys)
