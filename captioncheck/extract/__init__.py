"""Page -> every article image with its caption, credit and context (`extract`).

Steps, one module each: parse (dom) -> page facts (metadata) -> where the article is (zones) ->
pictures and their URLs (images, urls) -> captions and credits (captions, credits) -> article or
furniture (roles) -> merge copies -> context and selectors (context). No torch, no network.
"""

from __future__ import annotations

import logging
from pathlib import Path

from captioncheck._types import ARTICLE_ROLES, ExtractResult, ImageInContext, PageInfo
from captioncheck.extract import images as imgs
from captioncheck.extract.captions import CaptionFinder
from captioncheck.extract.credits import split_credit
from captioncheck.extract.context import TextBlocks, around, css_selector
from captioncheck.extract.dom import Doc, attr
from captioncheck.extract.metadata import MAX_ARTICLE_TEXT, MAX_TEXT_ELEMENTS, page_info
from captioncheck.extract.roles import article_role, furniture_role, in_article, in_gallery
from captioncheck.extract.urls import best
from captioncheck.extract.zones import find_zones
from captioncheck.load import PageSource, load_page


MAX_PICTURES = 3000
log = logging.getLogger(__name__)


def _source(source: PageSource | str | Path, url: str | None) -> PageSource:
    if isinstance(source, PageSource):
        if url:
            source.url = url
        return source
    return load_page(source, url)


def _base_url(doc: Doc, page_url: str) -> str:
    """Where relative URLs resolve: <base href> (itself relative to the page), else the page."""
    from urllib.parse import urljoin

    base = doc.tree.css_first("base[href]")
    href = attr(base, "href") if base is not None else ""
    if href and not href.startswith(("javascript:", "#")):
        return urljoin(page_url, href) if page_url else href
    return page_url


def _first_paragraph(doc: Doc, zones_main_start: int) -> int:
    for p in doc.css("p"):
        idx = doc.index(p)
        if idx >= zones_main_start and doc.text_length(p) >= 80:
            return idx
    return 10**9


def extract(source: PageSource | str | Path, url: str | None = None, all_images: bool = False,
            with_text: bool = True) -> ExtractResult:
    """Every article image of a page (all images with `all_images`) with caption, credit and context."""
    page = _source(source, url)
    doc = Doc.parse(page.html)
    info = page_info(doc, doc.html, page.url, page.charset, with_text=with_text)
    base = _base_url(doc, page.url)
    found = _pictures(doc, base, page)
    _add_page_image(found, info)
    zones = find_zones(doc, info.title)
    og_keys = _og_keys(info)
    _classify(found, doc, zones, page.url, og_keys)
    found = sorted(imgs.merge_copies(found), key=lambda f: f.index)
    skip = {n.mem_id for f in found for n in f.caption_nodes}
    blocks = TextBlocks(doc, zones.main, skip)
    if with_text and not info.text and len(doc.nodes) > MAX_TEXT_ELEMENTS:
        info.text = blocks.joined(MAX_ARTICLE_TEXT + 1)  # huge page: the body's own paragraphs
    if len(info.text) > MAX_ARTICLE_TEXT:  # no article is this long: the cross-checks read its beginning
        info.text = info.text[:MAX_ARTICLE_TEXT].rsplit("\n", 1)[0]
    out: list[ImageInContext] = []
    positions: dict[int, dict[int, int]] = {}  # sibling positions for selectors, counted once per parent
    for f in found:
        if not all_images and f.role not in ARTICLE_ROLES:
            continue
        out.append(_record(f, page, blocks, len(out), positions))
    return ExtractResult(page=info, images=out)


