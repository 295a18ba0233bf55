"""`captioncheck check PAGE`: explained verdicts for every article image of a saved page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from captioncheck._exceptions import CaptionCheckError
from captioncheck.cli.regex_cache import reusing_patterns

EXIT_FLAGGED = 4  # --fail-on matched (distinct from 1 error, 2 usage, 3 dependency)


# `check` and `serve` (captioncheck.signals.clip.precision.PRECISIONS, not imported: the CLI starts without torch)
clip_precision_option = click.option(
    "--clip-precision", type=click.Choice(["auto", "fp32", "bf16"]), default=None,
    help="CLIP image tower precision: auto = bf16 where the CPU/GPU has it natively, else fp32 "
         "[env CAPTIONCHECK_CLIP_PRECISION; default auto].")


@click.command()
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Original address of the page (else read from the saved page).")
@click.option("--index", "index_path", default=None, metavar="FILE|URL",
              help="Known-photo index to search: a SQLite file or a postgresql:// URL [env CAPTIONCHECK_INDEX; "
                   "default: the one under the data dir].")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "mediareview"]), default="text", show_default=True,
              help="mediareview: schema.org MediaReview JSON-LD per image, a draft for a fact-check CMS.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the report to FILE.")
@click.option("--model", default=None, help="CLIP model spec or preset (see `captioncheck models list`).")
@clip_precision_option
@click.option("--no-clip", is_flag=True, help="Skip CLIP scoring.")
@click.option("--no-ocr", is_flag=True, help="Skip OCR.")
@click.option("--no-remember", is_flag=True, help="Do not record the images in the first-seen registry.")
@click.option("--fetch", is_flag=True, help="Download images that were not saved with the page (safe fetcher).")
@click.option("--all-images", is_flag=True, help="Also check images that are not article images.")
@click.option("--originals", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of original photos shown beside matches in the HTML report (default: originals/ next to the index).")
@click.option("--fail-on", type=click.Choice(["suspicious", "inconsistent"]), default=None,
              help=f"Exit with status {EXIT_FLAGGED} when an image is at least this bad.")
@reusing_patterns("check")  # the regular expressions this command compiled last time, already compiled
def check(page: Path, url: str | None, index_path: str | None, fmt: str, out: Path | None, model: str | None,
          clip_precision: str | None, no_clip: bool, no_ocr: bool, no_remember: bool, fetch: bool, all_images: bool, originals: Path | None,
          fail_on: str | None) -> None:
    """Check every article image of a saved PAGE (.html, Webpage Complete, .mhtml)."""
    from captioncheck.config import Settings, index_spec
    from captioncheck.load import load_page

    settings = Settings(index_path=index_spec(index_path), use_clip=not no_clip, use_ocr=not no_ocr, remember=not no_remember,
                        all_images=all_images)
    if model:
        settings.model = model
    settings.clip_precision = clip_precision or settings.clip_precision
    source = load_page(page, url=url)  # read once: checked, then shown in the HTML report
    report = _run(source, settings, fetch)
    if fmt == "html":
        _write(_html(report, source, settings, originals), out)
    else:
        _emit(report, fmt, out)
    from captioncheck.verdict import VERDICT_ORDER

    if fail_on and VERDICT_ORDER[report.summary.verdict] >= VERDICT_ORDER[fail_on]:
        sys.exit(EXIT_FLAGGED)


def _run(source: Any, settings: Any, fetch: bool) -> Any:
    from captioncheck.pipeline import check_page

    fetcher = _fetcher() if fetch else None
    fetch_image = fetcher.fetch_image if fetcher else None
    try:
        if not sys.stderr.isatty():  # no progress bar to draw: rich is not even imported
            return check_page(source, settings, fetch=fetch_image)
        return _run_with_progress(source, settings, fetch_image)
    finally:
        if fetcher is not None:
            fetcher.close()


def _run_with_progress(source: Any, settings: Any, fetch_image: Any) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from captioncheck.pipeline import check_page

    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("checking", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total or None)

        return check_page(source, settings, progress=progress, fetch=fetch_image)


def _fetcher() -> Any:
    try:
        from captioncheck.netfetch import SafeFetcher
    except ImportError as exc:
        raise CaptionCheckError(f"--fetch needs captioncheck.netfetch ({exc}); reinstall captioncheck") from exc
    return SafeFetcher()


def _emit(report: Any, fmt: str, out: Path | None) -> None:
    if fmt == "json":
        from captioncheck.report.jsonfmt import to_json

        _write(to_json(report) + "\n", out)
    elif fmt == "mediareview":
        from captioncheck.report.mediareview import to_mediareview

        _write(to_mediareview(report) + "\n", out)
    elif out is not None:
        from rich.console import Console

        with out.open("w", encoding="utf-8") as fh:
            from captioncheck.report.terminal import render

            render(report, Console(file=fh, width=110, no_color=True))
    else:
        from rich.console import Console

        from captioncheck.report.terminal import render

        render(report, Console())


def _html(report: Any, source: Any, settings: Any, originals: Path | None) -> str:
    from captioncheck.config import data_dir, is_index_url
    from captioncheck.report.assets import original_thumbnails, page_thumbnails
    from captioncheck.report.html import to_html

    index_path = settings.resolved_index_spec()
    folder = originals or (data_dir() if is_index_url(index_path) else Path(index_path).parent) / "originals"
    from captioncheck.pipeline import image_data

    def saved_copy(image: Any) -> bytes | None:  # never the network: only what was saved with the page
        try:
            return image_data(source, image, None)
        except CaptionCheckError:
            return None

    thumbs = page_thumbnails(report, saved_copy)
    try:
        origs = original_thumbnails(report, index_path if is_index_url(index_path) or Path(index_path).is_file() else None,
                                    folder)
    except CaptionCheckError:
        origs = {}
    return to_html(report, thumbs, origs)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CaptionCheckError(f"cannot write {out}: {exc.strerror}; choose another --out path") from exc
    click.echo(f"report written to {out}", err=True)
