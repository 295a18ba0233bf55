"""Caption <-> original-caption similarity with CLIP's text tower: real (tiny, random-weight) open_clip
models, the clip signal's own scorer, and the probe that keeps an untrained model's cosines out of the verdict."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from captioncheck.config import Settings

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")

TESTDATA = Path(__file__).resolve().parents[3] / "testdata"
SEED = TESTDATA / "pages" / "presstv-fr-2019-12-11.html"
INDEX = TESTDATA / "index.sqlite"


@pytest.mark.parametrize("which", ["clip_dir", "siglip_dir"])
def test_random_weights_fail_the_probe_and_the_cosine_is_the_text_towers(which: str, request: pytest.FixtureRequest) -> None:
    from captioncheck.signals.clip.loader import get_model
    from captioncheck.signals.clip.scorer import ClipScorer
    from captioncheck.signals.clip.textpair import PROBE_MIN_AUC

    folder = request.getfixturevalue(which)
    scorer = ClipScorer(get_model(f"local-dir:{folder}", device="cpu"), None)
    a, b = "Protesters march in Tehran on Wednesday", "A rocket lander rises during a test flight in Texas"
    sim = scorer.caption_similarity(a, b)
    vecs = scorer.encoder.encode_texts([a, b])
    assert sim.cosine == pytest.approx(float(np.dot(vecs[0], vecs[1])), abs=1e-4)
    # an untrained model ranks captions by shared words, not by story: it must not be trusted
    assert sim.scale.auc < PROBE_MIN_AUC and not sim.scale.usable
    assert scorer.caption_similarity(a, b).scale is sim.scale  # the probe is taken once per scorer


def test_seed_page_with_clip_fills_text_similarity_and_keeps_the_verdict(clip_dir: Path, fresh_scorers: None) -> None:
    from captioncheck.pipeline import check_page
    from captioncheck.signals.clip import get_scorer

    with_clip = check_page(SEED, Settings(use_ocr=False, index_path=INDEX, remember=False, device="cpu",
                                          model=f"local-dir:{clip_dir}"))
    without = check_page(SEED, Settings(use_ocr=False, use_clip=False, index_path=INDEX, remember=False, device="cpu"))
    lead, plain = with_clip.images[0], without.images[0]
    assert lead.scores is not None and lead.scores.status == "ok"
    cmp, cmp_plain = lead.checks.original_comparison, plain.checks.original_comparison
    assert cmp is not None and cmp_plain is not None and cmp_plain.text_similarity is None
    scorer = get_scorer(Settings(device="cpu", model=f"local-dir:{clip_dir}"))  # the clip signal's scorer: no second model
    expected = scorer.caption_similarity(lead.caption, cmp.other_caption)
    assert cmp.text_similarity == pytest.approx(expected.cosine, abs=1e-4)
    assert cmp.text_similarity_scale is not None and cmp.text_similarity_scale.usable is False
    # random weights: the similarity counts for nothing, so the comparison and the verdict are as without CLIP
    assert (cmp.agrees, cmp.differs) == (cmp_plain.agrees, cmp_plain.differs)
    assert lead.verdict == plain.verdict == "inconsistent"
    clip_codes = {"low_image_caption_score", "low_image_article_score", "clip_agrees"}
    assert {r.code for r in lead.reasons} - clip_codes == {r.code for r in plain.reasons}
