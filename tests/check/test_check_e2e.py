"""End to end: `captioncheck check` on the seed page, the control pages and hostile pages."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from captioncheck.cli import cli
from captioncheck.config import Settings
from captioncheck.pipeline import check_page

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"
SEED = TESTDATA / "pages" / "presstv-fr-2019-12-11.html"
INDEX = TESTDATA / "index.sqlite"
CONTROLS = sorted((TESTDATA / "pages").glob("control-*.html"))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_seed_lead_is_inconsistent_without_clip_weights() -> None:
    started = time.monotonic()
    code, out = run("check", str(SEED), "--index", str(INDEX), "--format", "json", "--no-remember")
    assert code == 0
    report = json.loads(out)
    lead = report["images"][0]
    assert lead["verdict"] == "inconsistent"
    assert {"reused_photo", "place_mismatch", "date_mismatch", "language_mismatch", "people_not_in_article"} <= {r["code"] for r in lead["reasons"]}
    people = next(r for r in lead["reasons"] if r["code"] == "people_not_in_article")
    assert set(people["evidence"]["names"]) == {"Ilhan Omar", "Nancy Pelosi"}
    assert "clip" in lead["signals_unavailable"]
    clip_notes = [n for n in report["notices"] if n.startswith("CLIP unavailable")]
    assert len(clip_notes) == 1 and "\n" not in clip_notes[0] and "captioncheck models" in clip_notes[0]
    assert report["summary"]["verdict"] == "inconsistent"
    assert [img["verdict"] for img in report["images"][1:]] == ["no_findings", "no_findings"]  # nothing corroborates them
    assert time.monotonic() - started < 120


@pytest.mark.parametrize("page", CONTROLS, ids=[p.stem for p in CONTROLS])
def test_control_pages_are_not_flagged(page: Path) -> None:
    report = check_page(page, Settings(index_path=INDEX, use_clip=False, remember=False))
    assert report.images, "the control page must have article images"
    assert [i.verdict for i in report.images if i.verdict in ("suspicious", "inconsistent")] == []
    assert all(i.error == "" for i in report.images)


def test_fail_on_sets_the_exit_code() -> None:
    code, _ = run("check", str(SEED), "--index", str(INDEX), "--format", "json", "--no-clip", "--no-ocr",
                  "--no-remember", "--fail-on", "inconsistent")
    assert code == 4
    code, _ = run("check", str(CONTROLS[0]), "--index", str(INDEX), "--format", "json", "--no-clip", "--no-ocr",
                  "--no-remember", "--fail-on", "suspicious")
    assert code == 0


def test_missing_index_is_one_line_user_error(tmp_path: Path) -> None:
    from captioncheck.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["check", str(SEED), "--index", str(tmp_path / "nope.sqlite"), "--no-clip", "--no-ocr"])
    assert exc.value.code == 2


def png(size: tuple[int, int], colour: tuple[int, int, int] = (120, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def bomb() -> bytes:
    """A tiny PNG that claims 30000x30000 pixels (a decompression bomb)."""
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    return out.getvalue()


PARAGRAPH = "A paragraph of ordinary article text about the city council meeting. " * 3


def write_page(folder: Path, name: str, figures: list[tuple[str, bytes, str]], lang: str = "en", paragraph: str = PARAGRAPH) -> Path:
    files = folder / f"{name}_files"
    files.mkdir(parents=True)
    body = []
    for fname, data, caption in figures:
        (files / fname).write_bytes(data)
        body.append(f'<figure><img src="./{name}_files/{fname}" width="600" height="400"><figcaption>{caption}</figcaption></figure>'
                    f"<p>{paragraph}</p>")
    page = folder / f"{name}.html"
    page.write_text(f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Council meeting</title>'
                    f'<meta property="article:published_time" content="2024-05-01T10:00:00Z"></head><body><article>'
                    f"<h1>Council meeting</h1>{''.join(body)}</article></body></html>", encoding="utf-8")
    return page


def test_hostile_images_are_reported_and_skipped(tmp_path: Path) -> None:
    page = write_page(tmp_path, "hostile", [
        ("bomb.png", bomb(), "A very large image of the council chamber seen from the gallery"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "Councillors vote on the budget in the main chamber"),
        ("fine.png", png((600, 400)), "The town hall building on a sunny morning in spring"),
    ])
    report = check_page(page, Settings(use_clip=False, use_ocr=False, remember=False))
    errors = {Path(i.url).name: i.error for i in report.images}
    assert "bomb" in errors["bomb.png"] or "MP limit" in errors["bomb.png"]
    assert "not a readable image" in errors["broken.jpg"]
    assert errors["fine.png"] == ""
    fine = next(i for i in report.images if i.url.endswith("fine.png"))
    assert fine.image_size == [600, 400]


def test_hundreds_of_images_are_capped(tmp_path: Path) -> None:
    figures = [(f"img{i}.png", png((64, 48), (i % 255, 10, 10)), f"Photo number {i} of the council meeting today") for i in range(120)]
    page = write_page(tmp_path, "many", figures)
    report = check_page(page, Settings(use_clip=False, use_ocr=False, remember=False, max_images=10))
    assert len(report.images) <= 10
    assert any("max_images" in n for n in report.notices)


def test_remembered_image_is_seen_before_on_another_page(tmp_path: Path) -> None:
    photo = png((640, 480), (30, 30, 30))
    img = Image.open(io.BytesIO(photo))
    img = Image.effect_mandelbrot((640, 480), (-2, -1.5, 1, 1.5), 60).convert("RGB")
    out = io.BytesIO()
    img.save(out, "PNG")
    figures = [("photo.png", out.getvalue(), "The mayor speaks to the press outside the town hall")]
    first = write_page(tmp_path / "a", "first", figures)
    second = write_page(tmp_path / "b", "second", figures)
    check_page(first, Settings(use_clip=False, use_ocr=False), url="https://one.example/news/1")
    report = check_page(second, Settings(use_clip=False, use_ocr=False), url="https://two.example/news/2")
    codes = {r.code for r in report.images[0].reasons}
    assert "seen_before" in codes
    [match] = [m for m in report.images[0].matches if m.origin == "seen"]
    assert [(s.site, s.caption) for s in match.sightings] == [("one.example", "The mayor speaks to the press outside the town hall")]
    # checked again, page one's own earlier visit is no evidence: only its sighting on page two is listed
    again = check_page(first, Settings(use_clip=False, use_ocr=False, remember=False), url="https://one.example/news/1")
    [match] = [m for m in again.images[0].matches if m.origin == "seen"]
    assert match.page_url == "https://two.example/news/2"
    assert [s.page_url for s in match.sightings] == ["https://two.example/news/2"]
    # a page only ever seen on itself finds nothing
    other = io.BytesIO()
    Image.effect_mandelbrot((640, 480), (-0.8, 0, 0.4, 0.9), 90).convert("RGB").save(other, "PNG")
    alone = write_page(tmp_path / "c", "alone", [("harbour.png", other.getvalue(), "The harbour at dawn with fishing boats")])
    check_page(alone, Settings(use_clip=False, use_ocr=False), url="https://three.example/")
    again = check_page(alone, Settings(use_clip=False, use_ocr=False, remember=False), url="https://three.example/")
    assert not [m for m in again.images[0].matches if m.origin == "seen"]


def test_html_report_escapes_hostile_text(tmp_path: Path) -> None:
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; [red]markup[/red]"
    page = write_page(tmp_path, "xss", [("council-photo.png", png((600, 400)), hostile)])
    out = tmp_path / "report.html"
    code, _ = run("check", str(page), "--format", "html", "--out", str(out), "--no-clip", "--no-ocr", "--no-remember")
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "data:image/jpeg;base64," in html
    code, text = run("check", str(page), "--no-clip", "--no-ocr", "--no-remember")
    assert "[red]markup" in text and "<script>alert(1)</script>" in text  # printed literally


def test_seed_html_report_shows_original_side_by_side(tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    code, _ = run("check", str(SEED), "--index", str(INDEX), "--format", "html", "--out", str(out), "--no-clip",
                  "--no-ocr", "--no-remember")
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "Known original" in html and "East Steps of the US Capitol" in html
    assert html.count("data:image/jpeg;base64,") >= 4  # three page images + the matched original
    assert "reused_photo" in html and "inconsistent" in html


def test_fetch_hook_is_used_only_when_given_and_its_failures_are_per_image(tmp_path: Path) -> None:
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>Harbour</title></head><body><article><h1>Harbour</h1>'
                    '<figure><img src="https://cdn.example.org/boats.jpg" width="600" height="400"><figcaption>Boats in the '
                    'harbour at dawn</figcaption></figure><figure><img src="https://cdn.example.org/gone.jpg" width="600" '
                    f'height="400"><figcaption>The old lighthouse</figcaption></figure><p>{"Text about the harbour. " * 10}</p>'
                    "</article></body></html>", encoding="utf-8")
    boats = io.BytesIO()
    Image.effect_mandelbrot((600, 400), (-2, -1.5, 1, 1.5), 50).convert("RGB").save(boats, "JPEG")
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        if url.endswith("gone.jpg"):
            raise OSError("connection reset")
        return boats.getvalue()

    offline = check_page(page, Settings(use_clip=False, use_ocr=False, remember=False))
    assert all("no saved copy" in i.error for i in offline.images)
    report = check_page(page, Settings(use_clip=False, use_ocr=False, remember=False), fetch=fetch)
    errors = {i.url.rsplit("/", 1)[-1]: i.error for i in report.images}
    assert errors["boats.jpg"] == "" and "connection reset" in errors["gone.jpg"]
    assert sorted(asked) == ["https://cdn.example.org/boats.jpg", "https://cdn.example.org/gone.jpg"]


def test_burnt_in_caption_contradicting_the_article(tmp_path: Path) -> None:
    from PIL import ImageDraw, ImageFont

    img = Image.effect_mandelbrot((800, 500), (-2, -1.5, 1, 1.5), 60).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 420, 800, 500), fill=(0, 0, 0))
    draw.text((20, 435), "Floods in Kabul, August 2021", fill=(255, 255, 255), font=ImageFont.load_default(size=36))
    out = io.BytesIO()
    img.save(out, "PNG")
    text = "The storm hit Valencia in Spain on Tuesday night. In Valencia, firefighters rescued dozens of residents. " * 2
    page = write_page(tmp_path, "floods", [("flood-photo.png", out.getvalue(), "Streets under water after the storm")], paragraph=text)
    report = check_page(page, Settings(use_clip=False, remember=False))
    image = report.images[0]
    assert image.ocr is not None and "Kabul" in image.ocr.burnt_in_caption
    codes = {r.code for r in image.reasons}
    assert {"place_mismatch", "date_mismatch"} <= codes, image.reasons


def test_fetch_falls_back_to_the_next_candidate_url() -> None:
    from captioncheck._exceptions import FetchRefused
    from captioncheck._types import ImageInContext
    from captioncheck.pipeline import image_data

    class NoLocalCopy:
        url = "https://news.example.org/a.html"

        def image_bytes(self, image: ImageInContext) -> None:
            return None

    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        if "cdn" in url:
            raise FetchRefused("refused: cdn.example.org is not reachable")
        return b"bytes of the mirror"

    image = ImageInContext(url="https://cdn.example.org/big.jpg",
                           urls=["https://cdn.example.org/big.jpg", "https://mirror.example.org/small.jpg"])
    assert image_data(NoLocalCopy(), image, fetch) == b"bytes of the mirror"
    assert asked == ["https://cdn.example.org/big.jpg", "https://mirror.example.org/small.jpg"]
    with pytest.raises(Exception, match="cdn.example.org is not reachable"):
        image_data(NoLocalCopy(), image.model_copy(update={"urls": [image.url]}), fetch)


def test_exif_orientation_is_applied_once_for_every_signal() -> None:
    from captioncheck.pipeline import decode_image

    img = Image.effect_mandelbrot((300, 200), (-2, -1.5, 1, 1.5), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: "rotate 90° clockwise to view"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    assert decode_image(out.getvalue()).size == (200, 300)


def test_uncaptioned_pictures_first_do_not_hide_a_captioned_photo(tmp_path: Path) -> None:
    """Issue 10 (decoys): a page of more images than max_images gets its lead and captioned ones checked first."""
    figures = [(f"img{i}.png", png((64, 48), (i % 255, 10, 10)), "") for i in range(30)]
    figures.append(("real.png", png((64, 48), (10, 200, 10)), "The minister at the talks in the capital on Tuesday"))
    page = write_page(tmp_path, "decoys", figures)
    report = check_page(page, Settings(use_clip=False, use_ocr=False, remember=False, max_images=10))
    checked = [Path(i.url).name for i in report.images]
    assert len(checked) == 10 and "real.png" in checked
    assert any("captioned ones first" in n for n in report.notices)
