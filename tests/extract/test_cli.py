"""`captioncheck extract` end to end: JSON schema, text output, errors, and no torch on the fast path."""

from __future__ import annotations

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


def test_extract_does_not_import_torch() -> None:
    code = ("import sys; from captioncheck.cli import main\n"
            "try:\n    main(['extract', sys.argv[1], '--format', 'json'])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules, 'torch imported'\nassert 'open_clip' not in sys.modules\nprint('ok')")
    proc = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("ok")
