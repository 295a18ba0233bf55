"""Is a picture part of the article (lead, inline, slideshow, chart) or page furniture?

Page furniture: tracking pixels, ads, logos, icons, avatars/author photos, teasers of other
articles (rails and lists, also inside <article>), placeholders, decoration. Decided from
where the picture sits (body container, lead zone under the title, nav/aside/footer), the names
of its ancestors, its declared size, its URL, and whether it links to another article.
"""

from __future__ import annotations

import bisect
import itertools
import re

from captioncheck.extract import within
from captioncheck.extract.captions import STRUCTURAL
from captioncheck.extract.dom import (
    HEADING_TAGS,
    Caseless,
    Doc,
    Node,
    ancestors,
    attr,
    attributes_of,
    tokens,
)
from captioncheck.extract.images import Found
from captioncheck.extract.urls import IMAGE_EXT, is_placeholder, split_url
from captioncheck.extract.zones import Zones

_TRACKERS = Caseless(r"scorecardresearch|facebook\.com/tr|/pixel|beacon|analytics|doubleclick|quantserve|"
                       r"mc\.yandex|counter\.|/tracking|top100|tns-counter|gemius|\bstat\.|/b\?|/p\?|amazon-adsystem|"
                       r"adsrvr|alexa\.com|cdn\.mxpnl|bat\.bing|google-analytics|googletagmanager|(?<![\w-])ad\.|/ads?/|tanx\.com|alicdn\.com/.*ad")
_AD = re.compile(r"(^|[\s_-])(ads?|advert\w*|banner\w*|dfp|gpt|sponsor\w*|reklam\w*|publicit\w*|werbung|anzeige|"
                 r"adslot|ad-?slot|ad-?container|ad-?unit|commercial|billboard|taboola|outbrain|plista)($|[\s_-])")
_LOGO = re.compile(r"(^|[\s_-])(logo\w*|masthead|site-?title|sprite)($|[\s_-])")
_AVATAR = re.compile(r"(^|[\s_-])(avatar\w*|author\w*|byline\w*|profile\w*|headshot|gravatar|user\w*|comment\w*|bio|"
                     r"autor\w*|journalist\w*|contributor\w*|writer\w*|img-autor)($|[\s_-])")
_ICON = re.compile(r"(^|[\s_-])(icons?|ico|share\w*|social\w*|emoji|emoticon|flag|arrow|btn|button|rating|stars?|"
                   r"weather|qr\w*|badge|app-?store|play-?store)($|[\s_-])")
_TEASER = re.compile(r"(^|[\s_-])(related\w*|relacionad\w*|teasers?|recommend\w*|recirc\w*|most-?\w*|mostread|popular\w*|"
                     r"trending|more-?\w*|read-?more|also|outbrain|taboola|promo\w*|newsletter|sidebar|rail|"
                     r"headlines|suggest\w*|empfehlung\w*|next-?(article|story|post|read)\w*|feed\w*|list-?item|post-?list|"
                     r"crp\w*|yarpp\w*|jp-relatedposts|ce_postinclude|postinclude|menu\w*|mega\w*|"
                     r"latest\w*|stream\w*|slider-?news|more-?from|"
                     r"nav|navigation|footer\w*|widget-?(list|posts|area)|"
                     r"paywall\w*|signwall\w*|subscri\w*|cta)($|[\s_-])")  # also calls to subscribe, sign in, act
_GALLERY = Caseless(r"gallery|galleri|slideshow|carousel|slider|diaporama|galerie|bxslider|swiper|fotostrecke")
_CHART = Caseless(r"chart|graph|diagram|infogra|map\b|karte|grafik")
_URL_FURNITURE = Caseless(
    r"logo|sprite|icon|button|(^|[_-])btn|avatar|profil|arrow|qr-?code|banner|^ad[-_]|ad_creative|"
    r"share|weixin|pin_?it|autor|author|redakteur|headshot|gravatar|emoji|placeholder|"
    r"(^|[_-])(print|rss|e?mail|whatsapp|facebook|twitter|telegram|linkedin)([_.-]|$)")
_URL_FOLDERS = Caseless(r"/(ads?|ad_creatives?|banners?|logos?|icons?|avatars?|emojis?|flags?|pidgets|sprites?)/")
_VIDEO = re.compile(r"(^|[\s_-])(video\w*|(?<!foto[_-])(?<!photo[_-])(?<!image[_-])(?<!gallery[_-])player|vhs|youtube|vimeo|jwplayer|yvp\w*)($|[\s_-])")
_URL_SIZES = (re.compile(r"(?<![\d.])(\d{2,4})x(\d{2,4})(?!\d)"), re.compile(r"/fit/c/(\d+)/(\d+)/"),
              re.compile(r"[?&]h=(\d+)&w=(\d+)"), re.compile(r"[?&]w=(\d+)&h=(\d+)"))
