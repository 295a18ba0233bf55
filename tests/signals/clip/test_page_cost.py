"""What a page costs the text tower: exact trimming of causal CLIP text, constants encoded once
per process, passages capped and de-duplicated."""

from __future__ import annotations

from pathlib import Path

import pytest

from captioncheck._types import PageInfo
from captioncheck.signals.clip.calibrate import CONTRAST_TEXTS
from captioncheck.signals.clip.encoder import encode_text_trimmed, trimmable
from captioncheck.signals.clip.loader import get_model
from captioncheck.signals.clip.passages import MAX_PASSAGES, article_passages
from captioncheck.signals.clip.scorer import ClipScorer

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")
torch = pytest.importorskip("torch")

PAGE = PageInfo(title="Le chef du renseignement russe à Téhéran",
                text="Le chef du renseignement extérieur russe est arrivé mardi à Téhéran.\n\nIl a rencontré des responsables.")


def items(n: int) -> list:
    import numpy as np
    from PIL import Image

    from captioncheck._types import ImageInContext

    rng = np.random.default_rng(n)
    return [(ImageInContext(url=f"https://x/{i}.jpg", caption=f"Caption {i} of the rally in Washington", alt=""),
             Image.fromarray(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))) for i in range(n)]


def test_trimmed_text_tower_equals_open_clip(clip_dir: Path, siglip_dir: Path, fresh_scorers: None) -> None:
    loaded = get_model(f"local-dir:{clip_dir}")
    assert trimmable(loaded.model)
    assert not trimmable(get_model(f"local-dir:{siglip_dir}").model)  # attends both ways: full context
    texts = ["a photo", "Le chef du renseignement russe est arrivé à Téhéran pour des entretiens", "x " * 120]
    tokens = loaded.tokenizer(texts)
    with torch.inference_mode():
        full = loaded.model.encode_text(tokens, normalize=True)
        short = encode_text_trimmed(loaded.model, tokens[:2])  # the batch reads only its own length
        assert int(tokens[:2].argmax(dim=-1).max()) + 1 < tokens.shape[1]
        assert torch.allclose(short, full[:2], atol=1e-6)
        assert torch.allclose(encode_text_trimmed(loaded.model, tokens), full, atol=1e-6)


def test_constant_texts_are_encoded_once_per_process(clip_dir: Path, fresh_scorers: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = ClipScorer(get_model(f"local-dir:{clip_dir}"), None)
    seen: list[str] = []
    real = scorer.encoder._forward_texts

    def counting(texts: list[str]):  # type: ignore[no-untyped-def]
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(scorer.encoder, "_forward_texts", counting)
    scorer.score_page(PAGE, items(2), contexts=["Tehran", "Washington, DC"])
    assert set(CONTRAST_TEXTS) <= set(seen)
    seen.clear()
    other = PageInfo(title="Another article", text="A different story about Moscow and its people.")
    scorer.score_page(other, items(2), contexts=["Tehran", "Moscow"])
    assert not set(CONTRAST_TEXTS) & set(seen)  # the contrast set came from the per-process memo
    assert not [t for t in seen if "Tehran" in t]  # so did the prompts of a place seen before
    assert any("Moscow" in t for t in seen)
    assert len(seen) == len(set(seen))  # nothing encoded twice


def test_passages_are_capped_and_deduplicated() -> None:
    body = "\n\n".join([f"Paragraph number {i} says something about the events of the day." for i in range(60)])
    page = PageInfo(title="Title", description="Paragraph number 0 says something about the events of the day.",
                    text=body + "\n\n" + body)
    found = article_passages(page)
    assert len(found) == MAX_PASSAGES <= 16
    assert len({p.text.casefold() for p in found}) == len(found)
    assert found[0].kind == "title" and found[1].kind == "lead"
