"""Precision of the image tower: bf16 agrees with fp32, `fp32` really runs fp32, caches never mix.

The agreement tests force bf16 (`precision="bf16"`), so they run on every CPU (where bf16 is not
native, torch emulates it: slow, but the numbers are the same). Only `auto`'s choice depends on the
CPU, and it is tested both ways by replacing the CPU detection.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from captioncheck._exceptions import InputError
from captioncheck.config import Settings, data_dir
from captioncheck.signals.clip import get_scorer, precision
from captioncheck.signals.clip.cache import EmbeddingCache
from captioncheck.signals.clip.loader import get_model
from captioncheck.signals.clip.scorer import ClipScorer

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")
torch = pytest.importorskip("torch")

RANK_TIE = 0.01  # caption scores closer than this in fp32 may swap in bf16
CAPTIONS = [
    "Ilhan Omar and Nancy Pelosi at a press conference in Washington, DC",
    "a photo taken in Tehran",
    "le chef du renseignement russe",
    "une photo de la réunion à Téhéran",
    "US Capitol",
    "a news photo from Washington, DC",
]


def photo(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
    return Image.fromarray(small).resize((320, 240), Image.BILINEAR)


def vectors(folder: Path, prec: str, images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
    scorer = ClipScorer(get_model(f"local-dir:{folder}", device="cpu", precision=prec))
    return scorer.encoder.encode_images(images).vectors, scorer.encoder.encode_texts(CAPTIONS)


@pytest.mark.parametrize("which", ["siglip", "clip"])
def test_bf16_image_embeddings_agree_with_fp32(
    which: str, siglip_dir: Path, clip_dir: Path, fresh_scorers: None
) -> None:
    folder = siglip_dir if which == "siglip" else clip_dir
    images = [photo(i) for i in range(6)]
    img32, txt32 = vectors(folder, "fp32", images)
    img16, txt16 = vectors(folder, "bf16", images)
    assert img16.dtype == np.float32
    assert np.allclose(np.linalg.norm(img16, axis=1), 1.0, atol=1e-5)  # normalised in fp32
    assert float(np.min(np.sum(img32 * img16, axis=1))) >= 0.999
    assert np.array_equal(txt32, txt16)  # the text tower stays fp32
    # every image ranks the captions in the same order, except captions within 0.01 of each other
    # in fp32 (random tiny models give near ties; bf16 moves a cosine by ~0.004 here)
    s32, s16 = img32 @ txt32.T, img16 @ txt16.T
    assert float(np.max(np.abs(s32 - s16))) <= 0.01
    apart = np.abs(s32[:, :, None] - s32[:, None, :]) > RANK_TIE
    assert apart.sum() >= apart.size // 2  # most pairs are compared
    same_order = np.sign(s32[:, :, None] - s32[:, None, :]) == np.sign(s16[:, :, None] - s16[:, None, :])
    assert bool(same_order[apart].all())
    assert not np.array_equal(img32, img16)  # bf16 did run: the numbers moved a little


def test_bf16_scores_and_labels_match_fp32(siglip_dir: Path, fresh_scorers: None) -> None:
    from captioncheck._types import ImageInContext, PageInfo

    page = PageInfo(title="Le chef du renseignement russe à Téhéran", text="Il a rencontré des responsables iraniens.")
    items = [(ImageInContext(url=f"u{i}", caption=CAPTIONS[i], alt=CAPTIONS[-1 - i]), photo(i)) for i in range(4)]
    places = ["Tehran", "Washington, DC", "US Capitol"]
    runs = {}
    for prec in ("fp32", "bf16"):
        scorer = ClipScorer(get_model(f"local-dir:{siglip_dir}", device="cpu", precision=prec))
        runs[prec] = scorer.score_page(page, items, contexts=places)
    for a, b in zip(runs["fp32"], runs["bf16"], strict=True):
        assert a.image_caption is not None and b.image_caption is not None
        assert abs(a.image_caption.raw - b.image_caption.raw) <= 0.01
        assert abs(a.image_caption.calibrated - b.image_caption.calibrated) <= 0.01
        assert a.image_caption.label == b.image_caption.label
        # each place scores the same within bf16's error, and places apart by more than RANK_TIE in
        # fp32 keep their order (random tiny models give near ties, which bf16 may swap)
        raw32, raw16 = {c.text: c.raw for c in a.contexts}, {c.text: c.raw for c in b.contexts}
        assert raw32.keys() == raw16.keys() == set(places)
        assert all(abs(raw32[name] - raw16[name]) <= 0.01 for name in places)
        rank16 = {c.text: k for k, c in enumerate(b.contexts)}
        for k, first in enumerate(a.contexts):
            for later in a.contexts[k + 1:]:
                if first.raw - later.raw > RANK_TIE:
                    assert rank16[first.text] < rank16[later.text]


def test_fp32_really_runs_fp32_and_bf16_bf16(clip_dir: Path, fresh_scorers: None) -> None:
    seen: dict[str, list[object]] = {}
    for prec in ("fp32", "bf16"):
        loaded = get_model(f"local-dir:{clip_dir}", device="cpu", precision=prec)
        found: list[object] = []
        hooks = [
            m.register_forward_hook(
                lambda _m, _i, out, found=found: found.append((out.dtype, torch.is_autocast_enabled("cpu")))
            )
            for m in loaded.model.visual.modules()
            if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))
        ]
        try:
            ClipScorer(loaded).encoder.encode_images([photo(0)])
        finally:
            for hook in hooks:
                hook.remove()
        seen[prec] = found
        assert loaded.precision == prec
    assert seen["fp32"] and all(f == (torch.float32, False) for f in seen["fp32"])
    assert seen["bf16"] and all(f == (torch.bfloat16, False) for f in seen["bf16"])
    fp32 = get_model(f"local-dir:{clip_dir}", device="cpu", precision="fp32")
    assert all(p.dtype == torch.float32 for p in fp32.model.parameters())


def test_a_disagreeing_bf16_tower_is_refused(clip_dir: Path, fresh_scorers: None) -> None:
    from captioncheck.signals.clip.loader import load_model, set_precision
    from captioncheck.signals.clip.spec import parse_spec

    loaded = load_model(parse_spec(f"local-dir:{clip_dir}"), device="cpu")
    visual = loaded.model.visual
    same = set_precision(loaded, "bf16", min_agreement=1.01)  # an unreachable bar: fp32 stays
    assert same.precision == "fp32" and same.model.visual is visual and "+bf16" not in same.model_id
    kept = set_precision(loaded, "bf16")
    assert kept.precision == "bf16" and kept.model_id.endswith("+bf16")
    assert all(p.dtype == torch.bfloat16 for p in kept.model.visual.parameters())


def test_a_tower_that_cannot_run_in_low_precision_stays_fp32(
    clip_dir: Path, fresh_scorers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from captioncheck.signals.clip import loader

    monkeypatch.setattr(loader, "torch_dtype", lambda _p: torch.int8)  # nn.Module.to refuses it: TypeError
    kept = loader.get_model(f"local-dir:{clip_dir}", device="cpu", precision="bf16")
    assert kept.precision == "fp32" and "+bf16" not in kept.model_id
    assert ClipScorer(kept).encoder.encode_images([photo(0)]).errors == [""]


def test_cache_keeps_fp32_and_bf16_apart(clip_dir: Path, fresh_scorers: None) -> None:
    cache = EmbeddingCache(data_dir() / "c.sqlite")
    fp32 = get_model(f"local-dir:{clip_dir}", device="cpu", precision="fp32")
    bf16 = get_model(f"local-dir:{clip_dir}", device="cpu", precision="bf16")
    assert fp32 is not bf16 and bf16.model_id == fp32.model_id + "+bf16"
    ClipScorer(fp32, cache).encoder.encode_images([photo(0)], keys=["k0"])
    assert cache.get_many(bf16.model_id, "image", ["k0"]) == {}
    got = ClipScorer(bf16, cache).encoder.encode_images([photo(0)], keys=["k0"]).vectors
    stored = cache.get_many(bf16.model_id, "image", ["k0"])["k0"]
    assert np.array_equal(stored, got[0])
    assert not np.array_equal(stored, cache.get_many(fp32.model_id, "image", ["k0"])["k0"])


def test_auto_uses_bf16_only_where_the_cpu_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: True)
    assert precision.resolve_precision("auto", "cpu") == "bf16"
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: False)
    assert precision.resolve_precision("auto", "cpu") == "fp32"
    assert precision.resolve_precision("AUTO ", "cpu") == "fp32"
    assert precision.resolve_precision("fp32", "cpu") == "fp32"
    assert precision.resolve_precision("bf16", "cpu") == "bf16"
    with pytest.raises(InputError, match="auto, fp32, bf16"):
        precision.resolve_precision("half", "cpu")


def test_auto_on_this_cpu_follows_its_flags(clip_dir: Path, fresh_scorers: None) -> None:
    loaded = get_model(f"local-dir:{clip_dir}", device="cpu")
    assert loaded.precision == ("bf16" if precision.cpu_has_native_bf16() else "fp32")


def test_cpuinfo_flags_are_read(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 amx_tile\n\nflags\t: fpu\n")
    assert {"avx512_bf16", "amx_tile"} <= precision._cpuinfo_flags(info)
    assert precision._cpuinfo_flags(tmp_path / "missing") == set()


def test_precision_setting_from_env_cli_and_scorer(
    clip_dir: Path, fresh_scorers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAPTIONCHECK_CLIP_PRECISION", "fp32")
    settings = Settings(model=f"local-dir:{clip_dir}", device="cpu")
    assert settings.clip_precision == "fp32"
    assert get_scorer(settings).loaded.precision == "fp32"
    forced = get_scorer(Settings(model=f"local-dir:{clip_dir}", device="cpu", clip_precision="bf16"))
    assert forced.loaded.precision == "bf16"
    monkeypatch.setenv("CAPTIONCHECK_CLIP_PRECISION", "half")
    with pytest.raises(InputError):
        get_scorer(Settings(model=f"local-dir:{clip_dir}", device="cpu"))
    from captioncheck.cli import cli

    result = CliRunner().invoke(cli, ["check", "--clip-precision", "half", "page.html"])
    assert result.exit_code == 2 and "'half' is not one of 'auto', 'fp32', 'bf16'" in result.output


def test_cli_option_offers_every_precision():
    from captioncheck.cli.check_cmd import clip_precision_option
    from captioncheck.signals.clip.precision import PRECISIONS

    option = clip_precision_option(lambda: None).__click_params__[0]
    assert tuple(option.type.choices) == PRECISIONS
