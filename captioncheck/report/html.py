"""CheckReport -> one self-contained HTML file (inline CSS, thumbnails as data: URIs).

Pages are hostile: every page-derived string is escaped with `html.escape(quote=True)`, no URL
from the page becomes a link or a resource, and a Content-Security-Policy forbids scripts and
any network load (only inline styles and data: images). The one kind of outgoing link is the
reverse-image-search links (a fixed search host with the image's address as a parameter), which
open only when the user clicks, without a referrer.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from captioncheck._types import Match, Reason
from captioncheck.report.schema import CheckReport, ImageReport

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
COLOURS = {"consistent": "#1a7f37", "no_findings": "#57606a", "suspicious": "#b58100", "inconsistent": "#c62828", "unknown": "#9ca3af"}
SEVERITY = {"high": "#c62828", "medium": "#b58100", "low": "#1f6feb", "info": "#6b7280"}
CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1f2328}
main{max-width:1120px;margin:0 auto;padding:24px}
header.page{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;margin-bottom:18px}
h1{font-size:22px;margin:0 0 6px} .muted{color:#57606a;font-size:13px;word-break:break-all}
.badge{display:inline-block;color:#fff;border-radius:4px;padding:1px 8px;font-weight:600;font-size:13px;text-transform:uppercase}
.card{background:#fff;border:1px solid #d0d7de;border-left:6px solid var(--v);border-radius:8px;padding:16px 20px;margin-bottom:18px}
.pair{display:flex;gap:18px;flex-wrap:wrap} .side{flex:1 1 320px;min-width:280px}
.side img{max-width:100%;max-height:340px;border-radius:4px;border:1px solid #d0d7de;display:block}
.side h3{font-size:13px;text-transform:uppercase;color:#57606a;margin:0 0 6px}
.noimg{height:120px;display:flex;align-items:center;justify-content:center;background:#eef1f4;color:#57606a;border-radius:4px}
.cap{margin:8px 0 2px} .credit{color:#57606a;font-size:13px}
ul.reasons{padding-left:0;list-style:none;margin:14px 0 6px} ul.reasons li{margin:6px 0;padding-left:10px;border-left:4px solid var(--s)}
code{background:#eef1f4;padding:0 4px;border-radius:3px;font-size:12px}
details{margin-top:8px} summary{cursor:pointer;color:#57606a;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:6px 0} td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 12px;margin:6px 0;font-size:13px}
"""


def _e(value: Any) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _img(data: bytes | None, alt: str) -> str:
    if not data:
        return '<div class="noimg">no image available</div>'
    return f'<img src="data:image/jpeg;base64,{base64.b64encode(data).decode("ascii")}" alt="{_e(alt)}">'


def _reason(r: Reason) -> str:
    colour = SEVERITY.get(r.severity, "#6b7280")
    return (f'<li style="--s:{colour}"><code>{_e(r.code)}</code> <span class="badge" style="background:{colour}">'
            f"{_e(r.severity)}</span> {_e(r.message)}</li>")


def _original(match: Match | None, thumb: bytes | None) -> str:
    if match is None:
        return '<div class="side"><h3>Known original</h3><div class="noimg">no match in the photo index</div></div>'
    facts = [("credit", match.credit), ("creator", match.creator), ("date", match.date), ("place", match.place),
             ("licence", match.license), ("source", match.source_url), ("seen on", match.page_url if match.origin == "seen" else "")]
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts if v)
    head = "First seen" if match.origin == "seen" else "Known original"
    return (f'<div class="side"><h3>{head} · match score {match.score:.2f} ({_e(match.algorithm)}'
            f'{" " + _e(match.transform) if match.transform else ""})</h3>{_img(thumb, match.caption)}'
            f'<p class="cap">{_e(match.caption)}</p><table>{rows}</table></div>')


def _scores(image: ImageReport) -> str:
    s = image.scores
    if s is None:
        return ""
    rows = ""
    for name in ("image_caption", "image_alt", "image_article", "caption_article"):
        pair = getattr(s, name, None)
        if pair is not None:
            rows += (f"<tr><td>{_e(name)}</td><td>{pair.calibrated:.2f}</td><td>{_e(pair.label)}</td>"
                     f"<td>{pair.raw:.3f}</td><td>{_e(pair.explanation)}</td></tr>")
    ranking = ", ".join(f"{_e(c.text)} {c.prob:.2f}" for c in s.contexts[:5])
    places = f"<p>Which place does the image look like (CLIP): {ranking}</p>" if ranking else ""
    return f"<table><tr><th>CLIP ({_e(s.model)})</th><th>score</th><th>label</th><th>cosine</th><th></th></tr>{rows}</table>{places}"


