"""Issue 10: 92 000 `<meta>` in a 1.2 MB body were each read with six attribute look-ups (~0.6 s, found by
`scripts/scaling_scan.py`): the first MAX_METAS are read, each through one attribute dict."""

from __future__ import annotations

from captioncheck.extract.dom import Doc
from captioncheck.extract.metadata import MAX_METAS, meta_map


def test_metas_past_the_bound_are_not_read() -> None:
    head = '<meta property="og:image" content="/lead.jpg"><meta name="Description" content="The story.">'
    doc = Doc.parse(f"<html><head>{head}</head><body>" + '<meta name="x{0}" content="y">' * 10 + "".join(
        f'<meta name="k{i}" content="v">' for i in range(MAX_METAS + 50)) + "</body></html>")
    found = meta_map(doc)
    assert found["og:image"] == "/lead.jpg" and found["description"] == "The story."
    assert "k0" in found and f"k{MAX_METAS + 10}" not in found
    assert len(found) <= MAX_METAS
