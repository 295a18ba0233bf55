"""Property test of page loading and extraction (issue 10): generated HTML (nesting, attributes,
text, encodings, saved as a file) either extracts or raises the project's own error, in bounded
time and memory."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from captioncheck._exceptions import CaptionCheckError
from captioncheck.extract import extract
from captioncheck.load import load_page

MAX_BODY_CHARS = 2_000_000  # the largest generated pages: ~2 MB of repeated siblings
# CPU seconds (not wall: the machine may be shared) to load and extract a page: the target is 1 s
# for 2 MB on a quiet machine (bench/extract_speed.py); this allows 4x that, for slow CI machines.
# The quadratic cases this guards against took minutes.
CPU_BASE_S, CPU_PER_MB_S = 1.0, 1.5  # the constant: a first use of a rare path (a lazy import)
MEMORY_LIMIT = 256 * 2**20  # Python allocations while loading and extracting one page of at most ~2 MB

TAGS = ["div", "figure", "figcaption", "p", "span", "a", "picture", "noscript", "section", "article", "li", "ul",
        "amp-img", "a-img", "aside", "header", "table", "td", "script", "style", "template", "svg", "iframe"]
ATTRS = ["class", "id", "style", "hidden", "aria-hidden", "data-src", "data-srcset", "data-caption", "data-credit",
         "src", "srcset", "width", "height", "alt", "title", "itemprop", "itemtype", "role", "href", "lang"]
VALUES = st.one_of(
    st.sampled_from(["display:none", "a.jpg", "/img/x.png 640w, /img/y.png 1280w", "data:image/gif;base64,R0lGOD",
                     "640", "1", "0", "-5", "99999999", "ImageObject", "caption", "credit", "gallery", "lazy",
                     "//cdn.example/p.webp", "javascript:alert(1)", "../../etc/passwd", "%zz", "http://[::1]/",
                     "http://[::1/x.jpg", "//[zz/a.png 2x"]),  # urllib refuses these (a broken IPv6 host)
    st.text(max_size=40),
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
# nodes other than elements and text (a processing instruction left by a template crashed the numbering: lexbor names it
# None), and stray markup
OTHER_NODES = st.sampled_from(["<!-- note -->", "<?php echo $x; ?>", "<![CDATA[a < b]]>", "<!DOCTYPE html>", "</p>",
                               "<br/>", "<!--", "<?xml version='1.0'?>"])
ENCODINGS = ["utf-8", "utf-16", "cp1252", "latin-1", "koi8-r", "shift_jis", "gb18030"]


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS + ["img", "source", "br"]))
    attrs = "".join(f' {name}="{value.replace(chr(34), "&quot;")}"'
                    for name, value in draw(st.lists(st.tuples(st.sampled_from(ATTRS), VALUES), max_size=4)))
    if tag in ("img", "source", "br"):
        return f"<{tag}{attrs}>"
    children = draw(st.lists(st.one_of(element(depth + 1), OTHER_NODES), max_size=3)) if depth < 4 else []
    text = draw(TEXT).replace("<", "&lt;")
    close = draw(st.booleans()) or tag in ("script", "style")  # unclosed tags are common in the wild
    return f"<{tag}{attrs}>{text}{''.join(children)}" + (f"</{tag}>" if close else "")


@st.composite
def page(draw: st.DrawFn) -> tuple[bytes, str]:
    body = "".join(draw(st.lists(element(), min_size=1, max_size=6)))
    depth = draw(st.sampled_from([0, 0, 10, 600, 3000, 20000]))  # deep nesting around a captioned photo
    wrap = draw(st.sampled_from(["div", "span", "figure", "a", "table", "b"]))
    size = draw(st.sampled_from([0, MAX_BODY_CHARS, 20_000, MAX_BODY_CHARS, 300_000]))  # many siblings: pages up to ~2 MB
    repeat = max(1, size // max(1, len(body)))
    figure = '<figure><img src="photo.jpg" width="640" height="480"><figcaption>Caption here</figcaption></figure>'
    html = (f"<!DOCTYPE html><html><head><title>{draw(TEXT)}</title></head><body><article>"
            f"{f'<{wrap}>' * depth}{figure}{body * repeat}{f'</{wrap}>' * draw(st.sampled_from([0, depth]))}"
            "</article></body></html>")
    encoding = draw(st.sampled_from(ENCODINGS))
    raw = html.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damaged or truncated bytes
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.binary(max_size=64))
    return raw, encoding


@pytest.fixture(scope="module", autouse=True)
def _warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Imports and first-use tables and models (charset detection, trafilatura, htmldate, the
    language model) load once, before the timed examples: their cost is per process, not per page."""
    text = "The minister spoke to reporters about the budget on Tuesday. " * 20
    pages = [f"<html><body><article><p>{text}</p></article></body></html>",  # the language model
             "<html><body><figure><img src=a.jpg><figcaption>A caption</figcaption></figure></body></html>"]  # justext
    for encoding in ENCODINGS:
        for html in pages:
            path = tmp_path_factory.mktemp("warm") / "page.html"
            path.write_bytes(html.encode(encoding))
            extract(load_page(path, url="https://news.example/w"))


# derandomize: the same examples on every run, so CI is repeatable; no shrinking: shrinking a failing
# 2 MB page takes many minutes, and the failing example is reported as generated (and repeatable)
@settings(max_examples=40, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(page())
def test_any_generated_page_loads_and_extracts_or_says_why(tmp_path: Path, case: tuple[bytes, str]) -> None:
    raw, _ = case
    path = tmp_path / "page.html"
    path.write_bytes(raw)
    started = time.process_time()  # time without tracemalloc, which makes allocation several times slower
    _load_and_extract(path)
    elapsed = time.process_time() - started
    tracemalloc.start()
    try:
        _load_and_extract(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    limit = CPU_BASE_S + CPU_PER_MB_S * len(raw) / 2**20
    assert elapsed < limit, f"{len(raw)} bytes took {elapsed:.1f} s of CPU (limit {limit:.1f} s)"
    assert peak < MEMORY_LIMIT, f"{len(raw)} bytes peaked at {peak / 2**20:.0f} MiB"


def _load_and_extract(path: Path) -> None:
    try:
        result = extract(load_page(path, url="https://news.example/a"), all_images=True)
        assert all(img.url for img in result.images)
    except CaptionCheckError:
        pass  # the project's own error: a one-line message for the user (e.g. "not an HTML page")
