"""Candidate URLs: srcset parsing, placeholders, templates, best choice."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from captioncheck.extract import _chosen_url
from captioncheck.extract.dom import Doc
from captioncheck.extract.images import Found
from captioncheck.extract.urls import (
    element_candidates,
    is_placeholder,
    parse_srcset,
)


def test_srcset_urls_may_contain_commas() -> None:
    got = parse_srcset("https://a/crops/w=875,q=90/x.jpg 1x, https://a/crops/w=1280,q=90/x.jpg 2x")
    assert got == [("https://a/crops/w=875,q=90/x.jpg", 1000), ("https://a/crops/w=1280,q=90/x.jpg", 2000)]


def test_srcset_width_descriptors() -> None:
    assert parse_srcset("a.jpg 320w,b.jpg 1200w") == [("a.jpg", 320), ("b.jpg", 1200)]


def test_placeholders_are_recognised() -> None:
    for url in ("data:image/gif;base64,R0lGOD", "https://x/img/preloaderbig.gif", "https://x/gazeta-fallback.svg",
                "https://x/t.gif", "https://x/blank.png", "https://x/lazy-placeholder.png", "https://x/img/3.0/1px.gif",
                "https://x/photos/5e82/16:9/w_800%2Ch_450%2Cc_limit/undefined", "https://x/img/null"):
        assert is_placeholder(url), url  # (a script's template filled with nothing: ".../undefined")
    assert not is_placeholder("https://x/photos/t-1234.jpg")
    assert not is_placeholder("https://x/2020/undefined-behaviour-in-c.jpg")


def test_lazy_and_template_attributes() -> None:
    doc = Doc.parse('<img src="data:," data-lazy-src="/a.jpg" data-pattern="/p/x-{{size}}.jpg" '
                    'data-widths="[320,1050,2600]">')
    cands = element_candidates(doc.css("img")[0])
    urls = {c.url: c.origin for c in cands}
    assert urls["/a.jpg"] == "lazy"
    assert urls["/p/x-2600.jpg"] == "template"
    chosen = _chosen_url(Found(node=None, anchor=None, index=0, cands=cands).urls())  # type: ignore[arg-type]
    assert chosen and not chosen.startswith("data:")


def test_template_widths_are_read_from_the_attribute_dict_as_attr_reads_them() -> None:
    """element_candidates reads the element's attributes once; the widths keep attr()'s stripping and order."""
    doc = Doc.parse('<img data-src="/t/{width}.jpg" data-widths="  " data-sizes=" 480, 960 ">'
                    '<img data-src="/u/{{size}}.jpg" data-image-widths=" [200,1400] " data-sizes="bad">')
    first, second = (element_candidates(img) for img in doc.css("img"))
    assert [(c.url, c.origin, c.width) for c in first] == [("/t/960.jpg", "template", 960)]
    assert [(c.url, c.origin, c.width) for c in second] == []  # data-sizes "bad" names no width: comes first, gives none


def test_attribute_kinds_are_told_by_name_once() -> None:
    """element_candidates asks what each attribute name can give once per name (a page repeats a few dozen names
    on thousands of elements); upper-case names (foreign content) read as their lower-case form."""
    from captioncheck.extract.urls import _attribute_kind

    kinds = {"srcset": "srcset", "SRCSET": "srcset", "data-srcset": "lazy", "data-lazy-srcset": "lazy",
             "src": "src", "Src": "src", "style": "style", "data-src": "url", "Data-Original": "url",
             "data-hi-res-src": "url", "data-x0": "", "data-caption": "", "alt": "", "srcdoc": "", "data-": ""}
    assert {name: _attribute_kind(name) for name in kinds} == kinds
    doc = Doc.parse('<img data-x1="/v/1.jpg" data-src=" /a.jpg " style="background:url(/b.jpg)" data-srcset="/c.jpg 2x" '
                    'src="/d.jpg" data-caption="/not-a-url.jpg" alt="x">')
    assert [(c.url, c.origin, c.width) for c in element_candidates(doc.css("img")[0])] == [
        ("/a.jpg", "lazy", 0), ("/b.jpg", "background", 0), ("/c.jpg", "lazy", 2000), ("/d.jpg", "src", 0)]


_URL_PARTS = ["a", "b", ".", "..", "", "img", "p1.jpg", "x.png?w=1", "y#z", ";p", "%20", "http:", "//h2", "c d", "\t", "é",
              ":", "@", "?", "#", "[", "\x01"]
_BASES = ["https://news.example/a", "http://x.org/dir/sub/page.html?q=1#f", "https://h/a/b/", "https://h", "h/x",
          "file:///tmp/a/b.html", "https://h/a;p/b?x", "mailto:x", "https://h/a/.."]


@given(st.lists(st.sampled_from(_URL_PARTS), min_size=1, max_size=5), st.sampled_from(["", "/", "https://h3/", "HTTP:"]),
       st.sampled_from(_BASES))
@example(["..", "img"], "", "h/x")  # a relative base: urljoin gives "img", its folder "../" as "/"
@example(["@"], "https://", "https://h/a/..")  # the last "/" is one of "//": the name is the host
@example(["\t", "b"], "/", "https://news.example/a")  # urlsplit drops the tab: "//b" names a host
@settings(max_examples=600, deadline=None)
def test_absolutize_joins_as_urljoin_does(parts: list[str], prefix: str, base: str) -> None:
    """A picture's URL is joined folder first (each folder once per page): the same URL as `urljoin` of the whole."""
    from urllib.parse import urljoin

    from captioncheck.extract.urls import absolutize

    url = (prefix + "/".join(parts)).strip()
    if not url or url.startswith("//"):
        return

    try:
        expected = urljoin(base, url)
    except ValueError:  # urljoin refuses a broken IPv6 host: the URL is kept as written (no file to check it with)
        expected = url
    assert absolutize(url, base) == expected


