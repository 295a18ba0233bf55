"""OCR signal: text inside the image, agency/stock watermarks and burnt-in captions (tesseract).

Marks and burnt-in captions live in a few places: agency credits in the corners, captions on a
band at the bottom or top, stock-library names large and faint across the middle. So each image
is read once, as one mosaic of greyscale regions stacked with gaps (one tesseract process, one
load of the language models):

* the top and bottom bands (BAND of the height each, corners included), scaled so that text of
  TEXT_FRACTION of the image height is about BAND_TEXT_PX tall;
* the middle, downscaled to at most OVERVIEW_SIDE and so that a mark of MARK_FRACTION of the
  image height is still about BAND_TEXT_PX tall (large marks stay readable, small print in the
  middle of a photo is rarely a mark).

Images of at most WHOLE_AREA pixels are read whole (small ones upscaled). A second pass on
the "faint marks" version (pixels far from the dominant tone turn black) runs only when the first
one saw something faint (words it could not read with confidence), and then only on the rows
around those words, or, on the whole sheet, when the image has a dominant tone for a faint mark to
stand out from (graphics, cards, screenshots). Tesseract reads the page language plus English
(installed packs only). Each core has one long-lived tesseract worker (tesseract_pool: libtesseract
in a child process with OMP_THREAD_LIMIT=1, its language models loaded once and kept between
images and pages, where the command line reloads them every run, which costs as much as reading a
photo); each reads its share of the page's images. Without libtesseract the tesseract command
line reads them, one process per core. Images too small to carry text are not read. Words under
MIN_CONFIDENCE are dropped. When the tesseract binary is missing every image gets Evidence
"unavailable" with the install command.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from PIL import Image, ImageOps, ImageStat
from pydantic import BaseModel, Field

from captioncheck.signals.agencies import STOCK_LIBRARIES, find_agencies
from captioncheck.signals.base import Evidence, PageBatch

NAME = "ocr"
MIN_CONFIDENCE = 60.0  # tesseract word confidence (0..100) kept
FAINT_MIN_CONFIDENCE = 80.0  # stricter on the faint-marks pass (noisier)
FAINT_HINT_CONFIDENCE = 30.0  # a first-pass word this sure but under MIN_CONFIDENCE asks for the faint pass
FAINT_HINT_LETTERS = 4  # ... when it has at least this many letters
DOMINANT_SHARE = 0.5  # or when this share of the pixels is within 8 grey levels of the median
MIN_SIDE = 200  # small images read whole are upscaled to at least this short side
MAX_SIDE = 2400  # and never beyond this long side
WHOLE_AREA = 400_000  # images up to this many pixels are read whole
TOO_SMALL = (48, 12_000)  # short side, area in pixels: smaller images carry no readable text
BAND = 0.2  # fraction of the height read at full resolution at the top and at the bottom
TEXT_FRACTION = 0.025  # smallest mark or caption text looked for, as a fraction of the height
BAND_TEXT_PX = 22  # ... scaled to this height in pixels (tesseract reads best at 20-30 px)
MAX_BAND_SCALE = 3.0
MAX_MOSAIC_WIDTH = 2000
OVERVIEW_SIDE = 640  # the middle of the image is read at most this large
MARK_FRACTION = 0.05  # ... and scaled so that a mark this tall (fraction of the height) is BAND_TEXT_PX tall
GAP = 24  # white rows between regions of the mosaic
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
    """Greyscale, resized into [MIN_SIDE, MAX_SIDE] on the short/long side, contrast stretched
    (how a small image is read whole)."""
    grey = img.convert("L")  # already upright: the pipeline applies EXIF orientation when decoding
    w, h = grey.size
    scale = 1.0
    if min(w, h) < MIN_SIDE:
        scale = min(MIN_SIDE / max(1, min(w, h)), 4.0)
    if max(w, h) * scale > MAX_SIDE:
        scale = MAX_SIDE / max(w, h)
    return _autocontrast(_scaled(grey, scale))


def _scaled(img: Image.Image, scale: float) -> Image.Image:
    if abs(scale - 1.0) <= 0.01:
        return img
    w, h = img.size
    return img.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)


def _autocontrast(img: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(img, cutoff=1)


def too_small(img: Image.Image) -> bool:
    w, h = img.size
    return min(w, h) < TOO_SMALL[0] or w * h < TOO_SMALL[1]


def regions(img: Image.Image) -> list[Image.Image]:
    """The parts of the image read, prepared for tesseract: the whole of a small image, else the
    top and bottom bands at reading resolution and the middle downscaled."""
    w, h = img.size
    if w * h <= WHOLE_AREA:
        return [preprocess(img)]
    grey = img.convert("L")
    band = max(1, round(h * BAND))
    scale = min(MAX_BAND_SCALE, max(1.0, BAND_TEXT_PX / (TEXT_FRACTION * h)), MAX_MOSAIC_WIDTH / w)
    top = _scaled(grey.crop((0, 0, w, band)), scale)
    bottom = _scaled(grey.crop((0, h - band, w, h)), scale)
    out = [_autocontrast(top), _autocontrast(bottom)]
    if h - 2 * band > 0:
        middle = grey.crop((0, band, w, h - band))
        fit = min(1.0, OVERVIEW_SIDE / max(w, h - 2 * band), BAND_TEXT_PX / (MARK_FRACTION * h))
        out.append(_autocontrast(_scaled(middle, fit)))
    return out


def mosaic(parts: list[Image.Image]) -> Image.Image:
    """Regions stacked top to bottom on white, GAP rows apart."""
    if len(parts) == 1:
        return parts[0]
    width = max(p.width for p in parts)
    height = sum(p.height for p in parts) + GAP * (len(parts) - 1)
    sheet = Image.new("L", (width, height), 255)
    y = 0
    for part in parts:
        sheet.paste(part, (0, y))
        y += part.height + GAP
    return sheet


def faint_marks(prepared: Image.Image, delta: int = 25) -> Image.Image:
    """Second pass for faint watermarks: pixels that differ from the dominant tone turn black."""
    median = ImageStat.Stat(prepared).median[0]
    return prepared.point(lambda v: 0 if abs(v - median) > delta else 255)


def run_tesseract(images: list[Image.Image], languages: str, timeout_s: float, psm: int = 11) -> list[dict[str, list]]:
    """Word boxes of each greyscale image (tesseract's TSV as columns: text, conf, block_num...),
    all read by ONE tesseract process (the language models load once, not once per image).

    A long-lived worker of the process's pool (tesseract_pool: libtesseract with its models kept
    loaded between calls and pages) reads them when it can run here; else the tesseract command
    line does (`_run_tesseract_cli`). Raises RuntimeError on time-out (the message says "timeout")
    or failure, FileNotFoundError without tesseract.
    """
    from captioncheck.signals.tesseract_pool import shared_pool

    pool = shared_pool()
    if pool is None:
        return _run_tesseract_cli(images, languages, timeout_s, psm)
    texts = pool.read(images, languages, psm, timeout_s)
    return [_tsv_columns(TSV_HEAD + text) for text in texts]


TSV_HEAD = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def _run_tesseract_cli(images: list[Image.Image], languages: str, timeout_s: float, psm: int = 11) -> list[dict[str, list]]:
    """run_tesseract with the command line: the images are written as PGM files to a temporary
    folder and listed in a file tesseract reads; the child runs with OMP_THREAD_LIMIT=1 so that
    processes, not threads, share the cores."""
    import tempfile

    import pytesseract

    with tempfile.TemporaryDirectory(prefix="captioncheck-ocr-") as tmp:
        paths = []
        for i, img in enumerate(images):
            path = os.path.join(tmp, f"{i}.pgm")
            img.convert("L").save(path, format="PPM")  # binary PGM: nothing to compress
            paths.append(path)
        listing = os.path.join(tmp, "images.txt")
        with open(listing, "w", encoding="utf-8") as fh:
            fh.write("\n".join(paths) + "\n")
        cmd = [pytesseract.pytesseract.tesseract_cmd, listing, "stdout", "-l", languages, "--psm", str(psm), "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=max(0.1, timeout_s), env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"Tesseract process timeout after {timeout_s:g} s") from exc
    if proc.returncode != 0:
        raise RuntimeError(" ".join(proc.stderr.decode("utf-8", "replace").split())[-200:] or f"tesseract exit {proc.returncode}")
    return _per_page(_tsv_columns(proc.stdout.decode("utf-8", "replace")), len(images))


def _per_page(cols: dict[str, list], pages: int) -> list[dict[str, list]]:
    """Split TSV columns by page_num (1-based: one page per image listed)."""
    out: list[dict[str, list]] = [{name: [] for name in cols} for _ in range(pages)]
    for i, page in enumerate(cols.get("page_num", [])):
        if 1 <= int(page) <= pages:
            for name, values in cols.items():
                out[int(page) - 1][name].append(values[i])
    return out


def _tsv_columns(tsv: str) -> dict[str, list]:
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return {}
    head, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    cols: dict[str, list] = {name: [] for name in head}
    for row in body:
        for name, value in zip(head, row, strict=True):
            cols[name].append(value if name == "text" else _number(value))
    return cols


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return -1.0


def _lines(data: dict[str, list], min_conf: float = MIN_CONFIDENCE) -> list[OcrLine]:
    """Group confident words into lines (block, paragraph, line) with their mean confidence."""
    groups: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for i, word in enumerate(data.get("text", [])):
        conf = float(data["conf"][i])
        word = (word or "").strip()
        if conf < min_conf or sum(ch.isalnum() for ch in word) < 2:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        groups.setdefault(key, []).append((word, conf))
    return [
        OcrLine(text=" ".join(w for w, _ in words), confidence=round(sum(c for _, c in words) / len(words), 1))
        for _, words in sorted(groups.items())
    ]


def _faint_words(data: dict[str, list]) -> list[int]:
    """Words tesseract found but could not read with confidence (maybe a faint mark): indexes."""
    return [
        i
        for i, (word, conf) in enumerate(zip(data.get("text", []), data.get("conf", []), strict=False))
        if FAINT_HINT_CONFIDENCE <= float(conf) < MIN_CONFIDENCE and sum(ch.isalpha() for ch in (word or "")) >= FAINT_HINT_LETTERS
    ]


def _saw_something_faint(data: dict[str, list]) -> bool:
    return bool(_faint_words(data))


def faint_rows(data: dict[str, list], height: int) -> list[tuple[int, int]]:
    """The bands of rows around the words read without confidence (one word height above and
    below each, merged), where the faint pass looks again."""
    spans = []
    for i in _faint_words(data):
        top, h = int(data["top"][i]), max(1, int(data["height"][i]))
        spans.append((max(0, top - h), min(height, top + 2 * h)))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def faint_sheet(sheet: Image.Image, data: dict[str, list], whole: bool) -> Image.Image:
    """What the faint pass reads: the whole faint-marks sheet for an image with a dominant tone,
    else only the rows around the first pass's unsure words (a fraction of the pixels)."""
    marks = faint_marks(sheet)
    if whole:
        return marks
    rows = faint_rows(data, sheet.height)
    return mosaic([marks.crop((0, a, sheet.width, b)) for a, b in rows]) if rows else marks


