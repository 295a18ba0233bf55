from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from builders import demo_captures, write_wacz, write_warc  # noqa: E402


@pytest.fixture
def demo_warc(tmp_path: Path) -> Path:
    caps, _, _ = demo_captures()
    return write_warc(tmp_path / "demo.warc.gz", caps)


@pytest.fixture
def demo_copy() -> bytes:
    return demo_captures()[2]


@pytest.fixture
def demo_wacz(tmp_path: Path) -> Path:
    caps, _, _ = demo_captures()
    warc = write_warc(tmp_path / "data.warc.gz", caps)
    return write_wacz(tmp_path / "demo.wacz", warc, [c for c in caps if c.content_type.startswith("text/html") and c.body])
