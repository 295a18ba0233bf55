"""Page -> every article image with its caption, credit and context (`extract`).

Steps, one module each: parse (dom) -> page facts (metadata) -> where the article is (zones) ->
pictures and their URLs (images, urls) -> captions and credits (captions, credits) -> article or
furniture (roles) -> merge copies -> context and selectors (context). No torch, no network.

`extract_records` gives plain records (`captioncheck._records`), what `captioncheck extract`
prints without importing pydantic; `extract` gives the pydantic models of the public schema.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from captioncheck._records import ARTICLE_ROLES, ExtractRecord, ImageRecord, PageRecord
from captioncheck.extract import images as imgs
from captioncheck.extract import within
from captioncheck.extract.caption_text import unbracketed
from captioncheck.extract.captions import CaptionFinder
from captioncheck.extract.context import TextBlocks, around, css_selector
from captioncheck.extract.credits import LABELS, labelled_credit, split_credit
from captioncheck.extract.dom import (
    GC_PAUSE_CHARS,
    Doc,
    Node,
    attr,
    collapse,
    gc_paused,
    last_children,
    remembered_attributes,
    visible_lines,
)
from captioncheck.extract.metadata import MAX_ARTICLE_TEXT, OWN_TEXT, page_info
from captioncheck.extract.roles import (
    HEADLINE_ALT,
    article_role,
    furniture_role,
    in_article,
    in_gallery,
    link_card,
    names_page_image,
    teaser_row,
)
from captioncheck.extract.urls import forget_urls
from captioncheck.extract.zones import find_zones, same_title
from captioncheck.load import PageSource, join_url, load_page

if TYPE_CHECKING:
    from collections.abc import Iterable

    from captioncheck._types import ExtractResult

# pictures extracted per page (real articles name at most a few hundred; the corpus's most, 102): a hostile page
# naming 20 000 costs what MAX_PICTURES of them cost (~0.1 ms each; those in article boxes first), and a 2 000-photo
# gallery is read whole
MAX_PICTURES = 2000
log = logging.getLogger(__name__)


def _source(source: PageSource | str | Path, url: str | None) -> PageSource:
    if isinstance(source, PageSource):
        if url:
            source.url = url
        return source
    return load_page(source, url)


def _base_url(doc: Doc, page_url: str) -> str:
    """Where relative URLs resolve: <base href> (itself relative to the page), else the page."""
    base = doc.css_first("base[href]", needs="<base")
    href = attr(base, "href") if base is not None else ""
    if href and not href.startswith(("javascript:", "#")):
        # a <base href> urljoin refuses (a broken IPv6 host): relative URLs resolve against the page
        return (join_url(page_url, href) or page_url) if page_url else href
    return page_url


def _first_paragraph(doc: Doc, zones_main_start: int) -> int:
    if not doc.vectorised:
        for p in doc.css("p"):
            idx = doc.index(p)
            if idx >= zones_main_start and doc.text_length(p) >= 80:
                return idx
        return 10**9
    idx = doc.first_with_text("p", max(zones_main_start, 0), 80)
    return idx if idx >= 0 else 10**9


def extract(source: PageSource | str | Path, url: str | None = None, all_images: bool = False,
            with_text: bool = True) -> ExtractResult:
    """Every article image of a page (all images with `all_images`) with caption, credit and context."""
    page = _source(source, url)
    with _collection_paused(page.html):  # (the records' models too: thousands on a page of pictures)
        return as_result(extract_records(page, None, all_images, with_text))


def as_result(record: ExtractRecord) -> ExtractResult:
    """The plain records as the pydantic models of the public schema (`ExtractResult`)."""
    from captioncheck._types import ExtractResult

    return ExtractResult.model_validate(record, from_attributes=True)


def extract_records(source: PageSource | str | Path, url: str | None = None, all_images: bool = False,
                    with_text: bool = True) -> ExtractRecord:
    """What `extract` gives, as plain records (no pydantic: the fast path of `captioncheck extract`)."""
    page = _source(source, url)
    with _collection_paused(page.html):
        doc = Doc.parse(page.html)
        try:
            with remembered_attributes(doc):
                return _extract_doc(doc, page, all_images, with_text)
        finally:
            forget_urls()  # (a server keeps nothing of the pages it read)


def _collection_paused(html: str) -> AbstractContextManager[None]:
    """No cyclic garbage collection while a large page is extracted (from GC_PAUSE_CHARS characters): each
    collection walks every object alive, the page's hundreds of thousands of nodes, table entries and
    records among them, and extraction makes no cycles worth collecting before it ends (a 2 MB page of
    2 000 pictures ran 60-150 collections, 10-20 % of its time). On an ordinary page nothing changes."""
    return gc_paused() if len(html) >= GC_PAUSE_CHARS else nullcontext()


def _extract_doc(doc: Doc, page: PageSource, all_images: bool, with_text: bool) -> ExtractRecord:
    info = page_info(doc, doc.html, page.url, page.charset, with_text=with_text)
    base = _base_url(doc, page.url)
    found = _pictures(doc, base, page)
    _add_page_image(found, info)
    zones = find_zones(doc, info.title)
    og_keys = _og_keys(info)
    _structured_captions(found, info)
    _classify(found, doc, zones, page.url, og_keys, info.title)
    found += _gallery_state(doc, base, found)
    found = sorted(imgs.merge_copies(found), key=lambda f: f.index)
    skip = {n.mem_id for f in found for n in f.caption_nodes}
    blocks = TextBlocks(doc, zones.main, skip)
    if with_text and not info.text and doc.memo.get(OWN_TEXT):
        info.text = blocks.joined(MAX_ARTICLE_TEXT + 1)  # huge page (or trafilatura past its budget): its own blocks
    if len(info.text) > MAX_ARTICLE_TEXT:  # no article is this long: the cross-checks read its beginning
        info.text = info.text[:MAX_ARTICLE_TEXT].rsplit("\n", 1)[0]
    _article_credit(found, doc, zones)
    _publisher_credit(found, info.site_name)
    _byline_credit(found, info.authors)
    out: list[ImageRecord] = []
    positions: dict[int, tuple[bool, dict[int, int]]] = {}  # sibling positions for selectors, counted once per parent
    for f in found:
        if not all_images and f.role not in ARTICLE_ROLES:
            continue
        out.append(_record(f, page, blocks, len(out), positions))
    return ExtractRecord(page=info, images=out)


def _pictures(doc: Doc, base: str, page: PageSource) -> list[imgs.Found]:
    found, named = imgs.collect(doc, base, limit=MAX_PICTURES)
    if named > MAX_PICTURES:  # no article has this many: those in article boxes first (`images.collect`), say so
        log.warning("page names %d pictures: only %d are extracted, those inside the article first", named, MAX_PICTURES)
    imgs.drop_repeated_placeholders(found)
    found = imgs.attach_noscript(found, doc)
    for f in found:
        f.cands = imgs.strongest([c for c in f.cands if c.url])  # with its <noscript> twins' URLs
        for c in f.cands if page.local_images else ():  # a "Webpage, Complete" copy: name the saved file, not a made-up web address
            copy = page.local_copy(c.url)
            if isinstance(copy, Path):
                c.url = copy.as_uri()
    return found


def _add_page_image(found: list[imgs.Found], info: PageRecord) -> None:
    """og:image / JSON-LD image name the lead's full-size URL: add it to the picture with that file."""
    from urllib.parse import unquote

    from captioncheck.extract.urls import Candidate

    page_urls = _page_image_urls(info)  # in order: a set's order would change with the hash seed
    if not page_urls:
        return
    names = [[(imgs.file_key(c.url), unquote(c.url)) for c in f.cands] for f in found]  # once per picture
    for url in page_urls:
        key = imgs.file_key(url)
        bare = url.split("://", 1)[-1]  # an image proxy (thumbor, cloudimg) embeds the original in its own URL
        for f, named in zip(found, names):
            same = any((key and name == key) or (len(bare) > 20 and bare in plain) for name, plain in named)
            if same and all(c.url != url for c in f.cands):
                f.cands.append(Candidate(url, "meta"))
                break


