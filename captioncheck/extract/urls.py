"""Every URL a page gives for one image, and which of them is the full-size picture.

Sources: `src`, `srcset` (spec-conforming parse: URLs may contain commas), lazy-load attributes
(`data-src`, `data-srcset`, `data-lazy-src`, `data-original`, ... any `data-*` that holds an image
URL), `<picture><source srcset>`, URL templates (`{{size}}` + `data-widths`), inline
`background-image`, a wrapping link to an image file, and `<meta itemprop=contentUrl>` next to it.
Placeholders (data: URIs, spacer/blank/lazy GIFs, repeated stand-ins) are recognised, not chosen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, wraps
from operator import itemgetter
from typing import Any, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit, uses_netloc

from captioncheck.extract.dom import Node, attributes_of, value_of

IMAGE_EXT = re.compile(r"\.(jpe?g|png|gif|webp|avif|bmp|tiff?|svg|heic)(?:$|[?#&/])", re.IGNORECASE)
# a lazy-load stand-in file: the word alone, at most with a size or a number ("blank.gif", "placeholder-16x9.png",
# "loading2.svg", "1x1.png"); a photo whose name merely starts with such a word ("grey-wolf.jpg") is not one
_PLACEHOLDER = re.compile(
    r"(^|[/_.-])(blank|spacer|pixel|placeholder|place-holder|fallback|preload(er)?|loader|loading|lazy(-?load)?|"
    r"transparent|grey|gray|empty|dummy|1x1|1px|clear|noimage|no-image|default-image|img-placeholder)"
    r"([_.-]?(\d+(x\d+)?|px|img|image|gif|white|black|bg|small|big|square|wide|\d+-\d+))?\.(gif|png|svg|jpe?g|webp)$"
    r"|^(t|s|x|p|px|1|0|dot|trans)\.(gif|png)$"
    r"|^(undefined|null|none|nan|false)$",  # a script's template filled with nothing: ".../w_800,h_450/undefined"
    re.IGNORECASE,
)
# what `background_urls` finds, as one regex: right, but each failed attempt scans to the next ";" (or
# the end) and backtracks over every "url(" there, so a long style attribute made it cubic
_BG_URL = re.compile(r"""background(?:-image)?\s*:[^;]*url\(\s*['"]?([^'")]+)['"]?\s*\)""", re.IGNORECASE)
_BG_DECLARATION = re.compile(r"background(?:-image)?\s*:", re.IGNORECASE)
_URL_OPEN = re.compile(r"url\(", re.IGNORECASE)
_URL_TAIL = re.compile(r"""\s*['"]?([^'")]+)['"]?\s*\)""")
_URL_STOP = re.compile(r"""['")]""")
_CLOSE_AFTER_QUOTE = re.compile(r"['\"]\s*\)")
_SPACES = re.compile(r"\s*")
_TEMPLATE = re.compile(r"\{\{?\s*(size|width|w)\s*\}?\}|%7B%7Bsize%7D%7D", re.IGNORECASE)
_SRC_ATTR = re.compile(r"^(data-)?(lazy-?|original-?|hi-?res-?|full-?|large-?|big-?|zoom-?|retina-?)*(src|original|img|image|url|pattern|full|large|big|zoom|hires|retina|fallback|lazy|orig)(-?(src|url|path|retina|set|large|big|full|\d+x?))*$", re.IGNORECASE)

# ranking of where a URL came from: higher is more likely the full-size picture
RANK = {"lazy": 6, "noscript": 5, "meta": 4, "template": 5, "srcset": 4, "source": 3, "src": 3, "link": 2, "background": 2}


@dataclass(slots=True)  # thousands per page of pictures: slots make each one cheaper to build and to read
class Candidate:
    url: str
    origin: str  # lazy | srcset | source | src | noscript | template | link | meta | background
    width: int = 0  # srcset width descriptor or template width, when known

    @property
    def score(self) -> float:
        width = self.width or url_width(self.url)
        return RANK.get(self.origin, 1) + min(width, 4000) / 1000.0


_T = TypeVar("_T")
_NAMED_SIZE = re.compile(r"[-_](\d{2,4})x(\d{2,4})\.[a-z]{3,4}(?:$|[?#])", re.IGNORECASE)


# Each picture's URLs are ranked and checked at every step that lists them (urls(), the record's URL, merging, the
# furniture rules): these pure answers are remembered per URL, for as many URLs as a page of MAX_PICTURES pictures
# keeps after its srcsets' widest (2 000 x ~33: fewer made every pass miss on 1 000 pictures of long srcsets, the
# oldest evicted before the pass came back to them), of up to MAX_CACHED_URL characters; `forget_urls` empties them
# after each page, so that a server keeps nothing of the pages it read.
MAX_CACHED_URL = 2048
MAX_CACHED_URLS = 1 << 17
_CACHES: list[Any] = []  # each per-URL cache (an `lru_cache` wrapper)


def per_url(answer: Callable[[str], _T]) -> Callable[[str], _T]:
    """`answer`, remembered for the last MAX_CACHED_URLS URLs of up to MAX_CACHED_URL characters (the stdlib's
    own 128-entry caches thrash on a page of thousands of pictures); longer URLs are answered afresh."""
    cached = lru_cache(maxsize=MAX_CACHED_URLS)(answer)
    _CACHES.append(cached)

    @wraps(answer)
    def remembered(url: str) -> _T:
        return cached(url) if len(url) <= MAX_CACHED_URL else answer(url)

    return remembered


def forget_urls() -> None:
    """Empty the per-URL caches (at the end of a page: what they hold is that page's URLs)."""
    for cached in _CACHES:
        cached.cache_clear()


@per_url
def url_width(url: str) -> int:
    """The width a file name states ("photo-1340x893.jpg", WordPress-style crops), else 0: it ranks the
    sizes of one picture when their srcset/<source> give no width descriptor."""
    m = _NAMED_SIZE.search(url)
    return int(m.group(1)) if m else 0


MAX_SRCSET = 1000  # candidates read from one srcset (real ones list a dozen; a hostile one, 150 000)
# one candidate: separators, the URL (a run of non-space), then its descriptor up to the next comma, unless a
# parenthesis comes first (then `_descriptor_end` finds the first comma outside parentheses)
_CANDIDATE = re.compile(r"[\s,]*(\S*)([^,()]*)")
_DESCRIPTOR_MARK = re.compile(r"[,()]")


# a srcset as most are written: each candidate a URL (not ending with a comma), whitespace, one integer width or
# density descriptor, a comma (or the end); `_SIMPLE_SRCSET` checks the whole value is such (possessive: no
# backtracking), `_SIMPLE_CANDIDATE` then reads the candidates in one C-speed pass (what the steps below read of them)
_SIMPLE_CANDIDATE = re.compile(r"[\s,]*+(\S++)(?<!,)\s++([0-9]{1,9})([wx])\s*+(?:,|\Z)")
_SIMPLE_SRCSET = re.compile(r"(?:[\s,]*+\S++(?<!,)\s++[0-9]{1,9}[wx]\s*+(?:,|\Z))*+[\s,]*+")


def parse_srcset(value: str, limit: int = MAX_SRCSET) -> list[tuple[str, int]]:
    """(url, width) pairs of a srcset; x-descriptors become pseudo-widths (2x -> 2000).

    The WHATWG steps, with each run of characters skipped by one regex (a 3 MB attribute costs a
    few C-speed scans, not a Python step per character); at most `limit` candidates are read. A srcset of plain
    "URL 800w" / "URL 2x" candidates is read by one regex pass (~0.3 us a candidate, not ~3 us).
    """
    if _SIMPLE_SRCSET.fullmatch(value):
        return [(url, int(number) if unit == "w" else int(number) * 1000)
                for url, number, unit in _SIMPLE_CANDIDATE.findall(value)[:limit]]
    return _srcset_steps(value, limit)


def _srcset_steps(value: str, limit: int) -> list[tuple[str, int]]:
    """`parse_srcset` by the WHATWG steps, for any srcset."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(value)
    while i < n and len(out) < limit:
        m = _CANDIDATE.match(value, i)  # matches the empty string
        url, i = m.group(1), m.end(1)  # type: ignore[union-attr]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            dstart, i = i, m.end()  # type: ignore[union-attr]
            if i < n and value[i] != ",":  # a parenthesis
                i = _descriptor_end(value, dstart)
            descriptor = value[dstart:i].strip()
        if url:
            out.append((url, _descriptor_width(descriptor)))
    return out


# candidates of one srcset worked on further: the widest (the corpus's longest srcset lists 12, the 157 held-out pages'
# 24; 48 cost 1.05 s of CPU on 1 000 pictures of 120-candidate srcsets, 32 cost 0.85 s)
MAX_SRCSET_KEPT = 32


def highest(items: list[_T], key: Callable[[_T], float], limit: int) -> list[_T]:
    """The `limit` items of highest `key`, in their own order (the first of equal ones kept); `items` itself when
    it holds no more."""
    if len(items) <= limit:
        return items
    keep = sorted(sorted(range(len(items)), key=lambda i: -key(items[i]))[:limit])
    return [items[i] for i in keep]


def widest(pairs: list[tuple[str, int]], limit: int = MAX_SRCSET_KEPT) -> list[tuple[str, int]]:
    """The `limit` widest (url, width) pairs of a srcset, in their own order (the first of equally wide ones kept):
    every candidate of a picture is ranked, checked and keyed at several steps (~10 us each: 1 000 pictures of
    120-candidate srcsets took 1.3 s), and the picture is fetched from the widest."""
    return highest(pairs, itemgetter(1), limit)


def _descriptor_end(value: str, i: int) -> int:
    """Where a descriptor ends: the first comma outside parentheses (or the end)."""
    depth = 0
    while True:
        mark = _DESCRIPTOR_MARK.search(value, i)
        if mark is None:
            return len(value)
        i = mark.start()
        char = value[i]
        if char == "," and not depth:
            return i
        depth += 1 if char == "(" else -1 if char == ")" else 0
        i += 1


_DESCRIPTOR = re.compile(r"(\d+(?:\.\d+)?)\s*([wx])")
_SPACED_DESCRIPTOR = re.compile(r"\s\d+[wx]")


def _descriptor_width(descriptor: str) -> int:
    digits, unit = descriptor[:-1], descriptor[-1:]
    if unit in ("w", "x") and 0 < len(digits) <= 9 and digits.isascii() and digits.isdecimal():
        return int(digits) * (1 if unit == "w" else 1000)  # "800w", "2x": what the pattern reads, without it
    m = _DESCRIPTOR.search(descriptor)
    if not m:
        return 0
    number = float(m.group(1))
    return int(number) if m.group(2) == "w" else int(number * 1000)


@per_url
def split_url(url: str) -> SplitResult:
    """`urlsplit`, remembered per URL: a picture's URLs are split by several rules (placeholder,
    file name, tracker, beacon, thumbnail size) and the page's own URL by every link rule. A URL urlsplit
    refuses (a broken IPv6 host: "http://[::1/a.jpg") splits as empty: no scheme, host or path."""
    try:
        return urlsplit(url)
    except ValueError:
        return UNREADABLE


@per_url
def is_placeholder(url: str) -> bool:
    """A lazy-load stand-in (data: URI, spacer/blank GIF...), never the picture itself."""
    if url.startswith(("data:", "about:", "javascript:")) or not url.strip():
        return True
    return bool(_PLACEHOLDER.search(file_name(url)))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# beyond printable ASCII, or an IPv6 bracket ("[" and "]" left out of the range): urlsplit's own reading (one
# character class: the alternation `[^!-~]|[\[\]]` scanned at ~1.3 us a URL, this at ~0.5 us)
_NOT_PLAIN = re.compile(r"[^!-Z\\^-~]")


@per_url  # (asked of every URL by the placeholder rule and again by the picture's keys)
def file_name(url: str) -> str:
    """The last segment of `urlsplit(url).path` ("" when the URL has no path), read as urlsplit reads it
    (scheme up to the first ":", then "//host", then the path up to "?" or "#") without building the split
    result: placeholders are told by every URL of every picture. Other URLs go through `split_url`."""
    if _NOT_PLAIN.search(url):
        return split_url(url).path.rpartition("/")[2]
    rest = url.partition("#")[0].partition("?")[0]
    scheme = _SCHEME.match(rest)
    if scheme is not None:
        rest = rest[scheme.end():]
    if rest.startswith("//"):
        slash = rest.find("/", 2)
        return rest[slash:].rpartition("/")[2] if slash >= 0 else ""
    return rest.rpartition("/")[2]


UNREADABLE = SplitResult("", "", "", "", "")


def absolutize(url: str, base: str) -> str:
    """`url` resolved against `base` as `urljoin` does; a URL or base urljoin refuses (a broken IPv6 host)
    is kept as written (it names no file this page can be checked with, and the rest of the page still is)."""
    try:
        return _absolutize(url, base)
    except ValueError:
        return url.strip()


def _absolutize(url: str, base: str) -> str:
    url = url.strip()
    if not url or url.startswith(("data:", "javascript:", "about:", "blob:")):
        return url
    if url.startswith("//"):
        scheme = split_url(base).scheme or "https"
        return f"{scheme}:{url}"
    if not base:
        return url
    folder, slash, name = url.rpartition("/")
    if slash and not folder.endswith("/") and _PLAIN_NAME.fullmatch(name) and name not in (".", "..") \
            and not _CONTROL.search(folder) and _rooted(base):
        return _folder_joined(base, folder + "/") + name
    return urljoin(base, url)


# A file name of plain URL characters (no query, fragment or parameters) after the URL's last "/" (not one of a
# "//"), in a URL without control characters or spaces, against a base with a root: `urljoin` resolves the folder alone and appends the name unchanged (it is the last
# path segment, never a dot segment), so each folder is resolved once (a page names thousands of pictures in a few).
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._~!$&'()*+,=:@%-]+")
_CONTROL = re.compile(r"[\x00-\x20]")  # urlsplit strips or removes some of these: such URLs are joined whole


@lru_cache(maxsize=4096)
def _folder_joined(base: str, folder: str) -> str:
    return urljoin(base, folder)


@lru_cache(maxsize=256)
def _rooted(base: str) -> bool:
    """Do joined paths start at a root ("/")? (`urljoin` gives a relative base's "../x" as "x", its "../" as "/")"""
    parts = split_url(base)
    return bool(parts.netloc) or (bool(parts.scheme) and parts.scheme in uses_netloc)


def background_urls(style: str) -> list[str]:
    """The URLs of `background` / `background-image` declarations in an inline style: what
    `_BG_URL.findall(style)` finds, in time linear in the style's length.

    As the regex does, a declaration takes the last "url(" before the next ";" whose URL closes
    with ")", and the search goes on after that ")"; a declaration without one is skipped with
    the rest of its ";"-free run, where no later declaration can find one either.
    """
    stops = [m.start() for m in _URL_STOP.finditer(style)]
    closes: dict[int, bool] = {}  # stop position -> a URL ending there can close with ")"
    out: list[str] = []
    pos = 0
    while (decl := _BG_DECLARATION.search(style, pos)) is not None:
        run_end = style.find(";", decl.end())
        run_end = len(style) if run_end < 0 else run_end
        hit = None
        for opening in reversed([m.start() for m in _URL_OPEN.finditer(style, decl.end(), run_end)]):
            hit = _url_tail(style, opening + 4, stops, closes)
            if hit is not None:
                break
        if hit is None:
            pos = run_end + 1
            continue
        out.append(hit.group(1))
        pos = hit.end()
    return out


def _url_tail(style: str, start: int, stops: list[int], closes: dict[int, bool]) -> re.Match[str] | None:
    """`_URL_TAIL` matched at `start`, run only when it matches, up to where the match can end.

    The URL runs to the first quote or ")" (`stops`) after where it starts: right after "url(" and
    any spaces, or after an opening quote. It matches when that stop is ")" or a quote followed by
    spaces and ")"; the match ends there.
    """
    import bisect

    ends: list[int] = []
    opening = _SPACES.match(style, start).end()  # type: ignore[union-attr]  # matches the empty string
    firsts = [start]
    if opening < len(style) and style[opening] in "'\"":
        firsts.append(opening + 1)
    for first in firsts:
        at = bisect.bisect_left(stops, first)
        if at == len(stops) or stops[at] == first:  # no stop, or an empty URL
            continue
        stop = stops[at]
        if stop not in closes:
            closes[stop] = style[stop] == ")" or _CLOSE_AFTER_QUOTE.match(style, stop) is not None
        if closes[stop]:
            ends.append(stop + 1 if style[stop] == ")" else _CLOSE_AFTER_QUOTE.match(style, stop).end())  # type: ignore[union-attr]
    return _URL_TAIL.match(style, start, max(ends)) if ends else None


def _widths(found: Mapping[str, str | None]) -> list[int]:
    """The widths a URL template may take, from the element's attribute dict."""
    for name in ("data-widths", "data-sizes", "data-image-widths"):
        raw = value_of(found, name)
        if raw:
            try:
                values = json.loads(raw) if raw.startswith("[") else [int(v) for v in re.findall(r"\d+", raw)]
                return [int(v) for v in values if str(v).isdigit() or isinstance(v, int)]
            except (ValueError, TypeError):
                continue
    return []


@lru_cache(maxsize=4096)
def _attribute_kind(name: str) -> str:
    """What an attribute of this name can give: "srcset", "lazy" (a data-*srcset*), "src", "style", "url" (a
    data-* URL attribute such as data-src, data-original-retina) or "" (nothing). Asked once per name:
    a page repeats a few dozen names on thousands of elements."""
    lname = name.lower()
    if lname == "srcset" or (lname.startswith("data-") and "srcset" in lname):
        return "srcset" if lname == "srcset" else "lazy"
    if lname in ("src", "style"):
        return lname
    if not lname.startswith("data-"):
        return ""
    if _SRC_ATTR.match(lname):
        return "url"
    return "image-url" if word_src_attribute(lname) else ""


# "data-<word>-src" of a lazy loader or a platform's component ("data-platform-src", "data-echo-src"): an image's URL
# when its value names an image file; a word for other media or code says it is not
_WORD_SRC_ATTR = re.compile(r"^data-([a-z]+)-src$")
_NOT_IMAGE_WORDS = frozenset({"video", "audio", "iframe", "embed", "player", "script", "js", "css", "ad", "ads", "track",
                              "tracking", "href", "link", "frame", "widget", "html", "json", "api", "stream", "mp4", "vast"})


def word_src_attribute(name: str) -> bool:
    """Is the lower-case attribute `name` a "data-<word>-src" that may name an image ("data-platform-src")?"""
    m = _WORD_SRC_ATTR.match(name)
    return m is not None and m.group(1) not in _NOT_IMAGE_WORDS


def element_candidates(node: Node, origin_hint: str = "") -> list[Candidate]:
    """Candidates named by one <img>/<source>/element's own attributes."""
    found: list[Candidate] = []
    named = attributes_of(node)  # one dict for every read (lexbor builds it anew on each access)
    for name, value in named.items():
        kind = _attribute_kind(name)
        if not kind or not isinstance(value, str) or not value.strip():
            continue
        if kind in ("srcset", "lazy"):
            found += [Candidate(u, origin_hint or kind, w) for u, w in widest(parse_srcset(value))]
        elif kind == "src":
            found.append(Candidate(value, origin_hint or "src"))
        elif kind == "style":
            found += [Candidate(u, "background") for u in background_urls(value)]
        elif kind == "image-url":
            if IMAGE_EXT.search(value) and _looks_like_url(value):
                found.append(Candidate(value.strip(), origin_hint or "lazy"))
        elif _looks_like_url(value):
            found += _template_or_plain(value, named, origin_hint or "lazy")
    return [c for c in found if c.url]


def _template_or_plain(value: str, named: Mapping[str, str | None], origin: str) -> list[Candidate]:
    """A URL, or a URL template ("…/{width}/…") filled with the largest width the element lists."""
    value = value.strip()
    if _TEMPLATE.search(value):
        widths = _widths(named)  # (read only for a template: most elements have none)
        if not widths:
            return []
        best = max(widths)
        return [Candidate(_TEMPLATE.sub(str(best), value), "template", best)]
    return [Candidate(value, origin)]


def _looks_like_url(value: str) -> bool:
    value = value.strip()
    if " " in value and not _SPACED_DESCRIPTOR.search(value):
        return False
    return value.startswith(("http://", "https://", "//", "/", "./", "../")) or bool(IMAGE_EXT.search(value))


__all__ = ["Candidate", "absolutize", "background_urls", "element_candidates", "file_name", "highest", "is_placeholder",
           "parse_srcset", "split_url", "widest", "word_src_attribute"]
