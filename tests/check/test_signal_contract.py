"""One contract every signal honours (built-ins here; plugin authors can subclass SignalContract)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings
from captioncheck.signals import Evidence, ImageItem, PageBatch, registry


def item(n: int, data: bytes | None = None, extent: tuple[float, float, float, float] | None = None) -> ImageItem:
    img = Image.effect_mandelbrot((320, 240), extent or (-2 + n * 0.1, -1.5, 1, 1.5), 40).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG")
    return ImageItem(image=ImageInContext(url=f"https://x/{n}.jpg", caption=f"photo {n}"),
                     data=out.getvalue() if data is None else data, pil=img)


class SignalContract:
    name = ""

    def settings(self, tmp_path: object) -> Settings:
        return Settings(ocr_timeout_s=20, remember=False)

    def batch(self, items: list[ImageItem], tmp_path: object) -> PageBatch:
        return PageBatch(page=PageInfo(language="en", title="t"), items=items, settings=self.settings(tmp_path))

    def test_name_is_registered_lower_snake(self) -> None:
        assert self.name in registry.names() and self.name == self.name.lower() and self.name.isidentifier()
        assert registry.create([self.name])[0].name == self.name

    def test_empty_batch_gives_no_evidence(self, tmp_path: object) -> None:
        assert registry.create([self.name])[0].collect(self.batch([], tmp_path)) == []

    def test_one_evidence_per_item_in_order(self, tmp_path: object) -> None:
        evs = registry.create([self.name])[0].collect(self.batch([item(1), item(2), item(3, b"broken bytes")], tmp_path))
        assert len(evs) == 3
        for ev in evs:
            assert isinstance(ev, Evidence) and ev.signal == self.name
            assert ev.status in ("ok", "unavailable", "error")
            assert ev.ok or (ev.reason and "\n" not in ev.reason)


class TestOcrContract(SignalContract):
    name = "ocr"


class TestEmbeddedMetadataContract(SignalContract):
    name = "embedded_metadata"


class TestIndexMatchContract(SignalContract):
    name = "index_match"

    def settings(self, tmp_path: object) -> Settings:
        from captioncheck.index import PhotoMeta, open_index

        path = tmp_path / "idx.sqlite"  # type: ignore[operator]
        with open_index(path) as index:
            index.add_photo(item(1).data, PhotoMeta(caption="known", credit="AFP", date="2020-01-01"))
        return Settings(index_path=path, remember=False)

    def test_known_photo_is_found(self, tmp_path: object) -> None:
        # not item(7): its view is the right 79 % of item(1)'s, stretched, i.e. a crop of the known photo
        elsewhere = item(7, extent=(-0.80, 0.05, -0.70, 0.15))  # another part of the set
        evs = registry.create([self.name])[0].collect(self.batch([item(1), elsewhere], tmp_path))
        assert [len(e.value) for e in evs] == [1, 0]
        assert evs[0].value[0].caption == "known"


class TestClipContract(SignalContract):
    name = "clip"

    @pytest.fixture(autouse=True)
    def _no_weights(self, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
        monkeypatch.setenv("HF_HOME", str(tmp_path))
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        from captioncheck.signals.clip import reset_scorers

        reset_scorers()

    def test_without_weights_every_item_is_unavailable_with_a_remedy(self, tmp_path: object) -> None:
        evs = registry.create([self.name])[0].collect(self.batch([item(1), item(2)], tmp_path))
        assert [e.status for e in evs] == ["unavailable", "unavailable"]
        assert "captioncheck models download" in evs[0].reason
