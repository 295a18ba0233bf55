"""OCR signal on rendered images (real tesseract), watermarks, languages, missing binary."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings
from captioncheck.signals import ImageItem, PageBatch, registry
from captioncheck.signals.ocr import (
    installed_languages,
    preprocess,
    tesseract_languages,
)

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def render(lines: list[tuple[str, int]], size: tuple[int, int] = (640, 240), bg: int = 200) -> Image.Image:
    img = Image.new("RGB", size, (bg, bg, bg))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=30)
    for i, (text, grey) in enumerate(lines):
        draw.text((16, 20 + 80 * i), text, fill=(grey, grey, grey), font=font)
    return img


def batch(*images: Image.Image, language: str = "en") -> PageBatch:
    items = [ImageItem(image=ImageInContext(url=f"https://x/{i}.jpg"), data=b"", pil=img) for i, img in enumerate(images)]
    return PageBatch(page=PageInfo(language=language), items=items, settings=Settings(ocr_timeout_s=20))


@needs_tesseract
def test_burnt_in_caption_and_faint_watermark() -> None:
    img = render([("Getty Images", 160), ("Protesters gather in central Paris today", 0)])
    (ev,) = registry.create(["ocr"])[0].collect(batch(img))
    assert ev.status == "ok"
    assert ev.value.watermarks == ["Getty Images"]
    assert ev.value.stock_watermark is True
    assert "central Paris" in ev.value.burnt_in_caption


@needs_tesseract
def test_plain_photo_has_no_marks(tmp_path: object) -> None:
    img = Image.linear_gradient("L").convert("RGB").resize((400, 300))
    (ev,) = registry.create(["ocr"])[0].collect(batch(img))
    assert ev.status == "ok"
    assert ev.value.watermarks == [] and ev.value.burnt_in_caption == ""


@needs_tesseract
def test_small_image_is_upscaled_and_read() -> None:
    img = render([("REUTERS", 0)], size=(220, 60), bg=255)
    assert min(preprocess(img).size) >= 200
    (ev,) = registry.create(["ocr"])[0].collect(batch(img))
    assert "Reuters" in ev.value.watermarks


@needs_tesseract
def test_page_language_maps_to_installed_packs() -> None:
    have = installed_languages()
    assert tesseract_languages("en") == "eng"
    if "fra" in have:
        assert tesseract_languages("fr-FR") == "fra+eng"
    assert tesseract_languages("xx") == "eng"


@needs_tesseract
def test_several_images_in_parallel_keep_order() -> None:
    a, b = render([("REUTERS", 0)], bg=255), render([("Shutterstock", 0)], bg=255)
    evs = registry.create(["ocr"])[0].collect(batch(a, b))
    assert [e.value.watermarks for e in evs] == [["Reuters"], ["Shutterstock"]]


def test_missing_tesseract_is_unavailable_with_a_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    from captioncheck.signals import ocr

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr.installed_languages.cache_clear()
    try:
        evs = registry.create(["ocr"])[0].collect(batch(render([("x", 0)])))
    finally:
        ocr.installed_languages.cache_clear()
    assert [e.status for e in evs] == ["unavailable"]
    assert "apt-get install tesseract-ocr" in evs[0].reason


@needs_tesseract
def test_page_time_budget_skips_remaining_images(monkeypatch: pytest.MonkeyPatch) -> None:
    from captioncheck.signals import ocr

    monkeypatch.setattr(ocr, "PAGE_BUDGET_S", 0.0)
    b = batch(render([("REUTERS", 0)], bg=255), render([("AFP", 0)], bg=255))
    b.settings.ocr_timeout_s = 0.0
    evs = registry.create(["ocr"])[0].collect(b)
    assert [e.status for e in evs] == ["unavailable", "unavailable"]
    assert "budget" in evs[0].reason