_URL_WIDTH = re.compile(r"/w(\d{2,4})/")
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "header"})
_VIEWER = Caseless(r"lightb|fancybox|photoswipe|gallery|zoom|enlarge|data-img|data-lightbox|modal")
_PHOTO_PAGE = Caseless(r"/(photo|image|img|media|gallery|foto|bild)s?[/.]|/elem/|img\.html")
_SLIDE_ROLE = Caseless(r"carousel|slide|gallery")
_A, _H1 = frozenset({"a"}), frozenset({"h1"})
_PICTURE_TAGS = frozenset({"img", "amp-img", "picture"})
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5"})


def _declared_small(f: Found) -> str:
    w, h = f.width, f.height
    if (w is not None and w <= 2) or (h is not None and h <= 2):
        return "tracking"
    if (w is not None and w < 90) or (h is not None and h < 60):
        return "icon"
    if w and h and _strip(w, h):
        return "decoration"
    return ""


def _strip(width: int, height: int) -> bool:
    """A strip (call-out banner, separator), not a photo: at most 120 px high and three times as wide."""
    return height <= 120 and width >= 3 * height


def furniture_role(f: Found, doc: Doc, zones: Zones, page_url: str) -> str:
    """The furniture role of a picture, or '' when nothing marks it as furniture."""
    urls = f.urls()
    if not urls:
        return "placeholder"
    small = _declared_small(f)
    role = _url_role(f, urls[0], small, doc) or _name_role(f, doc, zones)
    if role:
        return role
    if _beside_player(f, doc):
        return "decoration"  # a video's poster frame
    if small and (not f.caption or "caption: figure" not in f.notes):
        return small  # a caption met after a thumbnail is usually the next teaser's headline
    link = _link_of(f, doc)
    if link is not None and _is_article_link(link, page_url):
        if _same_link_with_headline(link, attr(link, "href"), doc) or (
                (_caption_in_link(f, doc) or _found_by_structure(f)) and _link_text(link, doc)):
            return "teaser"
    return ""


def link_card(f: Found, doc: Doc, page_url: str) -> bool:
    """The picture sits in a small card whose only text is a link to another page ("RELATED" cards and
    "Keep reading" callouts inside the body): a teaser, even when the picture itself is not linked."""
    if _captioned_photo(f):
        return False
    for node in within.ancestors(doc, f.anchor, 6):  # a <noscript> copy sits one level deeper
        length = doc.text_length(node)
        if not length:
            continue
        if length > 300 or _picture_count(node, doc) > 1 or (
                doc.link_length(node) < 0.8 * length and _heading_length(node, doc) < 0.9 * length):
            break
        return _links_away(node, doc, page_url)
    # a small <article> inside the page (a teaser module: headline link + summary), not the story itself
    card = next((a for a in within.ancestors(doc, f.anchor, 8) if a.tag == "article"), None)
    return (card is not None and doc.text_length(card) <= 600 and _picture_count(card, doc) == 1
            and within.first(doc, card, _H1) is None and _links_away(card, doc, page_url))


def teaser_row(f: Found, doc: Doc, page_url: str) -> bool:
    """A picture linked to another article inside one of a row of cards of one shape (three or more
    siblings of one tag and class, each holding a picture linked to a page of its own, with a short text):
    a "most read" or "related" rail inside the body, told by its shape and links, not by its names."""
    if _captioned_photo(f):
        return False
    link = _link_of(f, doc)
    if link is None or not _is_article_link(link, page_url):
        return False
    node = link
    for _ in range(6):
        card = node.parent
        if card is None or card.tag in ("body", "main", "article") or doc.text_length(card) > MAX_TEASER_TEXT:
            return False
        shape = (card.tag, attr(card, "class"))
        alike = [s for s in _element_siblings_all(card, MAX_ROW) if (s.tag, attr(s, "class")) == shape]
        if len(alike) >= 2:
            linked = [s for s in alike[:MAX_ROW] if doc.text_length(s) <= MAX_TEASER_TEXT and _linked_picture(s, doc, page_url)]
            if len(linked) >= 2:
                return doc.text_length(card) >= 15  # the card's headline
        node = card  # siblings of another shape (the card's own parts, on a page without classes): one level up
    return False


