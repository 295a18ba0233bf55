"""CheckReport -> rich terminal output: a summary line and one panel per image.

All page-derived text goes through `Text` objects (never console markup), so a caption such as
"[red]x[/red]" or "[link=...]" is printed literally.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from captioncheck.report.schema import CheckReport, ImageReport

VERDICT_STYLE = {"consistent": "green", "no_findings": "white", "suspicious": "yellow", "inconsistent": "bold red", "unknown": "grey50"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "grey50"}


def _clip_lines(image: ImageReport) -> list[str]:
    s = image.scores
    if s is None:
        return []
    out = []
    for name in ("image_caption", "image_alt", "image_article", "caption_article"):
        pair = getattr(s, name, None)
        if pair is not None:
            out.append(f"{name.replace('_', '↔', 1)} {pair.calibrated:.2f} ({pair.label})")
    return out


def _facts(image: ImageReport) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    rows = [("caption", image.caption or image.alt or "—"), ("credit", image.credit or "—"), ("url", image.url)]
    if image.error:
        rows.append(("error", image.error))
    clip = _clip_lines(image)
    if clip:
        rows.append(("CLIP", "; ".join(clip)))
    for m in image.matches[:3]:
        what = f"{m.origin} #{m.photo_id} score {m.score:.2f} — {m.credit or '?'} {m.date or ''} {m.place or ''}: {m.caption[:140]}"
        rows.append(("match", what))
    if image.ocr is not None and (image.ocr.watermarks or image.ocr.burnt_in_caption):
        rows.append(("in image", "; ".join(filter(None, [", ".join(image.ocr.watermarks), image.ocr.burnt_in_caption]))))
    if image.embedded is not None and image.embedded.caption:
        rows.append(("embedded", image.embedded.caption[:200]))
    for f in (image.checks.sightings if image.checks is not None else [])[:5]:
        when = (f.published or f.seen_at)[:10] + ("" if f.published else " (seen)")
        tail = f" — differs: {', '.join(f.differs)}" if f.differs else ""
        rows.append(("seen on", f"{when} {f.page_url}: {f.caption[:120]}{tail}"))
    if image.signals_unavailable:
        rows.append(("not run", ", ".join(image.signals_unavailable)))
    for key, value in rows:
        table.add_row(key, Text(value))
    if image.search_links:
        links = Text()
        for n, (name, url) in enumerate(image.search_links.items()):
            links.append(" · " if n else "")
            links.append(name, style=Style(link=url, underline=True))
        table.add_row("search", links)
    return table


def _reasons(image: ImageReport) -> Text:
    text = Text()
    for r in image.reasons:
        text.append(f"• {r.code} ", style=SEVERITY_STYLE.get(r.severity, ""))
        text.append(f"[{r.severity}] ", style="dim")
        text.append(r.message + "\n")
    return text


def image_panel(image: ImageReport) -> Panel:
    style = VERDICT_STYLE.get(image.verdict, "")
    title = Text.assemble((f"#{image.position + 1} ", "bold"), (image.role, "dim"), "  ", (image.verdict.upper(), style))
    body = Group(_facts(image), _reasons(image)) if image.reasons else _facts(image)
    return Panel(body, title=title, title_align="left", border_style=style)


def render(report: CheckReport, console: Console) -> None:
    page = report.page
    head = Text.assemble((page.title or "(untitled page)", "bold"), "\n", (page.url, "dim"),
                         f"\nlanguage {page.language or '?'} · published {page.published or '?'}")
    console.print(Panel(head, title="captioncheck", title_align="left"))
    for image in report.images:
        console.print(image_panel(image))
    summary = report.summary
    console.print(Text(f"{summary.verdict.upper()}: {summary.headline}", style=VERDICT_STYLE.get(summary.verdict, "")))
    for note in report.notices:
        console.print(Text(f"note: {note}", style="dim"))


__all__ = ["image_panel", "render"]
