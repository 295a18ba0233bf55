"""Third-party signals: a tiny plugin distribution installed on sys.path, found through the
`captioncheck.signals` entry-point group, run by check_page, its finding counted in the verdict."""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from captioncheck.config import Settings
from captioncheck.load import page_from_html
from captioncheck.signals import SignalRegistry, plugin_signals

PLUGIN = '''
from captioncheck.signals import Evidence, Reason

class StampSignal:
    name = "stamp_check"

    def collect(self, batch):
        return [Evidence(signal=self.name, value=[Reason(code="stamp_found", severity="medium",
                message=f"plugin looked at {item.pil.size[0]}x{item.pil.size[1]} pixels")]) for item in batch.items]

def factory():
    return StampSignal()
'''


def install(root: Path, name: str, module: str, target: str) -> None:
    (root / f"{module}.py").write_text(module_source(module), encoding="utf-8")
    info = root / f"{name.replace('-', '_')}-0.1.dist-info"  # dist-info names use underscores
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[captioncheck.signals]\n{target}\n", encoding="utf-8")


def module_source(module: str) -> str:
    return PLUGIN if module == "cc_stamp_plugin" else "raise ImportError('missing dependency of a broken plugin')\n"


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install(tmp_path, "cc-stamp-plugin", "cc_stamp_plugin", "stamp_check = cc_stamp_plugin:factory")
    install(tmp_path, "cc-broken-plugin", "cc_broken_plugin", "broken_check = cc_broken_plugin:factory")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    plugin_signals.cache_clear()
    yield tmp_path
    plugin_signals.cache_clear()
    sys.modules.pop("cc_stamp_plugin", None)


def test_entry_points_register_plugins_and_report_broken_ones(plugin_dir: Path) -> None:
    reg = SignalRegistry()
    added, problems = reg.load_entry_points()
    assert "stamp_check" in added and "stamp_check" in reg.names()
    assert any("broken_check" in p and "ImportError" in p for p in problems)
    assert reg.load_entry_points()[0] == []  # a second load adds nothing


def test_check_page_runs_the_plugin_and_counts_its_reason(plugin_dir: Path) -> None:
    from captioncheck.pipeline import check_page
    from captioncheck.signals import registry

    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)).save(buf, "JPEG")
    html = ("<html><body><article><h1>Story</h1><p>Text of the story about the weather.</p><figure>"
            "<img src='https://x.example/p.jpg' width=160 height=120><figcaption>A cloud over the hills</figcaption></figure>"
            "</article></body></html>")
    try:
        report = check_page(page_from_html(html, "https://x.example/story", images={"https://x.example/p.jpg": buf.getvalue()}),
                            Settings(use_clip=False, use_ocr=False, use_index=False, remember=False))
    finally:
        registry._factories.pop("stamp_check", None)  # leave the shared registry as it was
    image = report.images[0]
    assert "stamp_check" in report.signals
    assert image.plugins["stamp_check"][0]["code"] == "stamp_found"
    assert "stamp_found" in {r.code for r in image.reasons} and image.verdict == "suspicious"
    assert any("broken_check" in n for n in report.notices)