def dominant_tone(img: Image.Image, delta: int = 8) -> bool:
    """True when most of the image is one tone (graphics, cards, screenshots, studio backdrops):
    the only backgrounds on which the faint-marks pass can separate a mark from the picture."""
    small = img.convert("L")
    small.thumbnail((160, 160))
    hist = small.histogram()
    median = ImageStat.Stat(small).median[0]
    near = sum(hist[max(0, median - delta): median + delta + 1])
    return near >= DOMINANT_SHARE * max(1, sum(hist))


def read_images(images: list[Image.Image], languages: str, timeout_s: float) -> list[OcrResult]:
    """Read images with one tesseract process (two when some need the faint pass); `timeout_s`
    is per image. Raises RuntimeError (time-out, failure) for the whole group."""
    started = time.monotonic()
    sheets = [mosaic(regions(img)) for img in images]
    firsts = run_tesseract(sheets, languages, timeout_s * len(images))
    lines = [_lines(data, MIN_CONFIDENCE) for data in firsts]
    tones = [dominant_tone(img) for img in images]
    again = [i for i, data in enumerate(firsts) if tones[i] or _saw_something_faint(data)]
    if again:
        left = timeout_s * len(images) - (time.monotonic() - started)
        faint = run_tesseract([faint_sheet(sheets[i], firsts[i], tones[i]) for i in again], languages, left)
        for i, data in zip(again, faint, strict=True):
            known = {ln.text for ln in lines[i]}
            lines[i].extend(ln for ln in _lines(data, FAINT_MIN_CONFIDENCE) if ln.text not in known)
    return [_result(found, languages) for found in lines]


def ocr_image(img: Image.Image, languages: str, timeout_s: float) -> OcrResult:
    """Read one image (see the module docstring); raises RuntimeError on time-out."""
    return read_images([img], languages, timeout_s)[0]


def _result(lines: list[OcrLine], languages: str) -> OcrResult:
    text = "\n".join(line.text for line in lines)
    marks = find_agencies(text.replace("\n", " "), clipped=True)  # a watermark cut by the frame: "EUTERS"
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
        deadline = time.monotonic() + max(PAGE_BUDGET_S, 2 * timeout)
        out: list[Evidence | None] = [None] * len(batch.items)
        todo = []
        for i, item in enumerate(batch.items):
            if too_small(item.pil):  # nothing readable: an empty reading, not an error
                out[i] = Evidence(signal=NAME, value=OcrResult(languages=languages))
            else:
                todo.append(i)
        workers = max(1, min(len(todo), os.cpu_count() or 1))  # one tesseract process (one thread) per core
        groups = [todo[k::workers] for k in range(workers)]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
            for group, evs in zip(groups, pool.map(lambda g: self._group(batch, g, languages, timeout, deadline), groups), strict=True):
                for i, ev in zip(group, evs, strict=True):
                    out[i] = ev
        return [ev if ev is not None else Evidence.error(NAME, "OCR did not run") for ev in out]

    def _group(self, batch: PageBatch, group: list[int], languages: str, timeout_s: float, deadline: float) -> list[Evidence]:
        """One tesseract process for the group; when it fails, each image alone (a bad image
        costs only its own reading)."""
        if not group:
            return []
        if time.monotonic() > deadline:
            return [self._over_budget() for _ in group]
        images = [batch.items[i].pil for i in group]
        if len(group) > 1:
            try:
                return [Evidence(signal=NAME, value=r) for r in read_images(images, languages, timeout_s)]
            except RuntimeError as exc:
                if "timeout" in str(exc).lower():  # the group's time is spent: reading again would double it
                    reason = f"OCR gave up after {timeout_s:g} s per image ({len(group)} images read together)"
                    return [Evidence.unavailable(NAME, reason) for _ in group]
            except Exception:  # noqa: BLE001, S110 - one image broke the group: read them one by one below
                pass
        return [self._one(img, languages, timeout_s, deadline) for img in images]

    @staticmethod
    def _over_budget() -> Evidence:
        return Evidence.unavailable(NAME, f"OCR time budget for the page ({PAGE_BUDGET_S:g} s) spent before this image")

    def _one(self, img: Image.Image, languages: str, timeout_s: float, deadline: float) -> Evidence:
        if time.monotonic() > deadline:
            return self._over_budget()
        try:
            return Evidence(signal=NAME, value=ocr_image(img, languages, timeout_s))
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                return Evidence.unavailable(NAME, f"OCR gave up after {timeout_s:g} s on this image")
            return Evidence.error(NAME, f"OCR failed: {exc}")
        except Exception as exc:
            return Evidence.error(NAME, f"OCR failed ({type(exc).__name__}): {exc}")


__all__ = [
    "NAME",
    "OcrLine",
    "OcrResult",
    "OcrSignal",
    "dominant_tone",
    "installed_languages",
    "mosaic",
    "ocr_image",
    "preprocess",
    "read_images",
    "regions",
    "run_tesseract",
    "tesseract_languages",
    "too_small",
]