_NAME_PARTS = ["a", "b.gif", "blank.gif", ".", "", "?", "#", "q=1", ":", "//", "/", "http:", "1a:", "a+b:", "[", "]", "é", " ",
               "\t", "@", "?x/y", "#a/b?c", "host"]


@given(st.lists(st.sampled_from(_NAME_PARTS), min_size=1, max_size=7))
@example(["https:", "//", "blank.gif"])  # a host, no path: no file name
@example(["a", "?x/y"])  # the query's "/" is no folder
@example(["1a:", "//", "host", "/", "blank.gif"])  # "1a" is no scheme: the path starts at "1a:"
@settings(max_examples=600, deadline=None)
def test_file_name_is_the_last_segment_urlsplit_gives(parts: list[str]) -> None:
    from urllib.parse import urlsplit

    from captioncheck.extract.urls import file_name

    url = "".join(parts)
    try:
        expected = urlsplit(url).path.rpartition("/")[2]
    except ValueError:
        expected = ""  # urlsplit refuses it (a broken IPv6 host: "//["): no path, no file name, no error
    assert file_name(url) == expected


def test_plain_urls_are_told_by_each_character_as_before() -> None:
    """`file_name` reads a URL itself only when every character is printable ASCII other than "[" and "]" (urlsplit
    strips or reads the others its own way): one character class, checked against the rule it spells out."""
    from captioncheck.extract.urls import _NOT_PLAIN

    for code in [*range(0x3000), 0xFEFF, 0xFFFD, 0x1F600, 0x10FFFF]:
        char = chr(code)
        assert (_NOT_PLAIN.search(f"http://a/{char}.jpg") is not None) == (not "!" <= char <= "~" or char in "[]"), hex(code)


_SRCSET_PIECES = ["a.jpg", "/i/b-800.webp", "https://c.example/w_400,h_300/d.jpg", "e.jpg,", "f(1).jpg", " ", "  ", "\t",
                  "\n", "\u00a0", "\u2003", ",", ", ", " ,", "800w", "2x", "1.5x", "0400w", "1234567890w", "\uff18w", "100h",
                  "(max-width: 600px)", "w", "x", "3x", "12w"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_SRCSET_PIECES), max_size=14).map("".join))
@example("a.jpg 1x, b.jpg 2x")
@example("a.jpg, b.jpg 2x")
@example("a.jpg 400w , b.jpg 800w ,, ")
@example("a.jpg\u00a0400w")
@example("a.jpg 1x, e.jpg, 2x")  # (a URL ending with a comma has no descriptor: "2x" is the next URL)
def test_plain_srcsets_read_in_one_pass_as_the_steps_read_them(value: str) -> None:
    """`parse_srcset` reads a srcset of plain "URL 800w" / "URL 2x" candidates in one regex pass (1 000 pictures of
    120-candidate srcsets: the steps took ~0.3 s); any srcset, plain or not, reads as the WHATWG steps read it."""
    from captioncheck.extract import urls

    assert parse_srcset(value) == urls._srcset_steps(value, urls.MAX_SRCSET)
    assert parse_srcset(value, 2) == urls._srcset_steps(value, 2)


def test_a_page_leaves_nothing_in_the_per_url_caches() -> None:
    """Every answer remembered per URL, host or folder (`per_url`: the furniture rules' place checks among them) is
    forgotten when the page's extraction ends: a server keeps nothing of the pages it read."""
    from captioncheck.extract import roles, urls
    from captioncheck.extract import extract_records
    from captioncheck.load import page_from_html

    page = ('<article><h1>T</h1><figure><img src="https://ads.example/banners/x.gif" width=728 height=90></figure>'
            '<figure><img src="/i/photo-1200.jpg"><figcaption>A caption. Photo: Jane Doe/AP</figcaption></figure></article>')
    roles._tracking_place("host.example/folder/")  # (asked outside any page: kept until the next page ends)
    assert any(cached.cache_info().currsize for cached in urls._CACHES)
    extract_records(page_from_html(page, "https://news.example/a"))
    assert all(cached.cache_info().currsize == 0 for cached in urls._CACHES)
    assert {roles._tracking_place.__wrapped__, roles._furniture_place.__wrapped__} <= {c.__wrapped__ for c in urls._CACHES}