MAX_TEASER_TEXT = 300  # characters of one teaser card (headline, kicker, a line of summary)
MAX_ROW = 12  # siblings of a card compared with it


def _element_siblings_all(node: Node, limit: int) -> list[Node]:
    """Up to `limit` element siblings on each side of `node` (itself left out)."""
    out: list[Node] = []
    for step in ("prev", "next"):
        sib, seen = getattr(node, step), 0
        while sib is not None and seen < limit:
            if sib.tag not in ("-text", "-comment"):
                out.append(sib)
                seen += 1
            sib = getattr(sib, step)
    return out


def _linked_picture(box: Node, doc: Doc, page_url: str) -> bool:
    """Does the box hold a picture inside a link to another article?"""
    for a in itertools.islice(within.elements(doc, box, _A, has="href"), 4):
        if within.first(doc, a, _PICTURE_TAGS) is not None and _is_article_link(a, page_url):
            return True
    return False


_PLAYER_ATTRIBUTES = ("data-duration", "data-playable", "data-video", "data-video-id", "data-videoid", "data-player",
                      "data-mediaid", "data-media-id")
# the player attributes and tags a page's text names, each kind found in one pass over it (a substring test per
# name walked the text ten times); names are matched as written in lower case, as pages write them
_PLAYER_NAMES = re.compile(r"data-(" + "|".join(re.escape(n.removeprefix("data-")) for n in _PLAYER_ATTRIBUTES) + r")(?![\w-])")
_PLAYER_TAGS = re.compile(r"<(video|audio|VIDEO|AUDIO)[\s>]")


def _beside_player(f: Found, doc: Doc) -> bool:
    """The picture shares a small box with a video or audio player (a `<video>`/`<audio>`, an element
    carrying a player's data: `data-duration`, `data-playable`, `data-video-id`...): its poster frame.
    Attribute names survive where class names mean nothing."""
    players = doc.memo.get("players")
    if not isinstance(players, list):  # one query for all of them (each walks the whole page), names the text holds only
        if doc.html:
            selectors = sorted({f"[data-{m.group(1)}]" for m in _PLAYER_NAMES.finditer(doc.html)}
                               | {m.group(1).lower() for m in _PLAYER_TAGS.finditer(doc.html)})
        else:  # a Doc built around a tree: no text to look in
            selectors = [f"[{name}]" for name in _PLAYER_ATTRIBUTES] + ["video", "audio"]
        found = doc.css(", ".join(selectors)) if selectors else []
        players = doc.memo["players"] = sorted({doc.index(n) for n in found})
    if not players:
        return False
    for box in within.ancestors(doc, f.node, 3):
        if doc.text_length(box) > MAX_TEASER_TEXT:
            return False
        start, end = doc.index(box), doc.end.get(box.mem_id, -1)
        if bisect.bisect_right(players, end) > bisect.bisect_right(players, start):
            return True
    return False


def _picture_count(node: Node, doc: Doc, most: int = 3) -> int:
    """Pictures in the box, a `<noscript>` twin not counted again (counting stops after `most`)."""
    start = doc.index(node)
    if start < 0:
        return doc.count_images(node)
    end = doc.end.get(node.mem_id, start)
    count = 0
    first = at = bisect.bisect_left(doc.image_at, start)
    while at < len(doc.image_at) and doc.image_at[at] <= end and count < most:  # no slice: a body holds thousands
        if at - first >= 4 * most:
            return most  # that many <img>s are no one-picture card, <noscript> twins or not
        count += not doc.noscript[doc.image_at[at]]
        at += 1
    return count


def _heading_length(node: Node, doc: Doc) -> int:
    """Characters of the box's text inside headings (h1–h6 or role=heading): a callout whose only text is
    its headings ("Keep reading" / "The latest on <a>topic</a>") around an uncaptioned picture. Looks at
    most MAX_CARD elements of the box."""
    start = doc.index(node)
    if start < 0:
        return 0
    end, total, inside = min(doc.end.get(node.mem_id, start), start + MAX_CARD), 0, -1
    for idx in range(start + 1, end + 1):
        if idx <= inside:
            continue  # within a heading already counted
        tag = doc.tags[idx]
        if tag in HEADING_TAGS or (tag in ("div", "span", "p") and attr(doc.nodes[idx], "role") == "heading"):
            total += doc.text_len[idx]
            inside = doc.end.get(doc.nodes[idx].mem_id, idx)
    return total


