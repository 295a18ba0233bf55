"""Shared by `index add-archive` and `audit`: engine options, the work folder and a rich
progress bar showing records, pages, images and the rate."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click


def engine_options(f: Any) -> Any:
    f = click.option("--workers", type=click.IntRange(1, 1024), default=None,
                     help="Worker processes (local) or CPUs (local Ray); default: all cores.")(f)
    f = click.option("--address", default=None, help="Ray cluster address (with --engine ray), e.g. ray://head:10001.")(f)
    return click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                        help="local: a process pool on this machine; ray: Ray Data (pip install -e '.[scale]').")(f)


def workdir_for(index_or_out: Path) -> Path:
    """Where capture tables of scanned archives are cached: next to the index/output file."""
    return Path(index_or_out).resolve().parent / "archive-cache"


class Bar:
    def __init__(self, progress: Any, task: Any) -> None:
        self.progress, self.task = progress, task
        self.pages = self.images = self.sightings = 0
        self.started = time.monotonic()

    def scanned(self, name: str, records: int) -> None:
        self.progress.update(self.task, description=f"scanning {name}", records=records)

    def page(self, images: int, sightings: int = 0) -> None:
        self.pages += 1
        self.images += images
        self.sightings = sightings
        rate = self.pages / max(1e-6, time.monotonic() - self.started)
        self.progress.update(self.task, advance=1, images=self.images, rate=f"{rate:.1f}")


@contextmanager
def live_progress(what: str, total: int | None = None, records: int = 0) -> Iterator[Bar]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("records {task.fields[records]}  images {task.fields[images]}  {task.fields[rate]} pages/s"),
               TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(what, total=total, records=records, images=0, rate="0.0")
        yield Bar(progress, task)
