"""Property test (issue 10): generated HTML (nesting, attributes, encodings) through `load` and
`extract` raises nothing but the project's own errors, in bounded time and memory."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from captioncheck._exceptions import CaptionCheckError
from captioncheck.extract import extract
from captioncheck.load import decode_html, load_page, page_from_html

TAGS = ["div", "span", "p", "figure", "figcaption", "picture", "source", "img", "amp-img", "a", "noscript", "table",
        "td", "li", "ul", "blockquote", "script", "style", "svg", "h1", "section", "article", "template", "x-img"]
ATTRS = ["src", "srcset", "data-src", "data-big", "itemid", "itemtype", "class", "style", "hidden", "width", "alt",
         "data-caption", "data-credit", "href", "itemprop", "aria-hidden", "role"]
VALUES = st.one_of(
    st.sampled_from(["a.jpg", "/p/x-1200.jpg 1200w, /p/x-600.jpg 600w", "data:,", "display:none", "caption credit",
                     "http://schema.org/ImageObject", "https://cdn.example/{{size}}.jpg", "1x1.gif", "999999",
                     "javascript:alert(1)", "//cdn.example/p.webp", "sr-only", "gallery carousel"]),
    st.text(max_size=30),
)
ELEMENT = st.tuples(st.sampled_from(TAGS), st.lists(st.tuples(st.sampled_from(ATTRS), VALUES), max_size=4),
                    st.text(max_size=40), st.integers(min_value=1, max_value=1500), st.booleans())
TIME_LIMIT_S = 10.0  # generous for a shared machine; quadratic behaviour on 3000-deep pages takes far longer
MEMORY_LIMIT = 300 * 2**20


def _render(elements: list[tuple[str, list[tuple[str, str]], str, int, bool]]) -> str:
    out = ["<html><head><title>t</title></head><body><p>" + "Some article text. " * 5 + "</p>"]
    for tag, attrs, text, repeat, nested in elements:
        quoted = " ".join(f'{name}="{value.replace(chr(34), "&quot;")}"' for name, value in attrs)
        if nested:
            out.append(f"<{tag} {quoted}>" * repeat + text + f"</{tag}>" * repeat)
        else:
            out.append(f"<{tag} {quoted}>{text}</{tag}>" * min(repeat, 300))
    return "".join(out) + "</body></html>"


@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(elements=st.lists(ELEMENT, min_size=1, max_size=6),
       encoding=st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1", "gb18030", "koi8-r"]),
       declare=st.booleans())
def test_generated_pages_extract_within_bounds(elements, encoding: str, declare: bool) -> None:
    html = _render(elements)
    if declare:
        html = f'<meta charset="{encoding}">' + html
    raw = html.encode(encoding, errors="replace")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        text, _ = decode_html(raw)
        result = extract(page_from_html(text, "https://news.example/a/b"), with_text=False)
        assert all(image.url for image in result.images)
    except CaptionCheckError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - start < TIME_LIMIT_S
    assert peak < MEMORY_LIMIT


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".html", ".mhtml", ".htm"]),
       prefix=st.sampled_from([b"", b"<html><body>", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n"]))
def test_any_bytes_load_or_fail_with_an_input_error(tmp_path: Path, data: bytes, suffix: str, prefix: bytes) -> None:
    page = tmp_path / f"page{suffix}"
    page.write_bytes(prefix + data)
    start = time.perf_counter()
    try:
        extract(load_page(page), with_text=False)
    except CaptionCheckError:
        pass
    assert time.perf_counter() - start < TIME_LIMIT_S