MAX_CARD = 200  # elements of a small card looked at


def _links_away(node: Node, doc: Doc, page_url: str) -> bool:
    """Does the box hold a headline-long link to another article? (The box itself counts, as with
    selectolax's css(): a card that is one `<a>` around picture and headline links away, as meant.)"""
    links = (a for a in within.elements(doc, node, _A, has="href") if doc.text_length(a) >= 15)
    return any(_is_article_link(a, page_url) for a in itertools.islice(links, 5))


def _url_role(f: Found, best: str, small: str, doc: Doc) -> str:
    """Furniture told by the URL: trackers, named files, thumbnail sizes, svg ornaments, video posters."""
    if (_tracker(best) and not f.caption) or small == "tracking" or _beacon(best):
        return "tracking"
    role = _url_furniture(best)
    if role and not _captioned_photo(f):  # a file's name never demotes a captioned, full-size photo
        return role
    if any(_VIDEO.search(tokens(a)) for a in within.ancestors(doc, f.node, 3)):
        return "decoration"
    if _url_small(best) and not _captioned_photo(f):
        return "teaser"
    if best.lower().split("?")[0].endswith(".svg") and not f.caption:
        return "decoration"
    return ""


_BEACON_FILE = re.compile(r"\w{1,2}\.gif", re.IGNORECASE)
_SHARE_HOST = re.compile(r"share|addthis|gravatar|adserver|adsystem")


def _beacon(url: str) -> bool:
    """A one- or two-letter GIF that carries its data in the query ("l.gif?a=1.66&d=/2.252"): a beacon,
    whatever text follows it on the page."""
    parts = split_url(url)
    return bool(parts.query) and bool(_BEACON_FILE.fullmatch(parts.path.rpartition("/")[2]))


def _tracker(url: str) -> bool:
    """A tracking pixel told by its host or folder, or by an endpoint that is not an image file; the words
    of a photo's file name never count ("assad-army.jpg", "pixel-3-review.jpg", "beacon-hill.jpg")."""
    parts = split_url(url)
    folder, _, name = parts.path.rpartition("/")
    if _TRACKERS.found_in(f"{parts.netloc}{folder}/"):
        return True
    return not IMAGE_EXT.search(name) and _TRACKERS.found_in(url)


def _name_role(f: Found, doc: Doc, zones: Zones) -> str:
    """Furniture told by the names (class/id/role) and tags of the picture's ancestors."""
    in_main = zones.main is not None and doc.contains(zones.main, f.node)
    main_depth = _depth_to(f.node, zones.main, doc) if in_main and zones.main is not None else 10**6
    big = (f.width or 0) >= 200 or "caption: figure" in f.notes
    named_photo = _captioned_photo(f) or HEADLINE_ALT in f.notes
    for depth, node in enumerate(itertools.chain((f.node,), within.ancestors(doc, f.node))):
        tag, names = node.tag or "", tokens(node)
        if tag in ("body", "html") or depth >= main_depth or (
                depth and zones.main is not None and doc.contains(node, zones.main)) or (depth and _holds_prose(node, doc)):
            break  # the body container and what holds it describe the whole article, not this picture
        if _LOGO.search(names) or (depth == 0 and "logo" in f.alt.lower()):
            return "logo"
        if _AD.search(names) and not named_photo:  # "banner" also names a hero: a captioned photo is no ad
            return "ad"
        if _AVATAR.search(names) and not big:
            return "avatar"
        if _ICON.search(names) and not big and depth < 4:
            return "icon"
        if not in_main and tag in _CHROME_TAGS and not _is_article_header(tag, f, zones, doc):
            return "teaser" if tag != "nav" else "icon"
        if _TEASER.search(names) and (not (f.caption or f.credit) or _found_by_structure(f)):
            return "teaser"
    return ""


HEADLINE_ALT = "alt is the headline"  # note set by `extract`: the picture's alt text is the page's own headline
PROSE = 1500  # characters of text outside links: an article's worth, more than any rail or teaser list holds


def _holds_prose(node: Node, doc: Doc) -> bool:
    """A layout wrapper around the article text ("lm-grid--with-right-rail", "l-sidebar-fixed"): its
    names describe the page layout, not the picture."""
    length = doc.text_length(node)
    return length >= PROSE and length - doc.link_length(node) >= 0.7 * length