def _pictures(doc: Doc, base: str, page: PageSource) -> list[imgs.Found]:
    found = imgs.collect(doc, base, limit=MAX_PICTURES + 1)
    if len(found) > MAX_PICTURES:  # no article has this many: keep the first ones, say so in the log
        log.warning("page names more than %d pictures: only the first %d are extracted", MAX_PICTURES, MAX_PICTURES)
        found = found[:MAX_PICTURES]
    imgs.drop_repeated_placeholders(found)
    found = imgs.attach_noscript(found, doc)
    for f in found:
        f.cands = imgs.strongest([c for c in f.cands if c.url])  # with its <noscript> twins' URLs
        for c in f.cands:  # a "Webpage, Complete" copy: name the saved file, not a made-up web address
            copy = page.local_copy(c.url)
            if isinstance(copy, Path):
                c.url = copy.as_uri()
    return found


def _add_page_image(found: list[imgs.Found], info: PageInfo) -> None:
    """og:image / JSON-LD image name the lead's full-size URL: add it to the picture with that file."""
    from captioncheck.extract.urls import Candidate

    for url in _og_keys(info):
        key = imgs.file_key(url)
        for f in found:
            if key and any(imgs.file_key(c.url) == key for c in f.cands) and all(c.url != url for c in f.cands):
                f.cands.append(Candidate(url, "meta"))
                break


def _og_keys(info: PageInfo) -> set[str]:
    keys = {info.og_image} if info.og_image else set()
    keys |= {i.url for i in info.jsonld_images[:1]}
    return keys


def _classify(found: list[imgs.Found], doc: Doc, zones, page_url: str, og_keys: set[str]) -> None:
    finder = CaptionFinder(doc, [f.node for f in found])
    first_para = _first_paragraph(doc, zones.main_start)
    for f in found:
        slide = f.hidden and in_gallery(f.node)  # a slide shown when the reader opens the gallery
        if (slide or not f.hidden) and not f.in_noscript:
            hit = finder.find(f.anchor, f.node)
            f.caption, f.credit, f.caption_nodes = hit.caption, hit.credit, hit.nodes
            if hit.how:
                f.notes.append(f"caption: {hit.how}")
            if not f.caption and f.alt and "picture named by attributes only" in f.notes:
                f.caption = split_credit(f.alt)[0]  # the slide's own data-caption / data-description
        role = furniture_role(f, doc, zones, page_url)
        if not role and ((f.hidden and not slide) or not in_article(f, doc, zones, og_keys)):
            role = "decoration" if f.hidden else "teaser"
        f.role = role or ("slideshow" if slide else article_role(f, doc, zones, og_keys, first_para))
    leads = [f for f in found if f.role == "lead"]
    for f in leads[1:]:
        if not og_keys & set(f.urls()):
            f.role = "inline"
    for f in found:
        if not f.credit:
            f.credit = _data_credit(f)


def _data_credit(f: imgs.Found) -> str:
    """A `data-credit` / `data-copyright` on the picture or its wrappers (up to its figure)."""
    from captioncheck.extract.dom import ancestors, collapse

    for node in [f.node, *ancestors(f.node, 4)]:
        for name in ("data-credit", "data-copyright", "data-photographer", "data-attrib"):
            if attr(node, name):
                return collapse(attr(node, name))
        if node.tag == "figure":
            break
    return ""


def _record(f: imgs.Found, page: PageSource, blocks: TextBlocks, position: int,
            positions: dict[int, dict[int, int]]) -> ImageInContext:
    urls = f.urls()
    chosen = best(f.cands)
    url = chosen.url if chosen is not None else (urls[0] if urls else "")
    local = next((u for u in urls if page.local_copy(u) is not None), "")
    before, after = around(blocks, f.index)
    local_path = page.local_copy(local) if local else None
    return ImageInContext(
        url=url, urls=[url] + [u for u in urls if u != url], caption=f.caption, credit=f.credit,
        alt=f.alt, title=f.title, context_before=before, context_after=after,
        selector=css_selector(f.node, positions), role=f.role, position=position, width=f.width, height=f.height,
        local_path=str(local_path) if isinstance(local_path, Path) else (local or ""), notes=f.notes,
    )


__all__ = ["extract"]
