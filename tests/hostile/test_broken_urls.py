"""URLs that `urllib.parse` refuses (a broken IPv6 host: "http://[::1/a.jpg") in a hostile page, in a page
address or in a header: the image or address is unusable, the rest of the page is still extracted and
checked, and nothing fails with an unexpected ValueError."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from api.origins import origin_allowed
from captioncheck.cli import cli
from captioncheck.crosscheck.compare import site_of
from captioncheck.extract.urls import absolutize, file_name, split_url
from captioncheck.report.links import reverse_search_links

BROKEN = "http://[::1/a.jpg"
PAGE = ('<html><head><link rel="canonical" href="http://[::1/page"><base href="http://[zz/"></head><body><article>'
        "<p>The minister spoke to reporters in the capital on Tuesday about the budget.</p>"
        f'<figure><img src="{BROKEN}" width="640"><figcaption>A caption of the first photo</figcaption></figure>'
        '<a href="http://[x/other"><img src="/x/b.jpg" srcset="http://[zz/c.jpg 2x" width="640"></a>'
        '<figure><img src="ok.jpg" width="640"><figcaption>Second caption here</figcaption></figure>'
        "</article></body></html>")


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "broken-urls.html"
    page.write_text(PAGE)
    return page


def test_extract_keeps_every_other_image(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(_page(tmp_path)), "--url", "https://news.example/a/b", "--format", "json"])
    assert result.exit_code == 0, result.output
    images = {i["url"]: i["caption"] for i in json.loads(result.output)["images"]}
    assert images.get("https://news.example/a/ok.jpg") == "Second caption here"
    assert images.get(BROKEN) == "A caption of the first photo"  # kept as written: no file to check it with


def test_check_reports_and_goes_on(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(_page(tmp_path)), "--no-clip", "--no-ocr", "--no-remember", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["images"]) >= 2


def test_a_broken_page_url_is_one_clear_line(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "captioncheck", "extract", str(_page(tmp_path)), "--url", "http://[::1/a"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "not a valid page URL" in proc.stderr and "Traceback" not in proc.stderr


def test_helpers_read_a_broken_url_as_none() -> None:
    assert split_url(BROKEN).netloc == "" and file_name(BROKEN) == ""  # no path either: nothing to read
    assert absolutize("x.jpg", "http://[::1/") == "x.jpg" and absolutize(BROKEN, "https://news.example/") == BROKEN
    assert site_of(BROKEN) == "" and reverse_search_links(BROKEN) == {}
    assert origin_allowed("http://[::1", "127.0.0.1:8000", []) is False


def test_api_check_of_html_with_broken_urls(tmp_path: Path) -> None:
    """Through the API: a page whose pictures carry such URLs is checked (200); a page `url` urllib refuses is a
    clear 4xx with the project's message, not a 500."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.test_api import make_settings

    with TestClient(create_app(make_settings(tmp_path))) as client:
        ok = client.post("/v1/check", json={"html": PAGE, "url": "https://news.example/a/b"})
        assert ok.status_code == 200, ok.text
        assert len(ok.json()["images"]) >= 2
        bad = client.post("/v1/check", json={"html": PAGE, "url": "http://[::1/a"})
        assert 400 <= bad.status_code < 500, bad.text
        assert "not a valid page URL" in bad.text or "URL" in bad.text
