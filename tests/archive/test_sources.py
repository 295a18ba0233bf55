"""Capture table lookups (scheme variants, redirects, revisits by URL or digest) and input planning."""

from __future__ import annotations

from pathlib import Path

import pytest

from captioncheck._exceptions import InputError
from captioncheck.sources import plan_inputs
from captioncheck.sources.captures import Capture, CaptureTable


def table(tmp_path: Path, captures: list[Capture]) -> CaptureTable:
    t = CaptureTable(tmp_path / "c.sqlite", write=True)
    for c in captures:
        t.add(c)
    t.finish({})
    t.close()
    return CaptureTable(tmp_path / "c.sqlite")


def test_resolve_follows_scheme_redirect_and_revisits(tmp_path: Path) -> None:
    t = table(tmp_path, [
        Capture("http://a.example/p.jpg", "2020-01-01T00:00:00Z", "", 10, "response", 200, "image/jpeg", digest="sha1:X"),
        Capture("https://a.example/old.jpg", "2020-01-02T00:00:00Z", "", 20, "response", 301, "text/html",
                location="https://a.example/p.jpg"),
        Capture("https://b.example/same.jpg", "2020-02-01T00:00:00Z", "", 30, "revisit", 200, "image/jpeg", digest="sha1:X"),
        Capture("https://c.example/loop.jpg", "2020-02-01T00:00:00Z", "", 40, "response", 302, "", location="https://c.example/loop.jpg"),
    ])
    assert t.resolve("https://a.example/p.jpg#frag").offset == 10  # archived as http://
    assert t.resolve("https://a.example/old.jpg").offset == 10  # redirect followed
    assert t.resolve("https://b.example/same.jpg").offset == 10  # revisit by payload digest
    assert t.resolve("https://c.example/loop.jpg") is None  # redirect loop: bounded, not found
    assert t.resolve("https://nowhere.example/x.jpg") is None


def test_capture_nearest_in_time_before_the_page(tmp_path: Path) -> None:
    t = table(tmp_path, [
        Capture("https://a.example/i.jpg", "2019-01-01T00:00:00Z", "", 1, "response", 200, "image/jpeg"),
        Capture("https://a.example/i.jpg", "2021-01-01T00:00:00Z", "", 2, "response", 200, "image/jpeg"),
    ])
    assert t.find("https://a.example/i.jpg", near="2021-06-01T00:00:00Z").offset == 2
    assert t.find("https://a.example/i.jpg", near="2020-06-01T00:00:00Z").offset == 1
    assert t.find("https://a.example/i.jpg").offset == 1


def test_plan_inputs_kinds_and_errors(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<html></html>")
    (tmp_path / "pages" / "b.txt").write_text("ignored")
    urls = tmp_path / "urls.txt"
    urls.write_text("# list\nhttps://x.example/a\n\nhttp://y.example/b\n")
    plan = plan_inputs([tmp_path / "pages", urls], tmp_path / "work")
    assert [(r.kind, Path(r.location).name if r.kind == "file" else r.location) for r in plan.refs()] == [
        ("file", "a.html"), ("url", "https://x.example/a"), ("url", "http://y.example/b")]
    assert plan.total == 3
    bad = tmp_path / "bad.txt"
    bad.write_text("ftp://x.example/\n")
    with pytest.raises(InputError, match="not an http"):
        plan_inputs([bad], tmp_path / "work")
    with pytest.raises(InputError, match="not a WARC"):
        plan_inputs([urls], tmp_path / "work", urls_allowed=False)
