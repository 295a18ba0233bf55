from __future__ import annotations

from pathlib import Path

import numpy as np

from captioncheck.config import data_dir
from captioncheck.signals.clip.cache import EmbeddingCache, default_cache_path, text_key


def test_roundtrip_per_model_and_kind(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    vec = np.arange(8, dtype=np.float32)
    cache.put_many("m1", "text", {text_key("a"): vec})
    assert np.array_equal(cache.get_many("m1", "text", [text_key("a"), text_key("b")])[text_key("a")], vec)
    assert cache.get_many("m2", "text", [text_key("a")]) == {}
    assert cache.get_many("m1", "image", [text_key("a")]) == {}


def test_size_bound_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite", max_bytes=64 * 1024)
    cache.evict_every = 1
    vec = np.ones(256, dtype=np.float32)  # 1 KiB each
    cache.put_many("m", "image", {"old": vec})
    for batch in range(10):
        cache.put_many("m", "image", {f"k{batch}-{i}": vec for i in range(16)})
        cache.get_many("m", "image", ["old"])  # keep "old" recently used
    assert cache.size_bytes() <= 64 * 1024 * 1.05
    assert "old" in cache.get_many("m", "image", ["old"])
    assert cache.get_many("m", "image", ["k0-0"]) == {}


def test_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = EmbeddingCache(path)
    cache.put_many("m", "text", {"k": np.zeros(4, dtype=np.float32)})
    assert cache.count() == 1


def test_default_location_is_the_data_dir() -> None:
    assert default_cache_path().parent == data_dir()
