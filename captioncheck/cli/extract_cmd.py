"""`captioncheck extract PAGE`: every article image of a saved page with caption, credit and context.

The fast path: no torch, no network, no pydantic (the plain records of `captioncheck._records`,
written by the json module byte for byte as the pydantic schema would). JSON (the `ExtractResult`
schema, docs/schema.md) or a readable text listing.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from captioncheck.cli.regex_cache import reusing_patterns

if TYPE_CHECKING:
    from captioncheck._exceptions import InputError
    from captioncheck._records import ExtractRecord


@contextmanager
def _imports_without_gc() -> Iterator[None]:
    """No cyclic garbage collection while a fresh process imports the extractors and trafilatura
    (~200 modules: each collection walked every object created so far, and imports leave no garbage
    to find), then those objects are frozen (`gc.freeze`): the page's own collections, and the one
    at exit, skip them. ~10 % of a cold extract's instructions. A process that has imported them
    already (a program calling the command twice) is left as it is."""
    cold = gc.isenabled() and "trafilatura" not in sys.modules
    if cold:
        gc.disable()
    try:
        yield
    finally:
        if cold:
            gc.freeze()
            gc.enable()


@click.command()
@click.argument("page", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--url", default=None, help="The page's original address (else read from the saved page).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True,
              help="json: the documented schema; text: a readable listing.")
@click.option("--all-images", is_flag=True, help="Also list non-article images (ads, logos, teasers...) with their role.")
@reusing_patterns("extract")  # the regular expressions this command compiled last time, already compiled
def extract(page: Path, url: str | None, fmt: str, all_images: bool) -> None:
    """List the images of a saved PAGE (.html, .htm, .mhtml) with caption, credit and context."""
    with _imports_without_gc():
        from captioncheck.extract import extract_records
        from captioncheck.extract.metadata import import_trafilatura_without_langid

        import_trafilatura_without_langid()  # this process never asks trafilatura to filter by language
    result = extract_records(page, url=url, all_images=all_images)
    if fmt == "json":
        try:
            text = result.json()
        except UnicodeEncodeError as exc:  # a lone surrogate, which no UTF-8 JSON can carry
            raise _not_unicode(exc) from exc
        click.echo(text)
    else:
        render_text(result)


def _not_unicode(exc: UnicodeEncodeError) -> InputError:
    """The one-line error for a result holding a lone surrogate: a command-line value or file name
    in another encoding, read by Python with `surrogateescape` (page text itself is always decoded)."""
    from captioncheck._exceptions import InputError

    text = exc.object if isinstance(exc.object, str) else ""
    line = text[text.rfind("\n", 0, exc.start) + 1:].split("\n", 1)[0].strip()  # the JSON line holding it
    return InputError(f"cannot write JSON: the result holds text that is not Unicode ({line[:100]!a}), most likely "
                      "a --url or file name in a non-UTF-8 encoding; give it in UTF-8 and run again")


def render_text(result: ExtractRecord) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(soft_wrap=True, highlight=False)
    p = result.page
    console.print(f"[bold]{escape(p.title or '(no title)')}[/bold]")
    facts = [x for x in (p.site_name, p.language, p.published, p.url) if x]
    console.print(escape(" | ".join(facts)))
    console.print(f"{len(result.images)} image(s)\n")
    for img in result.images:
        console.print(f"[bold cyan]#{img.position + 1} {img.role}[/bold cyan] {escape(img.url)}")
        for label, value in (("caption", img.caption), ("credit", img.credit), ("alt", img.alt),
                             ("before", img.context_before[-120:]), ("after", img.context_after[:120]),
                             ("selector", img.selector), ("local", img.local_path)):
            if value:
                console.print(f"  [dim]{label:8}[/dim] {escape(value)}")
        console.print()
