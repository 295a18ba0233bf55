"""Reverse-image-search links for one image: Google Lens, Bing Visual Search, Yandex, TinEye.

The links only carry the image's public http(s) address as a query parameter of a fixed search
host; nothing is sent anywhere unless the user opens one. Images without a public address
(saved copies, data: URIs) get no links: upload the file on the search site instead.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

ENGINES = (
    ("Google Lens", "https://lens.google.com/uploadbyurl?url={}"),
    ("Bing Visual Search", "https://www.bing.com/images/search?view=detailv2&iss=sbi&form=SBIVSP&sbisrc=UrlPaste&q=imgurl:{}"),
    ("Yandex", "https://yandex.com/images/search?rpt=imageview&url={}"),
    ("TinEye", "https://tineye.com/search?url={}"),
)
MAX_URL = 2000


def reverse_search_links(image_url: str) -> dict[str, str]:
    """Search engine name -> link that searches the web for this image ({} without a public URL)."""
    url = (image_url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # a broken IPv6 host ("http://[::1/a.jpg"): urlsplit refuses it
        return {}
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        return {}
    encoded = quote(url, safe="")
    return {name: template.format(encoded) for name, template in ENGINES}


__all__ = ["ENGINES", "reverse_search_links"]
