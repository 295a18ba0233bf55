"""Run an audit: page inputs -> engine (load, check) -> rows in the output, resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from captioncheck.archive.audit import AuditJob, AuditOptions, check_chunk, load_chunk
from captioncheck.archive.ingest import chunks
from captioncheck.archive.output import AuditOutput
from captioncheck.engines import Engine, Stage
from captioncheck.sources import PageRef, Plan

CHUNK = 4  # pages per work item


@dataclass
class AuditTotals:
    pages: int = 0
    skipped_done: int = 0
    rows: int = 0
    page_errors: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    damaged: list[tuple[str, str, int, str]] = field(default_factory=list)


def stages(gpus: float = 0.0) -> list[Stage]:
    return [Stage("load", load_chunk), Stage("check", check_chunk, model=True, gpus=gpus)]


def run_audit(plan: Plan, engine: Engine, options: AuditOptions, output: AuditOutput, *, gpus: float = 0.0,
              on_page: Callable[[list[dict[str, Any]]], None] | None = None) -> AuditTotals:
    totals = AuditTotals(damaged=[(str(a.path), m, o, e) for a in plan.archives for m, o, e in a.damage])

    def todo() -> Iterator[PageRef]:
        for ref in plan.refs():
            if output.is_done(ref.key):
                totals.skipped_done += 1
            else:
                yield ref

    jobs = (AuditJob(refs, options) for refs in chunks(todo(), CHUNK))
    for results in engine.run(jobs, stages(gpus)):
        for key, rows in results:
            output.write(key, rows)
            totals.pages += 1
            totals.rows += sum(1 for r in rows if r["image_url"])
            totals.page_errors += any(r["error"] and not r["image_url"] for r in rows)
            for r in rows:
                if r["image_url"]:
                    totals.verdicts[r["verdict"]] = totals.verdicts.get(r["verdict"], 0) + 1
            if on_page:
                on_page(rows)
    return totals


__all__ = ["AuditTotals", "run_audit", "stages"]
