"""`captioncheck models list|download`: which CLIP models exist, which are ready offline."""

from __future__ import annotations

from pathlib import Path

import click

from captioncheck.config import Settings


@click.group()
def models() -> None:
    """CLIP models: list presets and what is cached, download weights for offline use."""


@models.command("list")
def list_models() -> None:
    """Show presets, download sizes, and whether each is ready offline."""
    from rich.console import Console
    from rich.table import Table

    from captioncheck.signals.clip.download import status
    from captioncheck.signals.clip.spec import PRESETS, parse_spec

    table = Table(title="CLIP model presets")
    for column in ("preset", "model", "languages", "head", "download", "ready offline"):
        table.add_column(column)
    for preset in PRESETS.values():
        state = status(parse_spec(preset.name))
        ready = f"yes ({state.where})" if state.cached else "no: captioncheck models download " + preset.name
        size = f"~{preset.download_mb / 1000:.1f} GB" if preset.download_mb >= 1000 else f"~{preset.download_mb} MB"
        table.add_row(preset.name, preset.spec, preset.languages, preset.head, size, ready)
    console = Console()
    console.print(table)
    console.print(f"selected: {Settings().model}  (change with --model or CAPTIONCHECK_MODEL)")


@models.command("download")
@click.argument("preset", default="multilingual")
@click.option(
    "--dir",
    "dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Download into DIR/<preset> instead of the Hugging Face cache.",
)
def download_model(preset: str, dest: Path | None) -> None:
    """Fetch weights and tokenizer of PRESET (or hf-hub:ORG/REPO, NAME/PRETRAINED) for offline use."""
    from captioncheck.signals.clip.download import download

    folder = download(preset, dest)
    click.echo(f"downloaded {preset} to {folder}")
    if dest is not None:
        click.echo(f"use it with: --model local-dir:{folder}")
