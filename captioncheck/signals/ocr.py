"""OCR signal: text inside the image, agency/stock watermarks and burnt-in captions (pytesseract).

Tesseract runs with the page's language plus English (only the installed language packs),
on a preprocessed copy (greyscale, upscaled when small, contrast stretched), with a per-image
time limit, several images in parallel. Words under MIN_CONFIDENCE are dropped. When the
tesseract binary is missing every image gets Evidence "unavailable" with the install command.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from PIL import Image, ImageOps, ImageStat
from pydantic import BaseModel, Field

from captioncheck.signals.agencies import STOCK_LIBRARIES, find_agencies
from captioncheck.signals.base import Evidence, ImageItem, PageBatch

NAME = "ocr"
MIN_CONFIDENCE = 60.0  # tesseract word confidence (0..100) kept
FAINT_MIN_CONFIDENCE = 80.0  # stricter on the faint-marks pass (noisier)
MIN_SIDE = 800  # upscale images whose short side is smaller
MAX_SIDE = 2400  # downscale larger ones (speed)
BURNT_IN_MIN_WORDS = 4
PAGE_BUDGET_S = 90.0  # images not started by then are skipped (pages with hundreds of images)
INSTALL_HINT = "install it with `apt-get install tesseract-ocr tesseract-ocr-fra` (or your OS package) and retry"

# ISO 639-1 -> tesseract traineddata name
TESSERACT_LANGS: dict[str, str] = {
    "en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "pt": "por", "nl": "nld",
    "ru": "rus", "uk": "ukr", "ar": "ara", "fa": "fas", "tr": "tur", "pl": "pol", "he": "heb",
    "zh": "chi_sim", "ja": "jpn", "ko": "kor", "hi": "hin", "ur": "urd", "el": "ell", "sv": "swe",
}


class OcrLine(BaseModel):
    text: str
    confidence: float


class OcrResult(BaseModel):
    """Text found in one image."""

    text: str = ""
    lines: list[OcrLine] = Field(default_factory=list)
    languages: str = ""  # the tesseract language string used, e.g. "fra+eng"
    watermarks: list[str] = Field(default_factory=list)  # agencies/stock libraries named in the image
    stock_watermark: bool = False
    burnt_in_caption: str = ""  # the longest confident line of >= BURNT_IN_MIN_WORDS words


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Tesseract language packs present; raises pytesseract.TesseractNotFoundError if missing."""
    import pytesseract

    return frozenset(pytesseract.get_languages(config=""))


def tesseract_languages(page_language: str) -> str:
    """"fra+eng" for a French page, restricted to installed packs; "eng" at least."""
    have = installed_languages()
    base = (page_language or "").split("-")[0].split("_")[0].lower()
    wanted = [TESSERACT_LANGS.get(base, ""), "eng"]
    chosen = [w for w in dict.fromkeys(wanted) if w and w in have]
    return "+".join(chosen) or "eng"


def preprocess(img: Image.Image) -> Image.Image:
    """Greyscale, resized into [MIN_SIDE, MAX_SIDE] on the short/long side, contrast stretched."""
    grey = img.convert("L")  # already upright: the pipeline applies EXIF orientation when decoding
    w, h = grey.size
    scale = 1.0
    if min(w, h) < MIN_SIDE:
        scale = min(MIN_SIDE / max(1, min(w, h)), 4.0)
    if max(w, h) * scale > MAX_SIDE:
        scale = MAX_SIDE / max(w, h)
    if abs(scale - 1.0) > 0.01:
        grey = grey.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
    return ImageOps.autocontrast(grey, cutoff=1)


def faint_marks(prepared: Image.Image, delta: int = 25) -> Image.Image:
    """Second pass for faint watermarks: pixels that differ from the dominant tone turn black."""
    median = ImageStat.Stat(prepared).median[0]
    return prepared.point(lambda v: 0 if abs(v - median) > delta else 255)


def _lines(data: dict[str, list], min_conf: float = MIN_CONFIDENCE) -> list[OcrLine]:
    """Group confident words into lines (block, paragraph, line) with their mean confidence."""
    groups: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for i, word in enumerate(data.get("text", [])):
        conf = float(data["conf"][i])
        word = (word or "").strip()
        if conf < min_conf or sum(ch.isalnum() for ch in word) < 2:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        groups.setdefault(key, []).append((word, conf))
    return [
        OcrLine(text=" ".join(w for w, _ in words), confidence=round(sum(c for _, c in words) / len(words), 1))
        for _, words in sorted(groups.items())
    ]


def ocr_image(img: Image.Image, languages: str, timeout_s: float) -> OcrResult:
    """Run tesseract on one image (two passes: normal, faint marks); raises RuntimeError on time-out (pytesseract's)."""
    import pytesseract

    prepared = preprocess(img)
    lines: list[OcrLine] = []
    for variant, min_conf in ((prepared, MIN_CONFIDENCE), (faint_marks(prepared), FAINT_MIN_CONFIDENCE)):
        data = pytesseract.image_to_data(
            variant, lang=languages, config="--psm 11", output_type=pytesseract.Output.DICT, timeout=timeout_s / 2
        )
        known = {ln.text for ln in lines}
        lines.extend(ln for ln in _lines(data, min_conf) if ln.text not in known)
    text = "\n".join(line.text for line in lines)
    marks = find_agencies(text.replace("\n", " "))
    long_lines = [ln.text for ln in lines if len(ln.text.split()) >= BURNT_IN_MIN_WORDS]
    return OcrResult(
        text=text,
        lines=lines,
        languages=languages,
        watermarks=marks,
        stock_watermark=any(m in STOCK_LIBRARIES for m in marks),
        burnt_in_caption=max(long_lines, key=len) if long_lines else "",
    )


class OcrSignal:
    name = NAME

    def collect(self, batch: PageBatch) -> list[Evidence]:
        if not batch.items:
            return []
        try:
            languages = tesseract_languages(batch.page.language)
        except Exception as exc:  # TesseractNotFoundError, OSError: binary missing or broken
            reason = f"tesseract not available ({type(exc).__name__}): {INSTALL_HINT}"
            return [Evidence.unavailable(NAME, reason) for _ in batch.items]
        timeout = batch.settings.ocr_timeout_s
        workers = max(1, min(len(batch.items), os.cpu_count() or 1, 4))
        deadline = time.monotonic() + max(PAGE_BUDGET_S, 2 * timeout)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda item: self._one(item, languages, timeout, deadline), batch.items))

    def _one(self, item: ImageItem, languages: str, timeout_s: float, deadline: float) -> Evidence:
        if time.monotonic() > deadline:
            return Evidence.unavailable(NAME, f"OCR time budget for the page ({PAGE_BUDGET_S:g} s) spent before this image")
        try:
            return Evidence(signal=NAME, value=ocr_image(item.pil, languages, timeout_s))
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                return Evidence.unavailable(NAME, f"OCR gave up after {timeout_s:g} s on this image")
            return Evidence.error(NAME, f"OCR failed: {exc}")
        except Exception as exc:
            return Evidence.error(NAME, f"OCR failed ({type(exc).__name__}): {exc}")


__all__ = ["NAME", "OcrLine", "OcrResult", "OcrSignal", "installed_languages", "ocr_image", "preprocess", "tesseract_languages"]
