"""One parser for CLIP model spec strings (no torch import here).

Accepted forms, checked in this order:

    multilingual | fast                     a preset name (see PRESETS)
    hf-hub:org/repo                         an open_clip repo on the Hugging Face Hub
    local-dir:/path/to/folder               open_clip_config.json + weights (+ tokenizer files)
    ARCH@/path/to/weights.safetensors       an open_clip architecture and a weights file
    /path/to/weights.safetensors            a weights file next to an open_clip_config.json
    /path/to/folder                         same as local-dir: when it holds open_clip_config.json
    NAME/PRETRAINED                         an open_clip name and pretrained tag, e.g. ViT-B-32/laion2b_s34b_b79k
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from captioncheck._exceptions import InputError

SpecKind = Literal["hub", "builtin", "local-dir", "file"]
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".npz")
CONFIG_NAME = "open_clip_config.json"


@dataclass(frozen=True)
class Preset:
    name: str
    spec: str
    arch: str
    pretrained: str
    hub_repo: str
    languages: str
    download_mb: int
    head: str  # "sigmoid" (SigLIP: calibrated by the model's own bias) or "softmax"


PRESETS: dict[str, Preset] = {
    "multilingual": Preset(
        name="multilingual",
        spec="hf-hub:timm/ViT-B-16-SigLIP-i18n-256",
        arch="ViT-B-16-SigLIP-i18n-256",
        pretrained="webli",
        hub_repo="timm/ViT-B-16-SigLIP-i18n-256",
        languages="100+ languages (mT5 vocabulary)",
        download_mb=1480,
        head="sigmoid",
    ),
    "fast": Preset(
        name="fast",
        spec="ViT-B-32/laion2b_s34b_b79k",
        arch="ViT-B-32",
        pretrained="laion2b_s34b_b79k",
        hub_repo="laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
        languages="English",
        download_mb=605,
        head="softmax",
    ),
}
DEFAULT_PRESET = "multilingual"


@dataclass(frozen=True)
class ModelSpec:
    """A parsed spec. `label` is what users typed (or the preset name); `canonical` is stable."""

    kind: SpecKind
    label: str
    arch: str = ""  # open_clip architecture name (builtin, file)
    pretrained: str = ""  # open_clip pretrained tag (builtin)
    hub_repo: str = ""  # org/repo (hub, and builtin tags hosted on the hub)
    path: Path | None = None  # folder (local-dir) or weights file (file)
    preset: str = ""

    @property
    def canonical(self) -> str:
        if self.kind == "hub":
            return f"hf-hub:{self.hub_repo}"
        if self.kind == "builtin":
            return f"{self.arch}/{self.pretrained}"
        if self.kind == "local-dir":
            return f"local-dir:{self.path}"
        return f"{self.arch}@{self.path}"


def parse_spec(text: str | None) -> ModelSpec:
    """Parse a spec string; raise InputError with a hint on anything unusable."""
    raw = (text or "").strip() or DEFAULT_PRESET
    if raw in PRESETS:
        return _from_preset(PRESETS[raw])
    if raw.startswith("hf-hub:"):
        repo = raw[len("hf-hub:") :].strip().strip("/")
        if repo.count("/") != 1 or not all(repo.split("/")):
            raise InputError(f"bad model spec {raw!r}: write hf-hub:ORG/REPO")
        return ModelSpec(kind="hub", label=raw, hub_repo=repo)
    if raw.startswith("local-dir:"):
        folder = raw[len("local-dir:") :].strip()
        if not folder:
            raise InputError("bad model spec 'local-dir:': give a folder, e.g. local-dir:/models/clip")
        return ModelSpec(kind="local-dir", label=raw, path=Path(folder).expanduser())
    if "@" in raw:
        return _file_with_arch(raw)
    return _path_or_name(raw)


def _from_preset(preset: Preset) -> ModelSpec:
    inner = parse_spec(preset.spec)
    return ModelSpec(
        kind=inner.kind,
        label=preset.name,
        arch=preset.arch,
        pretrained=preset.pretrained,
        hub_repo=preset.hub_repo,
        preset=preset.name,
    )


def _file_with_arch(raw: str) -> ModelSpec:
    arch, _, file = raw.partition("@")
    if not arch.strip() or not file.strip():
        raise InputError(f"bad model spec {raw!r}: write ARCH@/path/to/weights.safetensors")
    return ModelSpec(kind="file", label=raw, arch=arch.strip(), path=Path(file.strip()).expanduser())


def _path_or_name(raw: str) -> ModelSpec:
    path = Path(raw).expanduser()
    if path.is_dir():
        if not (path / CONFIG_NAME).is_file():
            raise InputError(f"model folder {raw!r} has no {CONFIG_NAME}: use ARCH@FILE or a full open_clip folder")
        return ModelSpec(kind="local-dir", label=raw, path=path)
    if raw.endswith(WEIGHT_SUFFIXES) or path.is_file():
        if not (path.parent / CONFIG_NAME).is_file():
            raise InputError(f"weights file {raw!r} needs an architecture: write ARCH@{raw} (e.g. ViT-B-32@{raw})")
        return ModelSpec(kind="file", label=raw, path=path)
    name, _, tag = raw.partition("/")
    if not name or not tag or "/" in tag:
        known = ", ".join(PRESETS)
        raise InputError(
            f"unknown model spec {raw!r}: use a preset ({known}), NAME/PRETRAINED, hf-hub:ORG/REPO or local-dir:PATH"
        )
    return ModelSpec(kind="builtin", label=raw, arch=name, pretrained=tag)


__all__ = ["CONFIG_NAME", "DEFAULT_PRESET", "PRESETS", "ModelSpec", "Preset", "parse_spec"]
