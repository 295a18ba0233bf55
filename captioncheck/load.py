"""Saved page -> `PageSource`: decoded HTML, the page's address and any local copies of its images.

Reads a saved `.html`/`.htm` (with its "Webpage, Complete" `NAME_files/` folder when present) or a
Chrome single-file `.mhtml` (MIME multipart, parsed with the stdlib `email` package). The charset
comes from a BOM, the MHTML part header, `<meta charset>`/`http-equiv`, else charset-normalizer
guesses (many real pages are undeclared UTF-8). The page address comes from `--url`, else Chrome's
`<!-- saved from url=... -->` mark, `<base href>`, `<link rel=canonical>` or `og:url`.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from captioncheck._exceptions import InputError
from captioncheck._sniff import starts_as_document

if TYPE_CHECKING:
    from email.message import Message

    from captioncheck._types import ImageInContext

MAX_PAGE_BYTES = 50 * 1024 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.IGNORECASE)
_HEAD_URLS = (
    ("base", re.compile(r"""<base\s[^>]*href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)),
    ("canonical", re.compile(r"""<link\s[^>]*rel\s*=\s*["']?canonical["']?[^>]*href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)),
    ("canonical", re.compile(r"""<link\s[^>]*href\s*=\s*["']([^"']+)["'][^>]*rel\s*=\s*["']?canonical""", re.IGNORECASE)),
    ("og", re.compile(r"""<meta\s[^>]*property\s*=\s*["']og:url["'][^>]*content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)),
    ("og", re.compile(r"""<meta\s[^>]*content\s*=\s*["']([^"']+)["'][^>]*property\s*=\s*["']og:url["']""", re.IGNORECASE)),
)


@dataclass
class PageSource:
    """A page ready for extraction: its HTML text, its address and local copies of its images."""

    html: str
    url: str = ""
    path: Path | None = None
    charset: str = ""
    # absolute URL (or local file URI) -> bytes or file path of a copy saved with the page
    local_images: dict[str, bytes | Path] = field(default_factory=dict)

    def local_copy(self, url: str) -> bytes | Path | None:
        """The saved copy for one candidate URL, if the page came with one."""
        if url in self.local_images:
            return self.local_images[url]
        return self.local_images.get(_strip_fragment(url))

    def image_bytes(self, image: ImageInContext) -> bytes | None:
        """Bytes of a locally saved copy of `image` (Webpage-Complete file, MHTML part, given bytes)."""
        for url in [image.local_path, image.url, *image.urls]:
            if not url:
                continue
            found = self.local_copy(url)
            if found is None and url == image.local_path:
                found = Path(url)
            data = _read(found)
            if data is not None:
                return data
        return None


def _read(found: bytes | Path | None) -> bytes | None:
    if found is None or isinstance(found, bytes):
        return found
    try:
        return found.read_bytes()
    except OSError:
        return None


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def decode_html(raw: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM, then a declared charset (HTTP/MIME), then <meta>, then detection."""
    for bom, bom_codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(bom_codec, errors="replace"), bom_codec
    for name in (declared, _meta_charset(raw)):
        codec = _codec(name)
        if codec is None:
            continue
        if codec in _SINGLE_BYTE and not raw.isascii():  # declared Latin-1 but saved as UTF-8? the bytes tell
            try:
                return raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            break  # the declaration lies: detect instead
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _detect(raw)


_SINGLE_BYTE = frozenset({"cp1252", "iso8859-15", "cp1250", "iso8859-2", "cp1257", "cp1254", "mac-roman"})
# guesses that are usually windows-1252 text misread (charset-normalizer names)
_LATIN_GUESSES = frozenset({"cp1257", "cp1254", "cp1258", "iso8859_1", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13",
                            "iso8859_14", "iso8859_15", "latin_1", "mac_roman", "mac_iceland", "mac_turkish", "cp850", "cp437"})




def _meta_charset(raw: bytes) -> str | None:
    m = _META_CHARSET.search(raw[:4096]) or _META_CHARSET.search(raw[:65536])
    return m.group(1).decode("ascii", "ignore") if m else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}:
        name = "cp1252"  # what browsers do (WHATWG encoding standard)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _detect(raw: bytes) -> tuple[str, str]:
    """Undeclared, not UTF-8: windows-1252 for Latin-script text, else what charset-normalizer finds.

    Short pages fool statistical detection (a French page comes out as cp775, cp857 or cp1250), so
    a page whose bytes read as windows-1252 words is taken as windows-1252, as browsers in Western
    locales do; Central European text (ř, ł, ą...) and other scripts are left to the detector.
    """
    from charset_normalizer import from_bytes

    sample = raw[:200_000]
    best = from_bytes(sample).best()
    codec = best.encoding if best is not None else "cp1252"
    if codec in _LATIN_GUESSES or (codec not in _OTHER_SCRIPTS and _reads_as_western(sample)):
        codec = "cp1252"
    return raw.decode(codec, errors="replace"), codec


# detector answers trusted as they are: code pages of other scripts and of Central Europe
_OTHER_SCRIPTS = frozenset({"cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866", "cp1253", "iso8859_7",
                            "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620", "shift_jis", "cp932",
                            "euc_jp", "iso2022_jp", "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp949", "euc_kr",
                            "utf_16", "utf_16_le", "utf_16_be", "utf_32", "cp1258"})
_WESTERN = frozenset("àâäçèéêëîïôöùûüÿœæßñõãåøÀÂÄÇÈÉÊËÎÏÔÖÙÛÜŒÆÑÕÃÅØ")
_CENTRAL = frozenset("ąćęłńśźżčěřšžůťďňőűĺľŕĄĆĘŁŃŚŹŻČĚŘŠŽŮŤĎŇŐŰĹĽŔ")


def _reads_as_western(raw: bytes) -> bool:
    """The non-ASCII bytes read as windows-1252 letters inside Latin words, better than as Central European."""
    try:
        western = raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [c for c in western if ord(c) > 127 and c.isalpha()]  # typographic quotes and dashes say nothing
    if not high:
        return True
    letters = sum(c in _WESTERN for c in high)
    central = sum(c in _CENTRAL for c in raw.decode("cp1250", errors="replace") if ord(c) > 127)
    words = re.findall(r"[^\W\d_]+", western)
    mixed = [w for w in words if not w.isascii()]
    ascii_share = sum(sum(c.isascii() for c in w) for w in mixed) / max(sum(map(len, mixed)), 1)
    return letters >= 0.6 * len(high) and letters > central and ascii_share >= 0.5


def page_url_from_html(html: str) -> str:
    """The page's own address as the saved HTML states it (saved-from mark, base, canonical, og:url)."""
    head = html[:200_000]
    saved = _SAVED_FROM.search(head[:2000])
    found: dict[str, str] = {}
    for kind, rx in _HEAD_URLS:
        m = rx.search(head)
        if m and kind not in found:
            found[kind] = m.group(1).strip()
    candidates = [saved.group(1) if saved else "", found.get("canonical", ""), found.get("og", "")]
    base = found.get("base", "")
    if _is_web_url(base):
        candidates.insert(1, base)
    return next((_unescape(u) for u in candidates if _is_web_url(u)), "")


def _unescape(url: str) -> str:
    import html as html_mod

    return html_mod.unescape(url)


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken IPv6 host ("http://[::1/"): no address of this page
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _given_url(url: str | None) -> str:
    """The page URL a user gave (`--url`, the API's `url` with `html`), refused in one line when unreadable."""
    if url:
        try:
            urlsplit(url)
        except ValueError as exc:
            raise InputError(f"not a valid page URL: {url[:200]!r} ({exc}); give the page's http(s) address") from exc
    return url or ""


def join_url(base: str, ref: str) -> str:
    """urljoin, or "" where it refuses the base or the reference (a broken IPv6 host)."""
    try:
        return urljoin(base, ref)
    except ValueError:
        return ""


def page_from_html(html: str | bytes, url: str, images: dict[str, bytes] | None = None) -> PageSource:
    """A page given as HTML (by the API or the browser extension), with optional image bytes by URL."""
    charset = ""
    if isinstance(html, bytes):
        html, charset = decode_html(html)
    page_url = _given_url(url) or page_url_from_html(html)
    local: dict[str, bytes | Path] = {}
    for key, data in (images or {}).items():
        local[(join_url(page_url, key) or key) if page_url else key] = data
    return PageSource(html=html, url=page_url, charset=charset, local_images=local)


def load_page(path: str | Path, url: str | None = None) -> PageSource:
    """Read a saved page (.html/.htm, "Webpage, Complete" or .mhtml) into a `PageSource`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such page file: {path} (give the path of a saved .html or .mhtml page)")
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise InputError(f"{path} is larger than {MAX_PAGE_BYTES // 2**20} MiB: save only the article page")
    raw = path.read_bytes()
    if path.suffix.lower() in {".mhtml", ".mht"} or _looks_like_mhtml(raw):
        return _load_mhtml(raw, path, url)
    html, charset = decode_html(raw)
    if not starts_as_document(html) and (_binary(html) or not re.search(r"<(html|body|div|p|img|head)\b", html[:100_000],
                                                                       re.IGNORECASE)):
        raise InputError(f"{path} does not look like an HTML page: give a saved .html or .mhtml file")
    page_url = _given_url(url) or page_url_from_html(html)
    source = PageSource(html=html, url=page_url, path=path, charset=charset)
    source.local_images = _local_files(html, path, page_url)
    return source


def _local_files(html: str, path: Path, page_url: str) -> dict[str, bytes | Path]:
    """Map each image reference that points into the page's own folder to that file."""
    local: dict[str, bytes | Path] = {}
    folder = path.parent.resolve()
    inside = os.path.join(str(folder), "")
    folders: dict[str, bool] = {}  # folder -> exists: one stat per folder a page names, not per file in it
    for ref in dict.fromkeys(_REF.findall(html)):  # in page order, each once
        # a root-relative ("/x.jpg", "//host/x.jpg") or absolute URL never names a file saved with the page
        if ref.startswith(("http:", "https:", "data:", "/", "#", "javascript:", "mailto:")):
            continue
        # resolved as a browser resolves a relative URL (lexically), then one stat: a page naming 40 000
        # missing files costs 40 000 stats, not 40 000 symlink walks; only a file that exists is resolved
        candidate = os.path.normpath(os.path.join(inside, unquote(ref.split("?", 1)[0])))
        if not candidate.startswith(inside):
            continue
        parent = os.path.dirname(candidate)
        exists = folders.get(parent)
        if exists is None:
            exists = folders[parent] = os.path.isdir(parent)  # isdir/isfile: False on NUL, too long
        if not exists or not os.path.isfile(candidate):
            continue
        try:
            file = Path(candidate).resolve()  # a symlink must not lead out of the page's folder
            usable = folder in file.parents and file.suffix.lower() != ".html"
        except (ValueError, OSError):  # a NUL byte ("%00") or a name too long: no file of this page
            continue
        if usable:
            local[file.as_uri()] = file
            if page_url and (joined := join_url(page_url, ref)):
                local[joined] = file
    return local


# src=, srcset=, data-src= or href= in any case: spelled out, because re.IGNORECASE scans a large page 5x slower
_REF = re.compile(r"""[sShH](?:(?<=[sS])[rR][cC](?:[sS][eE][tT])?|(?<=[hH])[rR][eE][fF])\s*=\s*["']([^"'\s,]+)""")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _binary(text: str) -> bool:
    """Decoded text with control characters or undecodable bytes in it is not a page (an image, an archive)."""
    head = text[:65536]
    return len(_CONTROL.findall(head)) > max(8, len(head) // 100)


def _looks_like_mhtml(raw: bytes) -> bool:
    head = raw[:2000].lower()
    return b"mime-version:" in head and b"multipart/related" in head


MAX_MHTML_NESTING = 32  # browsers save one multipart/related level; archives nest a few at most


def _load_mhtml(raw: bytes, path: Path, url: str | None) -> PageSource:
    nesting = len(re.findall(rb"(?im)^content-type:\s*multipart/", raw[:MAX_PAGE_BYTES]))
    if nesting > MAX_MHTML_NESTING:
        raise InputError(f"{path} holds {nesting} multipart sections (a saved page has a few): "
                         "save the page again as .mhtml from the browser")
    import email.policy  # MHTML only: it imports the header registry, whose patterns differ in every process

    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        parts = [part for part in msg.walk() if not part.is_multipart()]
    except RecursionError:
        raise InputError(f"{path} is nested too deeply to be a saved page: save it again as .mhtml") from None
    if not msg.is_multipart():
        raise InputError(f"{path} is not a multipart MHTML archive: save the page again as .mhtml")
    html_part: Message | None = None
    resources: dict[str, bytes | Path] = {}
    for part in parts:
        location = (part.get("Content-Location") or "").strip()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if html_part is None and part.get_content_type() == "text/html":
            html_part = part
            continue
        if location and part.get_content_maintype() == "image":
            resources[location] = payload
    if html_part is None:
        raise InputError(f"{path} holds no HTML part: save the page again as .mhtml")
    body = html_part.get_payload(decode=True)
    html, charset = decode_html(body if isinstance(body, bytes) else b"", html_part.get_content_charset())
    location = (html_part.get("Content-Location") or msg.get("Snapshot-Content-Location") or "").strip()
    page_url = _given_url(url) or (location if _is_web_url(location) else "") or page_url_from_html(html)
    return PageSource(html=html, url=page_url, path=path, charset=charset, local_images=resources)


__all__ = ["PageSource", "decode_html", "join_url", "load_page", "page_from_html", "page_url_from_html"]
