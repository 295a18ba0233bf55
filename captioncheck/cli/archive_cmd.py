"""`captioncheck index add-archive FILE...`: sightings from WARC/WACZ web archives."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from captioncheck.cli.progress import engine_options, live_progress, workdir_for
from captioncheck.config import data_dir, default_index_spec, index_spec, is_index_url


@click.command("add-archive")
@click.argument("archives", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@engine_options
@click.option("--index", "index_path", default=None, metavar="FILE|URL",
              help="Index: a SQLite file or a postgresql:// URL [env CAPTIONCHECK_INDEX; default: index.sqlite under "
                   "the data dir].")
def add_archive(archives: tuple[Path, ...], engine: str, address: str | None, workers: int | None,
                index_path: str | None) -> None:
    """Index every article image of the HTML pages in WARC/WACZ ARCHIVES as sightings.

    Each photo is stored with the page URL, capture time (WARC-Date), the page's publication date,
    caption, credit, alt, language and the countries the article is about; `check` then lists a
    matched photo's earlier appearances. Re-running resumes: pages already done are skipped.
    """
    from captioncheck.archive.ingest import add_archives
    from captioncheck.engines import make_engine
    from captioncheck.index import open_index
    from captioncheck.sources import plan_inputs

    from captioncheck.index.backends import display

    path = index_spec(index_path) or default_index_spec()
    cache_next_to = data_dir() / "index" if is_index_url(path) else Path(path)  # a database: under the data dir
    with live_progress("scanning") as bar:
        plan = plan_inputs(list(archives), workdir_for(cache_next_to), urls_allowed=False, progress=bar.scanned)
    runner = make_engine(engine, workers=workers, address=address)
    index = open_index(path)
    try:
        with live_progress("pages", total=plan.total, records=sum(a.records for a in plan.archives)) as bar:
            totals = add_archives(index, plan, runner, on_page=lambda page, t: bar.page(len(page.images), t.sightings))
        photos = index.store.stats()["photos"]
    finally:
        index.close()
        runner.close()
    _report(totals, photos, display(path), plan.large_records_warning())


def _report(totals: Any, photos: int, path: str, large: str = "") -> None:
    warn = lambda m: click.secho(m, fg="yellow", err=True)  # noqa: E731
    if large:
        warn(large)
    for archive, member, offset, error in totals.damaged:
        where = f"{archive}" + (f" [{member}]" if member else "")
        warn(f"damaged record skipped: {where} at offset {offset}: {error}")
    for key, why in totals.page_errors[:20]:
        warn(f"page skipped ({key}): {why}")
    if len(totals.page_errors) > 20:
        warn(f"... and {len(totals.page_errors) - 20} more pages skipped")
    click.echo(f"{totals.records} record(s), {totals.pages} page(s) read ({totals.skipped_done} done before), "
               f"{totals.images} image(s) hashed ({totals.image_errors} not found or unreadable), "
               f"{totals.sightings} new sighting(s), {totals.new_photos} new photo(s), "
               f"{len(totals.damaged)} damaged record(s); {photos} photo(s) in {path}")
    if totals.pages == 0 and totals.skipped_done == 0 and totals.records == 0:
        sys.exit(2)
