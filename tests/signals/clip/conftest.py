"""Tiny open_clip models written to disk offline: real configs, random weights, real tokenizers.

* `siglip_dir`: a SigLIP-style model (sigmoid head with logit_bias, CustomTextCLIP, HF tokenizer
  built with the `tokenizers` library), saved as open_clip_model.safetensors.
* `clip_dir`: a softmax CLIP model (open_clip's bundled BPE tokenizer), saved as
  open_clip_pytorch_model.bin.
Both are loadable as `local-dir:` folders, exactly as open_clip's local-dir loader expects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from captioncheck.signals.clip.offline import TINY_CLIP as CLIP_CFG
from captioncheck.signals.clip.offline import TINY_SIGLIP as SIGLIP_CFG
from captioncheck.signals.clip.offline import write_random_model


def make_siglip(folder: Path, seed: int = 0) -> Path:
    return write_random_model(folder, SIGLIP_CFG, seed=seed)


def make_clip(folder: Path, seed: int = 0) -> Path:
    return write_random_model(folder, CLIP_CFG, weights_name="open_clip_pytorch_model.bin", seed=seed)


@pytest.fixture(scope="session")
def siglip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_siglip(tmp_path_factory.mktemp("models") / "tiny-siglip")


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("models") / "tiny-clip")


@pytest.fixture()
def fresh_scorers():
    """Every test starts without a loaded model or cached scorer, and leaves none behind."""
    from captioncheck.signals.clip import reset_scorers
    from captioncheck.signals.clip.loader import clear_loaded

    reset_scorers()
    clear_loaded()
    yield
    reset_scorers()
    clear_loaded()


@pytest.fixture()
def empty_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the Hugging Face cache at an empty folder (it is read at import, so patch the constant)."""
    from huggingface_hub import constants

    cache = tmp_path / "hf-cache"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache
