"""`captioncheck index ...`: build, query and maintain the local index of known photos."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from captioncheck._exceptions import CaptionCheckError, IndexUnreadable, InputError
from captioncheck.config import default_index_path



def index_option(f: Any) -> Any:
    return click.option("--index", "index_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Index file (default: index.sqlite under the data dir, env CAPTIONCHECK_DATADIR).")(f)


@contextmanager
def opened(index_path: Path | None, *, readonly: bool = False) -> Iterator[Any]:
    from captioncheck.index import open_index

    index = open_index(index_path or default_index_path(), create=not readonly, readonly=readonly)
    try:
        yield index
    finally:
        index.close()


def err(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


@click.group()
def index() -> None:
    """Build and query the local index of known photos (reverse image lookup)."""


@index.command("add")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--caption", default="", help="Original caption of the photo(s).")
@click.option("--credit", default="", help="Credit line, e.g. 'AFP'.")
@click.option("--creator", default="", help="Photographer.")
@click.option("--date", default="", help="Date taken or first published (ISO 8601).")
@click.option("--source-url", default="", help="Where the original is published.")
@click.option("--page-url", default="", help="Page the photo was published on.")
@click.option("--place", default="", help="Where it was taken.")
@click.option("--license", "license_", default="", help="Licence of the photo.")
@click.option("--meta", "sidecar", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL sidecar: one {file, caption, credit, creator, date, place, source_url, page_url, license} per line.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Hashing processes (default: cores, max 4).")
@click.option("--batch", type=click.IntRange(1, 100_000), default=64, show_default=True, help="Photos per transaction.")
@index_option
def add(paths: tuple[Path, ...], sidecar: Path | None, workers: int | None, batch: int, index_path: Path | None,
        license_: str, **meta: str) -> None:
    """Add photo files or folders (recursive) with their original context.

    Caption, credit and date embedded in the files (IPTC/XMP/EXIF) are used where no option or
    sidecar line gives them. The same bytes added twice are merged into one photo.
    """
    from captioncheck.index import PhotoMeta
    from captioncheck.index.ingest import ingest, plan

    if not paths and not sidecar:
        raise InputError("nothing to add: give photo files/folders or --meta FILE.jsonl")
    _check_date(meta["date"])
    items = plan(paths, PhotoMeta(license=license_, **meta), sidecar)
    if not items:
        raise InputError("no image files found in the paths given; supported: " + "jpg, png, webp, gif, tiff, bmp")
    with opened(index_path) as idx, _progress(len(items)) as advance:
        report = ingest(idx, items, workers=workers, batch=batch, progress=lambda h: advance())
        total = idx.store.stats()["photos"]
    for path, why in report.failed:
        err(f"skipped {path}: {why}")
    click.echo(f"added {report.added} photo(s), merged {report.merged} duplicate(s), skipped {len(report.failed)}; "
               f"{total} photo(s) in {index_path or default_index_path()}")
    if report.failed and not report.photo_ids:
        sys.exit(2)


def _check_date(value: str) -> None:
    from captioncheck.index.photoindex import is_iso_date

    if not is_iso_date(value):
        raise InputError(f"--date {value!r} is not ISO 8601; write e.g. 2019-03-08 or 2019-03-08T14:02:00Z")


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    with Progress(TextColumn("hashing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                  transient=True, disable=not console.is_terminal or total < 2) as bar:
        task = bar.add_task("add", total=total)
        yield lambda: bar.advance(task)


@index.command("add-page")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address of the saved page (else read from the page).")
@click.option("--all-images", is_flag=True, help="Also index images that are not article images (ads, logos...).")
@index_option
def add_page(page: Path, url: str | None, all_images: bool, index_path: Path | None) -> None:
    """Index the article images of a saved page with their captions and the page's date."""
    from captioncheck.index.pages import add_page_images

    with opened(index_path) as idx:
        added, skipped = add_page_images(idx, page, url=url, all_images=all_images)
    for src, why in skipped:
        err(f"skipped {src}: {why}")
    click.echo(f"indexed {len(added)} image(s) from {page}, skipped {len(skipped)}")
    if not added:
        sys.exit(2 if skipped else 0)


