"""Report formats show the timeline of earlier uses, reverse-search links and MediaReview JSON-LD."""

from __future__ import annotations

import io
import json

from rich.console import Console

from captioncheck._types import ImageInContext, Match, PageInfo, Sighting
from captioncheck.crosscheck import article_facts, cross_check
from captioncheck.report.html import to_html
from captioncheck.report.jsonfmt import from_json, to_json
from captioncheck.report.links import reverse_search_links
from captioncheck.report.mediareview import to_mediareview
from captioncheck.report.schema import CheckReport, ImageReport
from captioncheck.report.terminal import render
from captioncheck.verdict import ImageEvidence, judge, summarize

TEXT = ("Floodwaters swept through the eastern Libyan city of Derna after two dams collapsed during Storm Daniel. "
        "Rescue teams in Derna and Benghazi searched for survivors as Libya declared three days of mourning. ")


def report() -> CheckReport:
    page = PageInfo(url="https://news.example/2023/09/12/derna", title="Derna floods", language="en", published="2023-09-12",
                    text=TEXT * 2)
    image = ImageInContext(url="https://cdn.news.example/derna.jpg?w=800&x=<b>", caption="Flooded streets in Derna")
    earlier = Sighting(page_url="https://archive.example/2015/dhaka", published="2015-05-02", countries=["BD"], source="archive",
                       caption="Flooded streets in <script>Dhaka</script>, Bangladesh, May 2, 2015")
    match = Match(photo_id=3, origin="seen", score=0.95, caption=earlier.caption, page_url=earlier.page_url, sightings=[earlier])
    checks = cross_check(article_facts(page, [image]), image, [match])
    judged = judge(ImageEvidence(checks=checks, matches=[match], page_url=page.url))
    img = ImageReport(**image.model_dump(), verdict=judged.verdict, points=judged.points, reasons=judged.reasons,
                      matches=[match], checks=checks)
    return CheckReport(page=page, images=[img], summary=summarize([img.verdict]))


def test_links_only_for_public_addresses() -> None:
    links = reverse_search_links("https://cdn.example/a b.jpg?x=1&y=2")
    assert set(links) == {"Google Lens", "Bing Visual Search", "Yandex", "TinEye"}
    assert all("https%3A%2F%2Fcdn.example%2Fa%20b.jpg%3Fx%3D1%26y%3D2" in u for u in links.values())
    assert reverse_search_links("file:///home/me/photo.jpg") == {} and reverse_search_links("data:image/png;base64,AA") == {}


def test_json_round_trip_keeps_timeline_and_links() -> None:
    rep = report()
    back = from_json(to_json(rep))
    img = back.images[0]
    assert img.verdict == "suspicious" and img.search_links["TinEye"].startswith("https://tineye.com/search?url=https%3A")
    assert img.checks is not None and img.checks.sightings[0].published == "2015-05-02"
    assert back.schema_version == "2.0"


def test_html_shows_timeline_escaped_and_search_links() -> None:
    html = to_html(report())
    assert "Other appearances of this photo" in html and "2015-05-02" in html
    assert "<script>Dhaka" not in html and "&lt;script&gt;Dhaka" in html
    assert 'href="https://lens.google.com/uploadbyurl?url=https%3A%2F%2Fcdn.news.example' in html
    assert 'href="https://archive.example' not in html  # addresses from pages and the index stay text
    assert '<meta name="referrer" content="no-referrer">' in html


def test_terminal_lists_earlier_pages() -> None:
    buf = io.StringIO()
    render(report(), Console(file=buf, width=140, no_color=True))
    out = buf.getvalue()
    assert "seen on" in out and "2015-05-02 https://archive.example/2015/dhaka" in out and "earlier_use" in out


def test_mediareview_decontextualized_with_original_context() -> None:
    (review,) = json.loads(to_mediareview(report()))
    assert review["@type"] == "MediaReview" and review["mediaAuthenticityCategory"] == "DecontextualizedContent"
    assert review["originalMediaLink"] == "https://archive.example/2015/dhaka"
    assert "Dhaka" in review["originalMediaContextDescription"] and "2015-05-02" in review["originalMediaContextDescription"]
    assert review["itemReviewed"]["mediaItemAppearance"][0]["contentUrl"].startswith("https://cdn.news.example/derna.jpg")
