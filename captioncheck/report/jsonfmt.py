"""CheckReport -> JSON text (the same document the HTTP API returns)."""

from __future__ import annotations

from captioncheck.report.schema import CheckReport


def to_json(report: CheckReport, indent: int | None = 2) -> str:
    return report.model_dump_json(indent=indent)


def from_json(text: str | bytes) -> CheckReport:
    return CheckReport.model_validate_json(text)


__all__ = ["from_json", "to_json"]