@index.command("search")
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option("-k", "--top", "k", type=click.IntRange(1, 100), default=5, show_default=True, help="Matches per image.")
@index_option
def search(images: tuple[Path, ...], fmt: str, k: int, index_path: Path | None) -> None:
    """Look images up; JSON Lines: one {"query": PATH, "matches": [...]} per image."""
    failed = 0
    with opened(index_path, readonly=True) as idx:
        for path in images:
            try:
                matches = idx.search(_read(path), k=k)
            except IndexUnreadable:  # the index, not this image: stop with one line
                raise
            except CaptionCheckError as exc:
                failed += 1
                err(f"skipped {path}: {exc}")
                if fmt == "json":
                    click.echo(json.dumps({"query": str(path), "matches": [], "error": str(exc)}, ensure_ascii=False))
                continue
            if fmt == "json":
                click.echo(json.dumps({"query": str(path), "matches": [m.model_dump() for m in matches]}, ensure_ascii=False))
            else:
                _print_text(str(path), matches)
    if failed == len(images):
        sys.exit(2)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read image ({exc.strerror}); check the path") from exc


def _print_text(query: str, matches: list[Any]) -> None:
    click.echo(f"{query}: {len(matches) or 'no'} match(es)")
    for m in matches:
        how = f"{m.algorithm} distance {m.distance:g}" + (f", {m.transform}" if m.transform else "")
        click.echo(f"  #{m.photo_id} score {m.score:.2f} ({how}) [{m.origin}]")
        for label, value in (("caption", m.caption), ("credit", m.credit), ("date", m.date), ("place", m.place),
                             ("source", m.source_url), ("page", m.page_url), ("seen", m.seen_at)):
            if value:
                click.echo(f"      {label}: {value}")


@index.command("stats")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@index_option
def stats(fmt: str, index_path: Path | None) -> None:
    """Counts of photos, hashes and sightings in the index."""
    with opened(index_path, readonly=True) as idx:
        data = idx.stats()
    if fmt == "json":
        click.echo(json.dumps(data))
    else:
        for key, value in data.items():
            click.echo(f"{key:>14}: {value}")


@index.command("remove")
@click.argument("photo_ids", nargs=-1, type=int)
@click.option("--sha256", "digests", multiple=True, help="Remove the photo with these content hashes.")
@index_option
def remove(photo_ids: tuple[int, ...], digests: tuple[str, ...], index_path: Path | None) -> None:
    """Remove photos by id (as `index search` prints them) or by --sha256."""
    if not photo_ids and not digests:
        raise InputError("nothing to remove: give photo ids or --sha256 HEX")
    missing: list[int] = []
    with opened(index_path) as idx:
        ids = list(photo_ids)
        for d in digests:
            found = idx.store.find_sha256(d.lower())
            if found is None:
                err(f"no photo with sha256 {d}")
                missing.append(-1)
            else:
                ids.append(found)
        for pid in sorted(set(photo_ids) - set(idx.store.photos(photo_ids))):
            err(f"no photo with id {pid}")
            missing.append(pid)
        n = idx.remove(ids)
    click.echo(f"removed {n} photo(s)")
    if missing or n < len(ids):
        sys.exit(1)


@index.command("export")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="JSONL file (default stdout).")
@index_option
def export(output: Any, index_path: Path | None) -> None:
    """Write every photo with its metadata, hashes and sightings as JSON Lines."""
    from captioncheck.index.transfer import export_lines

    with opened(index_path, readonly=True) as idx:
        for line in export_lines(idx):
            output.write(line + "\n")


@index.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="strict"))
@click.option("--skip-bad", is_flag=True, help="Import the valid lines and skip (and count) bad ones; "
              "without it one bad line imports nothing.")
@index_option
def import_(source: Any, skip_bad: bool, index_path: Path | None) -> None:
    """Read JSON Lines written by `index export` (photos already present are merged); all or nothing."""
    from captioncheck.index.transfer import import_lines

    with opened(index_path) as idx:
        try:
            result = import_lines(idx, source, name=getattr(source, "name", "input"), skip_bad=skip_bad)
        except UnicodeDecodeError as exc:
            raise InputError(f"{getattr(source, 'name', 'input')} is not UTF-8 text ({exc.reason}); give a file "
                             "written by `captioncheck index export`; nothing was imported") from exc
    for problem in result.bad:
        err(f"skipped {problem}")
    skipped = f", skipped {result.bad_count} bad line(s)" if result.bad_count else ""
    click.echo(f"imported {result.added} photo(s), merged {result.merged}{skipped}")


from captioncheck.cli.archive_cmd import add_archive  # noqa: E402  (its own module; registered here)

index.add_command(add_archive)