def _gallery_state(doc: Doc, base: str, found: list[imgs.Found]) -> list[imgs.Found]:
    """Slides named only in a gallery's script state, when the gallery's visible slide is an article image."""
    article = [f for f in found if f.role in ARTICLE_ROLES]
    groups = imgs.script_slides(doc, base, sorted(doc.index(f.node) for f in article))
    shown = {k: f for f in article for k in imgs.same_picture_keys(f)} if groups else {}
    out: list[imgs.Found] = []
    for group in groups:
        box = imgs.script_box(group[0].node)  # the gallery's own box
        visible = [shown[k] for s in group for k in imgs.same_picture_keys(s) if k in shown]
        if box is not None and any(doc.contains(box, f.node) for f in visible):
            for s in group:
                s.role = "slideshow"
            out += group
    return out


def _structured_captions(found: list[imgs.Found], info: PageRecord) -> None:
    """A JSON-LD ImageObject that names a picture of the page (same URL or file name) gives its caption and
    credit where the page shows none; its URL goes to the picture's `urls`."""
    from captioncheck.extract.urls import Candidate

    if not any(image.caption or image.credit for image in info.jsonld_images):
        return
    by_key: dict[str, list[imgs.Found]] = {}
    for f in found:
        for key in imgs.same_picture_keys(f):
            by_key.setdefault(key, []).append(f)
    for image in info.jsonld_images:
        if not (image.caption or image.credit):
            continue
        probe = imgs.Found(node=None, anchor=None, index=-1, cands=[Candidate(image.url, "meta")])  # type: ignore[arg-type]
        matched = {id(f): f for k in imgs.same_picture_keys(probe) for f in by_key.get(k, [])}
        for f in matched.values():
            f.structured = (image.caption, image.credit)
            if all(c.url != image.url for c in f.cands):
                f.cands.append(Candidate(image.url, "meta"))


