"""Extraction output must not depend on the process's string-hash seed (PYTHONHASHSEED): which copy of a
picture another merges into, and which URL leads, were once picked by iterating a set."""

import json
import os
import subprocess
import sys
from pathlib import Path

from captioncheck.extract.images import Found, same_picture_keys
from captioncheck.extract.urls import Candidate

PATTERNS = Path(__file__).resolve().parents[2] / "testdata" / "pages" / "patterns"
DUMP = """
import json, sys
from pathlib import Path
from captioncheck.extract import extract
out = {}
for page in sorted(Path(sys.argv[1]).glob("*.html")):
    r = extract(str(page), url="https://news.example/" + page.stem)
    out[page.name] = [(i.url, i.urls, i.caption, i.credit, i.role) for i in r.images]
print(json.dumps(out, default=str))
"""


def test_same_picture_keys_follow_the_candidates_order():
    f = Found(node=None, anchor=None, index=0, cands=[
        Candidate("https://cdn.example/photos/harbour-at-dawn-s1800.jpg", "src"),
        Candidate("https://cdn.example/photos/harbour-at-dawn-s600.jpg", "srcset"),
    ])
    keys = same_picture_keys(f)
    assert isinstance(keys, list)
    assert keys[:2] == [c.url for c in f.cands]
    assert len(keys) == len(set(keys))


def _dump(seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", DUMP, str(PATTERNS)], env=env, capture_output=True, text=True,
                          timeout=240, check=True)
    return json.loads(done.stdout)


def test_pattern_pages_extract_the_same_under_any_hash_seed():
    first, second = _dump("1"), _dump("7")
    assert first, "no pattern pages found"
    assert first == second

