"""Write real WARC and WACZ files with warcio from test pages and photos (no hand-written WARC)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = ROOT / "testdata" / "originals" / "capitol-rally-2019-03-08.jpg"
OTHER_PHOTOS = [ROOT / "testdata" / "pages" / "control-en-2015-02-12_files" / "hubble-deep-field.jpg",
                ROOT / "testdata" / "pages" / "control-en-2024-05-10_files" / "tabby-cat.jpg"]


@dataclass
class Capture:
    url: str
    date: str  # WARC-Date
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    revisit_of: tuple[str, str] | None = None  # (url, date) of the record this revisits


def write_warc(path: Path, captures: list[Capture], *, gzip: bool = True) -> Path:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for c in captures:
            http = StatusAndHeaders(c.status, [("Content-Type", c.content_type), *c.headers], protocol="HTTP/1.1")
            if c.revisit_of:
                record = writer.create_revisit_record(c.url, digest="sha1:" + "A" * 32, refers_to_uri=c.revisit_of[0],
                                                      refers_to_date=c.revisit_of[1], http_headers=http,
                                                      warc_headers_dict={"WARC-Date": c.date})
            else:
                record = writer.create_warc_record(c.url, "response", payload=io.BytesIO(c.body), http_headers=http,
                                                   warc_headers_dict={"WARC-Date": c.date})
            writer.write_record(record)
    return path


def write_wacz(path: Path, warc: Path, pages: list[Capture]) -> Path:
    """A WACZ: the WARC stored uncompressed under archive/, pages/pages.jsonl and a datapackage.json."""
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]
    lines += [json.dumps({"url": p.url, "ts": p.date}) for p in pages]
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        zf.writestr("pages/pages.jsonl", "\n".join(lines) + "\n", compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1",
                                                   "resources": [{"name": warc.name, "path": f"archive/{warc.name}"}]}))
    return path


def jpeg(img: Image.Image, quality: int = 80) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def cropped_copy(data: bytes) -> bytes:
    """A cropped (about 8% off the sides), resized and re-encoded copy, as a re-user would post it."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = img.size
    img = img.crop((int(w * 0.06), int(h * 0.04), int(w * 0.96), int(h * 0.97))).resize((360, 340))
    return jpeg(img, 70)


def article(title: str, lang: str, published: str, url: str, img_src: str, caption: str, paragraphs: list[str],
            site: str) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {site}</title>
<link rel="canonical" href="{url}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{published}"></head>
<body><header><a href="/">{site}</a></header><main><article><h1>{title}</h1>
<time datetime="{published}">{published[:10]}</time>
<figure><img src="{img_src}" width="640" height="480" alt="{caption[:40]}"><figcaption>{caption}</figcaption></figure>
{body}</article></main><footer>© {site}</footer></body></html>"""
    return html.encode("utf-8")


EARLY_URL = "https://news-one.example/politics/2019/03/08/capitol-rally"
LATE_URL = "https://other-daily.example/world/2021/06/20/tehran-protest"
EARLY_IMG = "https://news-one.example/media/rally-capitol.jpg"
LATE_IMG = "https://cdn.other-daily.example/img/tehran-protest.jpg"


def early_page() -> bytes:
    return article(
        "Democrats rally at the Capitol", "en", "2019-03-08T18:00:00Z", EARLY_URL, EARLY_IMG,
        "Members of Congress speak at a rally on the East Steps of the US Capitol in Washington, DC, on March 8, 2019. (AFP)",
        ["Members of Congress gathered in Washington on Friday to rally on the East Steps of the US Capitol.",
         "The rally in Washington drew hundreds of supporters to Capitol Hill, organisers said, as lawmakers "
         "in the United States debated the bill for a second day."], "News One")


def late_page() -> bytes:
    return article(
        "Protest in Tehran over election", "en", "2021-06-20T09:00:00Z", LATE_URL, "/img/tehran-protest.jpg",
        "Protesters gather in Tehran, Iran, in June 2021.",
        ["Thousands of people protested in Tehran on Sunday after the presidential election in Iran.",
         "Witnesses in Tehran said the crowd filled the square for several hours, while the authorities in Iran "
         "called the protest illegal."], "Other Daily")


def demo_captures() -> tuple[list[Capture], bytes, bytes]:
    """The earlier page (true caption) and the later one (cropped copy, other place and year),
    the later page's image reached through a redirect and a revisit, plus unrelated noise."""
    original = ORIGINAL.read_bytes()
    copy = cropped_copy(original)
    caps = [
        Capture(EARLY_URL, "2019-03-09T10:00:00Z", early_page()),
        Capture(EARLY_IMG, "2019-03-09T10:00:01Z", original, "image/jpeg"),
        Capture("https://news-one.example/robots.txt", "2019-03-09T10:00:02Z", b"User-agent: *", "text/plain"),
        Capture(LATE_IMG, "2021-06-20T12:00:00Z", copy, "image/jpeg"),
        Capture(LATE_URL, "2021-06-21T08:00:00Z", late_page()),
        Capture("https://other-daily.example/img/tehran-protest.jpg", "2021-06-21T08:00:01Z", b"", "text/html",
                "301 Moved Permanently", [("Location", LATE_IMG)]),
        Capture(LATE_IMG, "2021-06-21T08:00:02Z", b"", "image/jpeg", revisit_of=(LATE_IMG, "2021-06-20T12:00:00Z")),
    ]
    return caps, original, copy
