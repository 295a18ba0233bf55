"""Out-of-context evaluation: real news pages with a real photo planted as a transformed copy.

    python bench/ooc_eval.py                    # all cases, OCR on, CLIP off
    python bench/ooc_eval.py --limit 20 --no-ocr

Pages come from ../shared/corpus (their HTML, text, captions; the corpus has no image bytes).
For each page, the first extracted article image that has a caption gets a real photo
(testdata/originals and scikit-image's bundled photographs), resized, cropped and recompressed (some
mirrored) as the page's copy. Each sample has its own fresh photo index holding the original:

  reused     the index holds another event's context: another corpus page's caption, an agency
             credit, a date 1-8 years before the page, a place in a country the article is not about
  seen       no curated record; the photo was seen before on another site's page, 2-60 months
             earlier, with that page's caption and its countries (a sighting, source "archive")
  legit      the index holds the page's own caption, credit (none when the page shows none) and date
  none       the photo is in no index

Goals (issue 11): reused flagged >= 0.97 and inconsistent >= 0.90; seen flagged >= 0.95; legit
falsely inconsistent <= 1 % and suspicious <= 3 %; none never flagged. Flagged = suspicious or
inconsistent. Prints a table per case and ends with one JSON line (with the path of the
`captioncheck` measured). Measures the checkout the script is in, or the one PYTHONPATH names
(`PYTHONPATH=/other/checkout python bench/ooc_eval.py`), so the same command measures before and after.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus") if p.is_dir()),
              ROOT.parent / "shared" / "corpus")  # a checkout next to shared/, or a worktree one level deeper
CASES = ("reused", "seen", "legit", "none")
FOREIGN = [("Washington, DC", "US"), ("Tehran, Iran", "IR"), ("Nairobi, Kenya", "KE"), ("Jakarta, Indonesia", "ID"),
           ("Lima, Peru", "PE"), ("Kyiv, Ukraine", "UA"), ("Manila, Philippines", "PH"), ("Cairo, Egypt", "EG")]
CREDITS = ["AFP", "Reuters", "AP", "Getty Images", "EPA"]
# scikit-image's photographs of scenes and objects (its texture swatches brick/grass/gravel are left out)
SKIMAGE = ["astronaut", "chelsea", "coffee", "hubble_deep_field", "immunohistochemistry", "retina", "rocket", "camera",
           "moon", "coins", "clock"]
FALLBACK_DAY = date(2018, 6, 1)  # for pages that state no date
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))  # this checkout, not an editable install of another one


@dataclass
class Target:
    page: str
    url: str
    html: str
    image_urls: list[str]
    position: int
    caption: str
    credit: str
    published: str
    language: str
    countries: set[str]


def photos() -> list[bytes]:
    """Real photos: the bundled originals and scikit-image's sample photos, as JPEG bytes."""
    out = [p.read_bytes() for p in sorted((ROOT / "testdata" / "originals").glob("*.jpg"))]
    try:
        import numpy as np
        from skimage import data

        for name in SKIMAGE:
            arr = getattr(data, name)()
            img = Image.fromarray(np.asarray(arr)).convert("RGB")
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=92)
            out.append(buf.getvalue())
    except ImportError:
        print("scikit-image not installed: only testdata/originals are used (pip install scikit-image)", file=sys.stderr)
    return out


