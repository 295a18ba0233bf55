#!/usr/bin/env python3
"""Rebuild the seed page reproduction and its stand-in images (deterministic).

Writes testdata/pages/presstv-fr-2019-12-11.html, its "Webpage, Complete" folder
presstv-fr-2019-12-11_files/ and testdata/originals/capitol-rally-2019-03-08.jpg.

The three article photos are freely licensed scikit-image sample photos standing in for the
real (copyrighted) photos; see testdata/README.md. Run: python testdata/pages/build_presstv_seed.py
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from skimage import data

HERE = Path(__file__).resolve().parent
NAME = "presstv-fr-2019-12-11"
FILES = HERE / f"{NAME}_files"
ORIGINALS = HERE.parent / "originals"
PAGE_URL = "https://french.presstv.ir/Detail/2019/12/11/613482/Iran-Russie-SVR-Narychkine-Teheran"
CDN = "https://cdn.presstv.ir/Photo/2019/12/11/"
LEAD = "00b5a4e2-6b1f-4c36-9c9a-3b1d7e4a2f10.jpg"
IMG2 = "d3c1f1a8-5e2b-4f0a-8e77-21f8b0c6a9d4.jpg"
IMG3 = "7e9a4c20-1d6f-4b8e-a3c5-6f2e8d1b0a57.jpg"

CAPTION1 = ("US Rep. Ilhan Omar (D-MN) (L) talks with Speaker of the House Nancy Pelosi (D-CA) during a "
            "rally with fellow Democrats before voting on H.R. 1, or the People Act, on the East Steps of "
            "the US Capitol on March 08, 2019 in Washington, DC. (AFP photo)")
CAPTION2 = "Les soldats syriens déployés à Deir ez-Zor./Sputnik"
CAPTION3 = ("La rencontre du président du Parlement iranien avec le chef du Service des renseignements "
            "extérieurs (SVR) de Russie, août 2013. ©Tasnim/archives")
TITLE = "Le chef du Service des renseignements extérieurs russe à Téhéran"


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, progressive=False)
    return buf.getvalue()


def _banner(size: tuple[int, int], text: str, bg: str, fg: str) -> Image.Image:
    img = Image.new("RGB", size, bg)
    ImageDraw.Draw(img).text((8, size[1] // 2 - 6), text, fill=fg)
    return img


def build_images() -> None:
    FILES.mkdir(exist_ok=True)
    ORIGINALS.mkdir(exist_ok=True)
    astronaut = Image.fromarray(data.astronaut())  # NASA, public domain
    # the "agency original": full frame, high quality, no modification
    (ORIGINALS / "capitol-rally-2019-03-08.jpg").write_bytes(_jpeg(astronaut, 92))
    # the page copy: ~5% cropped, resized, re-encoded at quality 75
    w, h = astronaut.size
    crop = astronaut.crop((int(w * 0.03), int(h * 0.02), int(w * 0.98), int(h * 0.97)))
    (FILES / LEAD).write_bytes(_jpeg(crop.resize((400, 400), Image.LANCZOS), 75))
    rocket = Image.fromarray(data.rocket())  # SpaceX, public domain
    (FILES / IMG2).write_bytes(_jpeg(rocket.resize((400, 280), Image.LANCZOS), 75))
    coffee = Image.fromarray(data.coffee())  # CC0, Rachel Michetti
    (FILES / IMG3).write_bytes(_jpeg(coffee.resize((400, 266), Image.LANCZOS), 75))
    # site furniture (generated here, no third-party content)
    _banner((180, 40), "PRESS TV  Français", "#8b0000", "white").save(FILES / "logo-fr.png")
    for name, colour in (("facebook", "#3b5998"), ("twitter", "#1da1f2"), ("telegram", "#0088cc")):
        _banner((24, 24), name[0].upper(), colour, "white").save(FILES / f"share-{name}.png")
    _banner((728, 90), "Publicité", "#eeeeee", "#333333").save(FILES / "ad-728x90.png")
    chelsea = Image.fromarray(data.chelsea())  # CC0, Stefan van der Walt
    cam = Image.fromarray(data.camera()).convert("RGB")
    for i, src in enumerate((chelsea, cam, Image.fromarray(data.hubble_deep_field()))):
        (FILES / f"related-{i + 1}.jpg").write_bytes(_jpeg(src.resize((160, 90)), 70))
    Image.fromarray(np.zeros((1, 1, 3), dtype=np.uint8)).save(FILES / "pixel.gif")


def paragraphs() -> list[str]:
    text = HERE / f"{NAME}.source.txt"  # the text of the real page, as given with the seed case
    blocks = [b.strip() for b in text.read_text(encoding="utf-8").split("\n\n")]
    return [b for b in blocks if len(b) > 200 and not b.startswith(("US Rep.", "La rencontre"))]


def jsonld() -> str:
    doc = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": PAGE_URL},
        "headline": TITLE,
        "inLanguage": "fr",
        "datePublished": "2019-12-11T18:42:00+03:30",
        "dateModified": "2019-12-11T18:42:00+03:30",
        "image": {"@type": "ImageObject", "url": CDN + LEAD, "width": 400, "height": 400},
        "author": {"@type": "Organization", "name": "Press TV"},
        "publisher": {"@type": "Organization", "name": "Press TV",
                      "logo": {"@type": "ImageObject", "url": "https://french.presstv.ir/Content/images/logo-fr.png"}},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def page(paras: list[str]) -> str:
    e = html.escape
    files = f"./{NAME}_files/"
    body = [f"<p>{e(p)}</p>" for p in paras]
    inline3 = (f'<div class="img-inline" style="text-align:center"><img src="{files}{IMG3}" '
               f'alt="" width="400" height="266"><p class="img-caption">{e(CAPTION3)}</p></div>')
    body.insert(2, inline3)
    related = "\n".join(
        f'<li><a href="/Detail/2019/12/1{i}/61340{i}/Article-{i}"><img src="{files}related-{i}.jpg" '
        f'width="160" height="90" alt=""><span>{e(t)}</span></a></li>'
        for i, t in ((1, "Syrie : l’armée déploie des renforts à Deir ez-Zor"),
                     (2, "Le pétrole syrien et la présence américaine"),
                     (3, "Téhéran et Moscou renforcent leur coopération")))
    return f"""<!DOCTYPE html>
