"""What the page says about itself: title, language, date, site, authors, main text, JSON-LD/OpenGraph."""

from __future__ import annotations

import itertools
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

from captioncheck._records import JsonLdImageRecord, PageRecord
from captioncheck.extract import jsontext
from captioncheck.extract.cpu_budget import OverBudget, cpu_budget
from captioncheck.extract.dom import Doc, attr, attrs, collapse
from captioncheck.extract.pagedate import page_date
from captioncheck.extract.stopwords import use_shipped_table
from captioncheck.extract.urls import absolutize

log = logging.getLogger(__name__)
_DATE_META = ("article:published_time", "og:published_time", "datePublished", "date", "pubdate", "publishdate",
              "publish-date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
              "article.published", "cxenseparse:recs:publishtime", "og:article:published_time")


MAX_METAS = 5_000  # <meta> elements read (real pages carry at most a few hundred; 92 000 in a 1.2 MB body took ~0.6 s)


def meta_map(doc: Doc) -> dict[str, str]:
    """<meta property|name|itemprop=... content=...>, first value per lower-cased key (the first MAX_METAS metas)."""
    out: dict[str, str] = {}
    for m in itertools.islice(doc.css("meta", needs="<meta"), MAX_METAS):
        prop, name, itemprop, equiv, content, value = attrs(m, "property", "name", "itemprop", "http-equiv", "content", "value")
        key = (prop or name or itemprop or equiv).lower()
        value = content or value
        if key and value and key not in out:
            out[key] = value
    return out


def jsonld_objects(doc: Doc) -> list[dict[str, Any]]:
    objs: list[dict[str, Any]] = []
    for script in doc.css('script[type="application/ld+json"]', needs="<script"):
        raw = (script.text(deep=True) or "").strip()
        try:
            data = jsontext.loads(raw)
        except (ValueError, RecursionError):  # broken, or nested deeper than the decoder goes
            continue
        objs.extend(_flatten(data))
    return objs


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD document: top-level lists and `@graph`s opened (no recursion)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            if "@graph" in item:
                stack.append(item["@graph"])


def _types(obj: dict[str, Any]) -> list[str]:
    t = obj.get("@type", [])
    return [str(x) for x in (t if isinstance(t, list) else [t]) if x]


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list):
        return ", ".join(n for n in (_name(v) for v in value) if n)
    return ""


MAX_JSONLD_IMAGES = 500  # images read from a page's JSON-LD (real pages name a few dozen at most)


def jsonld_images(objs: list[dict[str, Any]], base: str, limit: int = MAX_JSONLD_IMAGES) -> list[JsonLdImageRecord]:
    """The images a page's JSON-LD names, in order, at most `limit` (a hostile page names 25 000)."""
    out: list[JsonLdImageRecord] = []
    for obj in objs:
        if len(out) >= limit:
            break
        if not any(t.endswith(("Article", "BlogPosting", "WebPage", "Report", "ImageObject")) for t in _types(obj)):
            continue
        images = obj.get("image") if "ImageObject" not in _types(obj) else obj
        for img in images if isinstance(images, list) else [images]:
            if len(out) >= limit:  # one object may list them all: each costs a urljoin
                break
            if isinstance(img, str):
                out.append(JsonLdImageRecord(url=absolutize(img, base), source="jsonld"))
            elif isinstance(img, dict) and (img.get("url") or img.get("contentUrl")):
                credit = _name(img.get("creditText") or img.get("copyrightHolder") or img.get("author") or "")
                out.append(JsonLdImageRecord(url=absolutize(str(img.get("url") or img.get("contentUrl")), base),
                                       caption=jsontext.plain(str(img.get("caption") or "")), credit=jsontext.plain(credit),
                                       source="jsonld"))
    return out[:limit]


def _article(objs: list[dict[str, Any]]) -> dict[str, Any]:
    for obj in objs:
        if any(t.endswith(("NewsArticle", "Article", "BlogPosting", "Report")) for t in _types(obj)):
            return obj
    return {}


def _language(doc: Doc, meta: dict[str, str], article: dict[str, Any], text: str) -> str:
    html = doc.tree.css_first("html")
    lang = (attr(html, "lang") or attr(html, "xml:lang")) if html is not None else ""
    lang = lang or str(article.get("inLanguage") or "") or meta.get("content-language", "") or meta.get("og:locale", "")
    if lang:
        return lang.replace("_", "-").split("-")[0].lower()
    if len(text) > 50:
        import py3langid

        return str(py3langid.classify(text[:2000])[0])
    return ""


def _date_values(doc: Doc, meta: dict[str, str], article: dict[str, Any]) -> Iterator[str]:
    """The page's own publication-date values, most specific source first."""
    for key in ("datePublished", "dateCreated"):
        if article.get(key):
            yield str(article[key])
    for key in _DATE_META:
        if meta.get(key.lower()):
            yield meta[key.lower()]
    for t in doc.css("time[datetime]", needs="<time"):
        if attr(t, "datetime"):
            yield attr(t, "datetime")


