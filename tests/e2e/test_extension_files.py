"""Static checks of the extension: minimal permissions, no remote code, no HTML injection sinks."""

from __future__ import annotations

import json
import re
from pathlib import Path

EXTENSION = Path(__file__).resolve().parents[2] / "extension"
MANIFEST = json.loads((EXTENSION / "manifest.json").read_text())
SCRIPTS = sorted(EXTENSION.glob("*.js"))


def test_manifest_v3_with_minimal_permissions() -> None:
    assert MANIFEST["manifest_version"] == 3
    assert sorted(MANIFEST["permissions"]) == ["activeTab", "contextMenus", "scripting", "storage"]
    assert MANIFEST["host_permissions"] == ["http://127.0.0.1/*", "http://localhost/*"]  # the default backend only
    assert "content_scripts" not in MANIFEST  # injected on demand, never into every page
    assert "'unsafe-eval'" not in json.dumps(MANIFEST) and "http" not in MANIFEST["content_security_policy"]["extension_pages"]


def test_every_referenced_file_exists() -> None:
    referenced = [MANIFEST["background"]["service_worker"], MANIFEST["options_ui"]["page"],
                  *MANIFEST["icons"].values(), "content.js", "options.js"]
    assert all((EXTENSION / name).is_file() for name in referenced)


def test_no_remote_code_and_no_html_sinks() -> None:
    for path in [*SCRIPTS, EXTENSION / "options.html"]:
        text = path.read_text()
        for sink in (r"\.innerHTML\b", r"\.outerHTML\s*=", r"insertAdjacentHTML", r"document\.write", r"\beval\(",
                     r"new Function", r"importScripts", r"setTimeout\(\s*[\"'`]"):
            assert not re.search(sink, text), f"{path.name} uses {sink}"
        assert not re.search(r"<script[^>]+src=[\"']https?:", text), f"{path.name} loads remote script"
