"""Loading real (tiny, random-weight) open_clip models from disk, offline."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from captioncheck._exceptions import DependencyError, InputError
from captioncheck.config import data_dir
from captioncheck.signals.clip.loader import get_model, load_model
from captioncheck.signals.clip.spec import parse_spec

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")


def test_siglip_local_dir_uses_hf_tokenizer_and_own_bias(siglip_dir: Path, fresh_scorers: None) -> None:
    from open_clip.tokenizer import HFTokenizer

    loaded = get_model(f"local-dir:{siglip_dir}")
    assert isinstance(loaded.tokenizer, HFTokenizer)
    assert loaded.head == "sigmoid"
    assert loaded.logit_bias == pytest.approx(-2.0)
    assert loaded.logit_scale == pytest.approx(float(loaded.model.logit_scale.detach().exp()))
    assert loaded.context_length == 16
    tokens = loaded.tokenizer(["a photo taken in Tehran", "une photo de la réunion à Téhéran"])
    assert tuple(tokens.shape) == (2, 16) and int(tokens[0, 0]) > 2  # real ids, not padding


def test_softmax_clip_from_bin_weights(clip_dir: Path, fresh_scorers: None) -> None:
    loaded = get_model(f"local-dir:{clip_dir}")
    assert loaded.head == "softmax" and loaded.logit_bias is None
    assert loaded.context_length == 77
    assert loaded.model_id.startswith(f"local-dir:{clip_dir}#")


def test_weights_file_spec_next_to_config(siglip_dir: Path, fresh_scorers: None) -> None:
    loaded = get_model(str(siglip_dir / "open_clip_model.safetensors"))
    reference = get_model(f"local-dir:{siglip_dir}")
    assert loaded is not reference
    for a, b in zip(loaded.model.state_dict().values(), reference.model.state_dict().values(), strict=True):
        assert bool((a == b).all())


def test_loaded_once_per_process_across_threads(clip_dir: Path, fresh_scorers: None) -> None:
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(get_model(f"local-dir:{clip_dir}"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r is results[0] for r in results)


def test_missing_preset_offline_fails_fast_with_remedy(empty_hf_cache: Path, fresh_scorers: None) -> None:
    for preset in ("multilingual", "fast"):
        start = time.perf_counter()
        with pytest.raises(DependencyError) as info:
            get_model(preset)
        assert time.perf_counter() - start < 5
        assert str(info.value) == (
            f"CLIP weights for '{preset}' are not downloaded: run `captioncheck models download {preset}`"
        )


def test_preset_found_in_data_dir_models(siglip_dir: Path, fresh_scorers: None, empty_hf_cache: Path) -> None:
    shutil.copytree(siglip_dir, data_dir() / "models" / "multilingual")
    loaded = get_model("multilingual")
    assert loaded.label == "multilingual" and loaded.head == "sigmoid"


def test_hub_spec_loads_from_hf_cache_layout(siglip_dir: Path, empty_hf_cache: Path, fresh_scorers: None) -> None:
    """A repo laid out as huggingface_hub caches it is found and loaded without any network."""
    repo_dir = empty_hf_cache / "models--tiny--siglip"
    snapshot = repo_dir / "snapshots" / ("a" * 40)
    shutil.copytree(siglip_dir, snapshot)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text("a" * 40)
    loaded = get_model("hf-hub:tiny/siglip")
    assert loaded.head == "sigmoid" and loaded.label == "hf-hub:tiny/siglip"
    (snapshot / "tokenizer.json").unlink()  # incomplete download: treated as missing, not a hang
    with pytest.raises(DependencyError, match="models download hf-hub:tiny/siglip"):
        load_model(parse_spec("hf-hub:tiny/siglip"))


def test_model_id_changes_when_weights_change(clip_dir: Path, tmp_path: Path, fresh_scorers: None) -> None:
    copy = tmp_path / "m"
    shutil.copytree(clip_dir, copy)
    first = load_model(parse_spec(f"local-dir:{copy}")).model_id
    weights = copy / "open_clip_pytorch_model.bin"
    os.utime(weights, ns=(0, weights.stat().st_mtime_ns + 10_000_000))
    assert load_model(parse_spec(f"local-dir:{copy}")).model_id != first


def test_bad_folders_and_files_are_one_line_errors(tmp_path: Path, siglip_dir: Path, fresh_scorers: None) -> None:
    with pytest.raises(InputError, match="does not exist"):
        get_model(f"local-dir:{tmp_path / 'missing'}")
    empty = tmp_path / "noweights"
    empty.mkdir()
    shutil.copy(siglip_dir / "open_clip_config.json", empty)
    with pytest.raises(DependencyError, match="no weights file"):
        get_model(f"local-dir:{empty}")
    corrupt = tmp_path / "corrupt"
    shutil.copytree(siglip_dir, corrupt)
    (corrupt / "open_clip_model.safetensors").write_bytes(b"garbage" * 10)
    with pytest.raises(DependencyError) as info:
        get_model(f"local-dir:{corrupt}")
    assert "\n" not in str(info.value) and "cannot load CLIP model" in str(info.value)
    with pytest.raises(InputError, match="unknown open_clip architecture"):
        get_model("NoSuchArch/sometag")