# above this, trafilatura is skipped and `extract` joins its own blocks (the same text on the corpus: median token F1
# 0.98 against trafilatura's). trafilatura costs ~37 us an element on a page of captioned cards, 0.2 us a character of
# prose: 0.89 s for a 2 MB page of 24 000 elements, ~0.22 s at this bound (news pages have 500-2 000 elements; a big
# live blog a few thousand)
MAX_TEXT_ELEMENTS = 6_000
# ... and above this many "<" in the text: lxml (trafilatura's parser) builds elements lexbor ignores (20 000 stray
# <td> outside any table, 1.5 MB: 8 elements for lexbor, 0.84 s of trafilatura's 1.04 s extract); a page of 6 000
# elements writes ~15 000
MAX_TEXT_TAGS = 4 * MAX_TEXT_ELEMENTS
# trafilatura's fallbacks (readability, jusText) are quadratic in siblings: readability looks along an empty element's
# siblings for the nearest one with text, from every empty element (2 000 empty slides in one box: 4 million steps,
# 1.4 s for a 0.7 MB page). Above this many (children x children, summed over elements) trafilatura runs without
# them (`fast`: its own extractor only, ~0.04 s there). The 101 corpus pages reach 41 000.
MAX_SIBLING_PAIRS = 500_000
MAX_ARTICLE_TEXT = 300_000  # characters of article text kept for the cross-checks (a long feature is ~50k)
# trafilatura's CPU budget: it took at most 0.24 s on the corpus and held-out pages (up to 2.5 MB); a hostile page made
# its tree cleaning quadratic (12 s for 1 MB: each deleted element's tail joined onto its neighbour's)
TEXT_CPU_S = 1.0
TEXT_CPU_PER_MB_S = 0.5
OWN_TEXT = "own_text"  # Doc.memo key: the article text is to be joined from the page's own blocks


def import_trafilatura_without_langid() -> None:
    """Import trafilatura without its optional language identifier, py3langid, which imports numpy
    (~0.15 s of a cold `captioncheck extract`). trafilatura uses it only to drop pages that are not
    in a `target_language`, which `main_text` never asks for, so the text is the same. Only for a
    process that is all ours (the `extract` command): a program that imports captioncheck may use
    trafilatura's language filter itself. Does nothing once either is imported."""
    if "trafilatura" in sys.modules or "py3langid" in sys.modules:
        return
    sys.modules["py3langid"] = None  # type: ignore[assignment]  # `import py3langid` raises ImportError meanwhile
    try:
        import trafilatura  # noqa: F401
    except Exception as exc:  # noqa: BLE001  main_text imports it again and says why it cannot
        log.debug("trafilatura cannot be imported: %s", exc)
    finally:
        if "py3langid" in sys.modules and sys.modules["py3langid"] is None:
            del sys.modules["py3langid"]  # our own language guess (pages without a declared language) imports it


def main_text(html: str, url: str, fast: bool = False) -> str | None:
    """Main article text by trafilatura (paragraphs separated by blank lines), for pages of at most
    MAX_TEXT_ELEMENTS elements; `fast`: without its readability/jusText fallbacks (quadratic in
    siblings, see MAX_SIBLING_PAIRS). None when it ran past its CPU budget (the caller joins its own blocks)."""
    try:
        import trafilatura

        use_shipped_table()  # its jusText fallback's stop words, read from one file (see `stopwords`)
        with cpu_budget(TEXT_CPU_S + TEXT_CPU_PER_MB_S * len(html) / 2**20):
            text = trafilatura.extract(html, url=url or None, include_comments=False, include_tables=False,
                                       include_images=False, deduplicate=False, favor_recall=True, fast=fast)
    except OverBudget:
        log.debug("trafilatura ran past its CPU budget on a %d-character page", len(html))
        return None
    except Exception as exc:  # noqa: BLE001  trafilatura raises assorted errors on odd markup; text is optional
        log.debug("trafilatura failed: %s", exc)
        return ""
    return re.sub(r"\n+", "\n\n", text or "").strip()


def sibling_pairs(doc: Doc) -> int:
    """Children x children, summed over the page's elements (what trafilatura's fallbacks may walk)."""
    return sum(n * n for n in Counter(doc.parents).values())


def page_info(doc: Doc, html: str, url: str, charset: str, with_text: bool = True) -> PageRecord:
    meta = meta_map(doc)
    objs = jsonld_objects(doc)
    article = _article(objs)
    title_node = doc.css_first("title", needs="<title")
    title = meta.get("og:title") or jsontext.plain(str(article.get("headline") or "")) or (
        title_node.text() if title_node else "")
    text = ""
    if with_text:
        small = len(doc.nodes) <= MAX_TEXT_ELEMENTS and html.count("<") <= MAX_TEXT_TAGS
        found = main_text(html, url, fast=sibling_pairs(doc) > MAX_SIBLING_PAIRS) if small else None
        if found is None:  # too large for trafilatura, or past its budget: `extract` joins the page's own blocks
            doc.memo[OWN_TEXT] = True
        text = found or ""
    publisher = article.get("publisher") or {}
    og_image = meta.get("og:image") or meta.get("og:image:url") or meta.get("twitter:image") or ""
    language = _language(doc, meta, article, text)
    return PageRecord(
        url=url,
        title=collapse(title),
        language=language,
        published=page_date(_date_values(doc, meta, article), html, url, text, language),
        site_name=collapse(meta.get("og:site_name") or jsontext.plain(_name(publisher))),
        description=collapse(meta.get("og:description") or meta.get("description") or ""),
        authors=[a for a in (collapse(x) for x in _name(article.get("author")).split(", ")) if a]
        or ([collapse(meta["author"])] if meta.get("author") else []),
        text=text,
        charset=charset,
        og_image=absolutize(og_image, url),
        jsonld_types=sorted({t for o in objs for t in _types(o)}),
        jsonld_images=jsonld_images(objs, url),
    )


__all__ = ["import_trafilatura_without_langid", "jsonld_objects", "main_text", "meta_map", "page_info"]
