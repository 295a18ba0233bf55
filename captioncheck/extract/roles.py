"""Is a picture part of the article (lead, inline, slideshow, chart) or page furniture?

Page furniture: tracking pixels, ads, logos, icons, avatars/author photos, teasers of other
articles (rails and lists, also inside <article>), placeholders, decoration. Decided from
where the picture sits (body container, lead zone under the title, nav/aside/footer), the names
of its ancestors, its declared size, its URL, and whether it links to another article (`teasers`).
"""

from __future__ import annotations

import bisect
import itertools
import re

from captioncheck.extract import within
from captioncheck.extract.dom import (
    Caseless,
    Doc,
    Node,
    ancestors,
    attr,
    attributes_of,
    tokens,
    visible_text,
)
from captioncheck.extract.images import Found
from captioncheck.extract.teasers import (
    MAX_TEASER_TEXT,
    caption_in_link,
    captioned_photo,
    found_by_structure,
    is_article_link,
    link_card,
    link_of,
    link_text,
    same_link_with_headline,
    teaser_row,
)
from captioncheck.extract.urls import IMAGE_EXT, is_placeholder, per_url, split_url
from captioncheck.extract.zones import Zones, same_title

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
_URL_FOLDERS = Caseless(r"/(?:[a-z]+[_-])?(ads?|ad_creatives?|banners?|logos?|icons?|avatars?|emojis?|flags?|pidgets|sprites?|"
                        r"buttons?|overlays?)/")  # (also "/download_buttons/", "/social-icons/", a player's "/overlays/")

_VIDEO = re.compile(r"(^|[\s_-])(video\w*|(?<!foto[_-])(?<!photo[_-])(?<!image[_-])(?<!gallery[_-])player|vhs|youtube|vimeo|jwplayer|yvp\w*)($|[\s_-])")
_URL_SIZES = (re.compile(r"(?<![\d.])(\d{2,4})x(\d{2,4})(?!\d)"), re.compile(r"/fit/c/(\d+)/(\d+)/"),
              re.compile(r"[?&]h=(\d+)&w=(\d+)"), re.compile(r"[?&]w=(\d+)&h=(\d+)"))
_URL_WIDTH = re.compile(r"/w(\d{2,4})/")
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "header"})
_WHOLE_PAGE = frozenset({"article", "main", "body", "html"})
_SLIDE_ROLE = Caseless(r"carousel|slide|gallery")


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
    link = link_of(f, doc)
    if link is not None and is_article_link(link, page_url):
        if same_link_with_headline(link, attr(link, "href"), doc) or (
                (caption_in_link(f, doc) or found_by_structure(f)) and link_text(link, doc)):
            return "teaser"
    return ""


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
    for depth, box in enumerate(within.ancestors(doc, f.node, PLAYER_CLIMB)):
        if doc.text_length(box) > MAX_TEASER_TEXT:
            return False
        start, end = doc.index(box), doc.end.get(box.mem_id, -1)
        at = bisect.bisect_left(players, start)
        if at < len(players) and players[at] == start and (depth < PLAYER_BESIDE or _PLAYING.intersection(attributes_of(box))):
            return True  # the picture lies inside the player's own element (a playlist item: its poster)
        if depth < PLAYER_BESIDE and bisect.bisect_right(players, end) > at:
            return True  # a player beside the picture in a small box
    return False


_PLAYING = frozenset({"data-duration", "data-playable", "data-video-id", "data-videoid", "data-player"})  # (a media id
# names a photo as well: only these make a wrapper further up a player)
PLAYER_BESIDE = 3  # ancestors of a picture whose box, holding a player, makes the picture its poster
PLAYER_CLIMB = 6  # ancestors looked at for the player's own element (a playlist item wraps its poster in five)


def _url_role(f: Found, best: str, small: str, doc: Doc) -> str:
    """Furniture told by the URL: trackers, named files, thumbnail sizes, svg ornaments, video posters."""
    if (_tracker(best) and not f.caption) or small == "tracking" or _beacon(best):
        return "tracking"
    role = _url_furniture(best)
    if role and not captioned_photo(f):  # a file's name never demotes a captioned, full-size photo
        return role
    if any(_VIDEO.search(tokens(a)) for a in within.ancestors(doc, f.node, 3) if a.tag not in _WHOLE_PAGE):
        return "decoration"  # (an <article>'s "format-video" says what the whole post is, not what this picture is)
    if _url_small(best) and not captioned_photo(f):
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
    if _tracking_place(f"{parts.netloc}{folder}/"):
        return True
    return not IMAGE_EXT.search(name) and _TRACKERS.found_in(url)