# one credit line for the whole article, at its end: "[사진=MBC, SBS]", "Photos: AFP", "题图来自 Hater"
_LEAD_ONLY = r"题图|題圖|头图|頭圖|封面图|(?:header|top|cover|lead)\s+(?:image|photo|picture)"
_ARTICLE_CREDIT = re.compile(
    rf"^[\[(（【]?\s*((?:(?P<lead>{_LEAD_ONLY})|{LABELS})\s*(?:[=:：]|来自|來自|提供|\bby\b)\s*[^\[\]()（）【】]{{2,60}}?)"
    r"\s*[\])）】]?\s*$", re.IGNORECASE)
MAX_CLOSING_NODES = 200  # nodes of the body read (from its end) for a closing credit line


def _article_credit(found: list[imgs.Found], doc: Doc, zones) -> None:
    """An article-wide credit line among the body's last lines credits every article image without one
    (a "title image" line only the lead)."""
    pictures = [f for f in found if f.role in ARTICLE_ROLES and not f.credit]
    if not pictures or zones.main is None:
        return
    captions = frozenset(n.mem_id for f in found for n in f.caption_nodes)
    for line in _closing_lines(doc, zones.main, captions)[-6:]:
        m = _ARTICLE_CREDIT.match(line) if len(line) <= 80 else None
        if m is None:
            continue
        for f in pictures:
            if not m.group("lead") or f.role == "lead":
                f.credit = m.group(1).strip()
                f.notes.append("credit: article-wide line")
        return


def _publisher_credit(found: list[imgs.Found], site_name: str) -> None:
    """A "caption" that is only the publication's own name (og:site_name: "EL PAÍS" under its own chart) is the
    picture's credit: the publication made it."""
    own = _name_key(site_name)
    if not own:
        return
    for f in found:
        if f.caption and not f.credit and _name_key(f.caption) == own:
            f.caption, f.credit = "", f.caption
            f.notes.append("credit: the publication's own name")


# the article's byline as a "credit": "By", or "By <one of the page's authors>" ending the credit
_BYLINE = re.compile(r"(?:^|\s)(?:by|von|par|por|di|door|av|af)\b", re.IGNORECASE)


def _byline_credit(found: list[imgs.Found], authors: list[str]) -> None:
    """A credit that ends with the article's byline ("[Photo: RADsan/iStock] By Zach Hanlon" when the page names Zach
    Hanlon its author, or "By" alone: the byline's name in a link that was not read) loses it: the byline after a
    lead photo names who wrote the article, not who took the picture. "Photo by Zach Hanlon" stays a credit."""
    keys = {_name_key(author) for author in authors} - {""}
    for f in found:
        tail = f.credit[-120:]
        bylines = list(_BYLINE.finditer(tail))
        if not bylines:
            continue
        last = bylines[-1]  # the last "By" of the credit
        start = len(f.credit) - len(tail) + last.start()
        name = f.credit[start + len(last.group(0)):].strip()
        if name and _name_key(name) not in keys:
            continue
        before = f.credit[:start].rstrip()
        if _LABEL_BEFORE_BY.search(before):  # "Photo by", "Foto von": the photographer
            continue
        f.credit = unbracketed(before)
        f.notes.append("credit: byline dropped")


_LABEL_BEFORE_BY = re.compile(rf"(?:{LABELS}|photographed|taken|shot|image|picture)\s*$", re.IGNORECASE)


def _name_key(text: str) -> str:
    """A name compared as written, less case, accents' forms and punctuation ("El País." == "EL PAÍS")."""
    return " ".join("".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum() or c.isspace()).split())


