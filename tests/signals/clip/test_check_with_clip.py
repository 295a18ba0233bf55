"""The check pipeline on the seed page: CLIP scores filled with a (tiny) model, one notice without."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from captioncheck.config import Settings, data_dir

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")

SEED = Path(__file__).resolve().parents[3] / "testdata" / "pages" / "presstv-fr-2019-12-11.html"
pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="seed page not in testdata yet")


def settings() -> Settings:
    return Settings(use_ocr=False, use_index=False, remember=False, device="cpu")


def test_seed_page_gets_clip_scores(siglip_dir: Path, empty_hf_cache: Path, fresh_scorers: None) -> None:
    from captioncheck.pipeline import check_page

    shutil.copytree(siglip_dir, data_dir() / "models" / "multilingual")  # the default preset, found offline
    report = check_page(SEED, settings())
    scored = [img for img in report.images if img.scores is not None and img.scores.status == "ok"]
    assert scored, [img.signals_unavailable for img in report.images]
    lead = scored[0].scores
    assert lead.model == "multilingual" and lead.head == "sigmoid"
    assert lead.image_caption is not None and 0.0 <= lead.image_caption.calibrated <= 1.0
    assert lead.image_article is not None and lead.best_passages
    assert not any("CLIP" in n for n in report.notices)


def test_seed_page_without_weights_says_what_to_run(empty_hf_cache: Path, fresh_scorers: None) -> None:
    from captioncheck.pipeline import check_page

    report = check_page(SEED, settings())
    assert all(img.scores is None for img in report.images)
    assert any("captioncheck models download multilingual" in n for n in report.notices), report.notices
