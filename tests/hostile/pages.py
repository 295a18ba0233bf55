"""Hostile pages and images made on the fly (shared by tests/hostile and bench/hostile.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def lexbor_depth(html: str) -> int:
    """How deep lexbor nests the page's elements below <body> (1: a child of <body>)."""
    from selectolax.lexbor import LexborHTMLParser

    body = LexborHTMLParser(html).body
    if body is None:
        return 0
    depth = {body.mem_id: 0}
    deepest = 0
    for node in body.traverse(include_text=False):
        if node.mem_id != body.mem_id:
            depth[node.mem_id] = depth[node.parent.mem_id] + 1
            deepest = max(deepest, depth[node.mem_id])
    return deepest


class Counted:
    """A real function wrapped to count its calls (it still runs): how often a hostile page makes a rule do its work."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn, self.calls = fn, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.fn(*args, **kwargs)