def transformed(data: bytes, rng: random.Random) -> bytes:
    """The page's copy: resized, cropped a little, recompressed, sometimes mirrored."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    scale = rng.uniform(0.6, 0.9)
    img = img.resize((max(64, int(w * scale)), max(64, int(h * scale))), Image.Resampling.LANCZOS)
    w, h = img.size
    dx, dy = int(w * rng.uniform(0, 0.05)), int(h * rng.uniform(0, 0.05))
    img = img.crop((dx, dy, w - dx, h - dy))
    if rng.random() < 0.2:
        img = ImageOps.mirror(img)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(70, 88))
    return buf.getvalue()


def targets(limit: int) -> list[Target]:
    """Pages with an extracted article image that has a caption (extraction misses are another issue)."""
    from captioncheck.crosscheck import article_facts
    from captioncheck.extract import extract
    from captioncheck.load import decode_html, page_from_html

    out: list[Target] = []
    for line in (CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        path = CORPUS / "pages" / gold["page"]
        raw = path.read_bytes()
        html, _ = decode_html(raw)
        url = gold.get("url") or f"https://{path.stem.split('_')[0]}/{path.stem}"
        result = extract(page_from_html(html, url))
        pick = next((i for i in result.images if len(i.caption) >= 15), None)
        if pick is None:
            continue
        facts = article_facts(result.page, result.images)
        out.append(Target(gold["page"], url, html, list(dict.fromkeys([pick.url, *pick.urls])), pick.position, pick.caption,
                          pick.credit, result.page.published, result.page.language or gold.get("lang", ""), set(facts.countries)))
        if len(out) >= limit:
            break
    return out


def page_day(t: Target) -> date:
    try:
        day = date.fromisoformat(t.published[:10])
    except ValueError:
        return FALLBACK_DAY
    return day if day.year >= 1995 else FALLBACK_DAY  # older code took "0001-01-01" for a page date


def foreign(t: Target, rng: random.Random) -> tuple[str, str]:
    options = [f for f in FOREIGN if f[1] not in t.countries]
    return rng.choice(options)


def build_index(path: Path, case: str, t: Target, other: Target, original: bytes, decoy: bytes, rng: random.Random) -> None:
    from captioncheck._types import Sighting
    from captioncheck.index import PhotoMeta, open_index

    with open_index(path, create=True) as index:
        index.add_photo(decoy, PhotoMeta(caption="An unrelated photo", credit="AFP", date="2010-01-01"))
        day = page_day(t)
        if case == "reused":
            place, _ = foreign(t, rng)
            when = day - timedelta(days=rng.randint(365, 8 * 365))
            index.add_photo(original, PhotoMeta(caption=other.caption, credit=rng.choice(CREDITS), date=when.isoformat(), place=place,
                                                source_url="https://photos.example/archive/" + str(rng.randint(1000, 9999))))
        elif case == "seen":
            _, country = foreign(t, rng)
            when = day - timedelta(days=rng.randint(60, 5 * 365))
            index.remember_seen(original, Sighting(page_url=f"https://elsewhere.example/{when.year}/{rng.randint(100, 999)}/story",
                                                   seen_at=(when + timedelta(days=3)).isoformat() + "T00:00:00+00:00",
                                                   published=when.isoformat(), caption=other.caption, lang=other.language,
                                                   countries=sorted(other.countries - t.countries) or [country], source="archive"))
        elif case == "legit":
            when = day - timedelta(days=rng.randint(0, 3)) if t.published else None
            index.add_photo(original, PhotoMeta(caption=t.caption, credit=t.credit, date=when.isoformat() if when else ""))


def run_one(case: str, t: Target, other: Target, original: bytes, decoy: bytes, rng: random.Random, use_ocr: bool,
            workdir: Path, n: int) -> tuple[str, str]:
    """(verdict, one line about the evidence) for one sample."""
    from captioncheck.config import Settings
    from captioncheck.load import page_from_html
    from captioncheck.pipeline import check_page

    index_path = workdir / f"index-{n}.sqlite"
    build_index(index_path, case, t, other, original, decoy, rng)
    copy = transformed(original, rng)
    page = page_from_html(t.html, t.url, images={u: copy for u in t.image_urls})
    report = check_page(page, Settings(index_path=index_path, use_clip=False, use_ocr=use_ocr, remember=False))
    image = next((i for i in report.images if i.position == t.position), None)
    if image is None or image.error:
        return "missing", image.error if image is not None else "planted image not reported"
    codes = ",".join(f"{r.code}:{r.severity}" for r in image.reasons)
    return image.verdict, f"matches={len(image.matches)} page_date={report.page.published[:10] or '-'} reasons={codes or '-'}"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ooc-eval-", ignore_cleanup_errors=True) as tmp:  # ~80 MB of indexes
        _main(Path(tmp))


def _main(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=140, help="samples in all (split 56:20:50:14 like the issue)")
    parser.add_argument("--no-ocr", action="store_true")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", default="", help="comma-separated sample numbers to run (diagnosis)")
    parser.add_argument("--verbose", action="store_true", help="print every miss with its evidence")
    args = parser.parse_args()
    only = {int(x) for x in args.only.split(",") if x.strip()}
    os.environ["CAPTIONCHECK_DATADIR"] = str(workdir / "data")  # no user registry in the way
    started = time.monotonic()
    pages = targets(200)
    pics = photos()
    share = {"reused": 56, "seen": 20, "legit": 50, "none": 14}
    total = sum(share.values())
    plan = [c for c in CASES for _ in range(max(1, round(share[c] * args.limit / total)))]
    results: dict[str, list[str]] = {c: [] for c in CASES}
    misses: list[str] = []
    for n, case in enumerate(plan):
        if only and n not in only:
            continue
        rng = random.Random(args.seed * 100_003 + n)  # per sample: any sample can be rerun alone
        t = pages[n % len(pages)]
        other = pages[(n * 7 + 13) % len(pages)]
        if other.page == t.page:
            other = pages[(n * 7 + 14) % len(pages)]
        original, decoy = pics[n % len(pics)], pics[(n + 5) % len(pics)]
        verdict, note = run_one(case, t, other, original, decoy, rng, not args.no_ocr, workdir, n)
        results[case].append(verdict)
        flagged = verdict in ("suspicious", "inconsistent")
        if (case in ("reused", "seen")) != flagged or (case == "reused" and verdict != "inconsistent"):
            misses.append(f"#{n} {case} {t.page} photo {n % len(pics)}: {verdict} ({note})")
    elapsed = time.monotonic() - started
    if args.verbose:
        print("\n".join(misses) or "no misses")
    summary = {}
    print(f"{'case':8} {'n':>4} {'flagged':>8} {'inconsistent':>13} {'suspicious':>11} {'missing':>8}  verdicts")
    for case, verdicts in results.items():
        n = len(verdicts)
        if not n:
            continue
        counted = [v for v in verdicts if v != "missing"] or ["none"]
        flagged = sum(v in ("suspicious", "inconsistent") for v in counted) / len(counted)
        inc = sum(v == "inconsistent" for v in counted) / len(counted)
        sus = sum(v == "suspicious" for v in counted) / len(counted)
        counts = {v: verdicts.count(v) for v in sorted(set(verdicts))}
        summary[case] = {"n": n, "flagged": round(flagged, 3), "inconsistent": round(inc, 3), "suspicious": round(sus, 3),
                         "missing": verdicts.count("missing"), "verdicts": counts}
        print(f"{case:8} {n:>4} {flagged:>8.2f} {inc:>13.2f} {sus:>11.2f} {verdicts.count('missing'):>8}  {counts}")
    if len(summary) < len(CASES):
        return
    goals = {"reused_flagged": summary["reused"]["flagged"] >= 0.97, "reused_inconsistent": summary["reused"]["inconsistent"] >= 0.90,
             "seen_flagged": summary["seen"]["flagged"] >= 0.95, "legit_inconsistent": summary["legit"]["inconsistent"] <= 0.01,
             "legit_suspicious": summary["legit"]["suspicious"] <= 0.03, "none_clean": summary["none"]["flagged"] == 0.0}
    print(f"pages with a captioned image: {len(pages)}; photos: {len(pics)}; OCR {'off' if args.no_ocr else 'on'}, CLIP off; "
          f"{elapsed:.0f} s")
    import captioncheck

    print(json.dumps({"bench": "ooc_eval", "captioncheck": str(Path(captioncheck.__file__).parent), "samples": len(plan), "elapsed_s": round(elapsed, 1), "cases": summary, "goals_met": goals}))


if __name__ == "__main__":
    main()
