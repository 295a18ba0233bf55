"""Hostile pages and images made on the fly (shared by tests/hostile and bench/hostile.py)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image


def big_png(side: int) -> bytes:
    """A side x side RGB PNG that compresses small but decodes to side*side*3 bytes."""
    img = Image.linear_gradient("L").resize((side, side), Image.Resampling.NEAREST).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def saved_page(folder: Path, images: list[bytes], name: str = "page", ext: str = "png") -> Path:
    """A "Webpage, Complete" save: NAME.html with NAME_files/ holding the images, each captioned."""
    files = folder / f"{name}_files"
    files.mkdir(parents=True, exist_ok=True)
    figures = []
    for i, data in enumerate(images):
        (files / f"photo{i}.{ext}").write_bytes(data)
        figures.append(f'<figure><img src="{name}_files/photo{i}.{ext}" width="800" height="600" alt="photo {i}">'
                       f"<figcaption>Protesters gather in the square, picture {i}. (Photo: Agency)</figcaption></figure>")
    html = ("<!doctype html><html lang='en'><head><title>Hostile page</title></head><body><article><h1>Hostile page</h1>"
            "<p>Reporters covered the protest in the capital on Tuesday.</p>" + "".join(figures) + "</article></body></html>")
    page = folder / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    return page
