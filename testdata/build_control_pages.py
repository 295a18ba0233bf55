"""Build the control pages: articles whose photos fit their captions (nothing to flag).

    pip install scikit-image && python testdata/build_control_pages.py

Writes testdata/pages/control-*.html with their "Webpage, Complete" `_files/` folders. The photos
are freely licensed samples shipped with scikit-image (see the licence notes in each page's
credits and in testdata/originals/meta.jsonl).
"""

from __future__ import annotations

import html
from pathlib import Path

from PIL import Image

PAGES = Path(__file__).resolve().parent / "pages"

SPACE = {
    "name": "control-en-2015-02-12",
    "url": "https://news.example.org/science/2015/02/12/dscovr-launch",
    "lang": "en",
    "title": "DSCOVR satellite heads for deep space after Florida launch",
    "published": "2015-02-12T09:00:00+00:00",
    "site": "Example Science News",
    "paragraphs": [
        "A SpaceX Falcon 9 rocket lifted off from Cape Canaveral, Florida, on Wednesday evening, carrying the "
        "Deep Space Climate Observatory (DSCOVR) for NOAA, NASA and the US Air Force.",
        "The satellite will travel about 1.5 million kilometres towards the Sun, to the Lagrange point L1, "
        "where it will watch the solar wind and give forecasters in the United States up to an hour of warning "
        "before geomagnetic storms reach the Earth.",
        "The launch had been postponed twice because of high winds over the Atlantic and a radar problem at the "
        "range in Florida. SpaceX had hoped to land the rocket's first stage on a drone ship, but the sea was too rough.",
        "DSCOVR carries a camera that will photograph the whole sunlit face of the Earth several times a day. "
        "Astronomers note that deep views of the sky have come a long way since the Hubble Space Telescope's "
        "famous long exposures of the 1990s.",
        "The observatory is expected to reach its orbit around L1 in about 110 days.",
    ],
    "images": [
        ("rocket.jpg", "falcon9-dscovr.jpg", 1,
         "A SpaceX Falcon 9 rocket lifts off from Cape Canaveral, Florida, on February 11, 2015, carrying the DSCOVR satellite.",
         "SpaceX (public domain)"),
        ("hubble_deep_field.jpg", "hubble-deep-field.jpg", 4,
         "Archive image: the Hubble Deep Field, assembled from exposures taken by the Hubble Space Telescope in December 1995.",
         "NASA"),
    ],
}

HOME = {
    "name": "control-en-2024-05-10",
    "url": "https://life.example.org/2024/05/10/working-from-home-with-a-cat",
    "lang": "en",
    "title": "Working from home with a cat: a survival guide",
    "published": "2024-05-10T07:30:00+00:00",
    "site": "Example Living",
    "paragraphs": [
        "Anyone who works from home with a cat knows the routine: the keyboard is warm, so the cat sits on it.",
        "Veterinarians say cats sleep between twelve and sixteen hours a day, and most of that happens "
        "exactly where their owners want to work. A second chair or a box next to the desk often helps.",
        "A good cup of coffee helps the human side of the household. Baristas recommend grinding the beans "
        "just before brewing and keeping the milk below 65 degrees for latte art.",
        "Finally, plan breaks: five minutes of play with the cat every couple of hours is good for both of you.",
    ],
    "images": [
        ("chelsea.png", "tabby-cat.jpg", 1,
         "A tabby cat named Chelsea rests at home during her owner's working day.",
         "Stefan van der Walt (CC0)"),
        ("coffee.png", "coffee-cup.jpg", 3,
         "A cup of coffee with latte art on a saucer.",
         "Rachel Michetti (CC0)"),
    ],
}


def figure(folder: str, file: str, caption: str, credit: str) -> str:
    return (
        f'<figure class="article-image"><img src="./{folder}/{file}" alt="{html.escape(caption)}" width="640">'
        f'<figcaption>{html.escape(caption)} <span class="credit">Photo: {html.escape(credit)}</span></figcaption></figure>'
    )


def build(spec: dict, source_dir: Path) -> Path:
    folder = f"{spec['name']}_files"
    (PAGES / folder).mkdir(parents=True, exist_ok=True)
    figures: dict[int, str] = {}
    for src, dst, after, caption, credit in spec["images"]:
        img = Image.open(source_dir / src).convert("RGB")
        img.thumbnail((640, 640))
        img.save(PAGES / folder / dst, quality=85)
        figures[after] = figure(folder, dst, caption, credit)
    body = []
    for i, para in enumerate(spec["paragraphs"]):
        if i in figures:
            body.append(figures[i])
        body.append(f"<p>{html.escape(para)}</p>")
    page = f"""<!DOCTYPE html>
<html lang="{spec['lang']}"><head><meta charset="utf-8">
<title>{html.escape(spec['title'])}</title>
<link rel="canonical" href="{spec['url']}">
<meta property="og:site_name" content="{html.escape(spec['site'])}">
<meta property="og:title" content="{html.escape(spec['title'])}">
<meta property="article:published_time" content="{spec['published']}">
</head><body>
<header><a href="/">{html.escape(spec['site'])}</a></header>
<main><article>
<h1>{html.escape(spec['title'])}</h1>
<time datetime="{spec['published']}">{spec['published'][:10]}</time>
{chr(10).join(body)}
</article></main>
<footer>© {html.escape(spec['site'])}</footer>
</body></html>
"""
    out = PAGES / f"{spec['name']}.html"
    out.write_text(page, encoding="utf-8")
    return out


if __name__ == "__main__":
    import skimage

    data = Path(skimage.__file__).parent / "data"
    for spec in (SPACE, HOME):
        print(build(spec, data))
