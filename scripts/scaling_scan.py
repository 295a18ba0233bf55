#!/usr/bin/env python3
"""Search for page shapes whose extraction grows faster than the page: random fragments of markup (tags of articles,
tables, forms, lists, foreign content, void tags, end tags that close nothing, attributes that name pictures,
captions, credits, hidden boxes) are repeated after a captioned photo to ~120 KB and ~1.2 MB, and each page is
extracted in this process (CPU seconds, cyclic collection before each).

    python scripts/scaling_scan.py [--first 1] [--count 150] [--small 120000] [--big 1200000] [--photo-last]

With --odd-nodes the fragments' texts include nodes other than elements and text (comments, processing instructions,
CDATA sections, doctypes, unclosed comments; a processing instruction crashed the numbering before the fourteenth
round): other seeds' fragments than without it. An exception is flagged with its message.

With --photo-last the captioned photo comes after the repeated fragments, at the end of the article: the fragments are
then decoys that must not hide it (past the pictures extract reads, or by the markup they leave open).

A fragment is flagged when the large page takes more than 12x the small one plus 0.3 s (linear work takes ~10x), or
more than 3 s, or when the captioned photo is lost. Prints one JSON line per fragment and a final JSON line with the
flagged ones. The property test (tests/hostile/test_extract_property.py) draws whole pages; this draws repeated
fragments, which is where quadratic rules show (found this way: 1.2 MB of `<wbr data-src>` took 7.3 s, a rule per
picture walking the whole article box).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TAGS = ["div", "figure", "figcaption", "p", "span", "a", "picture", "noscript", "section", "article", "li", "ul", "ol",
        "amp-img", "aside", "header", "table", "tr", "td", "th", "caption", "b", "i", "font", "em", "h2", "h3", "form",
        "select", "option", "button", "label", "dl", "dt", "dd", "blockquote", "main", "nav", "footer", "center", "nobr",
        "svg", "math", "object", "template"]
VOID = ["img", "source", "br", "hr", "input", "wbr", "meta", "link"]
ATTRS = ['class="caption"', 'class="credit"', "hidden", 'style="display:none"', 'src="a.jpg"', 'data-src="/x.jpg"',
         'srcset="/a.jpg 640w, /b.jpg 1280w"', 'width="640"', 'alt="Photo"', 'itemprop="caption"', 'href="/story"',
         'role="heading"', 'aria-hidden="true"', 'data-caption="Caption text"', 'title="x"', 'id="g"']
TEXTS = ["", "x", "Caption text. Photo: Jane Doe/AP", "Reuters", "The minister said on Tuesday", "(c) AFP",
         "© Getty Images", "  ", "Photo by Jane Doe"]
ODD_NODES = ["<!-- note -->", "<?php echo $caption; ?>", "<![CDATA[x < y]]>", "<!DOCTYPE html>", "<!--", "<?xml?>",
             "<!-- a --!>", "</ >", "<!>"]
PHOTO = ('<figure><img src="photo.jpg" width="640">'
         "<figcaption>Caption here. Photo: Jane Doe/AP</figcaption></figure>")
HEAD = "<article><p>Story text here.</p>" + PHOTO


def fragment(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if roll < 0.25:
        return f"<{rng.choice(VOID)} {rng.choice(ATTRS)}>"
    if roll < 0.35:
        return rng.choice(TEXTS)
    if roll < 0.42:
        return f"</{rng.choice(TAGS)}>"
    tag = rng.choice(TAGS)
    inner = "".join(fragment(rng, depth + 1) for _ in range(rng.randint(0, 2 if depth < 2 else 0)))
    attributes = rng.choice(ATTRS) if rng.random() < 0.6 else ""
    return f"<{tag} {attributes}>{rng.choice(TEXTS)}{inner}" + (f"</{tag}>" if rng.random() < 0.5 else "")


def timed(html: str) -> tuple[float, str]:
    """CPU seconds to extract the page, and the caption of its photo.jpg ("" when it is not found)."""
    from captioncheck.extract import extract
    from captioncheck.load import page_from_html

    gc.collect()
    started = time.process_time()
    record = extract(page_from_html(html, "https://news.example/a"))
    elapsed = time.process_time() - started
    return elapsed, next((i.caption for i in record.images if i.url.endswith("/photo.jpg")), "")


def page(unit: str, size: int, photo_last: bool) -> str:
    body = unit * max(1, size // len(unit))
    return f"<article><p>Story text here.</p>{body}{PHOTO}" if photo_last else HEAD + body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--first", type=int, default=1, help="first seed")
    ap.add_argument("--count", type=int, default=150, help="fragments (seeds) to try")
    ap.add_argument("--small", type=int, default=120_000, help="characters of the small page")
    ap.add_argument("--big", type=int, default=1_200_000, help="characters of the large page")
    ap.add_argument("--photo-last", action="store_true", help="the captioned photo after the fragments, not before")
    ap.add_argument("--odd-nodes", action="store_true", help="texts include comments, processing instructions, CDATA...")
    args = ap.parse_args()
    if args.odd_nodes:
        TEXTS.extend(ODD_NODES)
    timed(HEAD + "</article>")  # imports and tables
    flagged = []
    for seed in range(args.first, args.first + args.count):
        rng = random.Random(seed)
        unit = "".join(fragment(rng) for _ in range(rng.randint(1, 4)))
        if not unit:
            continue
        try:
            small, _ = timed(page(unit, args.small, args.photo_last))
            big, caption = timed(page(unit, args.big, args.photo_last))
        except Exception as error:  # noqa: BLE001 (a crash is what this looks for too)
            row = {"seed": seed, "unit": unit[:200], "error": f"{type(error).__name__}: {error}"[:300], "flag": True}
            flagged.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        row = {"seed": seed, "unit": unit[:200], "small_s": round(small, 3), "big_s": round(big, 3),
               "ratio": round(big / max(small, 1e-3), 1), "caption": caption}
        row["flag"] = big > 12 * small + 0.3 or big > 3.0 or caption != "Caption here."
        if row["flag"]:
            flagged.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print(json.dumps({"fragments": args.count, "flagged": flagged}, ensure_ascii=False))


if __name__ == "__main__":
    main()
