"""`audit --html summary.html`: counts by verdict, site and reason, and the worst cases with the
page's image beside the original. Streams the rows (memory stays flat); everything is escaped."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from html import escape
from typing import Any

from captioncheck.verdict import VERDICT_ORDER

WORST = 30
MAX_SITES = 50

CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
.case{display:flex;gap:1em;border:1px solid #ccc;padding:.8em;margin:.8em 0}.case img{max-width:240px;max-height:240px}
.inconsistent{color:#b00020;font-weight:bold}.suspicious{color:#a15c00;font-weight:bold}.muted{color:#666}
.col{flex:1;min-width:0;overflow-wrap:anywhere}"""


def _e(value: Any) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _img(b64: str, alt: str) -> str:
    if not b64 or not all(c.isalnum() or c in "+/=" for c in b64[:4096]):
        return '<p class="muted">no image</p>'
    return f'<img src="data:image/jpeg;base64,{b64}" alt="{_e(alt)}">'


def _table(title: str, header: list[str], rows: Iterable[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<h2>{_e(title)}</h2><table><tr>{head}</tr>{body}</table>"


def _side(label: str, thumb: str, caption: str, credit: str, where: str, when: str) -> str:
    return (f'<div class="col">{label}{_img(thumb, "image")}<p>{_e(caption)} <span class="muted">{_e(credit)}</span></p>'
            f'<p class="muted">{_e(where)}<br>{_e(when)}</p></div>')


def _case(r: dict[str, Any]) -> str:
    m = r.get("best_match") or {}
    s = r.get("earliest_sighting") or {}
    reasons = ", ".join(r.get("reasons") or [])
    label = f'<p class="{_e(r["verdict"])}">{_e(r["verdict"])} <span class="muted">({_e(reasons)})</span></p>'
    page = _side(label, r.get("image_thumb", ""), r["caption"], r["credit"], r["page_url"], r["published"] or r["seen_at"])
    original = ""
    if m or s:
        original = _side("<p>original / earliest appearance</p>", r.get("original_thumb", ""),
                         m.get("caption") or s.get("caption", ""), m.get("credit") or s.get("credit", ""),
                         s.get("page_url") or m.get("page_url", ""), s.get("when") or m.get("date", ""))
    return f'<div class="case">{page}{original}</div>'


def render(rows: Iterable[dict[str, Any]], title: str = "captioncheck audit") -> str:
    verdicts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    sites: dict[str, Counter[str]] = {}
    worst: list[tuple[int, int, int, dict[str, Any]]] = []
    pages: set[str] = set()
    errors = 0
    for n, r in enumerate(rows):
        pages.add(r["page_key"])
        if not r["image_url"]:
            errors += 1
            continue
        verdicts[r["verdict"]] += 1
        reasons.update(r.get("reasons") or [])
        sites.setdefault(r["site"] or "(no address)", Counter())[r["verdict"]] += 1
        if r["verdict"] in ("suspicious", "inconsistent"):
            item = (VERDICT_ORDER.get(r["verdict"], 0), int(r.get("points") or 0), -n, r)
            if len(worst) < WORST:
                heapq.heappush(worst, item)
            else:
                heapq.heappushpop(worst, item)
    known = ["inconsistent", "suspicious", "consistent", "unknown"]
    order = known + sorted(v for v in verdicts if v not in known)  # labels added by later verdict rules too
    top_sites = sorted(sites.items(), key=lambda kv: (-kv[1]["inconsistent"], -kv[1]["suspicious"], kv[0]))[:MAX_SITES]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(title)}</h1><p>{len(pages)} page(s), {sum(verdicts.values())} image(s), {errors} page(s) not read</p>",
             _table("Images by verdict", ["verdict", "images"], [[v, verdicts[v]] for v in order]),
             _table("By site", ["site", *order], [[s, *(c[v] for v in order)] for s, c in top_sites]),
             _table("By reason", ["reason", "images"], reasons.most_common()),
             "<h2>Worst cases</h2>"]
    parts += [_case(item[3]) for item in sorted(worst, key=lambda t: (-t[0], -t[1], -t[2]))] or ["<p>none</p>"]
    parts.append("</body></html>")
    return "\n".join(parts)


__all__ = ["render"]
