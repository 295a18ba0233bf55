"""Write open_clip models to disk with no network: a real config, random weights and, for models
with a Hugging Face tokenizer (SigLIP), a tokenizer trained offline with the `tokenizers` library.

For tests and benchmarks: a folder written here loads with `--model local-dir:FOLDER` exactly
like a downloaded model (open_clip's local-dir layout) and runs at the same speed as real weights;
its scores are meaningless. `TINY_SIGLIP` and `TINY_CLIP` are small configs (a sigmoid head with
logit_bias and an HF tokenizer; a softmax head with open_clip's bundled BPE tokenizer) that load in
well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SIGLIP_PREPROCESS = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "interpolation": "bicubic", "resize_mode": "squash"}
TINY_SIGLIP: dict[str, Any] = {
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
TINY_CLIP: dict[str, Any] = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8, "head_width": 32},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2},
}
TOKENIZER_TEXTS = (
    "a photo taken in Tehran",
    "a news photo from Washington, DC",
    "US Capitol",
    "le chef du renseignement russe",
    "Ilhan Omar and Nancy Pelosi at a press conference",
    "une photo de la réunion à Téhéran",
)
MAX_TOKENIZER_VOCAB = 2000  # enough for offline texts; the tower's speed does not depend on it


def write_hf_tokenizer(folder: Path, vocab_size: int, texts: Iterable[str] = TOKENIZER_TEXTS) -> None:
    """A WordPiece tokenizer trained offline, with SigLIP-like special ids (<pad>=0, </s>=1)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordPiece(unk_token="<unk>"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    size = min(vocab_size, MAX_TOKENIZER_VOCAB)
    trainer = trainers.WordPieceTrainer(vocab_size=size, special_tokens=["<pad>", "</s>", "<unk>"])
    tok.train_from_iterator(list(texts) * 4, trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    tok.save(str(folder / "tokenizer.json"))
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>"}
    (folder / "tokenizer_config.json").write_text(json.dumps(config))


def write_random_model(
    folder: Path,
    model: dict[str, Any] | str,
    *,
    weights_name: str = "open_clip_model.safetensors",
    seed: int = 0,
    texts: Iterable[str] = TOKENIZER_TEXTS,
) -> Path:
    """Write `model` (a config dict, or an open_clip architecture name) with random weights as a
    `local-dir:` folder; returns the folder."""
    import open_clip
    import torch

    model_cfg = open_clip.get_model_config(model) if isinstance(model, str) else model
    if model_cfg is None:
        raise ValueError(f"unknown open_clip architecture {model!r}")
    folder.mkdir(parents=True, exist_ok=True)
    text_cfg = model_cfg.get("text_cfg", {})
    preprocess: dict[str, Any] = {}
    if text_cfg.get("hf_tokenizer_name"):
        write_hf_tokenizer(folder, int(text_cfg["vocab_size"]), texts)
        preprocess = SIGLIP_PREPROCESS
    (folder / "open_clip_config.json").write_text(json.dumps({"model_cfg": model_cfg, "preprocess_cfg": preprocess}))
    torch.manual_seed(seed)
    built = open_clip.create_model(f"local-dir:{folder}")  # no weights file yet: random init from the config
    state = {k: v.contiguous() for k, v in built.state_dict().items()}
    if weights_name.endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(state, str(folder / weights_name))
    else:
        torch.save(state, folder / weights_name)
    return folder


__all__ = ["TINY_CLIP", "TINY_SIGLIP", "write_hf_tokenizer", "write_random_model"]
