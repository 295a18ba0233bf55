"""`audit`: rows per image from archives, saved pages and URL lists; resumable; summary; engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import EARLY_URL, LATE_URL
from click.testing import CliRunner

from captioncheck.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def audit(*args: str) -> CliRunner:
    return CliRunner().invoke(cli, ["audit", *args, "--no-clip", "--no-ocr"])


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def seeded_index(archive: Path, tmp_path: Path) -> Path:
    index = tmp_path / "idx.sqlite"
    result = CliRunner().invoke(cli, ["index", "add-archive", str(archive), "--index", str(index), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return index


def test_audit_rows_and_summary(demo_warc: Path, tmp_path: Path) -> None:
    index = seeded_index(demo_warc, tmp_path)
    out, html = tmp_path / "rows.jsonl", tmp_path / "summary.html"
    result = audit(str(demo_warc), "--out", str(out), "--html", str(html), "--index", str(index), "--workers", "1")
    assert result.exit_code == 0, result.output
    got = {r["page_url"]: r for r in rows(out)}
    assert set(got) == {EARLY_URL, LATE_URL}
    late = got[LATE_URL]
    assert late["image_url"].endswith("tehran-protest.jpg") and late["verdict"] in ("consistent", "suspicious", "inconsistent")
    assert late["best_match"]["photo_id"] > 0
    assert late["earliest_sighting"]["page_url"] == EARLY_URL  # the earlier page, not this one
    text = html.read_text()
    assert "Images by verdict" in text and "other-daily.example" in text


def test_audit_resumes_and_skips_done_pages(demo_warc: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    first = audit(str(demo_warc), "--out", str(out), "--workers", "1")
    assert first.exit_code == 0, first.output
    before = out.read_text()
    again = audit(str(demo_warc), "--out", str(out), "--workers", "1")
    assert "0 page(s) checked (2 done before" in again.output
    assert out.read_text() == before


def test_rows_of_a_page_cut_by_a_crash_are_dropped(demo_warc: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    audit(str(demo_warc), "--out", str(out), "--workers", "1")
    good = out.read_text()
    out.write_text(good + '{"page_key": "never-finished", "image_url": "x"}\n{"page_k')
    from captioncheck.archive.output import AuditOutput

    AuditOutput(out).close()
    assert out.read_text() == good


def test_saved_pages_folder_and_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "rows.parquet"
    result = audit(str(ROOT / "testdata" / "pages"), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    table = pa.read_table(out).to_pylist()
    pages = {r["page_url"] for r in table}
    assert "https://www.presstv.ir/" not in pages and len(pages) >= 3
    assert all(isinstance(r["reasons"], list) for r in table)


def test_fail_on(tmp_path: Path) -> None:
    seed = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"
    out = tmp_path / "rows.jsonl"
    result = audit(str(seed), "--out", str(out), "--index", str(ROOT / "testdata" / "index.sqlite"), "--workers", "1",
                   "--fail-on", "suspicious")
    assert result.exit_code == 4, result.output
    assert any(r["verdict"] == "inconsistent" for r in rows(out))


def test_url_list_refuses_private_addresses(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("# pages\nhttp://127.0.0.1:9/page\n")
    out = tmp_path / "rows.jsonl"
    result = audit(str(urls), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    (row,) = rows(out)
    assert row["image_url"] == "" and row["error"]  # reported, not fetched, not fatal


def test_bad_out_suffix_is_exit_2(demo_warc: Path, tmp_path: Path) -> None:
    result = audit(str(demo_warc), "--out", str(tmp_path / "rows.csv"))
    assert result.exit_code != 0
    assert "write .jsonl" in str(result.exception) + result.output


def test_summary_escapes_everything() -> None:
    from captioncheck.archive.summary import render

    row = {"page_key": "k", "page_url": "https://x.example/<script>", "site": "<b>x</b>", "seen_at": "", "published": "",
           "image_url": "u", "position": 0, "caption": "<img src=x onerror=alert(1)>", "credit": "", "verdict": "inconsistent",
           "points": 5, "reasons": ["<r>"], "best_match": {"caption": "<i>"}, "earliest_sighting": None, "error": "",
           "image_thumb": "\"><script>", "original_thumb": ""}
    text = render([row])
    assert "<script>" not in text and "<img src=x" not in text and "<b>x</b>" not in text and "<i>" not in text
