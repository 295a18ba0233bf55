"""OCR signal on rendered images (real tesseract), watermarks, languages, missing binary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings
from captioncheck.signals import ImageItem, PageBatch, registry
from captioncheck.signals.ocr import (
    GAP,
    installed_languages,
    mosaic,
    preprocess,
    regions,
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


OCR_SET = Path(__file__).resolve().parents[2] / "testdata" / "ocr"


def _set_batch(files: list[str]) -> PageBatch:
    images = [Image.open(OCR_SET / f).convert("RGB") for f in files]
    return batch(*images)


@needs_tesseract
def test_marked_photos_are_found_and_plain_ones_stay_clean() -> None:
    """Real photos (testdata/ocr): burnt-in captions and readable credits found, nothing invented
    on unmarked photos. The full set with precision/recall: bench/ocr_marks.py."""
    labels = json.loads((OCR_SET / "labels.json").read_text(encoding="utf-8"))
    files = ["chelsea-plain.jpg", "gravel-plain.jpg", "rocket-plain.jpg", "astronaut-caption.jpg",
             "chelsea-caption.jpg", "astronaut-corner.jpg", "chelsea-corner.jpg"]
    evs = registry.create(["ocr"])[0].collect(_set_batch(files))
    found = dict(zip(files, evs, strict=True))
    for f in files:
        assert found[f].status == "ok", found[f].reason
        assert set(found[f].value.watermarks) <= set(labels[f]["watermarks"]), f  # no invented marks
        assert bool(found[f].value.burnt_in_caption) <= bool(labels[f]["caption"]), f
    for f in ("astronaut-caption.jpg", "chelsea-caption.jpg"):
        words = set(labels[f]["caption"].split())
        assert len(words & set(found[f].value.burnt_in_caption.split())) >= len(words) / 2, f
    assert found["astronaut-corner.jpg"].value.watermarks == ["AFP"]
    assert found["chelsea-corner.jpg"].value.watermarks == labels["chelsea-corner.jpg"]["watermarks"]


def test_bands_and_middle_make_one_sheet() -> None:
    photo = Image.new("RGB", (1200, 800), (90, 120, 150))
    parts = regions(photo)
    assert len(parts) == 3  # top band, bottom band, middle
    assert parts[0].height > 0.2 * 800 and parts[2].width <= 640  # bands upscaled, middle downscaled
    sheet = mosaic(parts)
    assert sheet.mode == "L" and sheet.height == sum(p.height for p in parts) + 2 * GAP
    assert len(regions(Image.new("RGB", (500, 300)))) == 1  # small: read whole


@needs_tesseract
def test_tiny_images_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from captioncheck.signals import ocr

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tesseract ran on an image too small to carry text")

    monkeypatch.setattr(ocr, "run_tesseract", refuse)
    (ev,) = registry.create(["ocr"])[0].collect(batch(Image.new("RGB", (40, 40), (255, 255, 255))))
    assert ev.status == "ok" and ev.value.text == ""


@needs_tesseract
def test_one_process_reads_many_images_and_a_broken_group_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from captioncheck.signals import ocr

    calls: list[int] = []
    real = ocr.run_tesseract

    def counting(images: list[Image.Image], *args: object, **kwargs: object) -> list[dict[str, list]]:
        calls.append(len(images))
        if len(images) > 1 and len(calls) == 1:
            raise RuntimeError("tesseract crashed")
        return real(images, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ocr, "run_tesseract", counting)
    monkeypatch.setattr(ocr.os, "cpu_count", lambda: 1)
    imgs = [render([("REUTERS", 0)], bg=255), render([("Shutterstock", 0)], bg=255)]
    evs = registry.create(["ocr"])[0].collect(batch(*imgs))
    assert calls[0] == 2  # both images in one process first ...
    assert [e.value.watermarks for e in evs] == [["Reuters"], ["Shutterstock"]]  # ... then one by one


@needs_tesseract
def test_a_group_that_times_out_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from captioncheck.signals import ocr

    calls: list[int] = []

    def slow(images: list[Image.Image], *args: object, **kwargs: object) -> list[dict[str, list]]:
        calls.append(len(images))
        raise RuntimeError("Tesseract process timeout after 30 s")

    monkeypatch.setattr(ocr, "run_tesseract", slow)
    monkeypatch.setattr(ocr.os, "cpu_count", lambda: 1)
    evs = registry.create(["ocr"])[0].collect(batch(render([("REUTERS", 0)], bg=255), render([("AFP", 0)], bg=255)))
    assert calls == [2]  # the time was spent once, not twice
    assert [e.status for e in evs] == ["unavailable", "unavailable"] and "gave up" in evs[0].reason


def test_the_faint_pass_reads_only_the_rows_around_unsure_words() -> None:
    from captioncheck.signals.ocr import faint_rows, faint_sheet

    sheet = Image.new("L", (800, 900), 200)
    data = {"text": ["Shutterst", "ok", "xx", "Getty"], "conf": [45.0, 95.0, 40.0, 50.0],
            "top": [100, 300, 500, 120], "height": [30, 30, 30, 28]}
    # "Shutterst" and "Getty" are unsure (30 <= conf < 60, >= 4 letters): one merged band of rows;
    # "ok" is sure and "xx" too short to be a mark
    assert faint_rows(data, sheet.height) == [(70, 176)]
    assert faint_sheet(sheet, data, whole=False).size == (800, 106)
    assert faint_sheet(sheet, data, whole=True).size == sheet.size  # dominant tone: the whole sheet


def test_the_middle_is_read_at_the_size_a_large_mark_needs() -> None:
    from captioncheck.signals.ocr import BAND_TEXT_PX, MARK_FRACTION

    for w, h in ((640, 640), (1024, 681), (3000, 2000)):
        middle = regions(Image.new("RGB", (w, h), (90, 120, 150)))[2]
        scale = middle.height / (h - 2 * round(h * 0.2))
        assert scale * MARK_FRACTION * h <= BAND_TEXT_PX + 1  # a mark of 5 % of the height: ~22 px, not more
        assert max(middle.size) <= 640
