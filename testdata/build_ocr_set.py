"""Build the OCR test set: real photos with and without agency marks and burnt-in captions.

    pip install scikit-image && python testdata/build_ocr_set.py

Photos: scikit-image's sample photos (public domain / CC0, see testdata/README.md), resized to
news-page sizes. Marks are drawn with PIL in DejaVu Sans the way news and stock photos carry them:
a small agency credit in a corner, a burnt-in caption on a dark band at the bottom (or top), or a
large faint stock-library name across the middle. Every photo is also kept unmarked. Labels go to
`testdata/ocr/labels.json`: file -> {"watermarks": [...], "caption": "...", "kind": ...}.
Deterministic (fixed seed); JPEG quality 82.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent / "ocr"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PHOTOS = ["astronaut", "camera", "chelsea", "coffee", "coins", "grass", "gravel", "hubble_deep_field", "rocket",
          "retina", "brick", "immunohistochemistry"]
WIDTHS = [640, 800, 1024, 560, 900, 720]
CORNER_MARKS = [("AFP", "© AFP"), ("Reuters", "REUTERS/Stringer"), ("Getty Images", "Getty Images"), ("AP", "AP Photo"),
                ("Sputnik", "© Sputnik"), ("Tasnim", "Tasnim News"), ("EPA", "EPA-EFE/Str"), ("Xinhua", "Xinhua")]
FAINT_MARKS = [("Shutterstock", "shutterstock"), ("Alamy", "alamy"), ("Getty Images", "Getty Images"), ("iStock", "iStock")]
CAPTIONS = [
    "Protesters gather in front of the parliament building on Monday",
    "Des manifestants devant le parlement à Paris samedi dernier",
    "Rescue workers search the rubble after the earthquake struck",
    "Supporters wave flags during the rally in the capital city",
    "Soldiers patrol the streets of the town after the ceasefire",
    "Farmers block the highway with tractors to protest new taxes",
]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def photo(name: str, width: int) -> Image.Image:
    from skimage import data

    arr = getattr(data, name)()
    img = Image.fromarray(np.asarray(arr)).convert("RGB")
    height = round(img.height * width / img.width)
    return img.resize((width, height), Image.Resampling.LANCZOS)


def overlay(img: Image.Image, draw_fn) -> Image.Image:
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(layer))
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def corner_mark(img: Image.Image, text: str, rng: random.Random) -> Image.Image:
    size = max(12, round(img.height * rng.uniform(0.028, 0.045)))
    f = font(size, bold=rng.random() < 0.5)
    box = f.getbbox(text)
    tw, th = box[2] - box[0], box[3] - box[1]
    pad = round(size * 0.6)
    x = pad if rng.random() < 0.5 else img.width - tw - pad
    y = pad if rng.random() < 0.3 else img.height - th - 2 * pad
    alpha = rng.randint(170, 235)

    def draw(d: ImageDraw.ImageDraw) -> None:
        d.text((x + 1, y + 1), text, font=f, fill=(0, 0, 0, alpha // 2))
        d.text((x, y), text, font=f, fill=(255, 255, 255, alpha))

    return overlay(img, draw)


def caption_band(img: Image.Image, text: str, rng: random.Random) -> Image.Image:
    size = max(13, round(img.height * rng.uniform(0.032, 0.045)))
    f = font(size)
    while f.getlength(text) > img.width * 0.94 and size > 11:
        size -= 1
        f = font(size)
    band = round(size * 2.0)
    top = rng.random() < 0.25
    y0 = 0 if top else img.height - band

    def draw(d: ImageDraw.ImageDraw) -> None:
        d.rectangle((0, y0, img.width, y0 + band), fill=(0, 0, 0, rng.randint(140, 200)))
        d.text((round(img.width * 0.03), y0 + round(size * 0.45)), text, font=f, fill=(255, 255, 255, 255))

    return overlay(img, draw)


def faint_mark(img: Image.Image, text: str, rng: random.Random) -> Image.Image:
    size = round(img.width * rng.uniform(0.09, 0.12))
    f = font(size, bold=True)
    tw = f.getlength(text)
    x, y = (img.width - tw) / 2, img.height * rng.uniform(0.38, 0.5)
    alpha = rng.randint(80, 110)

    def draw(d: ImageDraw.ImageDraw) -> None:
        d.text((x, y), text, font=f, fill=(255, 255, 255, alpha))

    return overlay(img, draw)


def main() -> None:
    rng = random.Random(12)
    OUT.mkdir(exist_ok=True)
    labels: dict[str, dict[str, object]] = {}
    for i, name in enumerate(PHOTOS):
        base = photo(name, WIDTHS[i % len(WIDTHS)])
        variants = [("plain", base, [], "")]
        agency, text = CORNER_MARKS[i % len(CORNER_MARKS)]
        variants.append(("corner", corner_mark(base, text, rng), [agency], ""))
        caption = CAPTIONS[i % len(CAPTIONS)]
        if i % 2 == 0:
            variants.append(("caption", caption_band(base, caption, rng), [], caption))
        else:
            agency2, text2 = FAINT_MARKS[(i // 2) % len(FAINT_MARKS)]
            variants.append(("faint", faint_mark(base, text2, rng), [agency2], ""))
        for kind, img, marks, cap in variants:
            file = f"{name}-{kind}.jpg"
            img.save(OUT / file, format="JPEG", quality=82)
            labels[file] = {"kind": kind, "watermarks": marks, "caption": cap}
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(labels)} images to {OUT}")


if __name__ == "__main__":
    main()
