"""The compiled helpers' shared guard (`_lexbor_walk`, `_open_levels`, `_page_tokens`): a compiled module is used only
when it was built, after the Python sources it mirrors (an edit not yet rebuilt leaves a module that may follow the
old code; `setup.py` rebuilds it when they change, at `pip install -e .`), and when it gives what its Python twin gives
on a probe page. Otherwise the page is read in Python, with the same results, and a warning says why."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)


def built_before(built: str | Path, sources: tuple[str, ...]) -> bool:
    """Is the compiled module at `built` older than one of `sources` (file names next to it)?"""
    built = Path(built)
    when = built.stat().st_mtime
    return any(source.exists() and source.stat().st_mtime > when for source in (built.parent / name for name in sources))


def checked(name: str, sources: tuple[str, ...], what: str, agrees: Callable[[ModuleType], bool]) -> ModuleType | None:
    """The compiled module `captioncheck.extract.<name>` when it is built, not older than `sources` and `agrees` with
    its Python twin on a probe page (`what` names it in the warnings), else None."""
    try:
        module = importlib.import_module(f"captioncheck.extract.{name}")
    except ImportError:
        return None
    if built_before(module.__file__ or "", sources):
        log.warning("the compiled %s was built before its Python sources last changed: pages are read in Python "
                    "(run `pip install -e .` to rebuild it)", what)
        return None
    try:
        if not agrees(module):
            log.warning("the compiled %s disagrees with its Python twin on a probe page: pages are read in Python", what)
            return None
    except Exception:  # noqa: BLE001 (a module that cannot even read the probe is not used)
        log.warning("the compiled %s failed on a probe page: pages are read in Python", what, exc_info=True)
        return None
    return module