def _closing_lines(doc: Doc, main: Node, skip: frozenset[int], want: int = 6) -> list[str]:
    """The last visible lines of the article body, read backwards from its end (a bounded number of
    nodes, whatever the page's size); figures and captions are left out: their credit is their own."""
    lines: list[str] = []
    stack: list[Node] = [main]  # nodes still to read, the one nearest the end on top
    budget = MAX_CLOSING_NODES
    while stack and len(lines) < want and budget > 0:
        node = stack.pop()
        budget -= 1
        if node.tag == "-text":
            text = collapse(node.text_content or "")
            lines[:0] = [text] if text else []
        elif node.mem_id in skip or node.tag in ("figure", "figcaption", "script", "style", "noscript", "-comment"):
            continue
        elif node is main or doc.text_length(node) > 1000:  # a wrapper: read its children from the end
            stack.extend(last_children(node, MAX_CLOSING_NODES))
        elif 2 * doc.link_length(node) > doc.text_length(node):
            continue  # mostly a link: "PHOTOS: <a>Earthquake shakes the coast</a>" leads to a gallery, credits nothing
        else:
            lines[:0] = visible_lines(node, limit=2000, exclude=skip)
    return lines


def _page_image_urls(info: PageRecord) -> list[str]:
    """The lead picture's URLs the page names in its metadata: og:image first, then the first JSON-LD image."""
    urls = [info.og_image] if info.og_image else []
    return list(dict.fromkeys(urls + [i.url for i in info.jsonld_images[:1]]))


def _og_keys(info: PageRecord) -> set[str]:
    return set(_page_image_urls(info))


def _classify(found: list[imgs.Found], doc: Doc, zones, page_url: str, og_keys: set[str], title: str) -> None:
    finder = CaptionFinder(doc, [f.node for f in found])
    first_para = _first_paragraph(doc, zones.main_start)
    slides = _attribute_slides(found) | _captioned_hidden_rows(found, doc)
    for f in found:
        slide = f.hidden and (in_gallery(f.node) or id(f) in slides)  # a slide shown when the reader opens the gallery
        if slide or not f.hidden:  # a <noscript> picture left here is the only copy: its caption is read too
            hit = finder.find(f.anchor, f.node)
            f.caption, f.credit, f.caption_nodes = hit.caption, hit.credit, hit.nodes
            if hit.how:
                f.notes.append(f"caption: {hit.how}")
            if not f.caption and f.alt and "caption in attributes" in f.notes:
                f.caption = split_credit(f.alt)[0]  # the slide's own data-caption / data-description
            own = attr(f.node, "data-caption") or attr(f.node, "data-description")
            if not (f.caption or f.credit) and own and not own.startswith(("http", "/")):
                f.caption, f.credit = split_credit(own)  # a slide whose caption JS shows from its <img>
                f.notes.append("caption: data-caption")
        if f.alt and same_title(f.alt, title):
            f.notes.append(HEADLINE_ALT)  # the article's own picture: the headline is its alt text
        role = furniture_role(f, doc, zones, page_url)
        if not role and ((f.hidden and not slide) or not in_article(f, doc, zones, og_keys)):
            role = "decoration" if f.hidden else "teaser"
        f.role = role or ("slideshow" if slide else article_role(f, doc, zones, og_keys, first_para))
        if f.role in ARTICLE_ROLES and not names_page_image(f, og_keys) and (
                link_card(f, doc, page_url) or teaser_row(f, doc, page_url)):
            f.role = "teaser"
    leads = [f for f in found if f.role == "lead"]
    for f in leads[1:]:
        if not names_page_image(f, og_keys):
            f.role = "inline"
    named = tuple(name for name in _CREDIT_ATTRIBUTES if doc.may_hold(name))  # those the page's text holds
    for f in found:
        if not f.credit:
            f.credit = _data_credit(f, doc, named)
        caption, credit = f.structured
        if (caption or credit) and not (f.caption or f.credit):
            f.caption, f.credit = caption, credit
            f.notes.append("caption: structured data")
        elif credit and not f.credit:
            f.credit = credit


def _attribute_slides(found: list[imgs.Found]) -> set[int]:
    """Hidden pictures named only by attributes, each with its own caption there, two or more in one box:
    the slides a gallery's script shows (`<div style="display:none"><span data-big=… data-description=…>`),
    told by their shape where no name says "gallery"."""
    by_box: dict[int, list[imgs.Found]] = {}
    for f in found:
        if f.hidden and "caption in attributes" in f.notes and f.node.parent is not None:
            by_box.setdefault(f.node.parent.mem_id, []).append(f)
    slides = {id(f) for group in by_box.values() if len(group) >= 2 for f in group}
    return slides | _sibling_slides(found)


MIN_HIDDEN_SLIDES = 2  # hidden pictures beside a shown one of the same size that make a gallery's slides
MIN_CAPTIONED_SLIDES = 3  # hidden pictures, each in its own sibling box with its own caption, that make a gallery
MIN_SLIDE_CAPTION = 20  # characters of text (not links) in each such box