def _details(image: ImageReport) -> str:
    parts = [_scores(image)]
    if image.ocr is not None and image.ocr.text:
        parts.append(f"<p><b>Text in the image</b> ({_e(image.ocr.languages)}): {_e(image.ocr.text[:600])}</p>")
    if image.embedded is not None:
        em = image.embedded
        fields = [(k, getattr(em, k)) for k in ("caption", "credit", "creator", "source", "copyright", "date_taken", "place", "camera", "software")]
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in fields if v)
        parts.append(f"<p><b>Embedded metadata</b></p><table>{rows}</table>" if rows else "<p>No embedded metadata.</p>")
    if image.checks is not None:
        claims = "".join(
            f"<tr><td>{_e(c.source)}</td><td>{_e(', '.join(p.name for p in c.places))}</td>"
            f"<td>{_e(', '.join(d.mention for d in c.dates))}</td><td>{_e(c.language)}</td><td>{_e(', '.join(c.agencies))}</td></tr>"
            for c in image.checks.claims)
        parts.append(f"<p><b>Cross-checks</b> — article about {_e(', '.join(image.checks.article_countries) or '?')}, "
                     f"language {_e(image.checks.page_language or '?')}, dated {_e(image.checks.page_date or '?')}</p>"
                     f"<table><tr><th>source</th><th>places</th><th>dates</th><th>language</th><th>agencies</th></tr>{claims}</table>")
    if image.signal_notes:
        parts.append("<p>" + "<br>".join(f"{_e(k)}: {_e(v)}" for k, v in image.signal_notes.items()) + "</p>")
    return f"<details><summary>Evidence details</summary>{''.join(parts)}</details>"


def _timeline(image: ImageReport) -> str:
    """The photo's other appearances, oldest first (page addresses shown as text, never as links)."""
    found = image.checks.sightings if image.checks is not None else []
    if not found:
        return ""
    rows = "".join(
        f"<tr><td>{_e((f.published or f.seen_at)[:10])}{'' if f.published else ' (seen)'}</td><td>{_e(f.site)}<br>"
        f'<span class="muted">{_e(f.page_url)}</span></td><td>{_e(f.caption)}</td>'
        f"<td>{_e(', '.join(f.differs) or '—')}</td><td>{_e(', '.join(f.agrees) or '—')}</td></tr>"
        for f in found)
    return ("<p><b>Other appearances of this photo</b> (oldest first)</p><table><tr><th>date</th><th>page</th><th>caption</th>"
            f"<th>differs</th><th>agrees</th></tr>{rows}</table>")


def _search_links(image: ImageReport) -> str:
    if not image.search_links:
        return ""
    links = " · ".join(f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(name)}</a>'
                       for name, url in image.search_links.items())
    return f'<p class="muted">Search the web for this image (opens the search site; nothing is sent unless you click): {links}</p>'


def _card(image: ImageReport, thumb: bytes | None, originals: dict[int, bytes]) -> str:
    colour = COLOURS.get(image.verdict, "#6b7280")
    best = next((m for m in image.matches if m.origin != "seen"), image.matches[0] if image.matches else None)
    shown = image.caption or image.alt
    error = f'<p class="notice">{_e(image.error)}</p>' if image.error else ""
    reasons = "".join(_reason(r) for r in image.reasons) or "<li>No finding.</li>"
    return (f'<section class="card" style="--v:{colour}"><div><span class="badge" style="background:{colour}">{_e(image.verdict)}</span> '
            f'<b>Image {image.position + 1}</b> <span class="muted">{_e(image.role)} · {_e(image.url)}</span></div>{error}'
            f'<div class="pair"><div class="side"><h3>On this page</h3>{_img(thumb, shown)}'
            f'<p class="cap">{_e(shown) or "<i>no caption</i>"}</p><p class="credit">{_e(image.credit)}</p></div>'
            f'{_original(best, originals.get(best.photo_id) if best else None)}</div>'
            f'<ul class="reasons">{reasons}</ul>{_timeline(image)}{_search_links(image)}{_details(image)}</section>')


def to_html(report: CheckReport, thumbnails: dict[int, bytes] | None = None, originals: dict[int, bytes] | None = None) -> str:
    """The whole report as one HTML document; thumbnails by image position, originals by photo_id."""
    thumbnails, originals = thumbnails or {}, originals or {}
    page, summary = report.page, report.summary
    colour = COLOURS.get(summary.verdict, "#6b7280")
    notices = "".join(f'<p class="notice">{_e(n)}</p>' for n in report.notices)
    cards = "".join(_card(img, thumbnails.get(img.position), originals) for img in report.images)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>captioncheck: {_e(page.title)}</title><style>{CSS}</style></head>
<body><main>
<header class="page"><div class="muted">captioncheck report · schema {_e(report.schema_version)}</div>
<h1>{_e(page.title) or "(untitled page)"}</h1>
<div class="muted">{_e(page.url)} · language {_e(page.language or "?")} · published {_e(page.published or "?")}</div>
<p><span class="badge" style="background:{colour}">{_e(summary.verdict)}</span> {_e(summary.headline)}</p>{notices}</header>
{cards}
</main></body></html>
"""


__all__ = ["to_html"]
