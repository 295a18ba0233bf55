from __future__ import annotations

import math

import numpy as np
import pytest

from captioncheck._types import PageInfo
from captioncheck.signals.clip import calibrate
from captioncheck.signals.clip.passages import MAX_CHARS, article_passages, windows
from captioncheck.signals.clip.prompts import MAX_CONTEXTS, clean_contexts, prompts_for


def test_sigmoid_prob_is_the_siglip_head() -> None:
    assert float(calibrate.sigmoid_prob(0.1, 100.0, -10.0)) == pytest.approx(0.5)
    assert float(calibrate.sigmoid_prob(0.2, 10.0, -1.0)) == pytest.approx(1 / (1 + math.exp(-1.0)))


def test_contrast_prob_chance_level_and_monotonic() -> None:
    contrast = np.full(15, 0.2)
    assert calibrate.contrast_prob(0.2, contrast, 100.0) == pytest.approx(1 / 16)
    assert calibrate.contrast_prob(0.3, contrast, 100.0) > 0.99
    assert calibrate.contrast_prob(0.1, contrast, 100.0) < 0.001
    assert calibrate.contrast_prob(0.25, contrast, 100.0) > calibrate.contrast_prob(0.22, contrast, 100.0)


def test_percentile_and_softmax() -> None:
    assert calibrate.percentile(0.5, np.array([0.1, 0.5, 0.9, 0.2])) == pytest.approx(0.625)
    probs = calibrate.softmax(np.array([0.3, 0.2, 0.1]), 100.0)
    assert probs.sum() == pytest.approx(1.0) and probs[0] > probs[1] > probs[2]


def test_labels_follow_documented_thresholds() -> None:
    assert calibrate.label(calibrate.LOW_BELOW - 0.01) == "low"
    assert calibrate.label(calibrate.LOW_BELOW) == "medium"
    assert calibrate.label(calibrate.HIGH_FROM) == "high"


def test_passages_title_lead_body_weighted_and_bounded() -> None:
    long_par = " ".join(f"Phrase numéro {i} sur la visite à Téhéran." for i in range(40))
    page = PageInfo(
        title="Le chef du renseignement russe à Téhéran",
        description="Une visite officielle à Téhéran mardi.",
        text=f"Premier paragraphe de l'article, assez long.\n\n{long_par}",
    )
    passages = article_passages(page)
    kinds = [p.kind for p in passages]
    assert kinds[0] == "title" and kinds[1] == "lead" and set(kinds[2:]) == {"body"}
    assert passages[0].weight > passages[1].weight > passages[2].weight
    assert all(len(p.text) <= MAX_CHARS for p in passages)
    assert len({p.text for p in passages}) == len(passages)


def test_windows_cut_overlong_sentences_on_words() -> None:
    text = "mot " * 200
    parts = windows(text, 50)
    assert all(len(p) <= 50 for p in parts) and " ".join(parts).split() == text.split()


def test_contexts_are_unique_trimmed_and_bounded() -> None:
    assert clean_contexts([" Tehran ", "tehran", "", "Washington,  DC"]) == ["Tehran", "Washington, DC"]
    assert len(clean_contexts([f"place {i}" for i in range(100)])) == MAX_CONTEXTS
    assert prompts_for("Tehran")[0] == "a photo taken in Tehran."
