"""The seed page: exactly its three article photos with caption, credit, context and a way back."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from captioncheck.extract import extract
from captioncheck.load import load_page

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"


@pytest.fixture(scope="module")
def result():
    return extract(SEED)


def test_three_article_images(result) -> None:
    assert [i.role for i in result.images] == ["lead", "inline", "inline"]


def test_captions_and_credits(result) -> None:
    lead, second, third = result.images
    assert lead.caption.startswith("US Rep. Ilhan Omar (D-MN) (L) talks with Speaker of the House Nancy Pelosi")
    assert lead.caption.endswith("on March 08, 2019 in Washington, DC.")
    assert lead.credit == "AFP photo"
    assert (second.caption, second.credit) == ("Les soldats syriens déployés à Deir ez-Zor.", "Sputnik")
    assert third.caption.startswith("La rencontre du président du Parlement iranien")
    assert third.caption.endswith("août 2013.")
    assert third.credit.lstrip("©") == "Tasnim/archives"


def test_page_facts(result) -> None:
    page = result.page
    assert page.title == "Le chef du Service des renseignements extérieurs russe à Téhéran"
    assert page.language == "fr"
    assert page.published.startswith("2019-12-11")
    assert page.site_name == "Press TV"
    assert page.url.startswith("https://french.presstv.ir/")
    assert "Narychkine" in page.text and "Partager" not in page.text
    assert "NewsArticle" in page.jsonld_types


def test_lead_url_from_og_image_and_local_copy(result) -> None:
    lead = result.images[0]
    assert lead.url.startswith("https://cdn.presstv.ir/Photo/2019/12/11/")
    assert Path(lead.local_path).is_file()
    source = load_page(SEED)
    data = source.image_bytes(lead)
    assert data is not None and data == Path(lead.local_path).read_bytes()
    assert all(source.image_bytes(img) for img in result.images)


def test_context_and_selector(result) -> None:
    third = result.images[2]
    assert third.context_before.endswith("se poursuit toujours.")
    assert third.context_after.startswith("Le porte-parole de M. Narychkine")
    tree = LexborHTMLParser(SEED.read_text(encoding="utf-8"))
    for img in result.images:
        found = tree.css(img.selector)
        assert len(found) == 1 and found[0].tag == "img"


def test_all_images_lists_furniture_with_roles() -> None:
    roles = [i.role for i in extract(SEED, all_images=True).images]
    assert roles.count("lead") + roles.count("inline") == 3
    assert {"logo", "ad", "icon", "teaser"} <= set(roles)
