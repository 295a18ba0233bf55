"""`captioncheck audit INPUT... --out FILE`: check every page of archives, saved pages or URL lists."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from captioncheck._exceptions import CaptionCheckError
from captioncheck.cli.progress import engine_options, live_progress, workdir_for

EXIT_FLAGGED = 4


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Rows, one per image: FILE.jsonl (JSON Lines) or FILE.parquet.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write a summary page: counts by verdict, site and reason, and the worst cases.")
@click.option("--index", "index_path", default=None, metavar="FILE|URL",
              help="Known-photo index to search: a SQLite file or a postgresql:// URL [env CAPTIONCHECK_INDEX].")
@click.option("--model", default=None, help="CLIP model spec or preset.")
@click.option("--no-clip", is_flag=True, help="Skip CLIP scoring.")
@click.option("--no-ocr", is_flag=True, help="Skip OCR.")
@click.option("--fetch", is_flag=True, help="Saved pages: download images that were not saved (safe fetcher).")
@click.option("--originals", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of original photos shown beside matches in --html (default: originals/ next to the index).")
@click.option("--gpus", type=float, default=0.0, help="GPUs per CLIP actor (--engine ray).")
@click.option("--fail-on", type=click.Choice(["suspicious", "inconsistent"]), default=None,
              help=f"Exit with status {EXIT_FLAGGED} when an image is at least this bad.")
@engine_options
def audit(inputs: tuple[Path, ...], out: Path, html_out: Path | None, index_path: str | None, model: str | None,
          no_clip: bool, no_ocr: bool, fetch: bool, originals: Path | None, gpus: float, fail_on: str | None,
          engine: str, address: str | None, workers: int | None) -> None:
    """Check every page of INPUTS: WARC/WACZ archives, folders of saved pages, files of URLs.

    Writes one row per image (page, image URL, verdict, reasons, best match, earliest sighting).
    Re-running with the same --out resumes where it stopped. Nothing is remembered in the
    first-seen registry (use `index add-archive` for that).
    """
    from captioncheck.archive.audit import AuditOptions
    from captioncheck.archive.audit_run import run_audit
    from captioncheck.archive.output import AuditOutput
    from captioncheck.engines import make_engine
    from captioncheck.sources import plan_inputs
    from captioncheck.verdict import VERDICT_ORDER

    output = AuditOutput(out)
    with live_progress("scanning") as bar:
        plan = plan_inputs(list(inputs), workdir_for(out), progress=bar.scanned)
    options = AuditOptions(index_path=str(index_path) if index_path else None, use_clip=not no_clip, use_ocr=not no_ocr,
                           model=model, fetch_images=fetch, originals=str(originals) if originals else None)
    runner = make_engine(engine, workers=workers, address=address)
    try:
        with live_progress("pages", total=plan.total, records=sum(a.records for a in plan.archives)) as bar:
            totals = run_audit(plan, runner, options, output, gpus=gpus,
                               on_page=lambda rows: bar.page(sum(1 for r in rows if r["image_url"])))
        if html_out is not None:
            from captioncheck.archive.summary import render

            _write(html_out, render(output.rows()))
        worst = max((VERDICT_ORDER.get(r["verdict"], 0) for r in output.rows() if r["image_url"]), default=0)
    finally:
        output.close()
        runner.close()
    large = plan.large_records_warning()
    if large:
        click.secho(large, fg="yellow", err=True)
    for archive, member, offset, error in totals.damaged:
        click.secho(f"damaged record skipped: {archive}{f' [{member}]' if member else ''} at offset {offset}: {error}",
                    fg="yellow", err=True)
    counts = ", ".join(f"{n} {v}" for v, n in sorted(totals.verdicts.items()))
    click.echo(f"{totals.pages} page(s) checked ({totals.skipped_done} done before, {totals.page_errors} not read), "
               f"{totals.rows} image(s): {counts or 'none'}; rows in {out}")
    if fail_on and worst >= VERDICT_ORDER[fail_on]:
        sys.exit(EXIT_FLAGGED)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CaptionCheckError(f"cannot write {path}: {exc.strerror}; choose another --html path") from exc
    click.echo(f"summary written to {path}", err=True)
