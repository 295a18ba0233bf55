from __future__ import annotations

from pathlib import Path

import pytest

from captioncheck._exceptions import InputError
from captioncheck.signals.clip.spec import PRESETS, parse_spec


def test_default_is_multilingual_hub_preset() -> None:
    spec = parse_spec("")
    assert spec.preset == "multilingual"
    assert spec.kind == "hub"
    assert spec.canonical == "hf-hub:timm/ViT-B-16-SigLIP-i18n-256"
    assert PRESETS["multilingual"].head == "sigmoid"


def test_fast_preset_is_builtin_with_hub_repo() -> None:
    spec = parse_spec("fast")
    assert (spec.kind, spec.arch, spec.pretrained) == ("builtin", "ViT-B-32", "laion2b_s34b_b79k")
    assert spec.hub_repo == "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"
    assert spec.canonical == "ViT-B-32/laion2b_s34b_b79k"


def test_name_pretrained_and_hub_and_local_dir(tmp_path: Path) -> None:
    assert parse_spec("ViT-L-14/openai").arch == "ViT-L-14"
    assert parse_spec("hf-hub:org/repo").hub_repo == "org/repo"
    spec = parse_spec(f"local-dir:{tmp_path}")
    assert spec.kind == "local-dir" and spec.path == tmp_path


def test_weights_file_with_arch_and_with_sibling_config(tmp_path: Path) -> None:
    spec = parse_spec(f"ViT-B-32@{tmp_path}/w.safetensors")
    assert (spec.kind, spec.arch, spec.path) == ("file", "ViT-B-32", tmp_path / "w.safetensors")
    (tmp_path / "open_clip_config.json").write_text("{}")
    (tmp_path / "w.bin").write_bytes(b"x")
    assert parse_spec(str(tmp_path / "w.bin")).kind == "file"
    assert parse_spec(str(tmp_path)).kind == "local-dir"


@pytest.mark.parametrize(
    "bad",
    ["hf-hub:", "hf-hub:onlyorg", "local-dir:", "ViT-B-32", "@x.bin", "ViT-B-32@", "a/b/c", "/nope/w.safetensors"],
)
def test_bad_specs_raise_input_error_with_hint(bad: str) -> None:
    with pytest.raises(InputError) as info:
        parse_spec(bad)
    message = str(info.value)
    assert "\n" not in message and len(message) < 200
