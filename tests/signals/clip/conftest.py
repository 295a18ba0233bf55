"""Tiny open_clip models written to disk offline: real configs, random weights, real tokenizers.

* `siglip_dir`: a SigLIP-style model (sigmoid head with logit_bias, CustomTextCLIP, HF tokenizer
  built with the `tokenizers` library), saved as open_clip_model.safetensors.
* `clip_dir`: a softmax CLIP model (open_clip's bundled BPE tokenizer), saved as
  open_clip_pytorch_model.bin.
Both are loadable as `local-dir:` folders, exactly as open_clip's local-dir loader expects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PRE_SIGLIP = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "interpolation": "bicubic", "resize_mode": "squash"}
SIGLIP_CFG = {
    "embed_dim": 32,
    "init_logit_bias": -2.0,
    "init_logit_scale": 1.6,
    "custom_text": True,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8, "head_width": 32},
    "text_cfg": {
        "context_length": 16,
        "vocab_size": 400,
        "hf_tokenizer_name": "tiny/siglip",
        "tokenizer_kwargs": {"clean": "canonicalize"},
        "width": 64,
        "heads": 2,
        "layers": 2,
        "no_causal_mask": True,
        "proj_bias": True,
        "pool_type": "last",
        "norm_kwargs": {"eps": 1e-6},
    },
}
CLIP_CFG = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}
CORPUS = [
    "a photo taken in Tehran",
    "a news photo from Washington, DC",
    "US Capitol",
    "le chef du renseignement russe",
    "Ilhan Omar and Nancy Pelosi at a press conference",
    "une photo de la réunion à Téhéran",
]


def write_hf_tokenizer(folder: Path, vocab_size: int) -> None:
    """A WordPiece tokenizer trained offline, with SigLIP-like special ids (<pad>=0, </s>=1)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token="<unk>"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"])
    tok.train_from_iterator(CORPUS * 4, trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    tok.save(str(folder / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "pad_token": "<pad>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config))


def write_model_dir(folder: Path, model_cfg: dict, preprocess: dict, weights_name: str, seed: int = 0) -> Path:
    import open_clip
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "open_clip_config.json").write_text(json.dumps({"model_cfg": model_cfg, "preprocess_cfg": preprocess}))
    torch.manual_seed(seed)
    model = open_clip.create_model(f"local-dir:{folder}")  # no weights yet: random init from the config
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if weights_name.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(state, str(folder / weights_name))
    else:
        torch.save(state, folder / weights_name)
    return folder


def make_siglip(folder: Path, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_hf_tokenizer(folder, SIGLIP_CFG["text_cfg"]["vocab_size"])
    return write_model_dir(folder, SIGLIP_CFG, PRE_SIGLIP, "open_clip_model.safetensors", seed)


def make_clip(folder: Path, seed: int = 0) -> Path:
    return write_model_dir(folder, CLIP_CFG, {}, "open_clip_pytorch_model.bin", seed)


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
