"""Issue 10 item 3: a check's peak memory does not grow with the number of (large) images."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.hostile.pages import big_png, saved_page

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent("""
    import json, resource, sys
    from captioncheck.config import Settings
    from captioncheck.pipeline import check_page
    report = check_page(sys.argv[1], Settings(use_clip=False, use_ocr=False, use_index=False, remember=False))
    print(json.dumps({"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "sizes": [i.image_size for i in report.images], "errors": [i.error for i in report.images]}))
""")


def peak(page: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(page)], capture_output=True, text=True, timeout=240,
                         cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_peak_memory_is_independent_of_the_number_of_large_images(tmp_path: Path) -> None:
    from captioncheck.pipeline import CHUNK

    side = 2000  # 12 MB of RGB each once decoded
    png = big_png(side)
    few = peak(saved_page(tmp_path / "few", [png] * CHUNK))
    many = peak(saved_page(tmp_path / "many", [png] * (3 * CHUNK)))
    assert few["errors"] == [""] * CHUNK and many["errors"] == [""] * (3 * CHUNK)
    assert many["sizes"][0] == [side, side]
    # holding every decoded image would add 2 x CHUNK x 12 MB (~190 MB); one chunk at a time adds none
    assert many["peak_mib"] - few["peak_mib"] < 60, (few, many)


def test_report_gives_the_files_size_not_the_decoded_one(tmp_path: Path) -> None:
    from captioncheck.config import Settings
    from captioncheck.pipeline import MAX_DECODED_SIDE, check_page

    report = check_page(saved_page(tmp_path, [big_png(MAX_DECODED_SIDE + 400)]),
                        Settings(use_clip=False, use_ocr=False, use_index=False, remember=False))
    assert report.images[0].image_size == [MAX_DECODED_SIDE + 400] * 2


def test_decoding_downscales_large_images() -> None:
    from captioncheck.pipeline import MAX_DECODED_SIDE, decode_image

    img = decode_image(big_png(3000))
    assert max(img.size) <= MAX_DECODED_SIDE and img.mode == "RGB"
    assert decode_image(big_png(400)).size == (400, 400)


def test_pixel_budget_skips_images_past_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from captioncheck import pipeline
    from captioncheck.config import Settings

    monkeypatch.setattr(pipeline, "MAX_PAGE_PIXELS", 2_500_000)  # room for two 1000x1000 images
    page = saved_page(tmp_path, [big_png(1000)] * 4)
    report = pipeline.check_page(page, Settings(use_clip=False, use_ocr=False, use_index=False, remember=False))
    errors = [image.error for image in report.images]
    assert errors[:2] == ["", ""] and all("budget" in e for e in errors[2:]), errors