@per_url
def _tracking_place(place: str) -> bool:
    """A tracker's host or folder ("hostfolder/"), asked once per place (a page's pictures share a few)."""
    return _TRACKERS.found_in(place)


def _name_role(f: Found, doc: Doc, zones: Zones) -> str:
    """Furniture told by the names (class/id/role) and tags of the picture's ancestors."""
    in_main = zones.main is not None and doc.contains(zones.main, f.node)
    main_depth = _depth_to(f.node, zones.main, doc) if in_main and zones.main is not None else 10**6
    big = (f.width or 0) >= 200 or "caption: figure" in f.notes
    named_photo = captioned_photo(f) or HEADLINE_ALT in f.notes
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
        if not in_main and tag in _CHROME_TAGS and not _is_article_header(tag, f, zones, doc) and not _own_box(tag, node, doc):
            return "teaser" if tag != "nav" else "icon"
        if _TEASER.search(names) and (not (f.caption or f.credit) or found_by_structure(f)):
            return "teaser"
    return ""


MAX_OWN_BOX_LINKS = 20  # characters of link text an <aside>/<header> around one picture may hold (a share button's)


def _own_box(tag: str, box: Node, doc: Doc) -> bool:
    """An `<aside>` or `<header>` that holds this picture and no other, with next to no link text: the picture's own
    box (a lead-art embed `<aside class="embed" data-content-size="leadart">`, a post's header photo), not a rail
    or a teaser (which link to other pages)."""
    return tag in ("aside", "header") and doc.count_images(box) == 1 and doc.link_length(box) <= MAX_OWN_BOX_LINKS


HEADLINE_ALT = "alt is the headline"  # note set by `extract`: the picture's alt text is the page's own headline
PROSE = 1500  # characters of text outside links: an article's worth, more than any rail or teaser list holds


def _holds_prose(node: Node, doc: Doc) -> bool:
    """A layout wrapper around the article text ("lm-grid--with-right-rail", "l-sidebar-fixed"): its
    names describe the page layout, not the picture."""
    length = doc.text_length(node)
    return length >= PROSE and length - doc.link_length(node) >= 0.7 * length


def _url_furniture(url: str) -> str:
    """Furniture named by its file, folder or host name (logo.png, /ads/, ad.example.com, pin_it_button.png)."""
    parts = split_url(url)
    folder, _, name = parts.path.lower().rpartition("/")
    host = parts.netloc.lower()
    if not (_furniture_name(name) or _furniture_place(f"{host}/{folder}")):
        return ""
    where = f"{host}/{folder}/{name}"
    for role, rx in (("logo", r"logo|sprite"), ("ad", r"(^|[/_.-])ads?([-_/.]|$)|banner|ad_creative"),
                     ("avatar", r"avatar|profil|autor|author|redakteur|headshot|gravatar")):
        if re.search(rx, where):
            return role
    return "icon"


@per_url
def _furniture_place(place: str) -> bool:
    """Furniture named by its folder or host ("host/folder", lower case; a host holds no "/"), asked once per
    place (a page's pictures share a few)."""
    host, _, folder = place.partition("/")
    return _URL_FOLDERS.found_in(folder + "/") or host.startswith(("ad.", "ads.", "banner.", "banners.")) \
        or bool(_SHARE_HOST.search(host.split(":")[0]))


_PHOTO_FILE = re.compile(r"\.(jpe?g|webp|avif|heic)$")


def _furniture_name(name: str) -> bool:
    """A file name (lower case) that names furniture: "logo.png", "sitelogo.svg", "share-icon.gif", "icon_fb.jpg",
    "profilbild.jpg". In a photo's file (JPEG, WebP...) the word must not end a longer word: "silicon-valley.jpg",
    "sparrow.jpg", "fbappicon1_1020.jpg" name photos (a word that starts one still counts: German compounds
    such as "autorenbild", "profilbild" name author photos)."""
    photo = _PHOTO_FILE.search(name) is not None
    return any(not photo or not (m.start() and name[m.start() - 1].isalpha()) for m in _URL_FURNITURE.plain.finditer(name))


# an image CDN's resize parameters written base64-encoded in one path segment ("/res/1.2/<sig>/YXBwaWQ9...-/http://...",
# "appid=ynews;fi=fill;h=113;w=150"); "-" and "~" pad it where "=" would be
_ENCODED_SEGMENT = re.compile(r"/([A-Za-z0-9_-]{16,}[~=]{0,2})(?=/)")
_ENCODED_SIZE = {key: re.compile(rf"(?:^|[;&,]){key}=(\d+)") for key in ("w", "h")}


