"""`captioncheck extract` end to end: JSON schema, text output, errors, and no torch on the fast path."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from captioncheck.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"


def test_json_output_follows_the_schema() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema_version"]
    assert [i["credit"] for i in data["images"]] == ["AFP photo", "Sputnik", "©Tasnim/archives"]
    for image in data["images"]:
        assert {"url", "urls", "caption", "credit", "alt", "context_before", "context_after", "selector", "role"} <= set(image)
        assert image["url"] == image["urls"][0]


def test_all_images_and_url_option() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED), "--format", "json", "--all-images", "--url", "https://example.org/a"])
    data = json.loads(result.output)
    assert data["page"]["url"] == "https://example.org/a"
    assert len(data["images"]) > 3 and {"teaser", "logo"} <= {i["role"] for i in data["images"]}


def test_text_output() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED)])
    assert result.exit_code == 0
    assert "Deir ez-Zor." in result.output and "Sputnik" in result.output and "3 image(s)" in result.output


def test_missing_page_is_one_line_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "captioncheck", "extract", str(tmp_path / "nope.html")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no such page file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_value_that_is_not_unicode_is_one_line_error() -> None:
    """A --url in another encoding reaches Python as a lone surrogate, which JSON in UTF-8 cannot carry:
    a one-line input error that says which value and what to do (it was pydantic's own error, exit 1)."""
    url = b"http://example.org/caf\xe9".decode("utf-8", "surrogateescape")
    proc = subprocess.run([sys.executable, "-m", "captioncheck", "extract", str(SEED), "--url", url, "--format", "json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "caf\\udce9" in proc.stderr and "UTF-8" in proc.stderr and "Pydantic" not in proc.stderr


def _fresh_extract(report: str, fmt: str = "json", setup: str = "") -> str:
    """Run `extract SEED --format fmt` through the CLI in a fresh Python, after the `setup` code and before
    the `report` code (which prints one line); that line."""
    code = (f"import sys\n{setup}from captioncheck.cli import main\n"
            "try:\n    main(['extract', sys.argv[1], '--format', sys.argv[2]])\nexcept SystemExit:\n    pass\n"
            f"{report}\n")
    proc = subprocess.run([sys.executable, "-c", code, str(SEED), fmt], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


HEAVY = ("torch", "open_clip", "numpy", "pydantic", "pydantic_core", "PIL", "py3langid", "dateparser", "scipy", "imagehash")


def test_extract_imports_only_what_extraction_uses() -> None:
    """A cold `extract` is mostly imports: none of the check's libraries, no pydantic (plain records),
    no numpy (trafilatura's optional language identifier is left out), for JSON and text output."""
    for fmt in ("json", "text"):
        assert _fresh_extract(f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))", fmt) == "LOADED:", fmt
    code = f"import sys, captioncheck.extract; print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_extract_of_an_html_page_leaves_email_policy_alone() -> None:
    """Only MHTML needs the email package's policies: importing them imports the header registry,
    whose regular expressions are built from sets, so no two processes compile the same ones (the
    pattern cache cannot hold them)."""
    report = "print('LOADED:' + ','.join(m for m in ('email.policy', 'email.headerregistry') if m in sys.modules))"
    assert _fresh_extract(report) == "LOADED:"


def test_cold_extract_imports_without_garbage_collection() -> None:
    """A fresh process imports the extractors and trafilatura with the cyclic collector off (it found
    nothing there and walked every new object again), then freezes what they created."""
    setup = ("import gc\nduring = []\n"
             "gc.callbacks.append(lambda phase, info: phase == 'start' and 'captioncheck.extract' in sys.modules"
             " and gc.get_freeze_count() == 0 and during.append(info['generation']))\n")
    report = "print(f'DURING {len(during)} FROZEN {gc.get_freeze_count() > 0} ENABLED {gc.isenabled()}')"
    assert _fresh_extract(report, setup=setup) == "DURING 0 FROZEN True ENABLED True"


def test_extract_in_a_process_that_has_imported_trafilatura_keeps_its_collector() -> None:
    runner = CliRunner()
    runner.invoke(cli, ["extract", str(SEED), "--format", "json"])  # trafilatura imported by now
    frozen = gc.get_freeze_count()
    result = runner.invoke(cli, ["extract", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_extract_command_still_guesses_an_undeclared_language(tmp_path: Path) -> None:
    """trafilatura is imported without py3langid, but the page's own language guess still uses it."""
    page = tmp_path / "no-lang.html"
    page.write_text("<html><head><title>Sans langue</title></head><body><article><p>" + "Le gouvernement a annoncé mercredi "
                    "de nouvelles mesures pour les agriculteurs touchés par la sécheresse dans le sud du pays. " * 3
                    + "</p><figure><img src='a.jpg' width=800 height=600><figcaption>Un champ près de Nîmes.</figcaption>"
                    "</figure></article></body></html>", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "captioncheck", "extract", str(page), "--format", "json"],
                          capture_output=True, text=True, timeout=120, check=False)  # a fresh process: nothing imported yet
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["page"]["language"] == "fr" and "sécheresse" in data["page"]["text"]