def _found_by_structure(f: Found) -> bool:
    """Its caption was found only by where a text stands (`captions.STRUCTURAL`): it reads the line, it
    does not make the picture an article photo."""
    return any(note.startswith("caption: ") and note[9:] in STRUCTURAL for note in f.notes)


def _captioned_photo(f: Found) -> bool:
    """Markup says it is a photo: its own <figure> gives it a caption or a credit."""
    return bool(f.caption or f.credit) and "caption: figure" in f.notes


def _url_furniture(url: str) -> str:
    """Furniture named by its file, folder or host name (logo.png, /ads/, ad.example.com, pin_it_button.png)."""
    parts = split_url(url)
    folder, _, name = parts.path.lower().rpartition("/")
    host = parts.netloc.lower()
    named = _URL_FURNITURE.found_in(name) or _URL_FOLDERS.found_in(folder + "/") or host.startswith(("ad.", "ads.")) \
        or _SHARE_HOST.search(host.split(":")[0])
    if not named:
        return ""
    where = f"{host}/{folder}/{name}"
    for role, rx in (("logo", r"logo|sprite"), ("ad", r"(^|[/_.-])ads?([-_/.]|$)|banner|ad_creative"),
                     ("avatar", r"avatar|profil|autor|author|redakteur|headshot|gravatar")):
        if re.search(rx, where):
            return role
    return "icon"


def _url_small(url: str) -> bool:
    """The URL names a thumbnail size (…/w140/…, 96x150, /fit/c/80/80/, ?h=17&w=0)."""
    for rx in _URL_SIZES:
        m = rx.search(url)
        if m:
            dims = [d for d in (int(m.group(1)), int(m.group(2))) if d]
            if dims and (min(dims) < 60 or max(dims) < 160 or (len(dims) == 2 and min(dims) < 100)):
                return True
    m = _URL_SIZES[0].search(url)  # "…_355x100px.png"
    if m and _strip(int(m.group(1)), int(m.group(2))):
        return True
    m = _URL_WIDTH.search(url)
    return bool(m and int(m.group(1)) < 160)


def _depth_to(node: Node, outer: Node, doc: Doc) -> int:
    for depth, anc in enumerate(within.ancestors(doc, node), start=1):
        if anc.mem_id == outer.mem_id:
            return depth
    return 10**6


def _is_article_header(tag: str, f: Found, zones: Zones, doc: Doc) -> bool:
    if tag != "header":
        return False
    header = next((a for a in ancestors(f.node) if a.tag == "header"), None)
    if header is None:
        return False
    return zones.title is not None and doc.contains(header, zones.title) or any(a.tag == "article" for a in ancestors(header))


def _caption_in_link(f: Found, doc: Doc) -> bool:
    """No caption, or the 'caption' is the teaser text inside the same link."""
    if not f.caption_nodes:
        return True
    link = _link_of(f, doc)
    return link is not None and all(_inside(n, link) for n in f.caption_nodes)


def _inside(node: Node, outer: Node) -> bool:
    return any(a.mem_id == outer.mem_id for a in ancestors(node))


def _link_of(f: Found, doc: Doc) -> Node | None:
    return next((a for a in itertools.chain((f.node,), within.ancestors(doc, f.node, 4)) if a.tag == "a"), None)


def _is_article_link(link: Node, page_url: str) -> bool:
    """A link to another HTML page (not the picture itself, a photo page or a viewer)."""
    href = attr(link, "href")
    if not href or href.startswith(("#", "javascript:")) or IMAGE_EXT.search(href):
        return False
    viewer = " ".join(attributes_of(link).keys()) + " " + tokens(link)
    if _VIEWER.found_in(viewer):
        return False  # opens the picture bigger, not another article
    target, here = split_url(href), split_url(page_url)
    if target.path and here.path and target.path.rstrip("/") == here.path.rstrip("/"):
        return False
    return not _PHOTO_PAGE.found_in(href)


def _link_text(link: Node, doc: Doc) -> bool:
    """The link (or its box) carries a headline."""
    container = link.parent if link.parent is not None and link.parent.tag != "p" else link
    if doc.text_length(container) >= 15:
        return True
    return doc.size(container) <= 500 and within.first(doc, container, _SUBHEADINGS) is not None


def _element_siblings(node: Node) -> list[Node]:
    """The element just before and just after `node`."""
    out: list[Node] = []
    for step in ("prev", "next"):
        sib = getattr(node, step)
        while sib is not None and sib.tag in ("-text", "-comment"):
            sib = getattr(sib, step)
        if sib is not None:
            out.append(sib)
    return out


