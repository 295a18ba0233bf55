"""Find a model's files on disk without touching the network (no torch import here).

A hub model (preset or hf-hub:) is usable offline when its folder holds open_clip_config.json,
a weights file and, for models with a Hugging Face tokenizer, the tokenizer files. Places looked
at, in order: `<data_dir>/models/<preset or org--repo>` (what `models download --dir` and the
default download write), then the Hugging Face cache (HF_HOME / HF_HUB_CACHE).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from captioncheck.config import data_dir
from captioncheck.signals.clip.spec import CONFIG_NAME, ModelSpec

WEIGHT_NAMES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")
TOKENIZER_NAMES = ("tokenizer.json", "spiece.model", "sentencepiece.bpe.model")
TOKENIZER_AUX = ("tokenizer_config.json", "special_tokens_map.json")


@dataclass(frozen=True)
class Located:
    """Where the files are: a full open_clip folder, or a weights file for a builtin architecture."""

    folder: Path | None = None  # a folder loadable as local-dir:
    weights: Path | None = None  # the weights file that will be loaded


def models_dir() -> Path:
    return data_dir() / "models"


def repo_slug(repo: str) -> str:
    return repo.replace("/", "--")


def folder_weights(folder: Path) -> Path | None:
    """The weights file open_clip will pick in a folder (same preference order)."""
    for name in WEIGHT_NAMES + ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).is_file():
            return folder / name
    return None


def needs_hf_tokenizer(folder: Path) -> bool:
    try:
        cfg = json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    text_cfg = cfg.get("model_cfg", cfg).get("text_cfg", {})
    return bool(text_cfg.get("hf_tokenizer_name") or text_cfg.get("hf_model_name"))


def has_tokenizer(folder: Path) -> bool:
    return any((folder / name).is_file() for name in TOKENIZER_NAMES)


def complete_folder(folder: Path) -> bool:
    """True when the folder has config, weights and (if needed) tokenizer files."""
    if not (folder / CONFIG_NAME).is_file() or folder_weights(folder) is None:
        return False
    return has_tokenizer(folder) or not needs_hf_tokenizer(folder)


def hf_snapshot(repo: str, filenames: tuple[str, ...] = (CONFIG_NAME,), cache_dir: str | None = None) -> Path | None:
    """The cached snapshot folder of a hub repo holding the first of `filenames`, if any."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    for name in filenames:
        hit = try_to_load_from_cache(repo, name, cache_dir=cache_dir)
        if isinstance(hit, str):
            return Path(hit).parent
    return None


def local_candidates(spec: ModelSpec) -> list[Path]:
    names = [spec.preset] if spec.preset else []
    if spec.hub_repo:
        names.append(repo_slug(spec.hub_repo))
    return [models_dir() / n for n in names]


def locate_hub(spec: ModelSpec, cache_dir: str | None = None) -> Located | None:
    """A complete local folder for a hub (or preset) model, or None when not downloaded."""
    for folder in local_candidates(spec):
        if complete_folder(folder):
            return Located(folder=folder, weights=folder_weights(folder))
    snap = hf_snapshot(spec.hub_repo, (CONFIG_NAME,), cache_dir)
    if snap is not None and complete_folder(snap):
        return Located(folder=snap, weights=folder_weights(snap))
    return None


def locate_builtin_weights(spec: ModelSpec, repo: str, cache_dir: str | None = None) -> Path | None:
    """Weights of NAME/PRETRAINED: in a local models folder or the hub cache of `repo`."""
    for folder in local_candidates(spec):
        weights = folder_weights(folder) if folder.is_dir() else None
        if weights:
            return weights
    snap = hf_snapshot(repo, WEIGHT_NAMES, cache_dir) if repo else None
    return folder_weights(snap) if snap else None


__all__ = [
    "Located",
    "complete_folder",
    "folder_weights",
    "hf_snapshot",
    "locate_builtin_weights",
    "locate_hub",
    "models_dir",
    "needs_hf_tokenizer",
    "repo_slug",
]
