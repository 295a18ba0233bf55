"""Reports of a check: `schema` (the pydantic model), `jsonfmt`, `terminal` (rich) and `html`."""

from captioncheck.report.schema import CheckReport, ImageReport

__all__ = ["CheckReport", "ImageReport"]