def _links_by_href(doc: Doc) -> dict[str, list[int]]:
    """href -> document indices (ascending) of the links with a headline-long text (built once)."""
    table = doc.memo.get("links")
    if not isinstance(table, dict):
        table = {}
        for a in doc.css("a[href]", needs="<a"):
            if doc.text_length(a) >= 15:
                table.setdefault(attr(a, "href"), []).append(doc.index(a))
        doc.memo["links"] = table
    return table


def _same_link_with_headline(link: Node, href: str, doc: Doc) -> bool:
    """Teaser lists link the picture and, separately, the headline to the same article."""
    others = _links_by_href(doc).get(href, [])
    me = doc.index(link)
    j = bisect.bisect_left(others, me)
    mine = j < len(others) and others[j] == me  # the picture's own link has a headline too
    if len(others) <= mine:
        return False
    node = link
    for _ in range(4):
        parent = node.parent
        if parent is None or parent.tag == "body":
            return False
        scope = [parent] if parent.tag not in ("main", "article") else _element_siblings(node)
        for box in scope:
            start, end = doc.index(box), doc.end.get(box.mem_id, -1)
            inside = bisect.bisect_right(others, end) - bisect.bisect_left(others, start)
            if inside - (start <= me <= end and mine) > 0:
                return True
        if parent.tag in ("main", "article"):
            return False
        node = parent
    return False


def article_role(f: Found, doc: Doc, zones: Zones, og_keys: set[str], first_para: int) -> str:
    """lead / inline / slideshow / chart for a picture already known to belong to the article."""
    names = " ".join(tokens(a) for a in within.ancestors(doc, f.node, 6)) + " " + tokens(f.node)
    if _GALLERY.found_in(names):
        return "slideshow"
    if _CHART.found_in(names + " " + f.alt):
        return "chart"
    if f.index < first_para or names_page_image(f, og_keys):
        return "lead"
    return "inline"


def names_page_image(f: Found, og_keys: set[str]) -> bool:
    """Is one of the picture's URLs the page's own image (og:image, the first JSON-LD image)?"""
    return bool(og_keys) and not og_keys.isdisjoint(f.urls())  # (most pages name none: no URLs listed)


_GALLERY_TAGS = frozenset({"amp-carousel", "amp-lightbox", "amp-lightbox-gallery", "amp-story"})


def in_gallery(node: Node) -> bool:
    """Inside a gallery, carousel, slideshow or lightbox (by tag, name or ARIA role)."""
    for anc in ancestors(node, 12):
        if anc.tag in _GALLERY_TAGS or _GALLERY.found_in(tokens(anc)) or _SLIDE_ROLE.found_in(
                attr(anc, "aria-roledescription") + " " + attr(anc, "role")):
            return True
    return False


def in_article(f: Found, doc: Doc, zones: Zones, og_keys: set[str]) -> bool:
    """Does the picture sit where the article is (body, or between title and body), or is it the og:image?"""
    if zones.in_other_article(f.index):
        return False  # a follow-on story of an infinite-scroll page
    if zones.in_body(f.index):
        return True
    if zones.lead_start >= 0 and zones.lead_start <= f.index < max(zones.main_start, zones.lead_start + 1) + 0:
        return True
    if zones.lead_start >= 0 and zones.main_start >= 0 and zones.lead_start <= f.index <= zones.main_start:
        return True
    if names_page_image(f, og_keys) and not f.hidden:
        return True
    if _beside_main(f, doc, zones):
        return True
    urls = f.urls() if f.caption else []
    return bool(f.caption) and not _found_by_structure(f) and not is_placeholder(urls[0] if urls else "")


def _beside_main(f: Found, doc: Doc, zones: Zones) -> bool:
    """A captioned/credited (or declared-large) picture just above the body, in the same story container
    (the lead above the title, a featured image between the headline and the text)."""
    main = zones.main
    large = (f.width or 0) >= 400 and (f.height or 200) >= 200  # a featured image above the body, uncaptioned
    named = bool(f.caption or f.credit) and not _found_by_structure(f)
    if main is None or not (named or large) or f.index >= zones.main_start:
        return False
    for depth, story in enumerate(within.ancestors(doc, main)):
        if depth >= 3 or story.tag in ("body", "html"):
            return False
        if doc.contains(story, f.node):
            return True
    return False


__all__ = ["HEADLINE_ALT", "article_role", "furniture_role", "in_article", "in_gallery", "link_card", "names_page_image",
           "teaser_row"]
