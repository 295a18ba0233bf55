"""The compiled helpers' shared guard: a compiled module is used only when it was built after the Python sources it
mirrors (an edit not yet rebuilt leaves a module that may follow the old code; `setup.py` rebuilds it when they
change, at `pip install -e .`)."""

from __future__ import annotations

from pathlib import Path


def built_before(built: str | Path, sources: tuple[str, ...]) -> bool:
    """Is the compiled module at `built` older than one of `sources` (file names next to it)?"""
    built = Path(built)
    when = built.stat().st_mtime
    return any(source.exists() and source.stat().st_mtime > when for source in (built.parent / name for name in sources))