def _captioned_hidden_rows(found: list[imgs.Found], doc: Doc) -> set[int]:
    """Hidden pictures, each alone in its own box, the boxes siblings (three or more), every box holding text that is
    not a link (its caption): a gallery kept hidden until its script runs (`<div style="visibility:hidden">` around
    `<div><img><div>caption</div></div>` x 15), told by its shape where no name says "gallery". A hidden menu of
    teasers links its text and stays furniture."""
    slides: set[int] = set()
    for row in _rows_of_boxes(f for f in found if f.hidden):
        boxes = [f.anchor.parent for f in row]
        if len(row) >= MIN_CAPTIONED_SLIDES and all(
                doc.count_images(b) == 1 and doc.text_length(b) - doc.link_length(b) >= MIN_SLIDE_CAPTION for b in boxes):
            slides.update(id(f) for f in row)
    return slides


def _sibling_slides(found: list[imgs.Found]) -> set[int]:
    """Pictures of one declared size, each in its own box, the boxes siblings: the first shown, the others hidden
    (two or more): the slides of a gallery whose script shows one at a time, told by their shape where no name says
    "gallery" (`<div><img width=640 height=360><cite>…</cite></div>` then the same with `style="display:none"`)."""
    slides: set[int] = set()
    for row in _rows_of_boxes(f for f in found if f.width and f.height):
        hidden = [f for f in row if f.hidden]
        if MIN_HIDDEN_SLIDES <= len(hidden) < len(row) and len({(f.width, f.height) for f in row}) == 1:
            slides.update(id(f) for f in hidden)
    return slides


def _rows_of_boxes(pictures: Iterable[imgs.Found]) -> list[list[imgs.Found]]:
    """The pictures (none inside a <noscript>) grouped by the parent of their box, the groups in which each picture
    has a box of its own (sibling boxes, one picture each: a gallery's slides are laid out so)."""
    by_row: dict[int, list[imgs.Found]] = {}
    for f in pictures:
        box = f.anchor.parent
        if box is not None and box.parent is not None and not f.in_noscript:
            by_row.setdefault(box.parent.mem_id, []).append(f)
    return [row for row in by_row.values() if len({f.anchor.parent.mem_id for f in row}) == len(row)]


_CREDIT_ATTRIBUTES = ("data-credit", "data-copyright", "data-photographer", "data-attrib")


def _data_credit(f: imgs.Found, doc: Doc, named: tuple[str, ...] = _CREDIT_ATTRIBUTES) -> str:
    """A `data-credit` / `data-copyright` on the picture or its wrappers (up to its figure), else its
    alt or title when that is only a labelled credit. `named`: the credit attributes to look for (a page whose
    text names none of them, most pages, has none on any element: an attribute name is written as it is)."""
    from captioncheck.extract.dom import attrs, collapse

    for node in [f.node, *within.ancestors(doc, f.node, 4)] if named else ():
        for value in attrs(node, *named):
            if value:
                return collapse(value)
        if node.tag == "figure":
            break
    for value in (f.alt, f.title):  # an alt or title written as a credit line: "Photo: ČTK/Vít Šimánek"
        credit = labelled_credit(value or "")
        if credit:
            return credit
    return ""


def _chosen_url(urls: list[str]) -> str:
    """The picture's URL, read from `Found.urls()` (its URLs, placeholders left out, highest score first, the first
    of equally good ones first): the first one that is not a saved file, else the first (tests/extract/test_chosen_url.py
    holds it to the highest-scoring candidate)."""
    return next((u for u in urls if not u.startswith("file:")), urls[0] if urls else "")


def _record(f: imgs.Found, page: PageSource, blocks: TextBlocks, position: int,
            positions: dict[int, tuple[bool, dict[int, int]]]) -> ImageRecord:
    urls = f.urls()
    url = _chosen_url(urls)
    local = next((u for u in urls if page.local_copy(u) is not None), "") if page.local_images else ""
    before, after = around(blocks, f.index)
    local_path = page.local_copy(local) if local else None
    return ImageRecord(
        url=url, urls=[url] + [u for u in urls if u != url], caption=f.caption, credit=f.credit,
        alt=f.alt, title=f.title, context_before=before, context_after=after,
        selector=css_selector(f.node, positions, blocks.doc), role=f.role, position=position, width=f.width, height=f.height,
        local_path=str(local_path) if isinstance(local_path, Path) else (local or ""), notes=f.notes,
    )


__all__ = ["as_result", "extract", "extract_records"]