def _encoded_sizes(url: str) -> str:
    """The resize parameters a path segment of `url` holds base64-encoded, as a query ("?w=150&h=113"), or ""."""
    import base64
    import binascii

    for m in _ENCODED_SEGMENT.finditer(url.split("?", 1)[0]):
        segment = m.group(1).rstrip("-~=")
        try:
            text = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if "=" not in text or not text.isprintable():
            continue
        dims = {key: rx.search(text) for key, rx in _ENCODED_SIZE.items()}
        if dims["w"] and dims["h"]:
            return f"?w={dims['w'].group(1)}&h={dims['h'].group(1)}"
    return ""


def _url_small(url: str) -> bool:
    """The URL names a thumbnail size (…/w140/…, 96x150, /fit/c/80/80/, ?h=17&w=0, or such parameters written
    base64-encoded in a path segment)."""
    if "/" in url and len(url) < 4096:
        url += _encoded_sizes(url)
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
    if _beside_main(f, doc, zones) or _above_title(f, doc, zones) or _in_title_header(f, doc, zones):
        return True
    urls = f.urls() if f.caption else []
    return bool(f.caption) and not found_by_structure(f) and not is_placeholder(urls[0] if urls else "")


MAX_HEADER_WALK = 300  # elements of a <header> looked through for its headline


def _in_title_header(f: Found, doc: Doc, zones: Zones) -> bool:
    """A visible picture inside a `<header>` (up to four levels up) that holds no other picture and whose `<h1>` says
    the page's headline: the post's own header photo, wherever the page's first `<h1>` (a sticky bar's copy of the
    headline) put the title zone."""
    title = zones.title
    if title is None or f.hidden or f.index < 0 or doc.in_link[f.index]:
        return False
    header = next((a for a in within.ancestors(doc, f.node, 4) if a.tag == "header"), None)
    if header is None or doc.count_images(header) != 1:
        return False
    start = doc.index(header)
    end = min(doc.last[start], start + MAX_HEADER_WALK)
    headline = visible_text(title, limit=200)
    return any(doc.tags[i] == "h1" and same_title(visible_text(doc.nodes[i], limit=200), headline)
               for i in range(start + 1, end + 1))


_GRAPHIC_FILE = re.compile(r"\.(png|gif|svg)$", re.IGNORECASE)
MAX_ABOVE_TITLE = 40  # characters of text (a kicker, a date) between a hero picture and the headline under it
_ABOVE_TITLE_WALK = 80  # elements walked from the picture to the headline


def _above_title(f: Found, doc: Doc, zones: Zones) -> bool:
    """A visible picture right above the page's own headline, nothing between them but wrappers and a few words
    (a kicker, a date): the hero picture a story page opens with (`<div><img></div><header><h1>…`), told by
    where it stands where no name or size says so."""
    title = zones.title
    if title is None or f.hidden or f.index < 0 or doc.in_link[f.index]:
        return False  # (a linked picture above a headline is a logo's, an ad's or a teaser's)
    urls = f.urls()
    if not urls or _GRAPHIC_FILE.search(split_url(urls[0]).path):
        return False  # a logo or a channel's badge (a photo is a JPEG, WebP, AVIF... or a URL without a type)
    title_at = doc.index(title)
    start = doc.last[f.index] + 1
    if not 0 < title_at - start <= _ABOVE_TITLE_WALK:
        return False
    between = 0
    for i in range(start, title_at):
        if doc.last[i] >= title_at or doc.hidden[i]:
            continue  # a box around the headline (its text is the headline's), or hidden
        if doc.image_at and doc.tags[i] == "img":
            return False  # another picture between: the one right above the headline is the hero
        if doc.parents[i] < start or doc.last[doc.parents[i]] >= title_at:
            between += doc.readable_len[i]  # (counted at the outermost element between, once)
        if between > MAX_ABOVE_TITLE:
            return False
    return True


def _beside_main(f: Found, doc: Doc, zones: Zones) -> bool:
    """A captioned/credited (or declared-large) picture just above the body, in the same story container
    (the lead above the title, a featured image between the headline and the text)."""
    main = zones.main
    large = (f.width or 0) >= 400 and (f.height or 200) >= 200  # a featured image above the body, uncaptioned
    named = bool(f.caption or f.credit) and not found_by_structure(f)
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
