"""`captioncheck models list|download` through the real CLI entry point."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from captioncheck.cli import main
from captioncheck.config import data_dir

pytest.importorskip("open_clip", reason="CLIP extra not installed: pip install 'captioncheck[clip]'")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_presets_sizes_and_cache_state(
    siglip_dir: Path, empty_hf_cache: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    shutil.copytree(siglip_dir, data_dir() / "models" / "multilingual")
    code, out, _ = run(["models", "list"], capsys)
    assert code == 0
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert "yes" in lines["multilingual"] and "GB" in lines["multilingual"]
    assert "no: captioncheck models download fast" in lines["fast"] and "605 MB" in lines["fast"]


def test_download_offline_is_one_line_exit_3_and_fast(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: connection refused
    start = time.perf_counter()
    code, out, err = run(["models", "download", "fast"], capsys)
    assert time.perf_counter() - start < 10
    assert code == 3
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("Error: cannot reach 127.0.0.1 to download 'fast'")


def test_download_of_unknown_spec_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["models", "download", "hf-hub:"], capsys)
    assert code == 2 and err.count("\n") == 1


def test_checksum_mismatch_removes_the_file(tmp_path: Path) -> None:
    import hashlib

    from captioncheck._exceptions import DependencyError
    from captioncheck.signals.clip.download import verify_sha256

    weights = tmp_path / "open_clip_model.safetensors"
    weights.write_bytes(b"weights")
    verify_sha256(weights, hashlib.sha256(b"weights").hexdigest())
    assert weights.is_file()
    with pytest.raises(DependencyError, match="checksum mismatch"):
        verify_sha256(weights, "0" * 64)
    assert not weights.exists()
