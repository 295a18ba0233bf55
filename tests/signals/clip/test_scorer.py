"""ClipScorer on real tiny open_clip models: the numbers are checked against bare open_clip."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings, data_dir
from captioncheck.signals.clip import ClipScores, get_scorer
from captioncheck.signals.clip.cache import EmbeddingCache
from captioncheck.signals.clip.calibrate import CONTRAST_TEXTS
from captioncheck.signals.clip.loader import get_model
from captioncheck.signals.clip.scorer import ClipScorer

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")
torch = pytest.importorskip("torch")

CAPTION = "Ilhan Omar and Nancy Pelosi on March 08, 2019 in Washington, DC. (AFP photo)"
PAGE = PageInfo(
    title="Le chef du renseignement russe à Téhéran",
    description="Le chef du renseignement extérieur russe est arrivé à Téhéran.",
    text="Le chef du renseignement extérieur russe est arrivé mardi à Téhéran.\n\nIl a rencontré des responsables iraniens.",
)


def photo(seed: int, size: tuple[int, int] = (160, 120)) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))


def items(n: int) -> list[tuple[ImageInContext, Image.Image]]:
    return [(ImageInContext(url=f"https://x/{i}.jpg", caption=CAPTION, alt=f"photo {i}"), photo(i)) for i in range(n)]


def bare_cosine(model_dir: Path, image: Image.Image, text: str) -> float:
    import open_clip

    model, _, preprocess = open_clip.create_model_and_transforms(f"local-dir:{model_dir}")
    tokenizer = open_clip.get_tokenizer(f"local-dir:{model_dir}")
    model.eval()
    with torch.no_grad():
        img = model.encode_image(preprocess(image).unsqueeze(0), normalize=True)
        txt = model.encode_text(tokenizer([text]), normalize=True)
    return float((img @ txt.T).item())


@pytest.mark.parametrize("which", ["siglip", "clip"])
def test_scores_match_bare_open_clip_and_calibration(
    which: str, siglip_dir: Path, clip_dir: Path, fresh_scorers: None
) -> None:
    folder = siglip_dir if which == "siglip" else clip_dir
    scorer = ClipScorer(get_model(f"local-dir:{folder}", precision="fp32"))  # bf16 agreement: test_precision.py
    scores = scorer.score_page(PAGE, items(3), contexts=["Tehran", "Washington, DC", "US Capitol"])
    first = scores[0]
    assert first.status == "ok" and first.image_caption is not None
    assert first.image_caption.raw == pytest.approx(bare_cosine(folder, photo(0), CAPTION), abs=2e-4)
    loaded = scorer.loaded
    if which == "siglip":
        expected = 1 / (1 + math.exp(-(loaded.logit_scale * first.image_caption.raw + loaded.logit_bias)))
        assert first.image_caption.method == "sigmoid"
    else:
        vecs = scorer.encoder.encode_texts([CAPTION, *CONTRAST_TEXTS])
        image_vec = scorer.encoder.encode_images([photo(0)]).vectors[0]
        logits = loaded.logit_scale * (vecs @ image_vec)
        expected = float(np.exp(logits[0] - logits.max()) / np.exp(logits - logits.max()).sum())
        assert first.image_caption.method == "contrast"
    assert first.image_caption.calibrated == pytest.approx(expected, abs=1e-4)
    assert first.image_caption.explanation.startswith("caption matches image: ")
    assert first.image_caption.explanation.endswith(first.image_caption.label)


def test_page_scores_are_complete(siglip_dir: Path, fresh_scorers: None) -> None:
    scorer = ClipScorer(get_model(f"local-dir:{siglip_dir}"))
    scores = scorer.score_page(PAGE, items(2), contexts=["Tehran", "Washington, DC", "tehran"])
    one = scores[0]
    assert one.image_alt is not None and one.image_article is not None and one.caption_article is not None
    assert [p.kind for p in one.best_passages][:3] and len(one.best_passages) == 3
    assert one.best_passages[0].raw >= one.best_passages[-1].raw
    assert sorted(c.text for c in one.contexts) == ["Tehran", "Washington, DC"]
    assert sum(c.prob for c in one.contexts) == pytest.approx(1.0, abs=1e-3)
    assert one.contexts[0].prob >= one.contexts[1].prob
    assert any(line.startswith("best article passage: ") for line in one.explanations)
    assert any(line.startswith("image prefers ") for line in one.explanations)
    ClipScores.model_validate_json(one.model_dump_json())  # JSON round trip


def test_alt_equal_to_caption_is_not_scored_twice(clip_dir: Path, fresh_scorers: None) -> None:
    scorer = ClipScorer(get_model(f"local-dir:{clip_dir}"))
    meta = ImageInContext(url="u", caption="Tehran", alt="tehran")
    [scores] = scorer.score_page(PageInfo(), [(meta, photo(1))])
    assert scores.image_caption is not None and scores.image_alt is None and scores.image_article is None


def test_batching_gives_the_same_vectors(clip_dir: Path, fresh_scorers: None) -> None:
    loaded = get_model(f"local-dir:{clip_dir}")
    images = [photo(i) for i in range(11)]
    by8 = ClipScorer(loaded, image_batch=8).encoder.encode_images(images).vectors
    by1 = ClipScorer(loaded, image_batch=1).encoder.encode_images(images).vectors
    assert np.allclose(by8, by1, atol=1e-5)
    assert np.allclose(np.linalg.norm(by8, axis=1), 1.0, atol=1e-4)


def test_tiny_decorative_and_corrupt_images_are_skipped(clip_dir: Path, fresh_scorers: None) -> None:
    buffer = io.BytesIO()
    photo(7).save(buffer, format="JPEG")
    truncated = Image.open(io.BytesIO(buffer.getvalue()[: len(buffer.getvalue()) // 2]))  # header parses, pixels do not
    page_items = [
        (ImageInContext(url="ok", caption=CAPTION), photo(1)),
        (ImageInContext(url="icon", caption="x", role="icon"), photo(2)),
        (ImageInContext(url="tiny", caption="x"), photo(3, (20, 20))),
        (ImageInContext(url="broken", caption="x"), truncated),
        (ImageInContext(url="ok2", caption=CAPTION), photo(4)),
    ]
    scorer = ClipScorer(get_model(f"local-dir:{clip_dir}"), EmbeddingCache(data_dir() / "c.sqlite"))
    scores = scorer.score_page(PAGE, page_items)
    assert [s.status for s in scores] == ["ok", "skipped", "skipped", "skipped", "ok"]
    assert "decorative" in scores[1].reason and "too small" in scores[2].reason
    assert scores[3].reason.startswith("image could not be decoded")


def test_cache_hits_give_identical_scores(clip_dir: Path, fresh_scorers: None) -> None:
    loaded = get_model(f"local-dir:{clip_dir}")
    cache = EmbeddingCache(data_dir() / "c.sqlite")
    first = ClipScorer(loaded, cache).score_page(PAGE, items(3), image_keys=["k0", "k1", "k2"])
    rows = cache.count()
    assert len(cache.get_many(loaded.model_id, "image", ["k0", "k1", "k2"])) == 3
    again = ClipScorer(loaded, cache).score_page(PAGE, items(3), image_keys=["k0", "k1", "k2"])
    assert cache.count() == rows
    assert [s.model_dump() for s in again] == [s.model_dump() for s in first]
    # a cached vector is used as is: a different picture under the same key scores like the first
    swapped = ClipScorer(loaded, cache).score_page(PAGE, [(items(1)[0][0], photo(99))], image_keys=["k0"])
    assert swapped[0].image_caption == first[0].image_caption


def test_get_scorer_once_per_settings_with_cache_in_data_dir(clip_dir: Path, fresh_scorers: None) -> None:
    settings = Settings(model=f"local-dir:{clip_dir}", device="cpu")
    scorer = get_scorer(settings)
    assert get_scorer(Settings(model=f"local-dir:{clip_dir}", device="cpu")) is scorer
    scorer.score_page(PAGE, items(1))
    assert (data_dir() / "clip_cache.sqlite").is_file()


def test_int8_image_tower_agrees_with_fp32(
    clip_dir: Path, fresh_scorers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = [photo(i) for i in range(4)]
    fp32 = get_model(f"local-dir:{clip_dir}", device="cpu", precision="fp32")
    reference = ClipScorer(fp32).encoder.encode_images(images).vectors
    monkeypatch.setenv("CAPTIONCHECK_CLIP_INT8", "1")
    int8 = get_model(f"local-dir:{clip_dir}", device="cpu", precision="fp32")  # int8 is the fp32 tower's alternative
    assert int8 is not fp32 and int8.model_id.endswith("+int8")
    vectors = ClipScorer(int8).encoder.encode_images(images).vectors
    assert float(np.min(np.sum(reference * vectors, axis=1))) >= 0.99


def test_int8_is_refused_when_it_disagrees(clip_dir: Path, fresh_scorers: None) -> None:
    from captioncheck.signals.clip.loader import load_model, quantize_image_tower
    from captioncheck.signals.clip.spec import parse_spec

    loaded = load_model(parse_spec(f"local-dir:{clip_dir}"), device="cpu")
    visual = loaded.model.visual
    same = quantize_image_tower(loaded, min_agreement=1.01)  # an unreachable bar: fp32 stays
    assert same.model.visual is visual and not same.model_id.endswith("+int8")
