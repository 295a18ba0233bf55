"""Settings: model spec, thresholds and paths, with environment overrides.

Environment variables (all optional):
  CAPTIONCHECK_DATADIR   where the default index and caches live (default: the user data dir)
  CAPTIONCHECK_INDEX     the default index: a SQLite file or a postgresql:// URL shared by a team
                         (default: index.sqlite under the data dir)
  CAPTIONCHECK_MODEL     CLIP model spec or preset name (default: "multilingual")
  CAPTIONCHECK_THREADS   torch CPU threads (default: number of cores)
  CAPTIONCHECK_DEVICE    "auto" | "cpu" | "cuda" (default: auto)
  CAPTIONCHECK_CLIP_PRECISION  "auto" | "fp32" | "bf16": CLIP image tower precision (default: auto,
                         bf16 on CPUs with native bf16 and on CUDA, else fp32)
  CAPTIONCHECK_OCR_WORKERS  0 to read images with the tesseract command line instead of long-lived
                         libtesseract workers (default: workers where libtesseract loads)
  CAPTIONCHECK_LIBTESSERACT  path of libtesseract for those workers (default: the usual sonames)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def env_flag(name: str, default: bool) -> bool:
    """A yes/no environment variable: 1/true/yes/on, 0/false/no/off; anything else is `default`."""
    value = os.environ.get(name, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return default


def data_dir() -> Path:
    """The directory for the default index and caches (created on demand by callers)."""
    env = os.environ.get("CAPTIONCHECK_DATADIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("captioncheck", appauthor=False))


def default_index_path() -> Path:
    return data_dir() / "index.sqlite"


def is_index_url(value: object) -> bool:
    """A PostgreSQL index (postgresql://...) rather than a file path."""
    return isinstance(value, str) and value.startswith(("postgresql://", "postgres://"))


def index_spec(value: str | Path | None) -> str | Path | None:
    """An --index value as given: URLs stay strings (a Path would fold their '//'), the rest are paths."""
    if value is None or str(value) == "":
        return None
    return str(value) if is_index_url(str(value)) else Path(value)


def default_index_spec() -> str | Path:
    """The default index (and first-seen registry): CAPTIONCHECK_INDEX, else index.sqlite under the data dir."""
    return index_spec(os.environ.get("CAPTIONCHECK_INDEX")) or default_index_path()


@dataclass
class Settings:
    """Everything a check needs to know; one object passed down the pipeline."""

    index_path: Path | str | None = None  # a file or a postgresql:// URL; None: default_index_spec()
    model: str = field(default_factory=lambda: os.environ.get("CAPTIONCHECK_MODEL", "multilingual"))
    device: str = field(default_factory=lambda: os.environ.get("CAPTIONCHECK_DEVICE", "auto"))
    threads: int | None = field(
        default_factory=lambda: int(os.environ["CAPTIONCHECK_THREADS"]) if os.environ.get("CAPTIONCHECK_THREADS") else None
    )
    clip_precision: str = field(default_factory=lambda: os.environ.get("CAPTIONCHECK_CLIP_PRECISION", "auto"))
    use_clip: bool = True
    use_ocr: bool = True
    use_index: bool = True
    remember: bool = True  # record every checked image in the first-seen registry
    all_images: bool = False
    ocr_timeout_s: float = 15.0
    max_images: int = 100

    def resolved_index_spec(self) -> Path | str:
        return index_spec(self.index_path) or default_index_spec()