<!-- saved from url=({len(PAGE_URL):04d}){PAGE_URL} -->
<html lang="fr" dir="ltr"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(TITLE)}</title>
<meta name="description" content="Est-ce le prélude à une confrontation majeur? L'Iran et la Russie viennent de condamner l'occupation des richesses pétrolières syriennes.">
<link rel="canonical" href="{PAGE_URL}">
<meta property="og:site_name" content="Press TV">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(TITLE)}">
<meta property="og:url" content="{PAGE_URL}">
<meta property="og:image" content="{CDN}{LEAD}">
<meta property="og:locale" content="fr_FR">
<meta property="article:published_time" content="2019-12-11T18:42:00+03:30">
<meta name="twitter:card" content="summary_large_image">
<link rel="stylesheet" href="{files}site.css">
<script type="application/ld+json">
{jsonld()}
</script>
</head>
<body class="detail-page">
<header class="site-header">
 <div class="top-bar"><a class="logo" href="https://french.presstv.ir/"><img src="{files}logo-fr.png" alt="Press TV" width="180" height="40"></a><span class="tv-link">TV</span></div>
 <nav class="main-menu"><ul><li><a href="/Section/10101">Infos</a></li><li><a href="/Section/10102">A La Une</a></li><li><a href="/Section/10103">Iran</a></li><li><a href="/Section/10104">Europe</a></li><li><a href="/Section/10105">L’INFO EN CONTINU</a></li></ul></nav>
</header>
<div class="ads ads-top"><a href="https://ads.example.net/click?c=42" rel="nofollow"><img src="{files}ad-728x90.png" width="728" height="90" alt="Publicité"></a></div>
<main class="container">
<article class="news-detail">
 <h1 class="news-title">{e(TITLE)}</h1>
 <div class="news-date"><time datetime="2019-12-11T18:42:00+03:30">mercredi, 11 décembre 2019 18:42</time></div>
 <div class="main-image"><img class="img-responsive" src="{files}{LEAD}" alt="" width="400" height="400">
  <div class="main-image-caption">{e(CAPTION1)}</div></div>
 <div class="news-body">
  <div class="img-inline" style="text-align:center"><img src="{files}{IMG2}" alt="" width="400" height="280"><p class="img-caption">{e(CAPTION2)}</p></div>
  {chr(10).join('  ' + b for b in body)}
 </div>
 <div class="share-bar"><span>Partager Cet Article</span>
  <a href="https://www.facebook.com/sharer/sharer.php?u={PAGE_URL}"><img src="{files}share-facebook.png" width="24" height="24" alt="Facebook"></a>
  <a href="https://twitter.com/intent/tweet?url={PAGE_URL}"><img src="{files}share-twitter.png" width="24" height="24" alt="Twitter"></a>
  <a href="https://t.me/share/url?url={PAGE_URL}"><img src="{files}share-telegram.png" width="24" height="24" alt="Telegram"></a>
 </div>
 <div class="news-source">SOURCE: FRENCH PRESS TV</div>
 <section class="related-news"><h3>Articles connexes</h3><ul>
{related}
 </ul></section>
</article>
</main>
<footer class="site-footer"><p>© 2019 Press TV. Tous droits réservés.</p><img src="{files}pixel.gif" width="1" height="1" alt="" style="display:none"></footer>
</body></html>
"""


def main() -> None:
    build_images()
    (FILES / "site.css").write_text("body{font-family:sans-serif}.img-caption{font-style:italic}\n", encoding="utf-8")
    (HERE / f"{NAME}.html").write_text(page(paragraphs()), encoding="utf-8")


if __name__ == "__main__":
    main()
